# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..const import GROUP_MANAGER
from ..formatting import format_day

#: What may be recorded as the compensation of an unremedied breach.
COMPENSATION_FIELDS = {"compensation_type", "compensation_note", "exception_text"}


class SupportBreach(models.Model):
    """An objective breach of a project by the agency (agency policy §6).

    The agency remedies it, preferably, within the policy version's delay
    (§6.2): open, then remedied, or not remedied in time once the deadline
    passes (a daily cron). A remedy that comes after the deadline is still
    recorded, as late. When the deadline passed, the parties may agree a
    non-monetary compensation for the work not done (§6.3); the deposit is
    refunded only under an express written agreement, which a manager
    records. Recording the compensation makes no accounting document: what
    it gives is done through the usual documents.
    """

    _name = "support.breach"
    _description = "Objective Breach"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_recorded desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    contract_id = fields.Many2one(
        "support.contract",
        string="Project",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('kind', '=', 'project')]",
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    policy_version_id = fields.Many2one(related="contract_id.policy_version_id")
    claim_id = fields.Many2one(
        "support.claim",
        string="Reported in claim",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        domain="[('contract_id', '=', contract_id)]",
    )
    description = fields.Text(
        required=True,
        help="What the agency failed to do: e.g. the site was not delivered, "
        "or an essential function (cart, agreed payment gateway, critical "
        "integration) is missing (agency policy §6.1).",
    )
    date_recorded = fields.Date(
        string="Recorded on",
        required=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
        tracking=True,
    )
    date_correction_due = fields.Date(
        string="Remedy due by",
        compute="_compute_date_correction_due",
        store=True,
        help="The date recorded plus the policy version's time to remedy a "
        "breach (agency policy §6.2).",
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("remedied", "Remedied"),
            ("unremedied", "Not remedied in time"),
        ],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    remedy_note = fields.Text(
        string="Remedy", copy=False, help="What the agency did to remedy it."
    )
    remedied_on = fields.Date(readonly=True, copy=False)
    is_remedied_late = fields.Boolean(
        string="Remedied late",
        compute="_compute_is_remedied_late",
        store=True,
        help="Remedied after the deadline: a compensation may still be agreed.",
    )
    remedied_by_id = fields.Many2one(
        "res.users", string="Remedied by", readonly=True, copy=False
    )
    compensation_type = fields.Selection(
        [
            ("non_monetary", "Non-monetary"),
            ("deposit_refund", "Deposit refund (written exception)"),
        ],
        required=True,
        default="non_monetary",
        tracking=True,
        help="§6.3: the compensation of a breach not remedied in time is not "
        "monetary; the deposit is refunded only under an express written "
        "agreement between the agency and the client, which only a manager "
        "records.",
    )
    compensation_note = fields.Text(
        string="Compensation agreed",
        copy=False,
        tracking=True,
        help="The compensation agreed for the work not done.",
    )
    exception_text = fields.Text(
        string="Written exception",
        copy=False,
        tracking=True,
        help="The express written agreement with the client that grants a "
        "refund of the deposit (agency policy §6.3).",
    )
    compensation_date = fields.Date(
        string="Compensation recorded on", readonly=True, copy=False
    )
    compensation_by_id = fields.Many2one(
        "res.users", string="Compensation recorded by", readonly=True, copy=False
    )

    @api.depends("date_recorded", "contract_id.policy_version_id")
    def _compute_date_correction_due(self):
        for breach in self:
            days = breach.contract_id.policy_version_id.breach_correction_days
            breach.date_correction_due = breach.date_recorded and (
                breach.date_recorded + timedelta(days=days)
            )

    @api.depends("remedied_on", "date_correction_due")
    def _compute_is_remedied_late(self):
        for breach in self:
            breach.is_remedied_late = bool(
                breach.remedied_on
                and breach.date_correction_due
                and breach.remedied_on > breach.date_correction_due
            )

    @api.constrains("contract_id")
    def _check_contract(self):
        for breach in self:
            contract = breach.contract_id
            if contract.kind != "project":
                raise ValidationError(
                    _("An objective breach is recorded on a project.")
                )
            if contract.state == "draft":
                raise ValidationError(
                    _(
                        "%(contract)s is a draft: nothing was agreed yet.",
                        contract=contract.name,
                    )
                )
            contract._get_policy_version()

    @api.constrains("compensation_type", "exception_text")
    def _check_deposit_refund_exception(self):
        for breach in self:
            if (
                breach.compensation_type == "deposit_refund"
                and not (breach.exception_text or "").strip()
            ):
                raise ValidationError(
                    _(
                        "The deposit is refunded only under an express written "
                        "agreement between the agency and the client (agency "
                        "policy §6.3): write the text of that agreement."
                    )
                )

    @api.constrains("claim_id", "contract_id")
    def _check_claim(self):
        for breach in self:
            if breach.claim_id and breach.claim_id.partner_id != breach.partner_id:
                raise ValidationError(
                    _("The claim of a breach is one of the project's client.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_compensation_rights(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.breach"
                ) or _("New")
        breaches = super().create(vals_list)
        for breach in breaches:
            breach._schedule_remedy()
        return breaches

    def write(self, vals):
        self._check_compensation_rights(vals)
        if COMPENSATION_FIELDS & set(vals) and any(
            breach.compensation_date for breach in self
        ):
            raise UserError(
                _("The compensation of a breach, once recorded, no longer changes.")
            )
        if {"contract_id", "date_recorded"} & set(vals) and any(
            breach.state != "open" for breach in self
        ):
            raise UserError(
                _(
                    "The project and date of a breach no longer change once it "
                    "is remedied or its deadline passed."
                )
            )
        if {"description", "remedy_note"} & set(vals) and any(
            breach.state == "remedied" for breach in self
        ):
            raise UserError(_("A remedied breach is kept as it was recorded."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A breach is part of the project's history: never deleted."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_remedy(self, note=None):
        """Record that the agency remedied the breach (agency policy §6.2).

        A breach not remedied in time may still be remedied: the remedy is
        then late, and a compensation may still be agreed.

        :param str note: what was done (default: the remedy on the breach)
        :raise UserError: without a note, or on a breach already remedied
        """
        self.ensure_one()
        note = note if note is not None else self.remedy_note
        if self.state == "remedied":
            raise UserError(_("%(breach)s is already remedied.", breach=self.name))
        if not (note or "").strip():
            raise UserError(_("Say how the breach was remedied."))
        # Late, the compensation still to agree keeps its activity.
        activities = self.activity_ids if self.state == "open" else None
        self.write(
            {
                "state": "remedied",
                "remedy_note": note.strip(),
                "remedied_on": self.company_id._support_today(),
                "remedied_by_id": self.env.user.id,
            }
        )
        if activities:
            activities.action_feedback(feedback=_("Remedied."))
        self.contract_id.message_post(
            body=_(
                "Breach %(name)s remedied: %(note)s",
                name=self.name,
                note=self.remedy_note,
            )
        )
        return True

    def action_record_compensation(
        self, note=None, compensation_type=None, exception_text=None
    ):
        """Record the compensation agreed for a breach not remedied in time.

        Non-monetary by default (agency policy §6.3); a refund of the deposit
        needs a manager and the text of the express written agreement. This
        records the agreement only: no refund, credit or invoice is made.

        :param str note: the compensation agreed (default: the one on the breach)
        :param str compensation_type: ``non_monetary`` or ``deposit_refund``
            (default: the one on the breach)
        :param str exception_text: the written agreement of a deposit refund
        :raise UserError: on a breach that is not overdue, or without a note
        :raise AccessError: a deposit refund recorded by a non-manager
        :raise ValidationError: a deposit refund without the written agreement
        """
        self.ensure_one()
        vals = {}
        if note is not None:
            vals["compensation_note"] = note
        if compensation_type is not None:
            vals["compensation_type"] = compensation_type
        if exception_text is not None:
            vals["exception_text"] = exception_text
        if not self._is_deadline_missed():
            raise UserError(
                _(
                    "A compensation is agreed only for a breach the agency did "
                    "not remedy in time (agency policy §6.3); %(breach)s is "
                    "%(state)s.",
                    breach=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )
        if vals:
            self.write(vals)
        if self.compensation_type == "deposit_refund":
            self._check_compensation_rights({"compensation_type": "deposit_refund"})
        if not (self.compensation_note or "").strip():
            raise UserError(_("Describe the compensation agreed with the client."))
        self.write(
            {
                "compensation_date": self.company_id._support_today(),
                "compensation_by_id": self.env.user.id,
            }
        )
        self.activity_ids.action_feedback(feedback=_("Compensation agreed."))
        self.contract_id.message_post(
            body=_(
                "Compensation of the breach %(name)s (%(type)s): %(note)s",
                name=self.name,
                type=dict(
                    self._fields["compensation_type"]._description_selection(self.env)
                )[self.compensation_type],
                note=self.compensation_note,
            )
        )
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _is_deadline_missed(self):
        """Whether the deadline passed without a remedy in time (§6.3)."""
        self.ensure_one()
        return self.state == "unremedied" or self.is_remedied_late

    @api.model
    def _check_compensation_rights(self, vals):
        """Only a manager records the written exception of a deposit refund."""
        asks_refund = (
            vals.get("compensation_type") == "deposit_refund"
            or (vals.get("exception_text") or "").strip()
        )
        if asks_refund and not (self.env.su or self.env.user.has_group(GROUP_MANAGER)):
            raise AccessError(
                _(
                    "Only a support manager records the refund of the deposit, "
                    "under the express written agreement with the client "
                    "(agency policy §6.3)."
                )
            )

    @api.model
    def _cron_mark_unremedied(self):
        """Mark open breaches whose remedy deadline passed as not remedied.

        Idempotent: only open breaches are looked at. A manager is asked to
        agree the compensation with the client (agency policy §6.3).

        :return: the breaches marked
        """
        breaches = self.search(
            [("state", "=", "open")]
            + self.env["res.company"]._support_before_today_domain(
                "date_correction_due"
            )
        )
        for breach in breaches:
            breach.state = "unremedied"
            breach.activity_ids.action_feedback(
                feedback=_("The remedy deadline passed.")
            )
            breach.message_post(
                body=_(
                    "The deadline to remedy the breach passed on %(date)s: the "
                    "parties may agree a non-monetary compensation for the work "
                    "not done (agency policy §6.3).",
                    date=format_day(self.env, breach.date_correction_due),
                )
            )
            manager = breach.company_id._get_support_manager()
            breach.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(manager or breach._get_responsible_user()).id,
                summary=_("Agree the compensation of %(name)s", name=breach.name),
            )
        return breaches

    def _get_responsible_user(self):
        """Who remedies the breach: the project's consultant, else a manager."""
        self.ensure_one()
        user = self.contract_id.user_id
        if user and not user.share and self.company_id in user.company_ids:
            return user
        return self.company_id._get_support_manager() or self.env.user

    def _schedule_remedy(self):
        """Ask the project's consultant to remedy the breach by its deadline."""
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.date_correction_due,
            user_id=self._get_responsible_user().id,
            summary=_("Remedy the breach %(name)s", name=self.name),
            note=_(
                "Remedy it, or propose an alternative of similar value and "
                "function, by %(date)s (agency policy §6.2).",
                date=format_day(self.env, self.date_correction_due),
            ),
        )
