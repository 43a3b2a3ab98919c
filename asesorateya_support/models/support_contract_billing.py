# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, _, api, models
from odoo.exceptions import UserError

from ..formatting import format_money


class SupportContract(models.Model):
    """What a contract bills beyond its sale (support policy §8, agency
    policy §5.3).

    Monthly retainers are paid in advance: each cycle is invoiced as it
    begins (``support.contract.period._bill``) and the client is told; a
    retainer whose cycle invoice is still unpaid after the company's grace is
    paused, and paying it resumes the service. Prices of the policies include
    IVA: a billed line takes the unit price that gives that total.
    """

    # One file per concern (STYLE.md, "Layout"), not one class of 2,000 lines.
    _inherit = "support.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Monthly retainers, paid in advance (policy §8)
    # ------------------------------------------------------------------
    @api.model
    def _notify_period_invoices(self, periods):
        """Tell the clients that the invoices of their new cycles were issued.

        Hook for the email of the cycle invoice; for now a note in each
        contract's chatter, logged for all of ``periods`` at once, as the
        closing notes are (``_close``): one ``message_post`` a contract was
        a tenth of a batch of 500 cycle invoices (profiled on l10n_cl, issue
        17). A note notifies nobody either way (``mail.mt_note``).

        :param periods: ``support.contract.period`` records with their posted
            invoice; a contract may come more than once (missed cycles)
        """
        notes = []
        for period in periods:
            invoice = period.invoice_id
            notes.append(
                (
                    period.contract_id.id,
                    _(
                        "Invoice %(invoice)s of %(amount)s issued for the new "
                        "cycle, payable in advance (policy §8).",
                        invoice=invoice.name,
                        amount=format_money(
                            self.env, invoice.amount_total, invoice.currency_id
                        ),
                    ),
                )
            )
        self.sudo()._log_notes(notes)

    def _pause_for_payment(self, periods):
        """Pause this running retainer: the invoices of ``periods`` are overdue.

        :param periods: the ``support.contract.period`` records whose invoice
            is unpaid after the grace
        """
        self.ensure_one()
        invoices = periods.invoice_id.sudo()
        self.action_pause(
            _(
                "Invoice %(invoices)s is still unpaid more than %(days)s days "
                "after it was due: the monthly support is paid in advance "
                "(policy §8). The service resumes as soon as it is paid.",
                invoices=", ".join(invoices.mapped("name")),
                days=self.company_id.support_billing_grace_days,
            )
        )
        self.payment_hold = True

    def _resume_after_payment(self):
        """Resume the retainers paused for non-payment that owe nothing overdue.

        Called when an invoice is paid; a contract paused for another reason
        stays paused.
        """
        for contract in self.filtered(lambda c: c.state == "paused" and c.payment_hold):
            today = contract.company_id._support_today()
            if contract.period_ids._get_overdue(today):
                continue
            contract.action_resume()

    # ------------------------------------------------------------------
    # Prices IVA included
    # ------------------------------------------------------------------
    @api.model
    def _get_price_unit_for_total(self, total, taxes, currency):
        """The unit price whose total, taxes included, is ``total``.

        Prices of the agency policy include IVA; a line whose taxes are not
        included in its price needs the price before taxes, unrounded so that
        the line's total comes back to ``total``.

        :param float total: the price, taxes included
        :param taxes: the ``account.tax`` records of the line
        :param currency: the ``res.currency`` of the line
        :return: the unit price to put on the line
        :raise UserError: on a mix of taxes included and not included
        """
        if all(tax.price_include for tax in taxes):
            return total
        if any(tax.price_include for tax in taxes):
            raise UserError(
                _(
                    "The taxes %(taxes)s mix prices with and without taxes "
                    "included: bill the extra revision round by hand.",
                    taxes=", ".join(taxes.mapped("name")),
                )
            )
        return taxes.with_context(force_price_include=True, round=False).compute_all(
            total, currency=currency
        )["total_excluded"]

    # ------------------------------------------------------------------
    # Documents of a cancellation or a client credit
    # ------------------------------------------------------------------
    def _get_support_move_taxes(self):
        """The taxes of the service sold, so a document mirrors the sale."""
        self.ensure_one()
        if self.sale_line_id:
            return self.sale_line_id.tax_id
        return self.plan_id.product_id.taxes_id.filtered(
            lambda t: t.company_id == self.company_id
        )

    def _prepare_support_move_values(
        self, move_type, amount, label, ref, origin_invoice
    ):
        """Values of a credit note or invoice of ``amount``, IVA included, on
        this contract's service: one line, so its net and IVA come from the
        total (the one rounding rule, README "Books").

        :param str move_type: ``out_refund`` or ``out_invoice``
        :param str ref: the document's reference (the cancellation, the credit)
        :param origin_invoice: the ``account.move`` a credit note corrects
        """
        self.ensure_one()
        taxes = self._get_support_move_taxes()
        # The amounts of the policies include IVA: with taxes not included in
        # the price, the line gets the price before taxes that gives them.
        price_unit = self._get_price_unit_for_total(amount, taxes, self.currency_id)
        vals = {
            "move_type": move_type,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": self.company_id._support_today(),
            "invoice_origin": self.sale_order_id.name or self.name,
            "ref": ref,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self.plan_id.product_id.id,
                        "name": label,
                        "quantity": 1.0,
                        "price_unit": price_unit,
                        "tax_ids": [Command.set(taxes.ids)],
                    }
                )
            ],
        }
        if move_type == "out_refund" and origin_invoice:
            vals["reversed_entry_id"] = origin_invoice.id
        elif move_type == "out_invoice" and self.sudo().sale_line_id:
            # Work billed beyond what the order sold: listed with the order's
            # invoices, not counted in its invoiced quantity.
            vals["invoice_line_ids"][0][2].update(
                sale_line_ids=[Command.set(self.sudo().sale_line_id.ids)],
                support_beyond_order=True,
            )
        return vals

    def _get_support_origin_invoice(self, move_type):
        """The posted invoice of the contract's order a credit note corrects.

        A refund of an order never invoiced first issues the order's invoice
        (or posts its draft), then reverses it: a credit note must reference
        the document it corrects (the SII rejects one that references none),
        and the sale was made and paid, so its document is owed anyway (IVA
        on services is due when they are paid). The ledger then shows the
        sale and its cancellation, each with its IVA, instead of a credit
        note that understates the IVA of a sale never declared.

        :return: an ``account.move``, empty for an invoice or a contract
            without order
        """
        self.ensure_one()
        order = self.sale_order_id.sudo()
        if move_type != "out_refund" or not order:
            return self.env["account.move"]
        posted = order.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        if posted:
            return posted[-1:]
        invoices = order.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft"
        )
        if not invoices:
            try:
                with self.env.cr.savepoint():
                    invoices = order.with_company(order.company_id)._create_invoices()
            except UserError:
                # Nothing left to invoice on the order: nothing to reference.
                return self.env["account.move"]
        try:
            with self.env.cr.savepoint():
                invoices._support_prepare_documents()
                invoices.action_post()
        except UserError:
            # Left as a draft; the credit note, refused for the same reason,
            # tells the accountant.
            return self.env["account.move"]
        return invoices[-1:]
