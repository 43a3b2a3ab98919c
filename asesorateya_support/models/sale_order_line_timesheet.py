# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models
from odoo.tools import float_round


class SaleOrderLine(models.Model):
    """A support service's delivered quantity is its logged hours.

    The plan's product is a prepaid service delivered by timesheets
    (sale_timesheet's ``ordered_prepaid``): its session logs are timesheet
    lines on the contract's sale line, so sale_timesheet computes the
    delivered quantity, the invoicing status and the upsell activity. A plan
    is sold by the unit (one unit, one contract of N hours, policy §1), not
    by the hour: the hours are turned into units of the plan here, where
    sale_timesheet would otherwise count raw hours as units, and the hours
    left of a bag are sale_timesheet's ``remaining_hours``.
    """

    # One file per concern (STYLE.md, "Layout").
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_support_hour_uom(self):
        """The hour (``uom.product_uom_hour``), from the registry's cache of
        external ids: not ``env.ref``, which asks the database whether the
        record still exists (a query at each of the three uses below, on
        every timesheet line delivered on a sale line)."""
        return self.env["uom.uom"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("uom.product_uom_hour")
        )

    def _get_delivered_quantity_by_analytic(self, additional_domain):
        if not self:
            # sale asks for its lines delivered by other analytic lines
            # first, usually none: nothing to convert, nothing to read.
            return super()._get_delivered_quantity_by_analytic(additional_domain)
        # The lines' units of measure and the hour in one read: sale reads
        # each line's unit, then the hour's (the timesheets' unit), two
        # queries for a line sold by the unit, as a plan is.
        hour = self._get_support_hour_uom()
        (self.product_uom | hour).mapped("category_id")
        result = super()._get_delivered_quantity_by_analytic(additional_domain)
        hour_category = hour.category_id
        for line in self:
            hours_per_unit = line._get_support_hours_per_unit()
            if (
                hours_per_unit
                and line.product_uom.category_id != hour_category
                and line.id in result
            ):
                result[line.id] = result[line.id] / hours_per_unit
        return result

    @api.depends("support_contract_ids.hours_included")
    def _compute_remaining_hours_available(self):
        result = super()._compute_remaining_hours_available()
        for line in self:
            if (
                not line.remaining_hours_available
                and line.product_id.service_policy == "ordered_prepaid"
                and line._get_support_hours_per_unit()
            ):
                line.remaining_hours_available = True
        return result

    @api.depends("support_contract_ids.hours_remaining")
    def _compute_remaining_hours(self):
        hour_category = self._get_support_hour_uom().category_id
        support_lines = self.filtered(
            lambda line: (
                line.remaining_hours_available
                and line.product_uom.category_id != hour_category
                and line._get_support_hours_per_unit()
            )
        )
        # sale_timesheet converts units into hours, which fails for units.
        result = super(SaleOrderLine, self - support_lines)._compute_remaining_hours()
        for line in support_lines:
            contracts = line.sudo().support_contract_ids
            if "monthly" in contracts.mapped("kind"):
                # The order pays the first cycle: what is left of it.
                line.remaining_hours = float_round(
                    (line.product_uom_qty - line.qty_delivered)
                    * line._get_support_hours_per_unit(),
                    precision_digits=2,
                )
            else:
                # The contracts' own balance, exact (the delivered units are
                # rounded to the unit of measure's precision), negative
                # beyond it as in sale_timesheet.
                line.remaining_hours = sum(contracts.mapped("hours_remaining")) - sum(
                    contracts.mapped("hours_excess")
                )
        return result

    def _get_support_hours_per_unit(self):
        """The hours one unit of this line gives (a bag's size, a retainer's
        monthly hours), 0 for a line that sells no support service."""
        self.ensure_one()
        contract = self.sudo().support_contract_ids[:1]
        return contract.hours_included if contract.kind != "project" else 0.0
