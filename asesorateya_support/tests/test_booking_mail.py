# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The emails of a booked session: the reminders, once each, through the
mail queue; the case to send before a diagnosis or an incident (policy §9);
everything the client reads in Spanish."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common_booking import BookingFixtures
from .common_mail import SupportMailCommon


@tagged("post_install", "-at_install")
class TestSupportBookingMail(BookingFixtures, SupportMailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_booking()
        cls.cron = cls.env.ref("asesorateya_support.ir_cron_booking_reminders")

    def _reminders(self):
        return self._new_mails.filtered(
            lambda m: (
                "eminder" in (m.subject or "") or ("Session with" in (m.subject or ""))
            )
        )

    @freeze_time("2026-03-02 12:00:00")
    def test_reminders_once_each_through_the_queue(self):
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        booking = diagnosis.action_book(self._utc("2026-03-04", 10), self.contact_a)
        self.assertEqual(booking.reminder_state, "queued")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        self.assertIn(booking.reminder_date, triggers.mapped("call_at"))
        with freeze_time("2026-03-02 12:30:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        self.assertFalse(self._new_mails, "too early: 48 h 30 min before")
        with freeze_time("2026-03-02 13:05:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        client = self._mails_to(self.contact_a, "Reminder: your session")
        consultant = self._mails_to(self.user_consultant.partner_id, "Session with")
        self.assertEqual(len(client), 1)
        self.assertEqual(len(consultant), 1)
        # Through the queue: waiting to be sent, not sent at once.
        self.assertEqual(
            (client | consultant).mapped("state"), ["outgoing", "outgoing"]
        )
        self.assertIn(
            "Wednesday, March 4, 2026, 10:00 (America/Santiago)", client.subject
        )
        self.assertIn("send us your case", client.body_html)
        self.assertIn("#case", client.body_html)
        self.assertIn("not sent the case description yet", consultant.body_html)
        self.assertEqual(booking.reminder_state, "sent")
        with freeze_time("2026-03-03 14:00:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        self.assertFalse(self._new_mails, "sent once")

    @freeze_time("2026-03-02 12:00:00")
    def test_moving_a_session_reminds_of_the_new_time(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = bag.action_book(self._utc("2026-03-05", 10), self.contact_a)
        with freeze_time("2026-03-03 13:05:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        client = self._mails_to(self.contact_a, "Reminder")
        self.assertEqual(len(client), 1)
        self.assertNotIn("send us your case", client.body_html, "not a diagnosis")
        # Still before the notice: the client moves it; a new reminder waits.
        with freeze_time("2026-03-03 13:10:00"):
            booking.action_portal_reschedule(self._utc("2026-03-09", 15))
        self.assertEqual(booking.reminder_state, "queued")
        with freeze_time("2026-03-05 18:30:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        self.assertFalse(self._new_mails, "the old time reminds of nothing")
        with freeze_time("2026-03-07 18:05:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        reminder = self._mails_to(self.contact_a, "Reminder")
        self.assertEqual(len(reminder), 1)
        self.assertIn("Monday, March 9, 2026, 15:00", reminder.subject)

    @freeze_time("2026-03-02 12:00:00")
    def test_a_session_booked_late_gets_no_reminder(self):
        bag = self._sell(self.plan_bag, self.contact_a)
        booking = bag.action_book(self._utc("2026-03-03", 10), self.contact_a)
        self.assertFalse(booking.reminder_state, "its confirmation was just sent")

    @freeze_time("2026-03-02 12:00:00")
    def test_the_case_sent_stops_the_case_reminder(self):
        incident = self._sell(self.plan_incident, self.contact_a)
        booking = incident.action_book(self._utc("2026-03-04", 10), self.contact_a)
        incident.with_user(self.user_portal_a).sudo().action_send_case(
            "The invoices are numbered twice since the update."
        )
        self.assertTrue(incident.date_case_sent)
        self.assertFalse(booking._needs_case_reminder())
        with freeze_time("2026-03-02 13:05:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        client = self._mails_to(self.contact_a, "Reminder")
        self.assertEqual(len(client), 1)
        self.assertNotIn("send us your case", client.body_html)
        consultant = self._mails_to(self.user_consultant.partner_id, "Session with")
        self.assertIn("sent the case description on the contract", consultant.body_html)

    @freeze_time("2026-03-02 12:00:00")
    def test_emails_in_spanish(self):
        self.env["res.lang"]._activate_lang("es_CL")
        self.env.ref("base.module_asesorateya_support")._update_translations(["es_CL"])
        self.contact_a.lang = "es_CL"
        diagnosis = self._sell(self.plan_diagnosis, self.contact_a)
        with self.mock_mail_gateway():
            booking = diagnosis.action_book(self._utc("2026-03-04", 10), self.contact_a)
        confirmed = self._mails_to(self.contact_a, "Sesión agendada")
        self.assertEqual(len(confirmed), 1, self._new_mails.mapped("subject"))
        self.assertIn(
            "miércoles, 4 de marzo de 2026, 10:00 (America/Santiago)", confirmed.subject
        )
        self.assertIn("envíenos su caso", confirmed.body_html)
        with self.mock_mail_gateway():
            booking.with_user(self.user_consultant).action_cancel(
                "La consultora está enferma"
            )
        cancelled = self._mails_to(self.contact_a, "cancelada")
        self.assertEqual(len(cancelled), 1, self._new_mails.mapped("subject"))
        self.assertIn("La consultora está enferma", cancelled.body_html)
        self.assertIn("Agende otro horario", cancelled.body_html)
