# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models

#: Kinds whose hours are session logs, delivered as timesheets.
TIMESHEET_KINDS = ("diagnosis", "incident", "hour_bag", "monthly")


class SupportPlan(models.Model):
    """A plan of hours sells a prepaid service delivered by timesheets."""

    # One file per concern (STYLE.md, "Layout").
    _inherit = "support.plan"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans._set_product_timesheet_delivery()
        return plans

    def write(self, vals):
        result = super().write(vals)
        if {"product_id", "kind"} & set(vals):
            self._set_product_timesheet_delivery()
        return result

    def _set_product_timesheet_delivery(self):
        """Make the products of these plans prepaid services whose delivered
        quantity is their timesheets (sale_timesheet's ``ordered_prepaid``):
        the order line of a bag or a retainer counts its session logs."""
        products = self.filtered(lambda p: p.kind in TIMESHEET_KINDS).product_id
        products = products.filtered(lambda p: p.service_type != "timesheet")
        if products:
            products.sudo().write({"service_type": "timesheet"})
