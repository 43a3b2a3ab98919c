# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..policy import QUOTE_KEYS

#: The field of each key of a quote whose name differs from the key: a
#: confirmed cancellation's own ``refund_amount`` and ``credit_amount`` are
#: what was decided, not what the quote offered.
QUOTE_FIELD_NAMES = {
    "refund_amount": "quote_refund_amount",
    "credit_amount": "quote_credit_amount",
}


class SupportCancellationQuoteMixin(models.AbstractModel):
    """The fields of a cancellation quote (``support.contract.
    cancellation_quote``): what cancelling a contract on a day gives back.

    Declared once for the two models that show a quote: the cancel wizard
    (``support.contract.cancel``), which computes them for the day the
    client asked, and the confirmed cancellation (``support.cancellation``),
    which stores them as they were given. Amounts are in the contract
    currency, IVA included.
    """

    _name = "support.cancellation.quote.mixin"
    _description = "Support Cancellation Quote"

    contract_id = fields.Many2one("support.contract", required=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    phase = fields.Selection(
        [("before_start", "Before the start"), ("started", "Started")],
        readonly=True,
    )
    legal_basis = fields.Selection(
        [
            ("withdrawal", "Statutory withdrawal"),
            ("before_start", "Before the start"),
            ("after_start", "After the start"),
        ],
        readonly=True,
    )
    amount_paid = fields.Monetary(readonly=True)
    work_done_amount = fields.Monetary(string="Work done", readonly=True)
    refundable_amount = fields.Monetary(string="Refundable", readonly=True)
    quote_refund_amount = fields.Monetary(
        string="Refund under the policy", readonly=True
    )
    quote_credit_amount = fields.Monetary(
        string="Credit under the policy", readonly=True
    )
    extra_invoice_amount = fields.Monetary(string="Extra to invoice", readonly=True)
    invoice_reversal_amount = fields.Monetary(
        string="Reversed on the cycle's invoice",
        readonly=True,
        help="Monthly plans: the part of the current cycle's unpaid invoice "
        "that is cancelled by a credit note; the work done stays due (support "
        "policy §8).",
    )
    credit_expiry_date = fields.Date(readonly=True)
    explanation = fields.Text(readonly=True)

    @api.model
    def _prepare_quote_values(self, quote):
        """Field values of a quote, every key of :data:`QUOTE_KEYS`.

        :param dict quote: a result of ``cancellation_quote``, or empty
        :return: a dict of field values (empty values where ``quote`` has
            none)
        """
        return {
            QUOTE_FIELD_NAMES.get(key, key): quote.get(key) or False
            for key in QUOTE_KEYS
        }
