# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    @api.model_create_multi
    def create(self, vals_list):
        # Whatever the route (shop, portal, payment link), no money is taken
        # for an order its payment could not confirm (policy §2).
        transactions = super().create(vals_list)
        transactions.sale_order_ids._check_support_payable()
        return transactions
