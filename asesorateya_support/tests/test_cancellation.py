# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..policy import net_use
from .common import SupportCommon

QUOTE_KEYS = {
    "phase",
    "legal_basis",
    "amount_paid",
    "work_done_amount",
    "refundable_amount",
    "refund_amount",
    "credit_amount",
    "extra_invoice_amount",
    "invoice_reversal_amount",
    "credit_expiry_date",
    "explanation",
}


@tagged("post_install", "-at_install")
class TestSupportCancellation(SupportCommon):
    """Cancellations under the support policy §10: the worked examples 1 to 5
    of the issue, their boundaries, and what a confirmed cancellation creates."""

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_CL")
        cls.client_a.lang = "es_CL"

    def _bag(self, purchase="2026-03-02"):
        bag = self._sell(self.plan_bag, date=purchase)
        self.assertEqual(bag.amount_paid, 400000.0)
        return bag

    def _amounts(self, quote):
        return {
            key: quote[key]
            for key in (
                "phase",
                "legal_basis",
                "amount_paid",
                "work_done_amount",
                "refundable_amount",
                "refund_amount",
                "credit_amount",
                "extra_invoice_amount",
                "credit_expiry_date",
            )
        }

    # ------------------------------------------------------------------
    # Worked examples
    # ------------------------------------------------------------------
    @freeze_time("2026-03-06 12:00:00")
    def test_example_1_withdrawal(self):
        bag = self._bag()
        quote = bag.cancellation_quote(date(2026, 3, 6))
        self.assertEqual(set(quote), QUOTE_KEYS, "exactly the documented keys")
        self.assertEqual(
            self._amounts(quote),
            {
                "phase": "before_start",
                "legal_basis": "withdrawal",
                "amount_paid": 400000.0,
                "work_done_amount": 0.0,
                "refundable_amount": 400000.0,
                "refund_amount": 400000.0,
                "credit_amount": 0.0,
                "extra_invoice_amount": 0.0,
                "credit_expiry_date": date(2026, 9, 6),
            },
        )
        self.assertIn("retracto", quote["explanation"])
        self.assertIn("$\xa0400.000", quote["explanation"])

    @freeze_time("2026-03-25 12:00:00")
    def test_example_2_before_start(self):
        bag = self._bag()
        quote = bag.cancellation_quote()
        self.assertEqual(quote["phase"], "before_start")
        self.assertEqual(quote["legal_basis"], "before_start")
        self.assertEqual(quote["refund_amount"], 400000.0)
        self.assertEqual(quote["credit_amount"], 0.0)
        cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
            reason="Changed plans"
        )
        cancellation = cancellation.with_env(self.env)
        self.assertEqual(cancellation.state, "done", "a refund the policy grants")
        self.assertEqual(cancellation.decision, "refund")
        move = cancellation.refund_move_id
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.amount_total, 400000.0)
        self.assertEqual(move.partner_id, self.client_a)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_iva)
        self.assertEqual(bag.state, "cancelled")

    @freeze_time("2026-04-10 12:00:00")
    def test_example_3_credit_after_start(self):
        bag = self._bag()
        self._log(bag, 3.5, date="2026-03-20")
        quote = bag.cancellation_quote(date(2026, 4, 10))
        self.assertEqual(
            self._amounts(quote),
            {
                "phase": "started",
                "legal_basis": "after_start",
                "amount_paid": 400000.0,
                "work_done_amount": 140000.0,
                "refundable_amount": 260000.0,
                "refund_amount": 0.0,
                "credit_amount": 260000.0,
                "extra_invoice_amount": 0.0,
                "credit_expiry_date": date(2026, 10, 10),
            },
        )
        self.assertIn("§10", quote["explanation"])
        self.assertIn("crédito", quote["explanation"])
        self.assertIn("$\xa0140.000", quote["explanation"])
        cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy()
        self.assertEqual(cancellation.decision, "credit")
        credit = cancellation.credit_id
        self.assertEqual(credit.amount, 260000.0)
        self.assertEqual(credit.date_expiry, date(2026, 10, 10))
        self.assertEqual(credit.partner_id, self.client_a)
        self.assertEqual(credit.origin, "cancellation")
        self.assertFalse(cancellation.refund_move_id)

    @freeze_time("2026-04-10 12:00:00")
    def test_example_3_refund_approved_by_manager(self):
        bag = self._bag()
        self._log(bag, 3.5, date="2026-03-20")
        cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
            preference="refund", reason="The client wants the money back"
        )
        cancellation = cancellation.with_env(self.env)
        self.assertEqual(cancellation.state, "to_approve")
        self.assertFalse(cancellation.credit_id)
        self.assertFalse(cancellation.refund_move_id)
        self.assertEqual(bag.state, "cancelled", "no more logs while it is decided")
        self.assertTrue(cancellation.activity_ids, "a manager is asked to decide")
        with self.assertRaises(AccessError):
            cancellation.with_user(self.user_consultant).action_approve_refund()
        self.assertEqual(cancellation.state, "to_approve")
        cancellation.with_user(self.user_manager).action_approve_refund(
            "Work done deducted; bank transfer"
        )
        self.assertEqual(cancellation.state, "done")
        self.assertEqual(cancellation.decided_by_id, self.user_manager)
        self.assertEqual(cancellation.refund_amount, 260000.0)
        self.assertEqual(cancellation.credit_amount, 0.0)
        self.assertEqual(cancellation.refund_move_id.amount_total, 260000.0)
        self.assertFalse(cancellation.credit_id)
        self.assertFalse(cancellation.activity_ids)
        with self.assertRaisesText(UserError, "already settled"):
            cancellation.with_user(self.user_manager).action_grant_credit()

    @freeze_time("2026-04-10 12:00:00")
    def test_refund_declined_gives_the_credit(self):
        bag = self._bag()
        self._log(bag, 3.5, date="2026-03-20")
        cancellation = bag.with_user(self.user_consultant).action_cancel_by_policy(
            preference="refund"
        )
        cancellation = cancellation.with_env(self.env)
        self.assertEqual(cancellation.state, "to_approve")
        cancellation.with_user(self.user_manager).action_grant_credit("Policy §10")
        self.assertEqual(cancellation.decision, "credit")
        self.assertEqual(cancellation.credit_id.amount, 260000.0)

    @freeze_time("2026-05-12 12:00:00")
    def test_example_4_monthly_current_period_only(self):
        monthly = self._sell(self.plan_monthly, date="2026-04-01")
        monthly.action_start("2026-04-01")
        self._log(monthly, 6.0, date="2026-04-15")
        self._log(monthly, 3.0, date="2026-05-05")
        self.assertEqual(len(monthly.period_ids), 2)
        second = monthly.current_period_id
        self.assertEqual(second.date_start, date(2026, 5, 1))
        self.assertEqual(second.hours_used, 3.0)
        # The cycle is paid in advance (policy §8): the example's client paid.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=second.invoice_id.ids
        ).create({"payment_date": "2026-05-02"})._create_payments()
        quote = monthly.cancellation_quote(date(2026, 5, 12))
        self.assertEqual(
            self._amounts(quote),
            {
                "phase": "started",
                "legal_basis": "after_start",
                "amount_paid": 300000.0,
                "work_done_amount": 112500.0,
                "refundable_amount": 187500.0,
                "refund_amount": 0.0,
                "credit_amount": 187500.0,
                "extra_invoice_amount": 0.0,
                "credit_expiry_date": date(2026, 11, 12),
            },
        )
        self.assertIn("no son reembolsables", quote["explanation"])
        cancellation = monthly.action_cancel_by_policy()
        self.assertEqual(cancellation.credit_id.amount, 187500.0)
        self.assertEqual(monthly.state, "cancelled")
        self.assertEqual(second.state, "closed")

    @freeze_time("2026-03-10 12:00:00")
    def test_example_5_diagnosis_held(self):
        diagnosis = self._sell(self.plan_diagnosis, date="2026-03-02")
        self._log(diagnosis, 1.0, date="2026-03-05")
        self.assertEqual(diagnosis.state, "done")
        quote = diagnosis.cancellation_quote()
        self.assertEqual(quote["phase"], "started")
        self.assertEqual(quote["work_done_amount"], 60000.0)
        self.assertEqual(quote["refundable_amount"], 0.0)
        self.assertEqual(quote["refund_amount"] + quote["credit_amount"], 0.0)
        self.assertFalse(quote["credit_expiry_date"])
        with self.assertRaisesText(UserError, "is not possible"):
            diagnosis.action_cancel_by_policy()

    @freeze_time("2026-03-10 12:00:00")
    def test_diagnosis_not_held_within_withdrawal(self):
        diagnosis = self._sell(self.plan_diagnosis, date="2026-03-02")
        quote = diagnosis.cancellation_quote()
        self.assertEqual(quote["legal_basis"], "withdrawal")
        self.assertEqual(quote["refund_amount"], 60000.0)

    # ------------------------------------------------------------------
    # Boundaries
    # ------------------------------------------------------------------
    @freeze_time("2026-03-20 12:00:00")
    def test_withdrawal_day_10_included_day_11_not(self):
        bag = self._bag()
        self.assertEqual(
            bag.cancellation_quote("2026-03-02")["legal_basis"], "withdrawal"
        )
        self.assertEqual(
            bag.cancellation_quote("2026-03-12")["legal_basis"], "withdrawal"
        )
        self.assertEqual(
            bag.cancellation_quote("2026-03-13")["legal_basis"], "before_start"
        )

    @freeze_time("2026-03-20 12:00:00")
    def test_request_dates_refused(self):
        bag = self._bag()
        with self.assertRaisesText(UserError, "cannot precede the purchase"):
            bag.cancellation_quote("2026-03-01")
        with self.assertRaisesText(UserError, "in the future"):
            bag.cancellation_quote("2026-03-21")
        self._log(bag, 1.0, date="2026-03-15")
        with self.assertRaisesText(UserError, "after the request date"):
            bag.action_cancel_by_policy("2026-03-14")
        self.assertEqual(bag.state, "active")

    @freeze_time("2026-04-10 12:00:00")
    def test_full_and_zero_usage(self):
        full = self._bag()
        self._log(full, 10.0, date="2026-03-20")
        self.assertEqual(full.state, "exhausted")
        quote = full.cancellation_quote()
        self.assertEqual(quote["work_done_amount"], 400000.0)
        self.assertEqual(quote["refundable_amount"], 0.0)
        cancellation = full.action_cancel_by_policy()
        self.assertEqual(cancellation.decision, "none")
        self.assertFalse(cancellation.credit_id or cancellation.refund_move_id)

        # The only log was corrected to nothing: no hour was used, net, so the
        # service has not started (policy §10, "antes del primer uso de
        # horas"; issue 13, item 2) and the policy refunds it all.
        zero = self._bag()
        self._log(zero, 1.0, date="2026-03-20").action_correct(0.0, "Wrong client")
        self.assertFalse(zero.date_start)
        quote = zero.cancellation_quote()
        self.assertEqual(quote["phase"], "before_start")
        self.assertEqual(quote["work_done_amount"], 0.0)
        self.assertEqual(quote["refund_amount"], 400000.0)

    @freeze_time("2026-04-10 12:00:00")
    def test_rounding_of_fractional_hours(self):
        bag = self._bag()
        self._log(bag, 80 / 60, date="2026-03-20")  # 01:20
        quote = bag.cancellation_quote()
        # 1.333... h x 40.000 = 53.333,33 -> 53.333, rounded once.
        self.assertEqual(quote["work_done_amount"], 53333.0)
        self.assertEqual(quote["credit_amount"], 346667.0)
        self.assertEqual(
            quote["work_done_amount"] + quote["refundable_amount"],
            quote["amount_paid"],
        )
        plan_7 = self._create_plan("Bag 7 h", "hour_bag", 100000, hours_included=7.0)
        odd = self._sell(plan_7, date="2026-03-02")
        self._log(odd, 1.0, date="2026-03-20")
        quote = odd.cancellation_quote()
        self.assertEqual(quote["work_done_amount"], 14286.0)  # 14.285,71
        self.assertEqual(quote["credit_amount"], 85714.0)

    @freeze_time("2026-08-31 12:00:00")
    def test_credit_expiry_at_month_end(self):
        bag = self._bag("2026-07-01")
        self._log(bag, 1.0, date="2026-07-10")
        self.assertEqual(
            bag.cancellation_quote()["credit_expiry_date"], date(2027, 2, 28)
        )

    # ------------------------------------------------------------------
    # What a cancellation does to the contract
    # ------------------------------------------------------------------
    @freeze_time("2026-04-10 12:00:00")
    def test_cancelled_once_and_takes_no_logs(self):
        bag = self._bag()
        self._log(bag, 1.0, date="2026-03-20")
        cancellation = bag.action_cancel_by_policy()
        self.assertEqual(bag.date_end, date(2026, 4, 10))
        with self.assertRaisesText(UserError, "already cancelled"):
            bag.action_cancel_by_policy()
        with self.assertRaisesText(UserError, "takes no session logs"):
            self._log(bag, 1.0)
        self.assertEqual(len(bag.cancellation_ids), 1)
        self.assertEqual(bag.cancellation_ids, cancellation)
        # The quote stays as it was given, whatever happens after.
        self.assertEqual(cancellation.work_done_amount, 40000.0)
        self.assertEqual(cancellation.refundable_amount, 360000.0)
        self.assertIn("§10", cancellation.explanation)
        with self.assertRaises(UserError):
            cancellation.unlink()
        with self.assertRaises(UserError):
            cancellation.credit_id.unlink()

    @freeze_time("2026-03-25 12:00:00")
    def test_plain_cancel_refused_when_paid(self):
        bag = self._bag()
        with self.assertRaisesText(UserError, "was paid"):
            bag.action_cancel()
        self.assertEqual(bag.state, "confirmed")

    @freeze_time("2026-04-10 12:00:00")
    def test_client_may_prefer_a_credit_to_the_refund(self):
        bag = self._bag()
        cancellation = bag.action_cancel_by_policy(preference="credit")
        self.assertEqual(cancellation.decision, "credit")
        self.assertEqual(cancellation.credit_id.amount, 400000.0)
        self.assertEqual(cancellation.quote_refund_amount, 400000.0)

    @freeze_time("2026-04-10 12:00:00")
    def test_wizard(self):
        bag = self._bag()
        self._log(bag, 3.5, date="2026-03-20")
        action = bag.with_user(self.user_consultant).action_open_cancellation()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_consultant)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.credit_amount, 260000.0)
        self.assertEqual(wizard_form.work_done_amount, 140000.0)
        wizard_form.reason = "Email of 2026-04-10"
        result = wizard_form.save().action_confirm()
        cancellation = self.env["support.cancellation"].browse(result["res_id"])
        self.assertEqual(cancellation.contract_id, bag)
        self.assertEqual(cancellation.reason, "Email of 2026-04-10")
        self.assertEqual(cancellation.requested_by_id, self.user_consultant)

    @freeze_time("2026-04-10 12:00:00")
    def test_portal_client_sees_only_its_cancellations(self):
        bag = self._bag()
        cancellation = bag.action_cancel_by_policy()
        other = self._sell(self.plan_bag, partner=self.client_b, date="2026-03-02")
        other.action_cancel_by_policy()
        Cancellation = self.env["support.cancellation"]
        self.assertEqual(
            Cancellation.with_user(self.user_portal_a2).search([]), cancellation
        )
        with self.assertRaises(AccessError):
            cancellation.with_user(self.user_portal_b).read(["refund_amount"])

    @freeze_time("2026-04-10 12:00:00")
    def test_quote_queries_independent_of_logs(self):
        plan_big = self._create_plan(
            "Bag 1000 h", "hour_bag", 30000000, hours_included=1000.0
        )
        for count in (10, 1000):
            bag = self._sell(plan_big, date="2026-03-02")
            self.env["support.session"].with_user(self.user_consultant).create(
                [
                    {
                        "contract_id": bag.id,
                        "date": "2026-03-20",
                        "duration": 0.25,
                        "objective": "Task",
                        "activity": "Done",
                    }
                    for _index in range(count)
                ]
            )
            bag.cancellation_quote()  # warm up
            self.env.invalidate_all()
            # 9: the contract, its company's time zone (its day: the
            # company's and the user's contacts in one query since issue 14),
            # the version, one query of the logs dated after the request (the
            # bag's stored hours and start say the rest, issue 13, items 2
            # and 5), the explanation's language and labels; never one per
            # log.
            with self.assertQueryCount(9):
                quote = bag.cancellation_quote()
            self.assertEqual(quote["work_done_amount"], count * 0.25 * 30000)

    @freeze_time("2026-04-10 12:00:00")
    def test_bag_net_use_from_its_totals(self):
        """A bag's quote reads its stored hours and start instead of all its
        logs: the same net use, day by day, as its logs' net time per day,
        through corrections (one to nothing on the first day), logs dated
        before the others and requests before, on and after each log."""
        bag = self._bag()

        def check():
            day = date(2026, 3, 2)
            while day <= date(2026, 4, 10):
                data = self.env["support.session"]._read_group(
                    [("contract_id", "=", bag.id), ("date", "<=", day)],
                    ["date:day"],
                    ["duration:sum"],
                )
                used, first_use = bag._get_net_use(day)
                expected_used, expected_first = net_use(data)
                self.assertAlmostEqual(used, expected_used, places=6, msg=day)
                self.assertEqual(first_use, expected_first, day)
                day += timedelta(days=1)

        first = self._log(bag, 1.0, date="2026-03-10")
        first.action_correct(0.0, "Wrong client")
        check()  # no net use: no start
        self.assertEqual(bag._get_net_use(date(2026, 4, 10)), (0.0, None))
        self._log(bag, 2.0, date="2026-03-12")
        self._log(bag, 1.5, date="2026-03-15").action_correct(0.5, "Shorter")
        self._log(bag, 0.75, date="2026-03-11")
        check()
        self.assertEqual(bag._get_net_use(date(2026, 3, 10)), (0.0, None))
        self.assertEqual(bag._get_net_use(date(2026, 3, 11)), (0.75, date(2026, 3, 11)))
        self._log(bag, 0.25, date="2026-03-05")
        check()
        self.assertEqual(bag._get_net_use(date(2026, 3, 5)), (0.25, date(2026, 3, 5)))
