# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..const import CANCELLATION_PREFERENCE_SELECTION


class SupportContractCancel(models.TransientModel):
    """Show the cancellation quote, collect the client's choice, then cancel."""

    _name = "support.contract.cancel"
    _description = "Cancel a Support Contract"
    _inherit = ["support.cancellation.quote.mixin"]

    request_date = fields.Date(
        required=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
        help="The day the client asked to cancel, in writing.",
    )
    preference = fields.Selection(
        CANCELLATION_PREFERENCE_SELECTION,
        string="The client asks for",
        required=True,
        default="policy",
    )
    reason = fields.Text(required=True)
    # The quote's fields (declared by the mixin), for the day the client asked.
    phase = fields.Selection(compute="_compute_quote")
    legal_basis = fields.Selection(compute="_compute_quote")
    amount_paid = fields.Monetary(compute="_compute_quote")
    work_done_amount = fields.Monetary(compute="_compute_quote")
    refundable_amount = fields.Monetary(compute="_compute_quote")
    quote_refund_amount = fields.Monetary(compute="_compute_quote")
    quote_credit_amount = fields.Monetary(compute="_compute_quote")
    extra_invoice_amount = fields.Monetary(compute="_compute_quote")
    invoice_reversal_amount = fields.Monetary(compute="_compute_quote")
    credit_expiry_date = fields.Date(compute="_compute_quote")
    explanation = fields.Text(compute="_compute_quote")
    # The quote's own names of the two, as the form shows them.
    refund_amount = fields.Monetary(string="Refund", related="quote_refund_amount")
    credit_amount = fields.Monetary(string="Credit", related="quote_credit_amount")

    @api.depends("contract_id", "request_date")
    def _compute_quote(self):
        for wizard in self:
            quote = {}
            if wizard.contract_id and wizard.request_date:
                quote = wizard.contract_id.cancellation_quote(wizard.request_date)
            # The wizard shows every figure of the quote.
            wizard.update(wizard._prepare_quote_values(quote))

    def action_confirm(self):
        self.ensure_one()
        cancellation = self.contract_id.action_cancel_by_policy(
            self.request_date, self.preference, self.reason
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.cancellation",
            "res_id": cancellation.id,
            "view_mode": "form",
            "target": "current",
        }
