# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..const import PROPOSAL_ONLY_KINDS, SINGLE_SESSION_KINDS
from ..formatting import format_hours_words
from ..utils import check_number_values


class SupportPlan(models.Model):
    """A support service as the consultancy sells it (policy §1)."""

    _name = "support.plan"
    _description = "Support Plan"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [
            ("diagnosis", "Diagnosis"),
            ("incident", "Bounded incident"),
            ("hour_bag", "Hour bag"),
            ("monthly", "Monthly retainer"),
            ("project", "Project"),
        ],
        required=True,
        default="hour_bag",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        ondelete="restrict",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="The service product sold for this plan. Its price includes IVA.",
    )
    list_price = fields.Float(
        related="product_id.lst_price", string="Price (IVA included)"
    )
    hours_included = fields.Float(
        required=True,
        default=1.0,
        help="1 hour for a diagnosis or an incident; the size of an hour bag; "
        "the hours of each monthly cycle for a retainer.",
    )
    session_length = fields.Float(default=1.0, help="Usual length of a session.")
    meetings_per_month = fields.Integer(
        help="Meetings included in each monthly cycle (monthly retainer)."
    )
    validity_months = fields.Integer(
        help="Hour bags only: months a bag stays usable after purchase. "
        "0 means no expiry."
    )
    rollover_periods = fields.Integer(
        help="Monthly retainer only: number of following cycles in which "
        "unused hours stay available. 0 (the policy) means unused hours "
        "expire at the close of each cycle."
    )
    policy_id = fields.Many2one(
        "support.policy",
        string="Cancellation policy",
        check_company=True,
        help="The policy that governs what this plan's clients get back when "
        "they cancel. Empty: the company's default policy.",
    )
    booking_url = fields.Char(string="Booking URL")
    contact_email = fields.Char(
        help="Formal email channel for this service (policy §3)."
    )
    whatsapp_number = fields.Char(
        string="WhatsApp number", help="Complementary channel only."
    )
    description = fields.Html(translate=True)
    contract_ids = fields.One2many("support.contract", "plan_id")
    contract_count = fields.Integer(compute="_compute_contract_count")

    _sql_constraints = [
        (
            "product_uniq",
            "unique(product_id)",
            "A product can be sold for one support plan only.",
        ),
    ]

    def _compute_contract_count(self):
        data = self.env["support.contract"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
        )
        counts = {plan.id: count for plan, count in data}
        for plan in self:
            plan.contract_count = counts.get(plan.id, 0)

    @api.constrains(
        "kind",
        "hours_included",
        "session_length",
        "meetings_per_month",
        "validity_months",
        "rollover_periods",
    )
    def _check_hours(self):
        for plan in self:
            if float_compare(plan.hours_included, 0.0, precision_digits=2) <= 0:
                raise ValidationError(
                    _("The hours included in a plan must be positive.")
                )
            if not 0 < plan.session_length <= 24:
                raise ValidationError(
                    _("A session lasts more than 0 and at most 24 hours.")
                )
            if plan.kind in SINGLE_SESSION_KINDS and (
                float_compare(plan.hours_included, 1.0, precision_digits=2)
                or float_compare(plan.session_length, 1.0, precision_digits=2)
            ):
                raise ValidationError(
                    _(
                        "A diagnosis or an incident is a single one-hour "
                        "session: its hours and session length must be 1."
                    )
                )
            if (
                min(
                    plan.meetings_per_month, plan.validity_months, plan.rollover_periods
                )
                < 0
            ):
                raise ValidationError(
                    _("Meetings, validity and roll-over cannot be negative.")
                )
            if plan.rollover_periods and plan.kind != "monthly":
                raise ValidationError(
                    _("Only a monthly retainer can roll unused hours over.")
                )
            if plan.validity_months and plan.kind != "hour_bag":
                raise ValidationError(_("Only an hour bag can have a validity."))

    @api.constrains("product_id")
    def _check_product(self):
        for plan in self:
            if plan.product_id and plan.product_id.type != "service":
                raise ValidationError(
                    _("The product of a support plan must be a service.")
                )
            if float_compare(plan.product_id.lst_price, 0.0, precision_digits=2) < 0:
                raise ValidationError(
                    _("The price of a support plan cannot be negative.")
                )
            plan.product_id.product_tmpl_id._check_support_taxes_included(plan)

    @api.model_create_multi
    def create(self, vals_list):
        # Who may not create plans is told so, whatever the values.
        self.check_access_rights("create")
        for vals in vals_list:
            self._check_number_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.check_access_rights("write")
        self._check_number_values(vals)
        return super().write(vals)

    def action_view_contracts(self):
        """Open the contracts sold under this plan."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "asesorateya_support.support_contract_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Web shop (policy §1, §2, §4, §10)
    # ------------------------------------------------------------------
    def _get_policy(self):
        """The cancellation policy that governs this plan's sales: its own,
        else its company's default.

        :return: a ``support.policy``, possibly empty
        """
        self.ensure_one()
        return self.policy_id or self.company_id._get_support_policy()

    @api.model
    def _get_shop_diagnosis(self, company):
        """The diagnosis ``company`` sells in the shop: where a client starts
        before an hour bag (policy §1, §2).

        :return: a ``support.plan`` (sudo), empty when none is published
        """
        return self.sudo().search(
            [
                ("kind", "=", "diagnosis"),
                ("company_id", "=", company.id),
                ("product_id.is_published", "=", True),
            ],
            limit=1,
        )

    @api.model
    def _get_shop_plans(self, company):
        """The plans ``company`` sells in the shop (not the hour bags, sold
        through a proposal): what a client without a contract can buy.

        :return: ``support.plan`` records (sudo), diagnosis first
        """
        plans = self.sudo().search(
            [
                ("kind", "not in", PROPOSAL_ONLY_KINDS),
                ("company_id", "in", [company.id, False]),
                ("product_id.is_published", "=", True),
                ("product_id.sale_ok", "=", True),
            ]
        )
        return plans.sorted(lambda plan: (plan.kind != "diagnosis", plan.id))

    def _get_shop_terms(self):
        """What the plan's shop page tells a buyer in place of a store's
        generic terms: what the service includes and what cancelling gives
        back, from the policy version in force today.

        :return: dict with ``included`` and ``conditions`` (lists of
            sentences, in the context's language) and ``policy`` (the
            ``support.policy``, possibly empty)
        """
        self.ensure_one()
        policy = self._get_policy()
        version = (
            policy._version_at((self.company_id or self.env.company)._support_today())
            if policy
            else self.env["support.policy.version"]
        )
        return {
            "included": self._get_shop_terms_included(),
            "conditions": self._get_shop_terms_conditions(version),
            "policy": policy,
        }

    def _get_shop_terms_included(self):
        """What the plan includes, as its shop page says it (policy §1, §4).

        :return: list of sentences, in the context's language
        """
        self.ensure_one()
        hours = format_hours_words(self.hours_included)
        included = []
        if self.kind in SINGLE_SESSION_KINDS:
            included += [
                _(
                    "One working session of %(hours)s by videoconference (policy §4).",
                    hours=hours,
                ),
                _(
                    "Right after the purchase, an email brings the link to book "
                    "your session; send us the description of the case and any "
                    "useful background before it (policy §2, §9)."
                ),
            ]
        elif self.kind == "monthly":
            included.append(
                _(
                    "%(hours)s of work each monthly cycle, with priorities "
                    "agreed at its start (policy §1, §9).",
                    hours=hours,
                )
            )
            if self.meetings_per_month:
                included.append(
                    _(
                        "%(count)s meetings included each cycle.",
                        count=self.meetings_per_month,
                    )
                )
            included += [
                _("Hours not used in a month do not roll over (policy §7).")
                if not self.rollover_periods
                else _(
                    "Hours not used in a month stay available for the next "
                    "%(count)s cycles.",
                    count=self.rollover_periods,
                ),
                _(
                    "Paid monthly in advance, at the start of each cycle; you "
                    "may discontinue it with notice (policy §7, §8)."
                ),
            ]
        elif self.kind == "hour_bag":
            included.append(
                _(
                    "%(hours)s of technical work on a scope validated beforehand "
                    "(policy §2).",
                    hours=hours,
                )
            )
        if self.kind in ("hour_bag", "monthly"):
            included.append(
                _(
                    "After each session, a summary of the hours used and left; "
                    "a warning before they run out (policy §4, §6)."
                )
            )
        return included

    def _get_shop_terms_conditions(self, version):
        """What cancelling gives back under ``version`` (policy §10).

        :param version: the ``support.policy.version`` in force, possibly empty
        :return: list of sentences, in the context's language
        """
        self.ensure_one()
        conditions = []
        if version.withdrawal_days:
            conditions.append(
                _(
                    "Withdrawal: within %(days)s days of the purchase and before "
                    "the service starts, you may cancel and get back everything "
                    "you paid (policy §10).",
                    days=version.withdrawal_days,
                )
            )
        if version and version.started_outcome == "credit":
            conditions.append(
                _(
                    "Once the service has started, the work done is charged and "
                    "the unused balance becomes a credit in your favour, valid "
                    "%(months)s months, or is refunded on request (policy §10).",
                    months=version.credit_validity_months,
                )
            )
        elif version and version.started_outcome == "refund":
            conditions.append(
                _(
                    "Once the service has started, the work done is charged and "
                    "the unused balance is refunded (policy §10)."
                )
            )
        elif version:
            conditions.append(
                _(
                    "Once the service has started, the work done is charged and "
                    "a manager decides between a refund and a credit for the "
                    "unused balance (policy §10)."
                )
            )
        if version and self.kind == "monthly":
            conditions.append(
                _(
                    "A monthly plan counts only the unused hours of the current "
                    "cycle; earlier cycles are not refundable (policy §10)."
                )
            )
        return conditions

    @api.model
    def _check_number_values(self, vals):
        """Refuse hours and counts that are no number, NaN, or beyond what the
        database holds, before the rules above compare them (NaN fails in the
        rounding) or the database refuses them (``integer out of range``)."""
        check_number_values(
            self,
            vals,
            (
                "hours_included",
                "session_length",
                "meetings_per_month",
                "validity_months",
                "rollover_periods",
                "sequence",
            ),
        )
