# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models

from ..const import PROPOSAL_ONLY_KINDS


class ProductTemplate(models.Model):
    _inherit = "product.template"

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
