# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..formatting import format_money


class SupportCreditUsage(models.Model):
    """One use of a client credit on a sale order: the credit's trail.

    A use is never deleted. When its order is cancelled or deleted, or its
    sale order line removed from a quotation, the use is released: it stays,
    with the day and the reason, but stops counting against the credit.
    """

    _name = "support.credit.usage"
    _description = "Client Credit Use"
    _order = "date desc, id desc"
    _check_company_auto = True

    credit_id = fields.Many2one(
        "support.credit",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale order",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale order line",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    order_reference = fields.Char(
        readonly=True,
        help="The order's number when the credit was used: kept if the order "
        "is deleted later.",
    )
    amount = fields.Monetary(
        required=True, readonly=True, help="The credit used, IVA included."
    )
    date = fields.Date(
        required=True,
        readonly=True,
        help="The day that had to fall within the credit's validity.",
    )
    state = fields.Selection(
        [("active", "Counted"), ("released", "Released")],
        required=True,
        readonly=True,
        default="active",
        index=True,
    )
    date_released = fields.Date(string="Released on", readonly=True)
    invoice_id = fields.Many2one(
        "account.move",
        string="Paid invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The order's invoice this use paid, with the credit's credit note.",
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile",
        string="Matching",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The match of the credit's credit note with the invoice: gone "
        "when the invoice is reset to draft, made again when it is posted.",
    )
    release_reason = fields.Char(readonly=True)
    company_id = fields.Many2one(related="credit_id.company_id", store=True)
    partner_id = fields.Many2one(
        related="credit_id.partner_id", string="Client", store=True, index=True
    )
    currency_id = fields.Many2one(related="credit_id.currency_id")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A credit use is a positive amount."),
    ]

    @api.depends("credit_id.name", "order_reference")
    def _compute_display_name(self):
        for usage in self:
            usage.display_name = f"{usage.credit_id.name} / {usage.order_reference}"

    def write(self, vals):
        if not self.env.su:
            self.check_access_rights("write")
            raise UserError(
                _("A credit use is only changed by cancelling its sale order.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Credit uses are the credit's trail: never deleted."))

    def _release(self, reason):
        """Stop counting these uses against their credits, keeping the trail.

        :param str reason: why, shown on the use and in the credit's chatter
        """
        usages = self.filtered(lambda u: u.state == "active")
        if not usages:
            return
        usages.sudo().write(
            {
                "state": "released",
                "date_released": usages.company_id[:1]._support_today(),
                "release_reason": reason,
            }
        )
        for usage in usages:
            usage.credit_id.sudo().message_post(
                body=_(
                    "%(amount)s used on %(order)s released: %(reason)s",
                    amount=format_money(self.env, usage.amount, usage.currency_id),
                    order=usage.order_reference,
                    reason=reason,
                ),
                **usage.sale_order_id.sudo()._get_support_note_author(),
            )
        usages.credit_id._update_state()

    # ------------------------------------------------------------------
    # Books (README "Books": client credits)
    # ------------------------------------------------------------------
    def _get_to_book(self):
        """The uses still to match with their order's invoice: counted, their
        credit's credit note posted, not matched yet, on a credit line the
        order's invoice left out (lines of uses before 17.0.2.1.0 were
        invoiced as negative lines: those paid their invoice already).
        """
        return self.sudo().filtered(
            lambda usage: (
                usage.state == "active"
                and not usage.partial_id
                and usage.credit_id.move_id.state == "posted"
                and not usage.sale_line_id.qty_invoiced
            )
        )

    def _book_on_invoice(self, invoice):
        """Pay ``invoice`` (posted, of these uses' order) with the credits'
        credit notes, each for what its use spent.

        :param invoice: an ``account.move`` of the order
        """
        invoice_lines = invoice._support_receivable_lines()
        for usage in self:
            note_lines = usage.credit_id.move_id._support_receivable_lines()
            if not invoice_lines or not note_lines:
                continue
            partial = invoice_lines[:1]._support_reconcile_amount(
                note_lines[:1], usage.amount
            )
            if partial:
                usage.sudo().write({"invoice_id": invoice.id, "partial_id": partial.id})
                invoice_lines = invoice._support_receivable_lines()
