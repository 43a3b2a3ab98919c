# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportBilling(SupportCommon):
    """Monthly retainers are paid in advance, cycle by cycle (policy §8)."""

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron_roll = cls.env.ref("asesorateya_support.ir_cron_roll_periods")
        cls.cron_unpaid = cls.env.ref("asesorateya_support.ir_cron_pause_unpaid")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _start(self, sold="2026-03-01", start="2026-03-02"):
        """A retainer sold on ``sold`` and started on ``start``."""
        contract = self._sell(self.plan_monthly, self.contact_a, date=sold)
        with freeze_time(f"{start} 12:00:00"):
            contract.action_start(start)
        return contract

    def _roll(self, day):
        with freeze_time(f"{day} 12:00:00"):
            self.cron_roll.method_direct_trigger()

    def _check_unpaid(self, day):
        with freeze_time(f"{day} 12:00:00"):
            self.cron_unpaid.method_direct_trigger()

    def _pay(self, invoice, day):
        with freeze_time(f"{day} 12:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": day})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def _invoices(self):
        return self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("partner_id", "child_of", self.client_a.id),
            ]
        )

    def _cycle(self, contract, sequence):
        return contract.period_ids.filtered(lambda p: p.sequence == sequence)

    # ------------------------------------------------------------------
    # One invoice per cycle
    # ------------------------------------------------------------------
    def test_one_invoice_per_cycle_the_first_paid_with_the_order(self):
        contract = self._start()
        first = contract.current_period_id
        self.assertTrue(first.billed_by_order, "the order pays the first cycle")
        self.assertFalse(first.invoice_id, "the order was not invoiced")
        self.assertFalse(self._invoices())

        self._roll("2026-04-02")
        second = self._cycle(contract, 2)
        invoice = second.invoice_id
        self.assertFalse(second.billed_by_order)
        self.assertEqual(
            (invoice.move_type, invoice.state, invoice.payment_state),
            ("out_invoice", "posted", "not_paid"),
        )
        self.assertEqual(invoice.partner_id, self.contact_a, "the order's invoicee")
        self.assertEqual(invoice.company_id, self.company)
        self.assertEqual(invoice.currency_id, self.currency_clp)
        self.assertEqual(invoice.invoice_date, date(2026, 4, 2))
        self.assertEqual(invoice.invoice_origin, contract.name)
        self.assertEqual(invoice.amount_total, 300000.0, "the fee, IVA included")
        self.assertEqual(second.fee_amount, 300000.0)
        self.assertEqual(invoice.amount_untaxed, 252101.0)
        self.assertEqual(invoice.amount_tax, 47899.0)
        line = invoice.invoice_line_ids
        self.assertEqual(line.product_id, self.plan_monthly.product_id)
        self.assertEqual(line.tax_ids, self.tax_iva)
        self.assertIn(contract.name, line.name)
        self.assertEqual(second.invoice_payment_state, "not_paid")
        self.assertIn(invoice.name, contract.message_ids[0].body)

        # Idempotent: the cron again, the same cycle asked again, billing again.
        self._roll("2026-04-02")
        self._roll("2026-04-20")
        with freeze_time("2026-04-20 12:00:00"):
            same = self.env["support.contract.period"]._open_for_contract(
                contract, date(2026, 4, 20)
            )
        self.assertEqual(same, second)
        self.assertFalse((first | second)._bill())
        self.assertEqual(self._invoices(), invoice)

        # A consultant (no accounting rights) logging on the first day of the
        # next cycle, before the cron ran, opens and bills it.
        with freeze_time("2026-05-02 08:00:00"):
            log = self._log(contract, 1.0, date="2026-05-02")
        third = self._cycle(contract, 3)
        self.assertEqual(log.period_id, third)
        self.assertTrue(third.invoice_id)
        self.assertEqual(self._invoices(), invoice | third.invoice_id)

    def test_missed_cycles_each_invoiced_never_back_dated(self):
        contract = self._start()
        self._roll("2026-06-10")
        self.assertEqual(len(contract.period_ids), 4)
        invoices = contract.period_ids.sorted("sequence")[1:].invoice_id
        self.assertEqual(len(invoices), 3, "each missed cycle is billed once")
        self.assertEqual(set(invoices.mapped("invoice_date")), {date(2026, 6, 10)})

    def test_order_invoice_is_the_first_cycle_invoice(self):
        # The order invoiced (as a paid shop order is) before the start...
        contract = self._sell(self.plan_monthly, self.contact_a, date="2026-03-01")
        with freeze_time("2026-03-01 12:00:00"):
            order_invoice = contract.sale_order_id._create_invoices()
            order_invoice.action_post()
            contract.action_start("2026-03-01")
        first = contract.current_period_id
        self.assertEqual(first.invoice_id, order_invoice)
        self.assertTrue(first.billed_by_order)
        self.assertEqual(self._invoices(), order_invoice, "not invoiced twice")

        # ... or after it.
        other = self._sell(self.plan_monthly, self.contact_a, date="2026-03-01")
        with freeze_time("2026-03-01 12:00:00"):
            other.action_start("2026-03-01")
            self.assertFalse(other.current_period_id.invoice_id)
            late_invoice = other.sale_order_id._create_invoices()
            late_invoice.action_post()
        self.assertEqual(other.current_period_id.invoice_id, late_invoice)

    def test_contract_without_order_billed_from_its_first_cycle(self):
        contract = self.env["support.contract"].create(
            {
                "partner_id": self.client_a.id,
                "plan_id": self.plan_monthly.id,
                "amount_paid": 300000.0,
                "state": "confirmed",
                "date_purchase": "2026-03-01",
            }
        )
        with freeze_time("2026-03-02 12:00:00"):
            contract.action_start("2026-03-02")
        first = contract.current_period_id
        self.assertFalse(first.billed_by_order)
        self.assertEqual(first.invoice_id.amount_total, 300000.0)
        self.assertEqual(first.invoice_id.partner_id, self.client_a)

    # ------------------------------------------------------------------
    # Unpaid: grace, pause, payment, resume
    # ------------------------------------------------------------------
    def test_unpaid_after_grace_paused_then_payment_resumes(self):
        contract = self._start()
        self._roll("2026-04-02")
        invoice = self._cycle(contract, 2).invoice_id
        self.assertEqual(invoice.invoice_date_due, date(2026, 4, 2))
        self.assertEqual(self.company.support_billing_grace_days, 5)

        self._check_unpaid("2026-04-07")
        self.assertEqual(contract.state, "active", "5 days of grace")
        self._check_unpaid("2026-04-08")
        self.assertEqual(contract.state, "paused")
        self.assertTrue(contract.payment_hold)
        self.assertIn(invoice.name, contract.hold_reason)
        self._check_unpaid("2026-04-09")  # a second run changes nothing
        self.assertEqual(contract.state, "paused")

        self._pay(invoice, "2026-04-10")
        self.assertEqual(contract.state, "active")
        self.assertFalse(contract.payment_hold)
        self.assertFalse(contract.hold_reason)
        self.assertEqual(
            contract.current_period_id, self._cycle(contract, 2), "the same cycle"
        )
        self.assertEqual(len(self._invoices()), 1, "resuming bills nothing more")

    def test_payment_after_the_cycle_ended_opens_a_new_billed_cycle(self):
        contract = self._start()
        self._roll("2026-04-02")
        invoice = self._cycle(contract, 2).invoice_id
        self._check_unpaid("2026-04-08")
        self._roll("2026-05-05")
        self.assertFalse(contract.current_period_id, "no cycle while paused")
        self.assertEqual(len(self._invoices()), 1, "nothing billed while paused")

        self._pay(invoice, "2026-05-10")
        self.assertEqual(contract.state, "active")
        current = contract.current_period_id
        self.assertEqual(current.date_start, date(2026, 5, 10))
        self.assertEqual(current.invoice_id.invoice_date, date(2026, 5, 10))
        self.assertEqual(len(self._invoices()), 2)

    def test_grace_is_configurable(self):
        self.env["res.config.settings"].create(
            {"support_billing_grace_days": 0}
        ).execute()
        self.assertEqual(self.company.support_billing_grace_days, 0)
        contract = self._start()
        self._roll("2026-04-02")
        self._check_unpaid("2026-04-02")
        self.assertEqual(contract.state, "active")
        self._check_unpaid("2026-04-03")
        self.assertEqual(contract.state, "paused")

    def test_partial_payment_keeps_the_pause(self):
        contract = self._start()
        self._roll("2026-04-02")
        invoice = self._cycle(contract, 2).invoice_id
        self._check_unpaid("2026-04-08")
        with freeze_time("2026-04-09 12:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"payment_date": "2026-04-09", "amount": 100000.0}
            )._create_payments()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(contract.state, "paused")

    def test_pause_for_another_reason_not_lifted_by_a_payment(self):
        contract = self._start()
        self._roll("2026-04-02")
        invoice = self._cycle(contract, 2).invoice_id
        with freeze_time("2026-04-03 12:00:00"):
            contract.action_pause("Waiting for the work user")
        self._check_unpaid("2026-04-08")
        self.assertFalse(contract.payment_hold, "already paused: not for payment")
        self._pay(invoice, "2026-04-09")
        self.assertEqual(contract.state, "paused")
        self.assertEqual(contract.hold_reason, "Waiting for the work user")

    def test_manual_resume_clears_the_payment_hold(self):
        contract = self._start()
        self._roll("2026-04-02")
        self._check_unpaid("2026-04-08")
        with freeze_time("2026-04-09 12:00:00"):
            contract.action_resume()
        self.assertEqual(contract.state, "active")
        self.assertFalse(contract.payment_hold)

    # ------------------------------------------------------------------
    # Closed contracts stop billing
    # ------------------------------------------------------------------
    def test_done_and_cancelled_retainers_stop_billing(self):
        done = self._start()
        cancelled = self._start()
        self._roll("2026-04-02")
        self.assertEqual(len(self._invoices()), 2)
        with freeze_time("2026-04-05 12:00:00"):
            done.action_done()
            cancelled.action_cancel_by_policy()
        self.assertEqual(cancelled.state, "cancelled")
        self._check_unpaid("2026-04-20")
        self.assertEqual(
            (done.state, cancelled.state),
            ("done", "cancelled"),
            "a closed contract is never paused",
        )
        self._roll("2026-06-10")
        self.assertEqual(len(done.period_ids), 2)
        self.assertEqual(len(cancelled.period_ids), 2)
        self.assertEqual(len(self._invoices()), 2, "nothing billed after the close")
