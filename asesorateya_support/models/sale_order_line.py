# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import SUPERUSER_ID, _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ..const import CREDIT_PRODUCT_XMLID

#: What a credit line is worth: changing them would unbalance the credit.
CREDIT_LINE_LOCKED_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
    "order_id",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    support_contract_ids = fields.One2many(
        "support.contract", "sale_line_id", string="Support contracts"
    )
    support_credit_usage_ids = fields.One2many(
        "support.credit.usage", "sale_line_id", string="Client credit uses"
    )

    def _compute_tax_id(self):
        # A credit line keeps the taxes it was given (those of the service it
        # pays), not its product's (none).
        credit_lines = self.filtered(lambda line: line._is_support_credit_line())
        return super(SaleOrderLine, self - credit_lines)._compute_tax_id()

    def _compute_qty_to_invoice(self):
        # A client credit line is not billed: the order's invoice bills the
        # service at its price (its IVA exact, from its one total), and the
        # credit's open credit note pays it for what the line spent
        # (account.move ``_support_spend_order_credits``; README "Books").
        result = super()._compute_qty_to_invoice()
        for line in self:
            if line._is_support_credit_line():
                line.qty_to_invoice = 0.0
        return result

    def _compute_untaxed_amount_to_invoice(self):
        result = super()._compute_untaxed_amount_to_invoice()
        for line in self:
            if line._is_support_credit_line():
                line.untaxed_amount_to_invoice = 0.0
        return result

    def _compute_invoice_status(self):
        # Nothing of a confirmed credit line is left to invoice: the order is
        # fully invoiced once its services are.
        result = super()._compute_invoice_status()
        for line in self:
            if line.state == "sale" and line._is_support_credit_line():
                line.invoice_status = "invoiced"
        return result

    def _get_invoice_lines(self):
        # A cycle's invoice or the work billed at a cancellation is linked to
        # the line it bills (the order lists it) but is not what the order
        # sold: it does not make the line over-invoiced (account.move.line
        # ``support_beyond_order``).
        return (
            super()
            ._get_invoice_lines()
            .filtered(lambda line: not line.support_beyond_order)
        )

    def write(self, vals):
        if CREDIT_LINE_LOCKED_FIELDS & set(vals) and any(
            line._get_active_support_credit_usages() for line in self
        ):
            raise UserError(
                _(
                    "A client credit line is worth what the credit gives: "
                    "remove it and apply the credits again instead."
                )
            )
        return super().write(vals)

    def unlink(self):
        for line in self:
            line.support_credit_usage_ids._release(
                _(
                    "its line was removed from %(order)s.",
                    order=line.order_id.name,
                )
            )
        return super().unlink()

    def _is_support_credit_line(self):
        self.ensure_one()
        # The id from the xmlid cache: ``env.ref`` would check the record
        # exists with a query, on every line of every recompute of the
        # invoicing fields (a timesheet line recomputes them).
        product_id = self.env["ir.model.data"]._xmlid_to_res_id(
            CREDIT_PRODUCT_XMLID, raise_if_not_found=False
        )
        return bool(product_id) and self.product_id.id == product_id

    def _get_active_support_credit_usages(self):
        self.ensure_one()
        return self.sudo().support_credit_usage_ids.filtered(
            lambda usage: usage.state == "active"
        )

    def _support_create_contracts(self):
        """Create the support contracts of confirmed lines: one per unit bought.

        Idempotent: the units that already have a contract are skipped (and a
        unique constraint guards against two transactions doing it at once), so
        a re-confirmed order never gives a second contract.

        :return: the contracts created
        """
        plans = self.env["support.plan"].search(
            [("product_id", "in", self.product_id.ids)]
        )
        plan_by_product = {plan.product_id: plan for plan in plans}
        vals_list = []
        for line in self:
            plan = plan_by_product.get(line.product_id)
            if not plan or line.state != "sale":
                continue
            quantity = line.product_uom_qty
            if not float_is_zero(quantity % 1, precision_digits=4) or quantity <= 0:
                raise UserError(
                    _(
                        "%(product)s is sold by whole units: one unit is one "
                        "support service.",
                        product=line.product_id.display_name,
                    )
                )
            done_units = set(line.support_contract_ids.mapped("sale_line_unit"))
            for unit in range(1, int(quantity) + 1):
                if unit not in done_units:
                    vals_list.append(line._prepare_support_contract_values(plan, unit))
        return self.env["support.contract"].sudo().create(vals_list)

    def _get_support_consultant(self, company):
        """Who follows the contracts of this line: the order's salesperson,
        else the employee confirming it, else a support manager.

        An order paid in the shop is confirmed by the client (a portal or the
        public user) or by the payment cron (the superuser): neither follows
        a contract.
        """
        self.ensure_one()
        if self.order_id.user_id:
            return self.order_id.user_id
        if not self.env.user.share and self.env.uid != SUPERUSER_ID:
            return self.env.user
        return company._get_support_manager()

    def _prepare_support_contract_values(self, plan, unit):
        """Values of the contract for one unit of this line.

        The amount paid is the unit's price IVA included, converted to the
        company currency and rounded once, at the end, with its rounding.
        """
        self.ensure_one()
        order = self.order_id
        company = order.company_id
        unit_total = self.price_total / self.product_uom_qty
        amount = order.currency_id._convert(
            unit_total, company.currency_id, company, order.date_order, round=False
        )
        amount = company.currency_id.round(amount)
        amount_total = 0.0
        if plan.kind == "project":
            # A project is paid in two parts (agency policy §3, §4.1): the
            # order confirms on the deposit; the balance is due at delivery.
            amount_total = amount
            policy = plan.policy_id or company._get_support_policy()
            version = policy._version_at(company._support_date_of(order.date_order))
            amount = company.currency_id.round(
                amount_total * version.deposit_percent / 100.0
            )
        return {
            "partner_id": order.partner_id.commercial_partner_id.id,
            "plan_id": plan.id,
            "company_id": company.id,
            "sale_line_id": self.id,
            "sale_line_unit": unit,
            "user_id": self._get_support_consultant(company).id,
            "amount_paid": amount,
            "amount_total": amount_total,
            "hours_included": plan.hours_included,
            "scope": order.support_scope,
            # The company's day of the order, whoever confirmed it (the
            # payment's post-processing, the public user): issue 13, item 1.
            "date_purchase": company._support_date_of(order.date_order),
            "state": "confirmed",
        }
