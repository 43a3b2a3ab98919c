# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..policy import (
    compute_quote,
    credit_expiry,
    decide_cancellation,
    hours_consumed,
    period_bounds,
    round_amount,
    simulate_rollover,
    weighted_progress,
)


@tagged("post_install", "-at_install")
class TestPeriodBounds(BaseCase):
    """Monthly cycle boundaries (policy §7): pure functions, no database."""

    def test_first_cycle(self):
        self.assertEqual(
            period_bounds(date(2026, 1, 10), 0), (date(2026, 1, 10), date(2026, 2, 9))
        )
        self.assertEqual(
            period_bounds(date(2026, 1, 1), 0), (date(2026, 1, 1), date(2026, 1, 31))
        )

    def test_later_cycles(self):
        self.assertEqual(
            period_bounds(date(2026, 1, 10), 1), (date(2026, 2, 10), date(2026, 3, 9))
        )
        self.assertEqual(
            period_bounds(date(2026, 1, 10), 12), (date(2027, 1, 10), date(2027, 2, 9))
        )

    def test_month_end_anchor_does_not_drift(self):
        anchor = date(2026, 1, 31)
        self.assertEqual(
            [period_bounds(anchor, index) for index in range(5)],
            [
                (date(2026, 1, 31), date(2026, 2, 27)),
                (date(2026, 2, 28), date(2026, 3, 30)),
                (date(2026, 3, 31), date(2026, 4, 29)),
                (date(2026, 4, 30), date(2026, 5, 30)),
                (date(2026, 5, 31), date(2026, 6, 29)),
            ],
        )

    def test_leap_year(self):
        self.assertEqual(
            period_bounds(date(2028, 1, 30), 1), (date(2028, 2, 29), date(2028, 3, 29))
        )
        self.assertEqual(
            period_bounds(date(2028, 2, 29), 0), (date(2028, 2, 29), date(2028, 3, 28))
        )

    def test_cycles_contiguous(self):
        """Each cycle starts the day after the previous one ends, for 3 years."""
        for anchor in (
            date(2026, 1, 31),
            date(2026, 1, 30),
            date(2026, 3, 15),
            date(2028, 2, 29),
        ):
            previous_end = None
            for index in range(36):
                start, end = period_bounds(anchor, index)
                with self.subTest(anchor=anchor, index=index):
                    self.assertLessEqual(start, end)
                    if previous_end:
                        self.assertEqual(start, previous_end + timedelta(days=1))
                previous_end = end

    def test_negative_index_refused(self):
        with self.assertRaises(ValueError):
            period_bounds(date(2026, 1, 10), -1)


@tagged("post_install", "-at_install")
class TestSimulateRollover(BaseCase):
    """Unused monthly hours: expire (policy) or roll over a bounded time (option)."""

    def test_policy_unused_hours_expire(self):
        result = simulate_rollover([(8.0, 3.0), (8.0, 8.0), (8.0, 0.0)])
        self.assertEqual([r["expired"] for r in result], [5.0, 0.0, 8.0])
        self.assertEqual([r["carried_in"] for r in result], [0.0, 0.0, 0.0])
        self.assertEqual([r["carried_out"] for r in result], [0.0, 0.0, 0.0])

    def test_one_cycle_rollover(self):
        result = simulate_rollover(
            [(8.0, 3.0), (8.0, 2.0), (8.0, 0.0)], rollover_periods=1
        )
        # Cycle 1 leaves 5 h; cycle 2 uses 2 of them first, 3 expire at its
        # close and its own 8 h go on; cycle 3 uses nothing: 8 + 8 h.
        self.assertEqual(
            result,
            [
                {"carried_in": 0.0, "expired": 0.0, "carried_out": 5.0},
                {"carried_in": 5.0, "expired": 3.0, "carried_out": 8.0},
                {"carried_in": 8.0, "expired": 8.0, "carried_out": 8.0},
            ],
        )

    def test_oldest_hours_used_first(self):
        result = simulate_rollover([(8.0, 0.0), (8.0, 10.0)], rollover_periods=1)
        # 10 h used: the 8 carried, then 2 of the cycle's own.
        self.assertEqual(
            result[1], {"carried_in": 8.0, "expired": 0.0, "carried_out": 6.0}
        )

    def test_two_cycle_rollover(self):
        result = simulate_rollover(
            [(4.0, 0.0), (4.0, 0.0), (4.0, 0.0)], rollover_periods=2
        )
        self.assertEqual([r["carried_in"] for r in result], [0.0, 4.0, 8.0])
        self.assertEqual([r["expired"] for r in result], [0.0, 0.0, 4.0])
        self.assertEqual([r["carried_out"] for r in result], [4.0, 8.0, 8.0])

    def test_overuse_and_negative_inputs(self):
        result = simulate_rollover([(8.0, 9.0), (-1.0, -2.0)], rollover_periods=1)
        self.assertEqual(
            result[0], {"carried_in": 0.0, "expired": 0.0, "carried_out": 0.0}
        )
        self.assertEqual(
            result[1], {"carried_in": 0.0, "expired": 0.0, "carried_out": 0.0}
        )

    def test_empty_and_invalid(self):
        self.assertEqual(simulate_rollover([]), [])
        with self.assertRaises(ValueError):
            simulate_rollover([(8.0, 0.0)], rollover_periods=-1)


@tagged("post_install", "-at_install")
class TestCancellationMaths(BaseCase):
    """The cancellation maths (support policy §10, agency §3, §4), pure."""

    def quote(self, **facts):
        values = {
            "kind": "hour_bag",
            "request_date": date(2026, 4, 10),
            "date_purchase": date(2026, 3, 2),
            "date_start": date(2026, 3, 20),
            "amount_paid": 400000,
            "rounding": 1.0,
            "hours_included": 10.0,
            "hours_used": 3.5,
        }
        values.update(facts)
        return compute_quote(**values)[0]

    def test_credit_expiry_clamped(self):
        self.assertEqual(credit_expiry(date(2026, 8, 31), 6), date(2027, 2, 28))
        self.assertEqual(credit_expiry(date(2027, 8, 31), 6), date(2028, 2, 29))
        self.assertEqual(credit_expiry(date(2026, 4, 10), 6), date(2026, 10, 10))
        self.assertEqual(credit_expiry(date(2026, 3, 31), 1), date(2026, 4, 30))

    def test_round_amount(self):
        self.assertEqual(round_amount(53333.33, 1.0), 53333)
        self.assertEqual(round_amount(0.5, 1.0), 1, "half up")
        self.assertEqual(str(round_amount(10.005, 0.01)), "10.01")

    def test_bag_after_start(self):
        quote = self.quote()
        self.assertEqual(quote["work_done_amount"], 140000)
        self.assertEqual(quote["credit_amount"], 260000)
        self.assertEqual(quote["credit_expiry_date"], date(2026, 10, 10))

    def test_withdrawal_window(self):
        for day, basis in ((0, "withdrawal"), (10, "withdrawal"), (11, "before_start")):
            quote = self.quote(
                date_start=None,
                request_date=date(2026, 3, 2) + timedelta(days=day),
            )
            self.assertEqual(quote["legal_basis"], basis, day)
            self.assertEqual(quote["refund_amount"], 400000)
        no_window = self.quote(date_start=None, withdrawal_days=0)
        self.assertEqual(no_window["legal_basis"], "before_start")

    def test_before_start_outcomes(self):
        late = {"date_start": None, "request_date": date(2026, 3, 25)}
        credit = self.quote(before_start_outcome="credit", **late)
        self.assertEqual(
            (credit["refund_amount"], credit["credit_amount"]), (0, 400000)
        )
        review = self.quote(before_start_outcome="review", **late)
        self.assertEqual((review["refund_amount"], review["credit_amount"]), (0, 0))
        self.assertEqual(review["refundable_amount"], 400000)
        # Within the withdrawal window the law refunds, whatever the policy.
        early = self.quote(
            before_start_outcome="credit",
            date_start=None,
            request_date=date(2026, 3, 6),
        )
        self.assertEqual(early["refund_amount"], 400000)

    def test_monthly_current_cycle(self):
        quote = self.quote(
            kind="monthly",
            amount_paid=300000,
            date_start=date(2026, 4, 1),
            request_date=date(2026, 5, 12),
            has_period=True,
            period_fee=300000,
            period_hours=8.0,
            period_hours_used=3.0,
        )
        self.assertEqual(quote["credit_amount"], 187500)
        self.assertEqual(quote["work_done_amount"], 112500)
        self.assertEqual(quote["credit_expiry_date"], date(2026, 11, 12))
        # Hours carried in were paid in earlier cycles and are used first.
        carried = self.quote(
            kind="monthly",
            date_start=date(2026, 4, 1),
            request_date=date(2026, 5, 12),
            has_period=True,
            period_fee=300000,
            period_hours=8.0,
            period_hours_used=3.0,
            period_hours_carried_in=2.0,
        )
        self.assertEqual(carried["credit_amount"], 262500)  # 7 h unused of 8
        idle = self.quote(kind="monthly", has_period=False)
        self.assertEqual(idle["amount_paid"], 0)
        self.assertEqual(idle["refundable_amount"], 0)

    def test_single_session(self):
        quote = self.quote(kind="diagnosis", amount_paid=60000, hours_used=1.0)
        self.assertEqual(quote["work_done_amount"], 60000)
        self.assertEqual(quote["refundable_amount"], 0)
        self.assertIsNone(quote["credit_expiry_date"])

    def test_project(self):
        facts = {
            "kind": "project",
            "amount_paid": 1000000,
            "project_total": 2000000,
            "deposit_amount": 1000000,
            "started_outcome": "refund",
        }
        items = [(30, 100), (50, 40), (20, 0)]
        quote = self.quote(project_progress=weighted_progress(items, 10), **facts)
        self.assertEqual(quote["work_done_amount"], 1000000)
        self.assertEqual(quote["refundable_amount"], 0)
        self.assertEqual(quote["extra_invoice_amount"], 0)
        items = [(30, 100), (50, 70), (20, 0)]
        quote = self.quote(project_progress=weighted_progress(items, 10), **facts)
        self.assertEqual(quote["work_done_amount"], 1300000)
        self.assertEqual(quote["extra_invoice_amount"], 300000)
        low = self.quote(project_progress=20, **dict(facts, amount_paid=1500000))
        self.assertEqual(low["refund_amount"], 500000, "paid beyond the deposit")
        with self.assertRaises(ValueError):
            weighted_progress([(30, 100), (50, 35), (20, 0)], 10)
        with self.assertRaises(ValueError):
            weighted_progress([(30, 100), (50, 40)], 10)

    def test_invariants(self):
        """No amount is negative; refund plus credit never exceed the paid."""
        for paid in (0, 1, 99999, 400000):
            for hours_used in (0, 0.01, 1 / 3, 3.5, 9.99, 10, 12):
                for outcome in ("refund", "credit", "review"):
                    quote = self.quote(
                        amount_paid=paid,
                        hours_used=hours_used,
                        started_outcome=outcome,
                    )
                    amounts = [
                        quote[key]
                        for key in (
                            "amount_paid",
                            "work_done_amount",
                            "refundable_amount",
                            "refund_amount",
                            "credit_amount",
                            "extra_invoice_amount",
                        )
                    ]
                    self.assertGreaterEqual(min(amounts), 0)
                    self.assertLessEqual(
                        quote["refund_amount"] + quote["credit_amount"], paid
                    )
                    self.assertEqual(
                        quote["work_done_amount"] + quote["refundable_amount"], paid
                    )
                    self.assertEqual(quote["work_done_amount"] % 1, 0, "rounded")

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            self.quote(request_date=date(2026, 3, 1))
        with self.assertRaises(ValueError):
            self.quote(amount_paid=-1)
        with self.assertRaises(ValueError):
            self.quote(started_outcome="gift")
        with self.assertRaises(ValueError):
            self.quote(kind="unknown")


@tagged("post_install", "-at_install")
class TestCancellationDecision(BaseCase):
    """What a confirmed cancellation does with the refundable amount, and
    whether a manager decides it (support policy §10), pure."""

    def decide(self, preference="policy", **quote):
        values = {
            "refundable_amount": 260000.0,
            "refund_amount": 0.0,
            "credit_amount": 260000.0,
            "refund_needs_approval": True,
            "is_manager": False,
        }
        values.update(quote)
        return decide_cancellation(preference, **values)

    def test_nothing_refundable(self):
        for preference in ("policy", "credit", "refund"):
            self.assertEqual(
                self.decide(preference, refundable_amount=0.0, credit_amount=0.0),
                ("none", False),
                preference,
            )

    def test_policy_outcome_settles_at_once(self):
        self.assertEqual(self.decide(), ("credit", False), "the policy's credit")
        refund = {"refund_amount": 260000.0, "credit_amount": 0.0}
        self.assertEqual(self.decide(**refund), ("refund", False))
        # A client the policy refunds may prefer a credit; never the reverse
        # without a manager.
        self.assertEqual(self.decide("credit", **refund), ("credit", False))
        self.assertEqual(self.decide("refund", **refund), ("refund", False))

    def test_credit_always_granted(self):
        self.assertEqual(self.decide("credit"), ("credit", False))
        review = {"credit_amount": 0.0}
        self.assertEqual(self.decide("credit", **review), ("credit", False))

    def test_refund_instead_of_credit(self):
        self.assertEqual(self.decide("refund"), ("refund", True), "a manager decides")
        self.assertEqual(
            self.decide("refund", is_manager=True),
            ("refund", False),
            "a manager who records it settles it",
        )
        self.assertEqual(
            self.decide("refund", refund_needs_approval=False),
            ("refund", False),
            "granted on request",
        )

    def test_review_waits_for_a_manager(self):
        review = {"credit_amount": 0.0, "refund_needs_approval": False}
        self.assertEqual(self.decide(**review), (False, True))
        self.assertEqual(
            self.decide(is_manager=True, **review),
            (False, True),
            "what the policy says is for the manager to decide, even a manager's",
        )
        self.assertEqual(self.decide("refund", **review), ("refund", True))
        self.assertEqual(
            self.decide("refund", is_manager=True, **review), ("refund", False)
        )

    def test_unknown_preference(self):
        with self.assertRaises(ValueError):
            self.decide("gift")


@tagged("post_install", "-at_install")
class TestHoursConsumed(BaseCase):
    """Hours a log consumes (policy §4), pure."""

    def test_single_session_consumed_whole(self):
        for kind in ("diagnosis", "incident"):
            self.assertEqual(hours_consumed(kind, 0.5, 1.0), 1.0, kind)
            self.assertEqual(hours_consumed(kind, 1.5, 1.0), 1.5, "beyond, agreed")
            self.assertEqual(hours_consumed(kind, 0.0, 1.0), 0.0, "not held yet")

    def test_other_kinds_consume_the_time_logged(self):
        for kind in ("hour_bag", "monthly", "project"):
            self.assertEqual(hours_consumed(kind, 0.5, 10.0), 0.5, kind)
