# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flow: a monthly retainer over several months, with a pause (policy §7, §9)."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import SupportCommon


@tagged("post_install", "-at_install")
class TestFlowMonthly(SupportCommon):
    def _roll(self, day):
        with freeze_time(day):
            self.env.ref(
                "asesorateya_support.ir_cron_roll_periods"
            ).method_direct_trigger()

    def test_retainer_months_expire_pause_and_resume(self):
        retainer = self._sell(self.plan_monthly, self.contact_a, date="2026-04-28")
        with freeze_time("2026-05-01"):
            retainer.with_user(self.user_consultant).action_start("2026-05-01")
        self.assertEqual(retainer.date_start.isoformat(), "2026-05-01")
        period_1 = retainer.current_period_id
        period_1.priorities = "1. Bank reconciliation 2. Sales reports"

        with freeze_time("2026-05-12"):
            self._log(retainer, 3.0, date="2026-05-12")
            self._log(retainer, 1.5, date="2026-05-12", modality="internal")
        self.assertEqual((retainer.hours_used, retainer.hours_remaining), (4.5, 3.5))
        self.assertEqual(period_1.meetings_used, 1)

        # June: May closes, its 3.5 unused hours expire, June gives 8 h again.
        self._roll("2026-06-01")
        self._roll("2026-06-01")  # a second run changes nothing
        self.assertEqual(len(retainer.period_ids), 2)
        self.assertEqual((period_1.state, period_1.hours_expired), ("closed", 3.5))
        self.assertEqual((retainer.hours_used, retainer.hours_remaining), (0.0, 8.0))
        with freeze_time("2026-06-02"), self.assertRaises(UserError):
            self._log(retainer, 1.0, date="2026-05-30")  # May is closed

        # The client owes access: paused, no cycle opens and nothing is charged.
        with freeze_time("2026-06-20"):
            retainer.with_user(self.user_consultant).action_pause(
                "Waiting for the work user to be created"
            )
            with self.assertRaises(UserError):
                self._log(retainer, 1.0, date="2026-06-20")
        self._roll("2026-07-05")
        self.assertEqual(len(retainer.period_ids), 2)
        self.assertFalse(retainer.current_period_id)

        # Back to work: a new cycle from the day the service resumes.
        with freeze_time("2026-07-10"):
            retainer.with_user(self.user_consultant).action_resume()
            self._log(retainer, 2.0, date="2026-07-10")
        current = retainer.current_period_id
        self.assertEqual(
            (current.date_start.isoformat(), current.date_end.isoformat()),
            ("2026-07-10", "2026-08-09"),
        )
        self.assertEqual(retainer.hours_remaining, 6.0)
        self.assertEqual(
            retainer.period_ids.mapped("hours_expired"),
            [3.5, 8.0, 0.0],
            "June was never used: its 8 h expired at its close, none carried over",
        )

    def test_first_day_of_a_cycle_before_the_cron_ran(self):
        retainer = self._sell(self.plan_monthly, self.contact_a, date="2026-04-28")
        with freeze_time("2026-05-01"):
            retainer.action_start("2026-05-01")
            self._log(retainer, 2.0, date="2026-05-01")
        # 1 June, early morning: the daily cron has not run, the consultant logs.
        with freeze_time("2026-06-01 08:00:00"):
            log = self._log(retainer, 1.0, date="2026-06-01")
        may, june = retainer.period_ids.sorted("date_start")
        self.assertEqual(log.period_id, june)
        self.assertEqual((may.state, may.hours_expired), ("closed", 6.0))
        self.assertEqual((retainer.hours_used, retainer.hours_remaining), (1.0, 7.0))
        self._roll("2026-06-01")
        self.assertEqual(len(retainer.period_ids), 2, "the cron finds nothing left")
