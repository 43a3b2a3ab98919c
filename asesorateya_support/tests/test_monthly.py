# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..policy import period_bounds
from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportMonthly(SupportCommon):
    """The monthly retainer runs in monthly cycles (policy §4, §7)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("asesorateya_support.ir_cron_roll_periods")

    def _start(self, start="2026-01-10", plan=None):
        """A retainer sold and started on ``start``."""
        contract = self._sell(plan or self.plan_monthly, date=start)
        contract.action_start(start)
        return contract

    def _roll(self, today):
        with freeze_time(f"{today} 12:00:00"):
            self.cron.method_direct_trigger()

    def _log_on(self, contract, day, duration=1.0, **values):
        with freeze_time(f"{day} 12:00:00"):
            return self._log(contract, duration, **values)

    def _bounds(self, contract):
        return [
            (p.date_start, p.date_end) for p in contract.period_ids.sorted("date_start")
        ]

    def test_start_opens_first_cycle(self):
        contract = self._start("2026-01-10")
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_start, date(2026, 1, 10))
        period = contract.period_ids
        self.assertEqual(len(period), 1)
        self.assertEqual(
            (period.date_start, period.date_end), period_bounds(date(2026, 1, 10), 0)
        )
        self.assertEqual(period.date_end, date(2026, 2, 9))
        self.assertEqual(period.state, "open")
        self.assertEqual(period.sequence, 1)
        self.assertEqual(period.hours_base, 8.0)
        self.assertEqual(period.hours_allowed, 8.0)
        self.assertEqual(period.meetings_included, 2)
        self.assertEqual(period.partner_id, self.client_a)
        self.assertEqual(period.company_id, self.company)
        self.assertEqual(contract.current_period_id, period)
        self.assertEqual(contract.hours_remaining, 8.0)

    def test_cron_closes_in_the_company_time_zone(self):
        """The cron runs as OdooBot (Europe/Brussels here); the cycle closes
        only once its last day is over where the company works."""
        self.company.partner_id.tz = "America/Santiago"  # UTC-3 in February
        self.env.ref("base.user_root").partner_id.tz = "Europe/Brussels"
        contract = self._start("2026-01-10")
        period = contract.period_ids
        self.assertEqual(period.date_end, date(2026, 2, 9))
        # 23:30 on 9 February in Santiago, 03:30 on the 10th in Brussels.
        with freeze_time("2026-02-10 02:30:00"):
            self.cron.method_direct_trigger()
        self.assertEqual(period.state, "open", "its last day is still going on")
        self.assertEqual(len(contract.period_ids), 1)
        # 00:30 on 10 February in Santiago.
        with freeze_time("2026-02-10 03:30:00"):
            self.cron.method_direct_trigger()
        self.assertEqual(period.state, "closed")
        self.assertEqual(contract.current_period_id.date_start, date(2026, 2, 10))

    def test_log_on_confirmed_retainer_starts_it(self):
        contract = self._sell(self.plan_monthly, date="2026-01-10")
        self.assertFalse(contract.period_ids)
        session = self._log_on(contract, "2026-01-12", 1.0)
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.date_start, date(2026, 1, 12))
        self.assertEqual(
            self._bounds(contract), [(date(2026, 1, 12), date(2026, 2, 11))]
        )
        self.assertEqual(session.period_id, contract.period_ids)

    def test_sessions_in_cycle_and_meetings(self):
        contract = self._start("2026-01-10")
        period = contract.period_ids
        s1 = self._log_on(contract, "2026-01-12", 1.5)
        self._log_on(contract, "2026-01-15", 1.0)
        self._log_on(contract, "2026-01-20", 2.0, modality="internal")
        self.assertEqual(s1.period_id, period)
        self.assertEqual(period.session_ids.mapped("period_id"), period)
        self.assertEqual(period.hours_used, 4.5)
        self.assertEqual(period.hours_remaining, 3.5)
        self.assertEqual(period.meetings_used, 2, "two videoconferences")
        self.assertEqual(contract.hours_used, 4.5)
        self.assertEqual(contract.hours_remaining, 3.5)
        with self.assertRaisesText(ValidationError, "goes beyond"):
            self._log_on(contract, "2026-01-21", 4.0)

    def test_cron_closes_ended_cycle_and_opens_next(self):
        contract = self._start("2026-01-10")
        self._log_on(contract, "2026-01-20", 3.0)
        self._roll("2026-02-09")
        self.assertEqual(
            len(contract.period_ids), 1, "the cycle ends today, not before"
        )
        self.assertEqual(contract.period_ids.state, "open")
        self._roll("2026-02-10")
        first, second = contract.period_ids.sorted("date_start")
        self.assertEqual(first.state, "closed")
        self.assertEqual(
            first.display_name, f"{contract.name}: 01/10/2026 → 02/09/2026"
        )
        self.env["res.lang"]._activate_lang("es_CL")
        self.assertEqual(
            first.with_context(lang="es_CL").display_name,
            f"{contract.name}: 10/01/2026 → 09/02/2026",
        )
        self.assertEqual(first.hours_used, 3.0)
        self.assertEqual(first.hours_expired, 5.0, "unused hours expire (policy §7)")
        self.assertEqual(first.hours_carried_out, 0.0)
        self.assertEqual(second.state, "open")
        self.assertEqual(
            (second.date_start, second.date_end), (date(2026, 2, 10), date(2026, 3, 9))
        )
        self.assertEqual(second.sequence, 2)
        self.assertEqual(second.hours_carried_in, 0.0)
        self.assertEqual(second.hours_allowed, 8.0)
        self.assertEqual(contract.current_period_id, second)
        self.assertEqual(contract.hours_used, 0.0, "the current cycle's hours")
        self.assertEqual(contract.hours_remaining, 8.0)
        # Dates as the language writes them, hours as hh:mm (never ISO or
        # "5.0 h").
        self.assertTrue(
            contract.message_ids.filtered(
                lambda m: (
                    "Cycle 01/10/2026 → 02/09/2026 closed: 03:00 h used, "
                    "05:00 h expired, 00:00 h carried over." in (m.body or "")
                )
            )
        )
        # Idempotent: the same day again, or the next day, changes nothing.
        self._roll("2026-02-10")
        self._roll("2026-02-11")
        self.assertEqual(len(contract.period_ids), 2)
        self.assertEqual(first.hours_expired, 5.0)

    def test_catch_up_missed_months(self):
        contract = self._start("2026-01-10")
        self._roll("2026-04-15")
        self.assertEqual(
            self._bounds(contract),
            [
                (date(2026, 1, 10), date(2026, 2, 9)),
                (date(2026, 2, 10), date(2026, 3, 9)),
                (date(2026, 3, 10), date(2026, 4, 9)),
                (date(2026, 4, 10), date(2026, 5, 9)),
            ],
        )
        periods = contract.period_ids.sorted("date_start")
        self.assertEqual(periods.mapped("state"), ["closed"] * 3 + ["open"])
        self.assertEqual(periods.mapped("sequence"), [1, 2, 3, 4])
        self.assertEqual(periods.mapped("hours_expired"), [8.0, 8.0, 8.0, 0.0])
        self._roll("2026-04-15")
        self.assertEqual(len(contract.period_ids), 4)

    def test_month_end_anchor(self):
        contract = self._start("2026-01-31")
        self._roll("2026-04-01")
        self.assertEqual(
            self._bounds(contract),
            [
                (date(2026, 1, 31), date(2026, 2, 27)),
                (date(2026, 2, 28), date(2026, 3, 30)),
                (date(2026, 3, 31), date(2026, 4, 29)),
            ],
        )
        self._roll("2026-05-01")
        self.assertEqual(
            self._bounds(contract)[-1], (date(2026, 4, 30), date(2026, 5, 30))
        )

    def test_no_log_on_closed_cycle(self):
        contract = self._start("2026-01-10")
        self._log_on(contract, "2026-02-05", 1.0)
        self._roll("2026-02-12")
        with freeze_time("2026-02-12 12:00:00"):
            with self.assertRaisesText(UserError, "is closed"):
                self._log(contract, 1.0, date="2026-02-05")
            session = self._log(contract, 1.0, date="2026-02-11")
        self.assertEqual(session.period_id, contract.current_period_id)
        # A log of the closed cycle cannot be corrected either: it was settled.
        first = contract.period_ids.sorted("date_start")[0]
        with freeze_time("2026-02-12 12:00:00"):
            with self.assertRaisesText(UserError, "closed"):
                first.session_ids.action_correct(0.5, "Too late")
        self.assertEqual(first.hours_used, 1.0)

    def test_correction_in_open_cycle(self):
        contract = self._start("2026-01-10")
        session = self._log_on(contract, "2026-01-12", 5.0)
        with freeze_time("2026-01-20 12:00:00"):
            correction = session.action_correct(3.0, "Two hours were internal training")
        self.assertEqual(correction.period_id, session.period_id)
        self.assertEqual(contract.current_period_id.hours_used, 3.0)
        self.assertEqual(contract.hours_remaining, 5.0)
        self._roll("2026-02-10")
        self.assertEqual(session.period_id.hours_expired, 5.0)

    def test_log_before_first_cycle_refused(self):
        contract = self._sell(self.plan_monthly, date="2026-01-05")
        contract.action_start("2026-01-10")
        with freeze_time("2026-01-12 12:00:00"):
            with self.assertRaisesText(UserError, "no monthly cycle covering"):
                self._log(contract, 1.0, date="2026-01-08")
        self.assertEqual(contract.date_start, date(2026, 1, 10))

    def test_pause_then_resume(self):
        contract = self._start("2026-01-10")
        with freeze_time("2026-01-20 12:00:00"):
            contract.action_pause("Client must send the priorities of the month")
        self._roll("2026-02-15")
        self.assertEqual(len(contract.period_ids), 1, "no cycle opens while paused")
        self.assertEqual(contract.period_ids.state, "closed")
        self.assertFalse(contract.current_period_id)
        self._roll("2026-03-01")
        self.assertEqual(len(contract.period_ids), 1)
        with freeze_time("2026-03-05 12:00:00"):
            contract.action_resume()
        self.assertEqual(contract.state, "active")
        self.assertEqual(
            self._bounds(contract),
            [
                (date(2026, 1, 10), date(2026, 2, 9)),
                (date(2026, 3, 5), date(2026, 4, 4)),
            ],
        )
        self.assertEqual(contract.current_period_id.sequence, 2)
        self.assertEqual(contract.hours_remaining, 8.0)
        self._roll("2026-04-05")
        self.assertEqual(
            self._bounds(contract)[-1], (date(2026, 4, 5), date(2026, 5, 4))
        )

    def test_pause_and_resume_within_cycle(self):
        contract = self._start("2026-01-10")
        self._log_on(contract, "2026-01-12", 2.0)
        with freeze_time("2026-01-20 12:00:00"):
            contract.action_pause("Waiting for access")
        with freeze_time("2026-01-25 12:00:00"):
            contract.action_resume()
        self.assertEqual(len(contract.period_ids), 1, "the same cycle goes on")
        self.assertEqual(contract.hours_used, 2.0)

    def test_rollover_option(self):
        """A plan may let unused hours live one more cycle; then they expire."""
        plan = self._create_plan(
            "Monthly 8 h roll-over",
            "monthly",
            300000,
            hours_included=8.0,
            meetings_per_month=2,
            rollover_periods=1,
        )
        contract = self._start("2026-01-10", plan=plan)
        self._log_on(contract, "2026-01-20", 3.0)
        self._roll("2026-02-10")
        first, second = contract.period_ids.sorted("date_start")
        self.assertEqual(first.hours_expired, 0.0)
        self.assertEqual(first.hours_carried_out, 5.0)
        self.assertEqual(second.hours_carried_in, 5.0)
        self.assertEqual(second.hours_allowed, 13.0)
        self.assertEqual(contract.hours_remaining, 13.0)
        self._log_on(contract, "2026-02-15", 2.0)
        self._roll("2026-03-10")
        third = contract.period_ids.sorted("date_start")[-1]
        # The 2 h came from the carried hours; the 3 carried left expire now,
        # the cycle's own 8 h are carried into the third cycle.
        self.assertEqual(second.hours_expired, 3.0)
        self.assertEqual(second.hours_carried_out, 8.0)
        self.assertEqual(third.hours_carried_in, 8.0)
        self.assertEqual(third.hours_allowed, 16.0)

    def test_done_closes_cycle(self):
        contract = self._start("2026-01-10")
        self._log_on(contract, "2026-01-12", 1.0)
        with freeze_time("2026-01-20 12:00:00"):
            contract.action_done()
        self.assertEqual(contract.state, "done")
        self.assertEqual(contract.period_ids.state, "closed")
        self.assertEqual(contract.period_ids.hours_expired, 7.0)
        self._roll("2026-03-01")
        self.assertEqual(len(contract.period_ids), 1)

    def test_cycles_never_deleted_and_only_monthly(self):
        contract = self._start("2026-01-10")
        with self.assertRaisesText(UserError, "never deleted"):
            contract.period_ids.sudo().unlink()
        bag = self._sell(self.plan_bag, date="2026-01-10")
        with self.assertRaisesText(ValidationError, "Only a monthly retainer"):
            self.env["support.contract.period"].create(
                {
                    "contract_id": bag.id,
                    "date_start": "2026-01-10",
                    "date_end": "2026-02-09",
                }
            )
        with self.assertRaisesText(ValidationError, "cannot overlap"):
            self.env["support.contract.period"].create(
                {
                    "contract_id": contract.id,
                    "date_start": "2026-02-01",
                    "date_end": "2026-02-20",
                }
            )
