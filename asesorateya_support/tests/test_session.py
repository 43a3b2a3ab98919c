# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10 12:00:00")
class TestSupportSession(SupportCommon):
    """Session logs consume the hours of their contract (policy §4, §6, §11)."""

    def setUp(self):
        super().setUp()
        # Bought on 2026-02-02; "today" is 2026-02-10 in every test.
        self.bag = self._sell(self.plan_bag, date="2026-02-02")

    def _stored(self, contract, fname):
        """The value in the database, not in the cache."""
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT {fname} FROM support_contract WHERE id = %s",  # noqa: S608
            [contract.id],
        )
        return self.env.cr.fetchone()[0]

    def test_logs_consume_hours(self):
        self._log(self.bag, 1.5, date="2026-02-03")
        self.assertEqual(self.bag.hours_used, 1.5)
        self.assertEqual(self.bag.hours_remaining, 8.5)
        self._log(self.bag, 2.0, date="2026-02-05")
        self._log(self.bag, 0.25)
        self.assertEqual(self.bag.hours_used, 3.75)
        self.assertEqual(self.bag.hours_remaining, 6.25)
        self.assertEqual(self.bag.hours_used_percent, 37.5)
        self.assertEqual(self.bag.hours_excess, 0.0)
        self.assertEqual(self.bag.session_count, 3)
        self.assertEqual(self._stored(self.bag, "hours_used"), 3.75)
        self.assertEqual(self._stored(self.bag, "hours_remaining"), 6.25)
        self.assertEqual(
            self.env["support.contract"].search(
                [("id", "=", self.bag.id), ("hours_remaining", "=", 6.25)]
            ),
            self.bag,
        )

    def test_log_defaults(self):
        session = self._log(self.bag, 1.0)
        self.assertEqual(session.partner_id, self.client_a)
        self.assertEqual(session.company_id, self.company)
        self.assertEqual(session.plan_id, self.plan_bag)
        self.assertEqual(session.kind, "hour_bag")
        self.assertEqual(session.user_id, self.user_consultant)
        self.assertEqual(session.date, date(2026, 2, 10))
        self.assertFalse(session.period_id)
        self.assertFalse(session.exceeds_balance)

    def test_duration_bounds(self):
        for duration in (0.0, -1.0, 24.5):
            with self.subTest(duration=duration):
                with self.assertRaises(ValidationError):
                    self._log(
                        self.bag,
                        duration,
                        client_informed=True,
                        client_informed_note="ok",
                    )
        self.assertEqual(self.bag.hours_used, 0.0)
        self.assertEqual(self.bag.state, "confirmed")

    def test_future_date_refused(self):
        with self.assertRaisesText(ValidationError, "in the future"):
            self._log(self.bag, 1.0, date="2026-02-11")
        self.assertFalse(self.bag.session_ids)

    def test_date_before_purchase_refused(self):
        with self.assertRaisesText(ValidationError, "before"):
            self._log(self.bag, 1.0, date="2026-02-01")
        self._log(self.bag, 1.0, date="2026-02-02")
        self.assertEqual(self.bag.hours_used, 1.0)

    def test_log_starts_confirmed_contract(self):
        self.assertEqual(self.bag.state, "confirmed")
        self.assertFalse(self.bag.date_start)
        self._log(self.bag, 1.0, date="2026-02-04")
        self.assertEqual(self.bag.state, "active")
        self.assertEqual(self.bag.date_start, date(2026, 2, 4))
        # A later log does not move the effective start.
        self._log(self.bag, 1.0, date="2026-02-09")
        self.assertEqual(self.bag.date_start, date(2026, 2, 4))

    def test_no_log_on_closed_or_held_contracts(self):
        Contract = self.env["support.contract"]
        vals = {
            "partner_id": self.client_a.id,
            "plan_id": self.plan_bag.id,
            "scope": "Scope",
            "date_purchase": "2026-02-01",
        }
        draft = Contract.create(vals)
        waiting = Contract.create(dict(vals, state="confirmed"))
        waiting.action_request_information("The case description")
        paused = Contract.create(dict(vals, state="confirmed"))
        self._log(paused, 1.0)
        paused.action_pause("The work user")
        cancelled = Contract.create(dict(vals, state="confirmed"))
        cancelled.action_cancel()
        done = Contract.create(dict(vals, state="confirmed"))
        done.action_done()
        exhausted = Contract.create(dict(vals, state="confirmed"))
        self._log(exhausted, 10.0)
        expected = {
            draft: "draft",
            waiting: "waiting",
            paused: "paused",
            cancelled: "cancelled",
            done: "done",
            exhausted: "exhausted",
        }
        for contract, state in expected.items():
            with self.subTest(state=state):
                self.assertEqual(contract.state, state)
                count = len(contract.session_ids)
                with self.assertRaisesText(UserError, "takes no session logs"):
                    self._log(contract, 0.5)
                self.assertEqual(len(contract.session_ids), count)

    def test_exceeding_balance_needs_client_informed(self):
        self._log(self.bag, 9.0)
        with self.assertRaisesText(ValidationError, "goes beyond the 1.0 h left"):
            self._log(self.bag, 2.0)
        # Ticking the box without saying how is not enough.
        with self.assertRaises(ValidationError):
            self._log(self.bag, 2.0, client_informed=True)
        with self.assertRaises(ValidationError):
            self._log(self.bag, 2.0, client_informed=True, client_informed_note="  ")
        session = self._log(
            self.bag,
            2.0,
            client_informed=True,
            client_informed_note="Email of 2026-02-09: client approved 1 extra hour",
        )
        self.assertTrue(session.exceeds_balance)
        self.assertEqual(self.bag.hours_used, 11.0)
        self.assertEqual(self.bag.hours_remaining, 0.0)
        self.assertEqual(self.bag.hours_excess, 1.0)
        self.assertEqual(self.bag.state, "exhausted")

    def test_batch_checked_in_order(self):
        """Logs created together are checked against what the earlier ones left."""
        vals = {"objective": "o", "activity": "a", "contract_id": self.bag.id}
        Session = self.env["support.session"].with_user(self.user_consultant)
        with self.assertRaises(ValidationError):
            Session.create([dict(vals, duration=6.0), dict(vals, duration=6.0)])
        self.assertFalse(self.bag.session_ids)
        sessions = Session.create(
            [
                dict(vals, duration=6.0),
                dict(
                    vals,
                    duration=6.0,
                    client_informed=True,
                    client_informed_note="Agreed by phone and email",
                ),
            ]
        )
        self.assertEqual(sessions.mapped("exceeds_balance"), [False, True])
        self.assertEqual(self.bag.hours_excess, 2.0)

    def test_out_of_scope_needs_client_informed(self):
        with self.assertRaisesText(ValidationError, "outside the validated scope"):
            self._log(self.bag, 1.0, out_of_scope=True)
        with self.assertRaises(ValidationError):
            self._log(self.bag, 1.0, out_of_scope=True, client_informed=True)
        session = self._log(
            self.bag,
            1.0,
            out_of_scope=True,
            client_informed=True,
            client_informed_note="Client asked for the new report by email",
        )
        self.assertTrue(session.out_of_scope)
        self.assertFalse(session.exceeds_balance)
        self.assertEqual(self.bag.hours_used, 1.0)

    def test_bag_exhausted_at_zero(self):
        self._log(self.bag, 6.0)
        self.assertEqual(self.bag.state, "active")
        self._log(self.bag, 4.0)
        self.assertEqual(self.bag.hours_remaining, 0.0)
        self.assertEqual(self.bag.state, "exhausted")
        with self.assertRaises(UserError):
            self._log(self.bag, 0.5)

    def test_single_session_consumed_whole(self):
        for plan in (self.plan_diagnosis, self.plan_incident):
            with self.subTest(kind=plan.kind):
                contract = self._sell(plan, scope=False)
                session = self._log(contract, 0.5)
                self.assertEqual(session.duration, 0.5)
                self.assertEqual(contract.hours_used, 1.0)
                self.assertEqual(contract.hours_remaining, 0.0)
                self.assertEqual(contract.state, "done")
                self.assertEqual(contract.date_start, date(2026, 2, 10))
                self.assertEqual(contract.date_end, date(2026, 2, 10))
                with self.assertRaisesText(UserError, "takes no session logs"):
                    self._log(contract, 0.5)
                self.assertEqual(contract.session_ids, session)

    def test_session_never_deleted(self):
        session = self._log(self.bag, 1.0)
        with self.assertRaises(AccessError):
            session.with_user(self.user_consultant).unlink()
        # The manager has no delete right on logs either.
        with self.assertRaises(AccessError):
            session.with_user(self.user_manager).unlink()
        with self.assertRaisesText(UserError, "never deleted"):
            session.sudo().unlink()
        self.assertTrue(session.exists())
        self.assertEqual(self.bag.hours_used, 1.0)

    def test_consumption_fields_locked(self):
        session = self._log(self.bag, 1.0, date="2026-02-05")
        other = self._sell(self.plan_bag)
        as_consultant = session.with_user(self.user_consultant)
        for vals in (
            {"duration": 2.0},
            {"date": "2026-02-06"},
            {"contract_id": other.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesText(UserError, "Record a correction"):
                    as_consultant.write(vals)
        # The same values are no change.
        as_consultant.write({"duration": 1.0, "date": "2026-02-05"})
        as_consultant.write({"objective": "Better objective", "next_steps": "Test"})
        self.assertEqual(session.objective, "Better objective")
        self.assertEqual(session.next_steps, "Test")
        self.assertEqual(session.duration, 1.0)
        self.assertEqual(self.bag.hours_used, 1.0)

    def test_correction(self):
        session = self._log(self.bag, 3.0, date="2026-02-05")
        correction = session.with_user(self.user_consultant).action_correct(
            2.0, "Typed 3 h instead of 2 h"
        )
        self.assertEqual(correction.duration, -1.0)
        self.assertEqual(correction.correction_of_id, session)
        self.assertTrue(correction.is_correction)
        self.assertEqual(correction.date, session.date)
        self.assertEqual(correction.correction_reason, "Typed 3 h instead of 2 h")
        self.assertEqual(session.duration, 3.0, "the original log is kept")
        self.assertEqual(session.duration_effective, 2.0)
        self.assertEqual(self.bag.hours_used, 2.0)
        self.assertEqual(self.bag.hours_remaining, 8.0)
        # Up again, by the difference from the corrected time.
        again = session.action_correct(2.5, "Forgot the follow-up call")
        self.assertEqual(again.duration, 0.5)
        self.assertEqual(session.duration_effective, 2.5)
        self.assertEqual(self.bag.hours_used, 2.5)

    def test_correction_refusals(self):
        session = self._log(self.bag, 3.0)
        for reason in (False, "", "  "):
            with self.assertRaisesText(UserError, "needs a reason"):
                session.action_correct(2.0, reason)
        with self.assertRaisesText(UserError, "already logged"):
            session.action_correct(3.0, "Same")
        with self.assertRaisesText(UserError, "cannot be negative"):
            session.action_correct(-1.0, "Negative")
        correction = session.action_correct(2.0, "Typo")
        with self.assertRaisesText(UserError, "not a correction"):
            correction.action_correct(1.0, "Correcting the correction")
        self.assertEqual(self.bag.hours_used, 2.0)
        self.assertEqual(len(self.bag.session_ids), 2)

    def test_correction_is_dated_as_its_log(self):
        """A correction created directly (the API, not ``action_correct``)
        takes its log's day, and another day is refused with nothing
        written: a day's net time never goes below zero, which the quote's
        net use up to a day relies on."""
        session = self._log(self.bag, 3.0, date="2026-02-05")
        sessions = self.env["support.session"].with_user(self.user_consultant)
        values = {
            "contract_id": self.bag.id,
            "correction_of_id": session.id,
            "duration": -1.0,
            "correction_reason": "Typed 3 h instead of 2 h",
            "objective": "Correction",
            "activity": "Typed 3 h instead of 2 h",
            "modality": "internal",
            "progress": "done",
        }
        with self.assertRaisesText(UserError, "dated as the log it corrects"):
            sessions.create(dict(values, date="2026-02-04"))
        self.assertEqual(self.bag.session_ids, session)
        self.assertEqual(self.bag.hours_used, 3.0)
        correction = sessions.create(values)
        self.assertEqual(correction.date, session.date)
        self.assertEqual(self.bag.hours_used, 2.0)

    def test_correction_keeps_a_session_within_24_hours(self):
        session = self._log(
            self.bag, 20.0, client_informed=True, client_informed_note="Go-live day"
        )
        with self.assertRaisesText(ValidationError, "at most 24 hours"):
            session.action_correct(30.0, "Worked through the night")
        session.action_correct(24.0, "Four more hours")
        self.assertEqual(session.duration_effective, 24.0)
        self.assertEqual(self.bag.hours_used, 24.0)

    def test_correction_reopens_exhausted_bag(self):
        session = self._log(self.bag, 10.0)
        self.assertEqual(self.bag.state, "exhausted")
        session.action_correct(8.0, "Two hours were another client's")
        self.assertEqual(self.bag.state, "active")
        self.assertEqual(self.bag.hours_remaining, 2.0)
        self._log(self.bag, 2.0)
        self.assertEqual(self.bag.state, "exhausted")

    def test_correction_wizard(self):
        session = self._log(self.bag, 3.0)
        wizard_form = Form(
            self.env["support.session.correct"]
            .with_user(self.user_consultant)
            .with_context(default_session_id=session.id)
        )
        self.assertEqual(wizard_form.duration_logged, 3.0)
        self.assertEqual(wizard_form.duration, 3.0, "prefilled with the time logged")
        wizard_form.duration = 1.5
        wizard_form.reason = "The session ended early"
        wizard = wizard_form.save()
        action = wizard.action_confirm()
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertEqual(session.correction_ids.duration, -1.5)
        self.assertEqual(
            session.correction_ids.correction_reason, "The session ended early"
        )
        self.assertEqual(self.bag.hours_used, 1.5)

    # ------------------------------------------------------------------
    # Several bags
    # ------------------------------------------------------------------
    def _log_for_client(self, partner, duration=1.0, **values):
        return self._log(
            self.env["support.contract"], duration, partner_id=partner.id, **values
        )

    def test_several_bags_expiring_first(self):
        plan_valid = self._create_plan(
            "Bag 3 months", "hour_bag", 400000, hours_included=10.0, validity_months=3
        )
        bag_valid = self._sell(plan_valid, date="2026-02-05")
        self.assertEqual(bag_valid.date_expiry, date(2026, 5, 5))
        session = self._log_for_client(self.contact_a, 2.0)
        self.assertEqual(session.contract_id, bag_valid, "expires first")
        self.assertEqual(session.partner_id, self.client_a)
        self.assertEqual(bag_valid.hours_used, 2.0)
        self.assertEqual(self.bag.hours_used, 0.0)
        # Once it has no hours left, the other bag takes over.
        self._log_for_client(self.client_a, 8.0)
        self.assertEqual(bag_valid.state, "exhausted")
        session = self._log_for_client(self.client_a, 1.0)
        self.assertEqual(session.contract_id, self.bag)

    def test_several_bags_oldest_first(self):
        newer = self._sell(self.plan_bag, date="2026-02-08")
        older = self._sell(self.plan_bag, date="2026-01-20")
        session = self._log_for_client(self.client_a, 1.0)
        self.assertEqual(session.contract_id, older)
        self.assertFalse(newer.session_ids)
        self.assertFalse(self.bag.session_ids)

    def test_no_bag_with_hours(self):
        with self.assertRaisesText(UserError, "has no hour bag with hours left"):
            self._log_for_client(self.client_b, 1.0)
        self._log(self.bag, 10.0)
        with self.assertRaisesText(UserError, "has no hour bag with hours left"):
            self._log_for_client(self.contact_a, 1.0)
        # A monthly retainer or a diagnosis is never picked on its own.
        self._sell(self.plan_monthly).action_start("2026-02-09")
        self._sell(self.plan_diagnosis)
        with self.assertRaises(UserError):
            self._log_for_client(self.client_a, 1.0)
