# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, models
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
    def _notify_period_invoice(self, invoice):
        """Tell the client that the invoice of a new cycle was issued.

        Hook for the email of the cycle invoice; for now a note in the chatter.

        :param invoice: the posted ``account.move`` of the cycle
        """
        self.ensure_one()
        self.message_post(
            body=_(
                "Invoice %(invoice)s of %(amount)s issued for the new cycle, "
                "payable in advance (policy §8).",
                invoice=invoice.name,
                amount=format_money(
                    self.env, invoice.amount_total, invoice.currency_id
                ),
            ),
            subtype_xmlid="mail.mt_note",
        )

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
