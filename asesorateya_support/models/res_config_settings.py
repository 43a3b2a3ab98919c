# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..const import OUTCOME_SELECTION

#: Settings field -> term of the default policy's version in force.
POLICY_SETTINGS = {
    "support_withdrawal_days": "withdrawal_days",
    "support_before_start_outcome": "before_start_outcome",
    "support_started_outcome": "started_outcome",
    "support_credit_validity_months": "credit_validity_months",
    "support_refund_needs_approval": "refund_needs_approval",
    "support_booking_notice_hours": "booking_notice_hours",
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_low_balance_hours = fields.Float(
        related="company_id.support_low_balance_hours", readonly=False
    )
    support_low_balance_percent = fields.Float(
        related="company_id.support_low_balance_percent", readonly=False
    )
    support_contact_email = fields.Char(
        related="company_id.support_contact_email", readonly=False
    )
    support_whatsapp_number = fields.Char(
        related="company_id.support_whatsapp_number", readonly=False
    )
    support_booking_url = fields.Char(
        related="company_id.support_booking_url", readonly=False
    )
    support_policy_id = fields.Many2one(
        "support.policy",
        string="Default cancellation policy",
    )
    support_credit_reminder_days = fields.Integer(
        related="company_id.support_credit_reminder_days", readonly=False
    )
    support_billing_grace_days = fields.Integer(
        related="company_id.support_billing_grace_days", readonly=False
    )
    support_invoice_auto_post = fields.Boolean(
        related="company_id.support_invoice_auto_post", readonly=False
    )
    support_booking_lead_hours = fields.Integer(
        related="company_id.support_booking_lead_hours", readonly=False
    )
    support_booking_horizon_days = fields.Integer(
        related="company_id.support_booking_horizon_days", readonly=False
    )
    support_booking_step_minutes = fields.Integer(
        related="company_id.support_booking_step_minutes", readonly=False
    )
    support_booking_reminder_hours = fields.Integer(
        related="company_id.support_booking_reminder_hours", readonly=False
    )
    # The default policy's terms: saving a change makes a new version when
    # the one in force already governs contracts.
    support_withdrawal_days = fields.Integer(
        string="Statutory withdrawal (days)",
    )
    support_before_start_outcome = fields.Selection(
        OUTCOME_SELECTION,
        string="Before the start",
    )
    support_started_outcome = fields.Selection(
        OUTCOME_SELECTION,
        string="After the start",
    )
    support_credit_validity_months = fields.Integer(
        string="Credit validity (months)",
    )
    support_refund_needs_approval = fields.Boolean(
        string="Refund instead of credit needs a manager",
    )
    support_booking_notice_hours = fields.Integer(
        string="Notice to reschedule or cancel a booking (hours)",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        policy = self.env.company._get_support_policy()
        version = policy.current_version_id
        res["support_policy_id"] = policy.id
        for field_name, term in POLICY_SETTINGS.items():
            res[field_name] = version[term] if version else False
        return res

    def set_values(self):
        res = super().set_values()
        for settings in self:
            company = settings.company_id
            if settings.support_policy_id != company.support_policy_id:
                company.support_policy_id = settings.support_policy_id
            policy = settings.support_policy_id
            if not policy:
                continue
            policy._set_terms(
                {term: settings[name] for name, term in POLICY_SETTINGS.items()}
            )
        return res
