# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class SupportContractHold(models.TransientModel):
    """Collect why a service waits or pauses, then call the contract."""

    _name = "support.contract.hold"
    _description = "Put a Support Contract on Hold"

    contract_id = fields.Many2one("support.contract", required=True)
    reason = fields.Text(
        required=True, help="What the client owes: information, access, a validation."
    )

    def action_confirm(self):
        self.ensure_one()
        if self.contract_id.state == "active":
            self.contract_id.action_pause(self.reason)
        else:
            self.contract_id.action_request_information(self.reason)
        return {"type": "ir.actions.act_window_close"}
