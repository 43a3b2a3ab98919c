# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, models
from odoo.exceptions import ValidationError

from ..const import PROPOSAL_ONLY_KINDS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.constrains("taxes_id", "list_price")
    def _check_support_plan_taxes(self):
        plans = (
            self.env["support.plan"]
            .sudo()
            .with_context(active_test=False)
            .search([("product_id.product_tmpl_id", "in", self.ids)])
        )
        for plan in plans:
            plan.product_id.product_tmpl_id._check_support_taxes_included(plan)

    def _check_support_taxes_included(self, plan):
        """Refuse taxes that would make ``plan``'s price not what it says.

        A plan's price is shown, sold, refunded and credited IVA included
        (support policy §2, §10): a tax not included in the price would
        charge the client more than the price shown.

        A plan still without a price (as the addon's data ships them) is
        not sold yet: its product's taxes are checked when it gets one.

        :raise ValidationError: naming the taxes to change
        """
        self.ensure_one()
        if not self.list_price:
            return
        excluded = self.taxes_id.filtered(
            lambda tax: tax.company_id == plan.company_id and not tax.price_include
        )
        if excluded:
            raise ValidationError(
                _(
                    "The price of the plan %(plan)s is shown with IVA included, "
                    "but the tax %(taxes)s of its product is added to the price: "
                    "the client would pay more than the price shown. Give the "
                    "product a tax included in the price (in Accounting, a copy "
                    "of the tax with 'Included in Price' ticked).",
                    plan=plan.name,
                    taxes=", ".join(excluded.mapped("name")),
                )
            )

    def _get_support_plan(self):
        """The support plan this product sells, for the shop's pages, which
        visitors without access to plans render.

        :return: a ``support.plan`` (sudo), empty when the product sells none
        """
        self.ensure_one()
        return (
            self.env["support.plan"]
            .sudo()
            .search([("product_id.product_tmpl_id", "=", self.id)], limit=1)
        )

    def _is_support_proposal_only(self):
        """Whether this product is sold only through a proposal (an hour bag,
        policy §2), never from the shop."""
        self.ensure_one()
        return bool(
            self.env["support.plan"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("product_id.product_tmpl_id", "=", self.id),
                    ("kind", "in", PROPOSAL_ONLY_KINDS),
                ],
                limit=1,
            )
        )
