# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import OUTCOME_SELECTION

#: The terms of a version that cannot be negative (``terms_positive``).
POSITIVE_TERMS = (
    "withdrawal_days",
    "credit_validity_months",
    "conversion_credit_validity_months",
    "retainer_notice_days",
    "claim_response_days",
    "breach_correction_days",
    "revision_rounds_included",
    "revision_round_price",
    "booking_notice_hours",
)

#: Parameters of a policy version: a version that governs a contract keeps them.
POLICY_TERMS = (
    "withdrawal_days",
    "before_start_outcome",
    "started_outcome",
    "credit_validity_months",
    "conversion_credit_validity_months",
    "retainer_notice_days",
    "refund_needs_approval",
    "deposit_percent",
    "progress_step_percent",
    "revision_rounds_included",
    "revision_round_price",
    "claim_response_days",
    "breach_correction_days",
    "booking_notice_hours",
    "terms_text",
)


class SupportPolicy(models.Model):
    """A cancellation and refund policy, as a series of dated versions.

    The client is governed by the version in force when it accepted the
    quote or bought the service (agency policy §8.1): contracts point to a
    version, which no longer changes once one does; a change makes a new
    version.
    """

    _name = "support.policy"
    _description = "Cancellation and Refund Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Empty: the policy is shared by every company.",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", string="Currency"
    )
    version_ids = fields.One2many(
        "support.policy.version", "policy_id", string="Versions"
    )
    current_version_id = fields.Many2one(
        "support.policy.version",
        string="Version in force",
        compute="_compute_current_version_id",
        help="The version that governs a purchase made today.",
    )
    version_count = fields.Integer(compute="_compute_current_version_id")

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for policy in self:
            policy.currency_id = (
                policy.company_id.currency_id or self.env.company.currency_id
            )

    @api.depends("version_ids.date_from", "version_ids.number")
    def _compute_current_version_id(self):
        for policy in self:
            company = policy.company_id or self.env.company
            policy.current_version_id = policy._version_at(company._support_today())
            policy.version_count = len(policy.version_ids)

    def _version_at(self, date):
        """The version in force on ``date``: the latest one begun by then.

        :return: a ``support.policy.version``, empty if none was in force
        """
        self.ensure_one()
        versions = self.version_ids.filtered(lambda v: v.date_from <= date).sorted(
            lambda v: (v.date_from, v.number)
        )
        return versions[-1:]

    def _set_terms(self, vals):
        """Change the policy's terms from today on.

        The version in force is edited while no contract uses it; otherwise a
        new version, in force from today, is made with the new terms, and
        the contracts keep theirs.

        :return: the version that now holds the terms
        """
        self.ensure_one()
        # Refused before a version is made: the database's check
        # (``terms_positive``) would stop its insert with an error of its own.
        if any((vals.get(name) or 0) < 0 for name in POSITIVE_TERMS):
            raise ValidationError(
                _("A policy's days, months, rounds and prices cannot be negative.")
            )
        current = self.current_version_id
        if not current:
            return self.env["support.policy.version"].create(
                dict(vals, policy_id=self.id)
            )
        changed = {
            name: value
            for name, value in vals.items()
            if current._fields[name].convert_to_write(current[name], current) != value
        }
        if not changed:
            return current
        if not current.is_used:
            current.write(changed)
            return current
        return current._copy_as_new_version(changed)

    def action_new_version(self):
        """Open a new version, in force from today, copied from the current one."""
        self.ensure_one()
        source = self.current_version_id or self.version_ids.sorted("number")[-1:]
        if source:
            version = source._copy_as_new_version({})
        else:
            version = self.env["support.policy.version"].create({"policy_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.policy.version",
            "res_id": version.id,
            "view_mode": "form",
            "target": "current",
        }


class SupportPolicyVersion(models.Model):
    """The terms of a policy from one date on."""

    _name = "support.policy.version"
    _description = "Policy Version"
    _order = "policy_id, date_from desc, number desc"
    _rec_names_search = ["policy_id"]

    policy_id = fields.Many2one(
        "support.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    currency_id = fields.Many2one(related="policy_id.currency_id")
    number = fields.Integer(string="Version", readonly=True, copy=False)
    date_from = fields.Date(
        string="In force from",
        required=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
        help="Purchases and acceptances from this day on are governed by this "
        "version, until a later one begins.",
    )
    withdrawal_days = fields.Integer(
        string="Statutory withdrawal (days)",
        default=10,
        help="Calendar days after the purchase (the purchase day is day 0) in "
        "which a client who has not started the service withdraws with a "
        "full refund. 0: no withdrawal window.",
    )
    before_start_outcome = fields.Selection(
        OUTCOME_SELECTION,
        string="Before the start, after the withdrawal window",
        required=True,
        default="refund",
    )
    started_outcome = fields.Selection(
        OUTCOME_SELECTION,
        string="After the start, the unused balance becomes",
        required=True,
        default="credit",
    )
    credit_validity_months = fields.Integer(
        string="Credit validity (months)",
        default=6,
        help="Counted from the day of the cancellation request.",
    )
    conversion_credit_validity_months = fields.Integer(
        string="Validity of a §5 credit (months)",
        default=0,
        help="A diagnosis or incident converted into a credit towards a larger "
        "service (support policy §5): months from the conversion. 0: no "
        "expiry, as §5 sets none.",
    )
    retainer_notice_days = fields.Integer(
        string="Notice to end a monthly plan (days)",
        default=0,
        help="A monthly plan ended with notice (support policy §7) ends on the "
        "last day of the cycle covering the request date plus these days. 0: "
        "at the end of the current cycle, as the shipped policy says.",
    )
    refund_needs_approval = fields.Boolean(
        string="Refund instead of credit needs a manager",
        default=True,
    )
    deposit_percent = fields.Float(
        string="Non-refundable deposit (%)",
        help="Share of a project's price paid up front and never refunded.",
    )
    progress_step_percent = fields.Integer(
        string="Progress step (%)",
        default=10,
        help="A project item's progress moves in steps of this size.",
    )
    revision_rounds_included = fields.Integer(
        string="Revision rounds included",
        help="Rounds of adjustments included in a project; further rounds are "
        "billed at the price below.",
    )
    revision_round_price = fields.Monetary(
        string="Price of an extra round", help="IVA included."
    )
    claim_response_days = fields.Integer(
        string="Answer to a written claim within (days)", default=10
    )
    breach_correction_days = fields.Integer(
        string="Time to remedy a breach (days)", default=15
    )
    booking_notice_hours = fields.Integer(
        string="Notice to reschedule or cancel a booking (hours)",
        default=24,
        help="A client reschedules or cancels a booked session up to this many "
        "hours before it starts; later, only the consultancy can move it. The "
        "policy's text is silent: 24 hours is the default.",
    )
    terms_text = fields.Html(
        string="Policy text",
        translate=True,
        help="The text the client accepted.",
    )
    contract_ids = fields.One2many("support.contract", "policy_version_id")
    contract_count = fields.Integer(compute="_compute_contract_count")
    is_used = fields.Boolean(
        compute="_compute_contract_count",
        help="A version that governs a contract no longer changes.",
    )

    _sql_constraints = [
        (
            "number_uniq",
            "unique(policy_id, number)",
            "A policy has one version per number.",
        ),
        (
            "terms_positive",
            "CHECK(withdrawal_days >= 0 AND credit_validity_months >= 0 "
            "AND conversion_credit_validity_months >= 0 "
            "AND retainer_notice_days >= 0 "
            "AND claim_response_days >= 0 AND breach_correction_days >= 0 "
            "AND revision_rounds_included >= 0 AND revision_round_price >= 0 "
            "AND booking_notice_hours >= 0)",
            "Days, months, rounds and prices of a policy cannot be negative.",
        ),
        (
            "deposit_range",
            "CHECK(deposit_percent >= 0 AND deposit_percent <= 100)",
            "The deposit is a percentage between 0 and 100.",
        ),
        (
            "step_range",
            "CHECK(progress_step_percent > 0 AND progress_step_percent <= 100 "
            "AND mod(100, progress_step_percent) = 0)",
            "The progress step is a percentage that divides 100 (10, 20, 25...).",
        ),
    ]

    @api.constrains(*POSITIVE_TERMS)
    def _check_terms_positive(self):
        """The terms, refused with their rule before the database's check
        (``terms_positive``) would stop them with an error of its own: the
        Settings page writes them."""
        for version in self:
            if any(version[name] < 0 for name in POSITIVE_TERMS):
                raise ValidationError(
                    _("A policy's days, months, rounds and prices cannot be negative.")
                )

    # Depends on the contracts: a version a contract took in this very
    # transaction is used at once, and ``write`` refuses to change its terms
    # (without it, the count cached before the sale said "unused").
    @api.depends("contract_ids")
    def _compute_contract_count(self):
        data = (
            self.env["support.contract"]
            .sudo()
            ._read_group(
                [("policy_version_id", "in", self.ids)],
                ["policy_version_id"],
                ["__count"],
            )
        )
        counts = {version.id: count for version, count in data}
        for version in self:
            version.contract_count = counts.get(version.id, 0)
            version.is_used = bool(version.contract_count)

    @api.depends("policy_id.name", "number", "date_from")
    def _compute_display_name(self):
        for version in self:
            version.display_name = _(
                "%(policy)s, version %(number)s (%(date)s)",
                policy=version.policy_id.name,
                number=version.number,
                date=version.date_from,
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("number") and vals.get("policy_id"):
                last = self.search(
                    [("policy_id", "=", vals["policy_id"])],
                    order="number desc",
                    limit=1,
                )
                vals["number"] = (
                    max(
                        [last.number]
                        + [
                            other.get("number", 0)
                            for other in vals_list
                            if other.get("policy_id") == vals["policy_id"]
                        ]
                    )
                    + 1
                )
        return super().create(vals_list)

    def write(self, vals):
        frozen = set(POLICY_TERMS) | {"policy_id", "date_from"}
        if frozen & set(vals):
            for version in self:
                if version.is_used:
                    raise UserError(
                        _(
                            "%(version)s governs %(count)s contracts and no "
                            "longer changes: make a new version with the new "
                            "terms (agency policy §8.1).",
                            version=version.display_name,
                            count=version.contract_count,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        for version in self:
            if version.is_used:
                raise UserError(
                    _(
                        "%(version)s governs contracts: it is kept.",
                        version=version.display_name,
                    )
                )

    def _copy_as_new_version(self, changes):
        """A new version of the same policy, in force from today.

        :param dict changes: the terms that differ from this version
        """
        self.ensure_one()
        vals = {
            name: self._fields[name].convert_to_write(self[name], self)
            for name in POLICY_TERMS
        }
        vals.update(changes)
        vals.update(
            policy_id=self.policy_id.id,
            date_from=max(
                (self.company_id or self.env.company)._support_today(), self.date_from
            ),
        )
        return self.create(vals)

    def _terms_for_quote(self):
        """The terms a cancellation quote applies, as plain values."""
        self.ensure_one()
        return {
            "withdrawal_days": self.withdrawal_days,
            "before_start_outcome": self.before_start_outcome,
            "started_outcome": self.started_outcome,
            "credit_validity_months": self.credit_validity_months,
        }
