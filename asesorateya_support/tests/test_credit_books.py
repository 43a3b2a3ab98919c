# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Client credits in the books (issue 12, items 6 and 7; README "Books"):
issuing a credit posts an open credit note, an order's invoice is paid with
it for what the order spent, its expiry recognises the rest as income; the
invoice of an order that spent a credit bills the service at its price, its
IVA exact. The credits and the ledger agree after every step."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CreditBooksMixin, SupportCommon

POLICY_V1 = "asesorateya_support.support_policy_support_v1"
CREDIT_PRODUCT = "asesorateya_support.product_product_client_credit"


@tagged("post_install", "-at_install")
class TestSupportCreditBooks(CreditBooksMixin, SupportCommon):
    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.version = cls.env.ref(POLICY_V1)
        cls.credit_product = cls.env.ref(CREDIT_PRODUCT)

    def _issue_on(self, contract, amount, on="2026-03-02"):
        """A credit of ``amount`` from ``contract`` (policy v1: 6 months)."""
        return self.env["support.credit"]._issue(
            contract.partner_id,
            amount,
            "cancellation",
            date.fromisoformat(on),
            self.version,
            contract_id=contract.id,
            company_id=self.company.id,
        )

    def _spend(self, plan, partner=None):
        """A quotation of ``plan`` with the client's credits applied."""
        order = self._create_order(plan, partner=partner)
        order.with_user(self.user_salesman).action_apply_support_credits()
        return order.with_env(self.env)

    def _invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    # ------------------------------------------------------------------
    @freeze_time("2026-04-10 12:00:00")
    def test_cancellation_credit_is_an_open_credit_note(self):
        """Support §10 after the start: the unused 260.000 of a bag become a
        credit note of the bag's invoice, left open: the money stays."""
        bag = self._sell(self.plan_bag, date="2026-03-02")
        self._log(bag, 3.5, date="2026-03-20")
        cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy()
        credit = cancellation.with_env(self.env).credit_id
        note = credit.move_id
        invoice = bag.sale_order_id.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice"
        )
        self.assertRecordValues(
            note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": 260000,
                    "amount_residual": 260000,
                    "partner_id": self.client_a.id,
                    "reversed_entry_id": invoice.id,
                }
            ],
        )
        self.assertEqual(invoice.amount_residual, 400000, "not settled by the note")
        self.assertEqual(credit.amount_in_books, 260000)
        self.assertCreditsInBooks(self.client_a, owed=260000)

    def test_invoice_of_an_order_with_a_credit_has_exact_iva(self):
        """Item 6: 400.000 less a credit of 100.000. Two lines rounded each
        (336.134 and -84.034) gave a net of 252.100 where a Chilean invoice of
        300.000 shows 252.101. The invoice bills the bag at 400.000 (one
        line: net 336.134, IVA 63.866) and the credit note pays 100.000."""
        with freeze_time("2026-03-02 12:00:00"):
            source = self._sell(self.plan_bag, date="2026-03-02")
            credit = self._issue_on(source, 100000)
            self.assertCreditsInBooks(self.client_a, owed=100000)
            order = self._spend(self.plan_bag)
            self.assertEqual(order.amount_total, 300000, "the client pays 300.000")
            self.assertCreditsInBooks(self.client_a, owed=100000)
            order.action_confirm()
            self.assertCreditsInBooks(self.client_a, owed=100000)
            invoice = self._invoice(order)
        products = invoice.invoice_line_ids
        self.assertEqual(len(products), 1, "the bag only: no credit line")
        self.assertEqual(products.product_id, self.plan_bag.product_id)
        self.assertRecordValues(
            invoice,
            [
                {
                    "amount_total": 400000,
                    "amount_untaxed": round(400000 / 1.19),
                    "amount_tax": 400000 - round(400000 / 1.19),
                    "amount_residual": 300000,
                    "payment_state": "partial",
                }
            ],
        )
        self.assertEqual(
            sum(invoice.line_ids.mapped("balance")), 0, "balanced to the peso"
        )
        usage = credit.usage_ids
        self.assertEqual(usage.invoice_id, invoice)
        self.assertEqual(usage.partial_id.amount, 100000)
        self.assertEqual(credit.move_id.amount_residual, 0)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertCreditsInBooks(self.client_a, owed=0)

    def test_partial_use_reset_to_draft_and_expiry(self):
        """A credit of 100.000 pays a diagnosis of 60.000; the invoice reset
        to draft gives the 60.000 back to the credit note until posted again;
        the 40.000 left expire as income of the service."""
        with freeze_time("2026-03-02 12:00:00"):
            source = self._sell(self.plan_bag, date="2026-03-02")
            credit = self._issue_on(source, 100000)
            order = self._spend(self.plan_diagnosis)
            self.assertEqual(order.amount_total, 0)
            order.action_confirm()
            invoice = self._invoice(order)
            self.assertEqual(invoice.amount_total, 60000)
            self.assertEqual(invoice.amount_residual, 0, "paid by the credit note")
            # Odoo's name for an invoice settled by credit notes only.
            self.assertEqual(invoice.payment_state, "reversed")
            self.assertEqual(credit.move_id.amount_residual, 40000)
            self.assertCreditsInBooks(self.client_a, owed=40000)
            invoice.button_draft()
            self.assertFalse(credit.usage_ids.partial_id)
            self.assertCreditsInBooks(self.client_a, owed=100000)
            invoice.action_post()
            self.assertEqual(credit.usage_ids.partial_id.amount, 60000)
            self.assertCreditsInBooks(self.client_a, owed=40000)
        with freeze_time("2026-09-03 12:00:00"):
            self.env["support.credit"]._cron_expire_credits()
        self.assertEqual(credit.state, "expired")
        entry = credit.expiry_move_id
        self.assertEqual(entry.state, "posted")
        income = self.plan_bag.product_id.product_tmpl_id.get_product_accounts()[
            "income"
        ]
        self.assertEqual(
            sorted(
                (line.account_id.account_type, line.debit, line.credit)
                for line in entry.line_ids
            ),
            sorted(
                [
                    ("asset_receivable", 40000, 0),
                    (income.account_type, 0, 40000),
                ]
            ),
        )
        self.assertEqual(
            entry.line_ids.filtered(lambda line: line.credit).account_id, income
        )
        self.assertEqual(credit.move_id.amount_residual, 0)
        self.assertEqual(credit.amount_in_books, 0)
        self.assertCreditsInBooks(self.client_a, owed=0)

    @freeze_time("2026-03-02 12:00:00")
    def test_released_use_stays_owed(self):
        """A quotation cancelled gives its credit back: the note still owes
        it, as it did while the quotation held it."""
        source = self._sell(self.plan_bag, date="2026-03-02")
        credit = self._issue_on(source, 100000)
        order = self._spend(self.plan_bag)
        self.assertCreditsInBooks(self.client_a, owed=100000)
        order._action_cancel()
        self.assertEqual(credit.amount_remaining, 100000)
        self.assertCreditsInBooks(self.client_a, owed=100000)

    def test_conversion_credit_note_corrects_the_diagnosis(self):
        """Support §5: a diagnosis of 60.000 converted into a credit is
        taken back by a credit note of its invoice, open for the bag."""
        diagnosis = self._sell(self.plan_diagnosis, date="2026-02-27")
        self._log(diagnosis, 1.0, date=date(2026, 3, 2))
        with freeze_time("2026-03-02 12:00:00"):
            diagnosis.with_user(self.user_consultant).action_convert_to_credit(
                "The case needs a migration"
            )
            credit = diagnosis.credit_ids
            note = credit.move_id
            self.assertEqual(note.state, "posted")
            self.assertEqual(note.amount_total, 60000)
            self.assertEqual(
                note.reversed_entry_id, diagnosis.sale_order_id.invoice_ids[:1]
            )
            self.assertCreditsInBooks(self.client_a, owed=60000)
            order = self._spend(self.plan_bag)
            order.action_confirm()
            invoice = self._invoice(order)
        self.assertEqual(invoice.amount_total, 400000)
        self.assertEqual(invoice.amount_residual, 340000)
        self.assertCreditsInBooks(self.client_a, owed=0)

    def test_use_released_after_the_expiry_expires_too(self):
        """A quotation holds 60.000 of a credit of 100.000 when it expires:
        40.000 are recognised, the 60.000 stay owed while the quotation may
        still be confirmed and invoiced; cancelled, they are recognised too."""
        with freeze_time("2026-03-02 12:00:00"):
            source = self._sell(self.plan_bag, date="2026-03-02")
            credit = self._issue_on(source, 100000)
            order = self._spend(self.plan_diagnosis)
        with freeze_time("2026-09-03 12:00:00"):
            self.env["support.credit"]._cron_expire_credits()
            self.assertEqual(credit.state, "expired")
            first = credit.expiry_move_id
            self.assertEqual(first.amount_total, 40000)
            self.assertEqual(credit.amount_in_books, 60000)
            self.assertCreditsInBooks(self.client_a, owed=60000)
            order._action_cancel()
            self.assertEqual(credit.state, "expired")
            self.assertEqual(credit.amount_remaining, 100000, "nothing counts")
        second = credit.expiry_move_id
        self.assertNotEqual(second, first)
        self.assertEqual((second.state, second.amount_total), ("posted", 60000))
        self.assertEqual(first.state, "posted", "the first entry stays")
        self.assertEqual(credit.amount_in_books, 0)
        self.assertCreditsInBooks(self.client_a, owed=0)
