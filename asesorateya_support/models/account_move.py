# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._support_link_order_invoices()
        posted._support_keep_credit_notes_open()
        posted._support_spend_order_credits()
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

    def _support_log_creation(self):
        """The creation message of these new moves, as ``mail.thread``'s
        ``create`` posts it (created with ``mail_create_nolog``), for all of
        them at once: one ``_message_log_batch`` a subtype instead of one
        ``message_post`` a move. The message is Odoo's: no body, the
        document's creation subtype (``_creation_subtype``, "Invoice
        Created"), which notifies nobody (a hidden subtype no follower has
        by default), or the creation note for a move without one.

        :return: the ``mail.message`` logged
        """
        messages = self.env["mail.message"].sudo()
        author = self.env.user.partner_id.id
        by_subtype = {}
        for move in self:
            by_subtype.setdefault(move._creation_subtype(), []).append(move.id)
        for subtype, ids in by_subtype.items():
            moves = self.browse(ids)
            if not subtype:
                messages |= moves._message_log_batch(
                    bodies={move.id: move._creation_message() for move in moves},
                    author_id=author,
                )
                continue
            logged = moves._message_log_batch(
                bodies=dict.fromkeys(moves.ids, ""), author_id=author
            )
            logged.write({"subtype_id": subtype.id, "is_internal": False})
            messages |= logged
        return messages

    def _support_link_order_invoices(self):
        """Give the first cycle of a retainer the invoice of the order that
        bought it, when that invoice is posted after the cycle began."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        contracts = invoices.sudo().invoice_line_ids.sale_line_ids.support_contract_ids
        periods = contracts.period_ids.filtered(
            lambda period: period.billed_by_order and not period.invoice_id
        )
        periods._link_order_invoice()

    def _support_keep_credit_notes_open(self):
        """A client credit's credit note stays open when posted: Odoo matches
        a credit note with the open invoice it reverses, which would turn the
        credit into a payment of that invoice (the client paid it, or owes it,
        apart; the accountant matches its payment). README "Books"."""
        refunds = self.filtered(
            lambda move: move.move_type == "out_refund" and move.reversed_entry_id
        )
        if not refunds:
            return
        notes = (
            self.env["support.credit"]
            .sudo()
            .search([("move_id", "in", refunds.ids)])
            .move_id
        )
        for note in notes:
            lines = note.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            partials = (lines.matched_debit_ids | lines.matched_credit_ids).filtered(
                lambda partial, origin=note.reversed_entry_id: (
                    origin
                    in (partial.debit_move_id.move_id | partial.credit_move_id.move_id)
                )
            )
            partials.unlink()

    def _support_spend_order_credits(self):
        """Pay the invoices of orders that spent client credits with those
        credits' open credit notes, for what each use spent (README "Books":
        a credit is an open credit note the next invoice uses, as Odoo's
        outstanding credits are)."""
        invoices = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        if not invoices:
            return
        orders = (
            invoices.sudo()
            .invoice_line_ids.filtered(lambda line: not line.support_beyond_order)
            .sale_line_ids.order_id
        )
        usages = orders.support_credit_usage_ids._get_to_book()
        for invoice in invoices.sudo():
            own = usages.filtered(
                lambda usage, invoice=invoice: (
                    usage.sale_order_id
                    in invoice.invoice_line_ids.sale_line_ids.order_id
                )
            )
            own._book_on_invoice(invoice)
            usages -= own

    def _support_receivable_lines(self):
        """The open receivable lines of these posted moves."""
        return self.filtered(lambda move: move.state == "posted").line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and line.account_id.reconcile
                and not line.reconciled
            )
        )

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
        self.env["support.contract"]._notify_period_invoices(periods)


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

    def _support_reconcile_amount(self, counterpart, amount):
        """Match ``amount`` of this open receivable line with ``counterpart``,
        one on each side, however much either still has open.

        Odoo's ``reconcile`` matches all it can; a client credit pays an
        invoice for what the client spent of it, and expires for what is
        left, not for the credit note's whole open balance. The partial is
        Odoo's own record (``account.partial.reconcile``), so residuals,
        payment states and the matching number follow as for any other,
        and the paid hooks run as ``reconcile`` runs them.

        :param counterpart: an ``account.move.line`` on the other side
        :param float amount: in the company currency (CLP), positive
        :return: the ``account.partial.reconcile`` created
        """
        self.ensure_one()
        lines = self | counterpart
        debit = lines.filtered(lambda line: line.balance > 0)
        credit = lines - debit
        if len(debit) != 1 or len(credit) != 1 or debit.account_id != credit.account_id:
            raise UserError(
                _("A client credit is matched on one receivable account only.")
            )
        currency = debit.company_currency_id
        amount = currency.round(
            min(amount, debit.amount_residual, -credit.amount_residual)
        )
        if currency.compare_amounts(amount, 0.0) <= 0:
            return self.env["account.partial.reconcile"]
        pre_hook = lines._reconcile_pre_hook()
        partial = self.env["account.partial.reconcile"].create(
            {
                "debit_move_id": debit.id,
                "credit_move_id": credit.id,
                "amount": amount,
                "debit_amount_currency": amount,
                "credit_amount_currency": amount,
            }
        )
        lines.invalidate_recordset()
        lines.move_id.invalidate_recordset()
        lines._reconcile_post_hook(pre_hook)
        return partial
