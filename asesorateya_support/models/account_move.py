# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._support_link_order_invoices()
        posted._support_notify_period_invoices()
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

    def _support_prepare_documents(self):
        """Hook: make the draft documents the addon creates (cycle invoices,
        cancellation invoices and credit notes) what the company's fiscal
        localization requires, before they are posted: e.g. the document type
        for the client (``asesorateya_support_l10n_cl``).

        :raise UserError: with what is missing (e.g. the client's tax id)
        """
        return True

    def _support_link_order_invoices(self):
        """Give the first cycle of a retainer the invoice of the order that
        bought it, when that invoice is posted after the cycle began."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        contracts = invoices.sudo().invoice_line_ids.sale_line_ids.support_contract_ids
        periods = contracts.period_ids.filtered(
            lambda period: period.billed_by_order and not period.invoice_id
        )
        periods._link_order_invoice()

    def _support_notify_period_invoices(self):
        """Tell the client of each cycle invoice posted: at once when the
        company posts them, or when the accountant posts the draft."""
        invoices = self.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.invoice_line_ids.filtered("support_beyond_order")
            )
        )
        if not invoices:
            return
        periods = (
            self.env["support.contract.period"]
            .sudo()
            .search(
                [("invoice_id", "in", invoices.ids), ("billed_by_order", "=", False)]
            )
        )
        for period in periods:
            period.contract_id._notify_period_invoice(period.invoice_id)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    support_beyond_order = fields.Boolean(
        string="Billed beyond the order",
        readonly=True,
        copy=False,
        help="A line the support addon bills under a sale order line beyond "
        "what the order sold (a monthly cycle, work done beyond what was "
        "paid): the order lists its invoice but does not count it in its "
        "invoiced quantity.",
    )
