# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class SupportContractConvert(models.TransientModel):
    """Collect why a diagnosis or incident exceeds its scope, then convert it."""

    _name = "support.contract.convert"
    _description = "Convert a Support Contract into a Client Credit"

    contract_id = fields.Many2one("support.contract", required=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    amount_paid = fields.Monetary(related="contract_id.amount_paid")
    reason = fields.Text(
        required=True,
        help="Why the case exceeds the scope of the service, and the service "
        "recommended instead: the client reads it.",
    )

    def action_confirm(self):
        self.ensure_one()
        credit = self.contract_id.action_convert_to_credit(self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.credit",
            "res_id": credit.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
