# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..policy import period_bounds, simulate_rollover


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
