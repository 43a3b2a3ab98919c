# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._support_link_order_invoices()
        return posted

    def _invoice_paid_hook(self):
        # A retainer paused for an unpaid cycle resumes once it is paid (§8).
        result = super()._invoice_paid_hook()
        periods = (
            self.env["support.contract.period"]
            .sudo()
            .search([("invoice_id", "in", self.ids)])
        )
        periods.contract_id._resume_after_payment()
        return result

    def _support_link_order_invoices(self):
        """Give the first cycle of a retainer the invoice of the order that
        bought it, when that invoice is posted after the cycle began."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        contracts = invoices.sudo().invoice_line_ids.sale_line_ids.support_contract_ids
        periods = contracts.period_ids.filtered(
            lambda period: period.billed_by_order and not period.invoice_id
        )
        periods._link_order_invoice()
