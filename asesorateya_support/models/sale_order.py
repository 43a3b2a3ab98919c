# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    support_scope = fields.Text(
        string="Validated scope",
        help="The scope validated with the client. Required to sell an hour "
        "bag (policy §2): it is copied to the bag's contract.",
    )
    support_contract_ids = fields.One2many(
        "support.contract", "sale_order_id", string="Support contracts"
    )
    support_contract_count = fields.Integer(compute="_compute_support_contract_count")
    has_support_plan = fields.Boolean(compute="_compute_has_support_plan")

    @api.depends("support_contract_ids")
    def _compute_support_contract_count(self):
        for order in self:
            order.support_contract_count = len(order.support_contract_ids)

    @api.depends("order_line.product_id")
    def _compute_has_support_plan(self):
        plans = self.env["support.plan"].search(
            [("product_id", "in", self.order_line.product_id.ids)]
        )
        for order in self:
            order.has_support_plan = bool(
                order.order_line.product_id & plans.product_id
            )

    def _action_confirm(self):
        result = super()._action_confirm()
        self.order_line._support_create_contracts()
        return result

    def action_view_support_contracts(self):
        """Open the support contracts this order gave."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "asesorateya_support.support_contract_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.support_contract_count == 1:
            action.update(
                view_mode="form",
                views=[(False, "form")],
                res_id=self.support_contract_ids.id,
            )
        action["name"] = _("Support contracts")
        return action
