# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Booked sessions: what each contract books, the database's guard against
double bookings, the client's notice, the consultant's moves, the log made
from a booking, the no-show and the effective start (policy §10)."""

import base64
from datetime import timedelta

from freezegun import freeze_time
from psycopg2.errors import ExclusionViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.support_booking import SlotTakenError
from .common import SupportCommon
from .common_booking import BookingFixtures

#: Monday 2 March 2026, 09:00 in Santiago (UTC-3): the tests' "now".
NOW = "2026-03-02 12:00:00"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestSupportBooking(BookingFixtures, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_booking()

    def _book(self, contract, day="2026-03-03", hour=10, contact=None):
        return contract.action_book(self._utc(day, hour), contact or self.contact_a)

    # ------------------------------------------------------------------
    # Booking, and what it sends
    # ------------------------------------------------------------------
    def test_book_diagnosis(self):
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        booking = self._book(diagnosis, "2026-03-05")
        self.assertEqual(booking.state, "booked")
        self.assertEqual(booking.consultant_id, self.user_consultant)
        self.assertEqual(booking.contact_id, self.contact_a)
        self.assertEqual(booking.start, self._utc("2026-03-05", 10))
        self.assertEqual(booking.stop - booking.start, timedelta(hours=1))
        self.assertEqual(diagnosis.booking_next_start, booking.start)
        # The calendar event: both attendees accepted, busy, a video call.
        event = booking.event_id
        self.assertEqual(event.start, booking.start)
        self.assertEqual(event.user_id, self.user_consultant)
        self.assertEqual(
            event.attendee_ids.partner_id,
            self.user_consultant.partner_id | self.contact_a,
        )
        self.assertEqual(set(event.attendee_ids.mapped("state")), {"accepted"})
        self.assertEqual(event.show_as, "busy")
        self.assertIn("/calendar/join_videocall/", booking.videocall_url)
        # The client's email, on the contract, with the .ics.
        message = diagnosis.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith("Session booked")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.contact_a, message.partner_ids)
        ics = message.attachment_ids
        self.assertEqual(ics.mimetype, "text/calendar")
        content = base64.b64decode(ics.datas).decode()
        self.assertIn("METHOD:REQUEST", content)
        self.assertIn(f"UID:{booking.ics_uid}@asesorateya-support", content)
        self.assertIn("DTSTART:20260305T130000Z", content)
        self.assertIn("/booking?access_token=", message.body)
        # Before a diagnosis, the case (policy §9).
        self.assertIn("#case", message.body)
        # The consultant's calendar invitation, queued.
        invitation = self.env["mail.mail"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("recipient_ids", "in", self.user_consultant.partner_id.ids),
            ]
        )
        self.assertEqual(len(invitation), 1)
        self.assertEqual(invitation.state, "outgoing")
        self.assertIn("invitation.ics", invitation.attachment_ids.mapped("name"))
        # The reminder waits for its time, 48 h before.
        self.assertEqual(booking.reminder_state, "queued")
        self.assertEqual(booking.reminder_date, booking.start - timedelta(hours=48))

    def test_single_session_books_once_then_is_held(self):
        incident = self._sell(self.plan_incident, self.contact_a)
        booking = self._book(incident)
        with self.assertRaisesText(UserError, "already booked"):
            self._book(incident, hour=15)
        with freeze_time("2026-03-03 14:05:00"):
            action = booking.with_user(self.user_consultant).action_log_session()
            session_form = Form(
                self.env["support.session"]
                .with_user(self.user_consultant)
                .with_context(**action["context"])
            )
            session_form.objective = "Fix the invoice sequence"
            session_form.activity = "Fixed it"
            session = session_form.save()
        self.assertEqual(session.booking_id, booking)
        self.assertEqual(session.modality, "videoconference")
        self.assertEqual(session.duration, 1.0)
        self.assertEqual(session.date, fields.Date.to_date("2026-03-03"))
        self.assertEqual(booking.state, "done")
        self.assertEqual(incident.state, "done")
        self.assertEqual(incident.date_start, fields.Date.to_date("2026-03-03"))
        with self.assertRaisesText(UserError, "no session can be booked"):
            self._book(incident, "2026-03-05")

    def test_bag_books_while_its_hours_cover_the_sessions(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        self._log(bag, 8.0, date="2026-03-02")
        self.assertEqual(bag.hours_remaining, 2.0)
        first = self._book(bag, hour=9)
        second = self._book(bag, hour=11)
        with self.assertRaisesText(UserError, "not enough for a session"):
            self._book(bag, hour=15)
        second.action_portal_cancel("Another day")
        third = self._book(bag, "2026-03-04", 9)
        self.assertEqual((first | third).mapped("state"), ["booked", "booked"])

    def test_bag_books_within_its_validity(self):
        self.plan_bag.validity_months = 1
        bag = self._sell(self.plan_bag, self.contact_a, date="2026-02-03")
        self.assertEqual(bag.date_expiry, fields.Date.to_date("2026-03-03"))
        self._book(bag, "2026-03-03", 9)
        with self.assertRaisesText(UserError, "can be used until"):
            self._book(bag, "2026-03-04", 9)

    def test_monthly_books_the_meetings_of_its_cycle(self):
        monthly = self._sell(self.plan_monthly, self.contact_a)
        # Not started: its first meeting, which begins the first cycle.
        first = self._book(monthly, "2026-03-03", 9)
        with self.assertRaisesText(UserError, "first meeting is booked"):
            self._book(monthly, "2026-03-04", 9)
        first.action_portal_cancel()
        monthly.action_start(fields.Date.to_date("2026-03-02"))
        period = monthly.current_period_id
        self.assertEqual(period.meetings_included, 2)
        self._book(monthly, "2026-03-03", 9)
        self._book(monthly, "2026-03-04", 9)
        with self.assertRaisesText(UserError, "meetings of this cycle are held or"):
            self._book(monthly, "2026-03-05", 9)
        with self.assertRaisesText(UserError, "booked until"):
            monthly._check_booking_allowed(self._utc("2026-04-06", 9))

    def test_what_does_not_book(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        bag.action_start()
        bag.action_pause("Waiting for the work user")
        with self.assertRaisesText(UserError, "no session can be booked"):
            self._book(bag)
        plan_free = self._create_plan("Bag 5 h", "hour_bag", 200000, hours_included=5.0)
        self.assertFalse(plan_free.booking_enabled)
        other = self._sell(plan_free, self.contact_a)
        self.assertFalse(other._booking_enabled())
        with self.assertRaisesText(UserError, "are not booked here"):
            self._book(other)
        project_plan = self._create_plan("Web", "project", 1000000)
        self.assertFalse(project_plan.booking_enabled)
        with self.assertRaisesText(ValidationError, "no sessions to book"):
            project_plan.booking_consultant_ids = self.user_consultant
        with self.assertRaisesText(ValidationError, "own users"):
            self.plan_bag.booking_consultant_ids = self.user_portal_a

    def test_lead_time_horizon_and_free_time(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        with self.assertRaisesText(UserError, "at least 12 hours ahead"):
            self._book(bag, "2026-03-02", 15)
        with self.assertRaisesText(UserError, "up to 30 days ahead"):
            self._book(bag, "2026-04-20", 10)
        with self.assertRaisesText(UserError, "not free"):
            self._book(bag, "2026-03-03", 13)  # lunch
        with self.assertRaisesText(UserError, "not free"):
            # Not on the 30-minute grid.
            bag.action_book(self._utc("2026-03-03", 10, 15), self.contact_a)
        self.assertFalse(bag.booking_ids)

    def test_database_refuses_two_bookings_of_a_consultant_at_once(self):
        bag_a = self._sell(self.plan_bag, self.contact_a)
        bag_b = self._sell(self.plan_bag, self.contact_b)
        booking = self._book(bag_a)
        # Through the ORM, as a consultant would book for a client.
        Booking = self.env["support.booking"].with_user(self.user_consultant)
        with self.assertRaises(SlotTakenError):
            Booking.create(
                {
                    "contract_id": bag_b.id,
                    "consultant_id": self.user_consultant.id,
                    "start": booking.start + timedelta(minutes=30),
                }
            )
        # Straight into the database: the exclusion constraint.
        with self.assertRaises(ExclusionViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    """
                    INSERT INTO support_booking (contract_id, consultant_id,
                        start, stop, duration, state, company_id)
                    VALUES (%s, %s, %s, %s, 1, 'booked', %s)
                    """,
                    [
                        bag_b.id,
                        self.user_consultant.id,
                        booking.start,
                        booking.stop,
                        self.company.id,
                    ],
                )
        # Another consultant is free then; a cancelled booking frees its time.
        self.assertEqual(
            Booking.create(
                {
                    "contract_id": bag_b.id,
                    "consultant_id": self.user_consultant_2.id,
                    "start": booking.start,
                }
            ).consultant_id,
            self.user_consultant_2,
        )
        booking.action_portal_cancel()
        self.assertEqual(self._book(bag_b).consultant_id, self.user_consultant)

    # ------------------------------------------------------------------
    # The client's notice, the consultancy's moves
    # ------------------------------------------------------------------
    def test_client_reschedules_and_cancels_up_to_the_notice(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        self.assertEqual(bag._get_booking_notice_hours(), 24)
        booking = self._book(bag, "2026-03-04", 10)
        booking.action_portal_reschedule(self._utc("2026-03-05", 15))
        self.assertEqual(booking.start, self._utc("2026-03-05", 15))
        self.assertEqual(booking.reschedule_count, 1)
        self.assertEqual(booking.event_id.start, booking.start)
        self.assertEqual(booking.reminder_date, booking.start - timedelta(hours=48))
        moved = bag.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith("Session moved")
        )
        self.assertEqual(len(moved), 1)
        self.assertIn(
            "SEQUENCE:1", base64.b64decode(moved.attachment_ids.datas).decode()
        )
        with freeze_time("2026-03-04 19:00:00"):  # 20 h before
            with self.assertRaisesText(UserError, "up to 24 hours before"):
                booking.action_portal_reschedule(self._utc("2026-03-06", 10))
            with self.assertRaisesText(UserError, "up to 24 hours before"):
                booking.action_portal_cancel()
        booking.action_portal_cancel("We solved it")
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancelled_by, "client")
        self.assertFalse(booking.event_id.active)
        self.assertFalse(bag.booking_next_start)
        with self.assertRaisesText(UserError, "status is 'Session cancelled'"):
            booking.action_portal_cancel()

    def test_notice_is_a_term_of_the_policy_version(self):
        version = self.env.ref("asesorateya_support.support_policy_support_v1")
        policy = version.policy_id
        self.company.support_policy_id = policy
        new = policy._set_terms({"booking_notice_hours": 48})
        self.assertEqual(new.booking_notice_hours, 48)
        bag = self._sell(self.plan_bag, self.contact_a)
        self.assertEqual(bag.policy_version_id, new)
        booking = self._book(bag, "2026-03-04", 10)
        with freeze_time("2026-03-02 20:00:00"):  # 41 h before
            with self.assertRaisesText(UserError, "up to 48 hours before"):
                booking.action_portal_cancel()

    def test_consultancy_moves_and_cancels_with_a_reason(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = self._book(bag, "2026-03-03", 10)
        consultant = booking.with_user(self.user_consultant)
        with self.assertRaisesText(UserError, "Say why"):
            consultant.action_reschedule(self._utc("2026-03-05", 10), " ")
        with freeze_time("2026-03-03 10:00:00"):  # within the notice
            consultant.action_reschedule(
                self._utc("2026-03-05", 19), "The consultant is at a client's"
            )
        self.assertEqual(booking.start, self._utc("2026-03-05", 19))
        moved = bag.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith("Session moved")
        )
        self.assertIn("Why:</strong> The consultant is at a client", moved.body)
        with self.assertRaisesText(UserError, "with its buttons"):
            consultant.write({"start": self._utc("2026-03-06", 10)})
        with self.assertRaisesText(UserError, "from the booking"):
            booking.event_id.with_user(self.user_consultant).write(
                {"start": self._utc("2026-03-06", 10)}
            )
        with self.assertRaisesText(UserError, "from the booking"):
            booking.event_id.with_user(self.user_consultant).unlink()
        consultant.action_cancel("The client asked us by phone")
        self.assertEqual(booking.cancelled_by, "consultancy")
        cancelled = bag.message_ids.filtered(
            lambda m: m.subject and "cancelled" in m.subject
        )
        self.assertIn("The client asked us by phone", cancelled.body)
        self.assertIn(
            "METHOD:CANCEL", base64.b64decode(cancelled.attachment_ids.datas).decode()
        )
        with self.assertRaises(UserError):
            booking.with_user(self.user_consultant).unlink()

    def test_change_wizard_calls_the_booking(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = self._book(bag)
        action = booking.with_user(self.user_consultant).action_open_change()
        Change = self.env["support.booking.change"].with_user(self.user_consultant)
        with Form(Change.with_context(**action["context"])) as form:
            self.assertEqual(form.start, booking.start)
            form.start = self._utc("2026-03-04", 16)
            form.reason = "Moved at the client's request"
        form.record.action_confirm()
        self.assertEqual(booking.start, self._utc("2026-03-04", 16))

    # ------------------------------------------------------------------
    # After the session's time
    # ------------------------------------------------------------------
    def test_a_booking_past_and_not_logged_needs_attention(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = self._book(bag, "2026-03-03", 10)
        self.assertFalse(bag.needs_attention)
        with freeze_time("2026-03-03 14:30:00"):
            bag.invalidate_recordset(["needs_attention"])
            self.assertTrue(bag.needs_attention)
            self.assertTrue(booking.needs_log)
            Booking = self.env["support.booking"]
            self.assertEqual(Booking.search([("needs_log", "=", True)]), booking)
            # A log of that day, made from the contract, records the booking.
            self._log(bag, 1.0, date="2026-03-03")
            self.assertEqual(booking.state, "done")
            bag.invalidate_recordset(["needs_attention"])
            self.assertFalse(bag.needs_attention)

    def test_no_show_counts_as_held(self):
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        booking = self._book(diagnosis, "2026-03-03", 10)
        with self.assertRaisesText(UserError, "once the session's time came"):
            booking.with_user(self.user_consultant).action_mark_no_show()
        with freeze_time("2026-03-03 13:20:00"):
            session = booking.with_user(self.user_consultant).action_mark_no_show()
        self.assertEqual(booking.state, "no_show")
        self.assertEqual(session.booking_id, booking)
        self.assertEqual(session.duration, 1.0)
        self.assertEqual(session.modality, "videoconference")
        self.assertEqual(session.progress, "waiting_client")
        self.assertIn("did not attend", session.activity)
        self.assertEqual(session.summary_state, "queued", "the client is told")
        self.assertEqual(diagnosis.state, "done")
        self.assertEqual(diagnosis.date_start, fields.Date.to_date("2026-03-03"))
        with freeze_time("2026-03-04 12:00:00"):
            quote = diagnosis.cancellation_quote()
        self.assertEqual(quote["phase"], "started")
        self.assertEqual(quote["refundable_amount"], 0.0)

    def test_no_show_of_a_bag_consumes_the_session(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = self._book(bag, "2026-03-03", 10)
        with freeze_time("2026-03-03 14:00:00"):
            booking.action_mark_no_show()
        self.assertEqual(bag.hours_used, 1.0)
        self.assertEqual(bag.state, "active")

    def test_effective_start_follows_the_first_scheduled_session(self):
        """Policy §10: before the first scheduled session the client withdraws
        with a refund; once its time came, no quote until it is recorded as
        held or missed; once held, the service has started."""
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        booking = self._book(diagnosis, "2026-03-03", 10)
        quote = diagnosis.cancellation_quote()
        self.assertEqual(quote["phase"], "before_start")
        self.assertEqual(quote["refund_amount"], diagnosis.amount_paid)
        with freeze_time("2026-03-03 13:30:00"):
            with self.assertRaisesText(UserError, "has begun and is not logged"):
                diagnosis.cancellation_quote()
            self._log(diagnosis, 1.0, date="2026-03-03", booking_id=booking.id)
            self.assertEqual(diagnosis.date_start, fields.Date.to_date("2026-03-03"))
            self.assertEqual(diagnosis.cancellation_quote()["phase"], "started")

    def test_closing_a_contract_frees_its_booked_times(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = self._book(bag, "2026-03-04", 10)
        bag.action_start()
        bag.action_done()
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(booking.cancelled_by, "consultancy")
        self.assertIn("is closed", booking.cancel_reason)

    def test_log_of_a_booking_checks_it(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        other = self._sell(self.plan_bag, self.contact_a)
        booking = self._book(bag, "2026-03-03", 10)
        with self.assertRaisesText(UserError, "once its time has come"):
            self._log(bag, 1.0, date="2026-03-02", booking_id=booking.id)
        with freeze_time("2026-03-03 14:00:00"):
            with self.assertRaisesText(UserError, "its own contract"):
                self._log(other, 1.0, date="2026-03-03", booking_id=booking.id)
            self._log(bag, 1.0, date="2026-03-03", booking_id=booking.id)
            with self.assertRaisesText(UserError, "already logged"):
                self._log(bag, 1.0, date="2026-03-03", booking_id=booking.id)

    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------
    def test_clients_read_their_own_bookings_only(self):
        bag_a = self._sell(self.plan_bag, self.contact_a)
        bag_b = self._sell(self.plan_bag, self.contact_b)
        booking_a = self._book(bag_a, hour=9)
        booking_b = self._book(bag_b, hour=11, contact=self.contact_b)
        Booking = self.env["support.booking"]
        self.assertEqual(Booking.with_user(self.user_portal_a2).search([]), booking_a)
        self.assertEqual(Booking.with_user(self.user_portal_b).search([]), booking_b)
        with self.assertRaises(AccessError):
            booking_b.with_user(self.user_portal_a).read(["start"])
        with self.assertRaises(AccessError):
            booking_a.with_user(self.user_portal_a).action_cancel("Mine")
        with self.assertRaises(AccessError):
            Booking.with_user(self.user_portal_a).create(
                {"contract_id": bag_a.id, "start": self._utc("2026-03-04", 9)}
            )
        # The consultant of another company sees none of them.
        self.assertFalse(
            Booking.with_user(self.user_consultant_b)
            .with_context(allowed_company_ids=self.company_b.ids)
            .search([])
        )
