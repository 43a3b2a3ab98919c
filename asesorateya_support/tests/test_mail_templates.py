# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.models.ir_mail_server import IrMailServer

from .common_mail import COMPANY_BOOKING_URL, SUPPORT_EMAIL, WHATSAPP, SupportMailCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10 12:00:00")
class TestSupportMailPurchase(SupportMailCommon):
    """The email a client gets once a service is bought (policy §2, §3, §9):
    one per contract, queued, to the contact who bought."""

    def test_diagnosis_confirmation(self):
        self.plan_diagnosis.booking_url = "https://book.asesorateya.test/diagnosis"
        with self.mock_mail_gateway():
            contract = self._sell(self.plan_diagnosis, self.contact_a)
        mail = self.assertMailMail(
            self.contact_a,
            "outgoing",
            content="https://book.asesorateya.test/diagnosis",
            fields_values={
                "subject": f"Diagnosis confirmed ({contract.name}): book your session",
                "email_from": SUPPORT_EMAIL,
            },
        )
        for text in (
            "one hour by videoconference",
            "description of the case",
            "evidence",
            "Email is the formal channel",
            SUPPORT_EMAIL,
            WHATSAPP,
            "does not replace email",
            "personal credentials",
        ):
            self.assertIn(text, mail.body_html)
        self.assertNotIn(COMPANY_BOOKING_URL, mail.body_html, "the plan's link")
        self.assertEqual(len(self._mails_to(self.contact_a)), 1)
        self.assertFalse(self._mails_to(self.client_a), "to the contact who bought")
        self.assertTrue(contract.date_purchase_mail)
        message = self._client_mails(contract, self.contact_a)
        self.assertEqual(len(message), 1, "kept on the contract's chatter")
        self.assertEqual(message.message_type, "comment", "shown in the portal")

        # Saving the contract, confirming the order again, asking again:
        # nothing new.
        with self.mock_mail_gateway():
            contract.write({"access_mode": "work_user"})
            contract._send_purchase_mail()
            contract.sale_order_id.order_line._support_create_contracts()
        self.assertFalse(self._mails_to(self.contact_a) | self._mails_to(self.client_a))
        self.assertEqual(len(self._client_mails(contract, self.contact_a)), 1)

    def test_incident_confirmation_uses_company_booking_link(self):
        with self.mock_mail_gateway():
            contract = self._sell(self.plan_incident)
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            content=COMPANY_BOOKING_URL,
            fields_values={
                "subject": f"Incident confirmed ({contract.name}): book your session"
            },
        )
        self.assertIn("one bounded incident", mail.body_html)
        self.assertIn("description of the case", mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)

    def test_hour_bag_confirmation(self):
        scope = "Rebuild the invoice layout\nand the stock valuation report"
        with self.mock_mail_gateway():
            contract = self._sell(self.plan_bag, self.contact_a, scope=scope)
        mail = self.assertMailMail(
            self.contact_a,
            "outgoing",
            fields_values={
                "subject": f"Your hour bag {contract.name} is confirmed: next steps"
            },
        )
        for text in (
            "Rebuild the invoice layout",
            "and the stock valuation report",
            "10:00",
            "approved proposal",
            "The service starts with the first session",
            self.user_salesman.name,
            "outside the validated scope",
            SUPPORT_EMAIL,
        ):
            self.assertIn(text, mail.body_html)
        self.assertEqual(len(self._mails_to(self.contact_a)), 1)

    def test_monthly_welcome(self):
        with self.mock_mail_gateway():
            contract = self._sell(self.plan_monthly, self.contact_a)
        mail = self.assertMailMail(
            self.contact_a,
            "outgoing",
            fields_values={"subject": f"Welcome to Monthly 8 h ({contract.name})"},
        )
        for text in (
            "08:00",
            "meetings by videoconference",
            "do not roll over",
            "send us your priorities",
            "formal channel for priorities and requests",
            "meetings of each cycle are coordinated by email",
            COMPANY_BOOKING_URL,
            "dedicated work user",
            "personal credentials",
            "deactivate it",
            SUPPORT_EMAIL,
        ):
            self.assertIn(text, mail.body_html)
        self.assertIn("<strong>2</strong> meetings", mail.body_html)
        self.assertEqual(len(self._mails_to(self.contact_a)), 1)

    def test_bought_by_the_client_online(self):
        order = self._create_order(self.plan_incident, self.contact_a)
        with self.mock_mail_gateway():
            order.with_user(self.user_portal_a).sudo().action_confirm()
        contract = order.with_env(self.env).support_contract_ids
        self.assertEqual(contract.user_id, self.user_salesman)
        self.assertMailMail(
            self.contact_a,
            "outgoing",
            author=self.user_salesman.partner_id,
            fields_values={"email_from": SUPPORT_EMAIL},
        )
        self.assertEqual(len(self._mails_to(self.contact_a)), 1)

    def test_confirmed_by_hand_once(self):
        contract = self.env["support.contract"].create(
            {"partner_id": self.client_a.id, "plan_id": self.plan_incident.id}
        )
        with self.mock_mail_gateway():
            contract.flush_recordset()
        self.assertFalse(self._mails_to(self.client_a), "a draft is not bought yet")
        with self.mock_mail_gateway():
            contract.action_confirm()
        self.assertMailMail(self.client_a, "outgoing")
        self.assertEqual(len(self._mails_to(self.client_a)), 1)
        with self.mock_mail_gateway():
            contract._send_purchase_mail()
        self.assertFalse(self._new_mails)

    def test_client_without_email(self):
        client = self.env["res.partner"].create(
            {"name": "Sin Correo SpA", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Pedro Sin Correo", "parent_id": client.id}
        )
        with self.mock_mail_gateway():
            contract = self._sell(self.plan_diagnosis, contact)
        self.assertEqual(contract.state, "confirmed", "the sale goes through")
        self.assertFalse(self._mails_to(contact) | self._mails_to(client))
        self.assertTrue(contract.date_purchase_mail)
        activity = self._activities(contract, "Reach the client")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, contract.user_id)
        self.assertIn("has no email address", activity.note)
        self.assertIn("Pedro Sin Correo", activity.note)
        self.assertIn("book your session", activity.summary)
        self.assertIn(COMPANY_BOOKING_URL, activity.note, "what to tell the client")

        # Its session summary cannot be sent either: another activity.
        with self.mock_mail_gateway():
            self._log(contract, 1.0)
        self.assertFalse(self._mails_to(contact) | self._mails_to(client))
        activity = self._activities(contract, "Reach the client: Session summary")
        self.assertEqual(len(activity), 1)
        self.assertIn("Fixed the configuration", activity.note)

    def test_mail_server_down_loses_nothing(self):
        with self.mock_mail_gateway():
            contract = self._sell(self.plan_diagnosis, self.contact_a)
        mail = self._mails_to(self.contact_a)
        self.assertEqual(mail.state, "outgoing", "queued, never sent at once")
        with patch.object(
            IrMailServer, "connect", side_effect=ConnectionRefusedError("SMTP down")
        ):
            self.env["mail.mail"].process_email_queue(ids=mail.ids)
        self.assertTrue(contract.exists())
        self.assertTrue(mail.exists(), "the email is kept")
        self.assertEqual(mail.state, "outgoing", "it waits in the queue")
        self.assertIn("SMTP down", mail.failure_reason)
        # Back online, the next run of the queue sends it.
        with self.mock_mail_gateway():
            self.env["mail.mail"].process_email_queue(ids=mail.ids)
        self.assertEqual(mail.state, "sent")
        self.assertSentEmail(
            SUPPORT_EMAIL,
            [self.contact_a],
            subject=f"Diagnosis confirmed ({contract.name}): book your session",
        )


@tagged("post_install", "-at_install")
class TestSupportMailSession(SupportMailCommon):
    """The summary after each log (policy §4, §11), sent by an automation rule."""

    def test_summary_of_bag_session_once(self):
        bag = self._sell(self.plan_bag, date="2026-02-02")
        with self.mock_mail_gateway():
            session = self._log_on(
                bag,
                "2026-02-10",
                2.5,
                objective="Review the invoice layout",
                activity="Rebuilt the layout of the customer invoices",
                progress_note="The totals remain",
                next_steps="Validate the layout with your team",
            )
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            author=self.user_consultant.partner_id,
            fields_values={
                "subject": f"Session summary {bag.name}: {self._day(session.date)}",
                "email_from": SUPPORT_EMAIL,
            },
        )
        for text in (
            "Review the invoice layout",
            "Rebuilt the layout of the customer invoices",
            "In progress.",
            "The totals remain",
            "Validate the layout with your team",
            "Time used in this session: <strong>02:30</strong>",
            "<strong>02:30</strong> h used of",
            "10:00",
            "<strong>07:30</strong> h left",
        ):
            self.assertIn(text, mail.body_html)
        self.assertNotIn("beyond what was agreed", mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)
        self.assertEqual(len(self._client_mails(session)), 1, "on the session")

        # Editing the log, or correcting its time, sends no new summary.
        with freeze_time("2026-02-11 12:00:00"), self.mock_mail_gateway():
            session.with_user(self.user_consultant).write(
                {"next_steps": "Validate the totals"}
            )
            session.with_user(self.user_consultant).action_correct(2.0, "Typo")
        self.assertFalse(self._mails_to(self.client_a))
        self.assertEqual(len(self._client_mails(session)), 1)

    def test_summary_of_monthly_session(self):
        contract = self._sell(self.plan_monthly, date="2026-01-10")
        self._log_on(contract, "2026-01-12", 1.0)
        with self.mock_mail_gateway():
            self._log_on(contract, "2026-01-20", 2.0, progress="waiting_client")
        mail = self._mails_to(self.client_a, "Session summary")
        self.assertEqual(len(mail), 1)
        for text in (
            "Waiting for you.",
            "This month's cycle",
            self._day(contract.current_period_id.date_start),
            self._day(contract.current_period_id.date_end),
            "<strong>03:00</strong> h used of",
            "08:00",
            "<strong>05:00</strong> h left",
            "do not roll over",
        ):
            self.assertIn(text, mail.body_html)

    def test_summary_of_diagnosis_session(self):
        contract = self._sell(self.plan_diagnosis, self.contact_a, date="2026-02-02")
        with self.mock_mail_gateway():
            self._log_on(contract, "2026-02-10", 0.75, progress="done")
        mail = self._mails_to(self.contact_a, "Session summary")
        self.assertEqual(len(mail), 1)
        self.assertIn("Done.", mail.body_html)
        self.assertIn("00:45", mail.body_html)
        self.assertIn("whole service", mail.body_html)

    def test_summaries_wait_in_the_queue_until_the_cron_runs(self):
        """A log queues its summary; the scheduled action sends it, once.

        Each summary tells the balance its own session left, even when it
        is sent after later logs.
        """
        cron = self.env.ref("asesorateya_support.ir_cron_send_session_summaries")
        self.assertTrue(cron.active)
        self.assertEqual(
            cron.code.strip(), "model._cron_send_session_summaries()", "admins see it"
        )
        bag = self._sell(self.plan_bag, date="2026-02-02")
        Session = self.env["support.session"].with_user(self.user_consultant)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        with freeze_time("2026-02-10 12:00:00"), self.mock_mail_gateway():
            first, second = Session.create(
                [
                    {
                        "contract_id": bag.id,
                        "duration": duration,
                        "objective": "Review",
                        "activity": "Done",
                    }
                    for duration in (1.5, 2.0)
                ]
            ).sorted("id")
        self.assertEqual((first | second).mapped("summary_state"), ["queued"] * 2)
        self.assertFalse(self._mails_to(self.client_a), "nothing while saving")
        self.assertEqual(
            len(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])),
            len(triggers) + 1,
            "one trigger for the batch: the cron runs within moments",
        )
        # A correction is not summarised.
        with freeze_time("2026-02-11 12:00:00"):
            first.with_user(self.user_consultant).action_correct(1.0, "Typo")
        correction = first.correction_ids
        self.assertFalse(correction.summary_state)

        with freeze_time("2026-02-11 12:05:00"), self.mock_mail_gateway():
            cron.method_direct_trigger()
        mails = self._mails_to(self.client_a, "Session summary")
        self.assertEqual(len(mails), 2)
        self.assertEqual((first | second).mapped("summary_state"), ["sent"] * 2)
        by_session = {mail.mail_message_id.res_id: mail for mail in mails}
        # The balance each session left when it was logged: 1:30 used, then
        # 3:30, not the balance after the correction made since.
        self.assertIn(
            "<strong>01:30</strong> h used of", by_session[first.id].body_html
        )
        self.assertIn("<strong>08:30</strong> h left", by_session[first.id].body_html)
        self.assertIn(
            "<strong>03:30</strong> h used of", by_session[second.id].body_html
        )
        self.assertIn("<strong>06:30</strong> h left", by_session[second.id].body_html)
        for mail in mails:
            self.assertEqual(mail.author_id, self.user_consultant.partner_id)
            self.assertEqual(mail.state, "outgoing", "through the mail queue")

        # A second run sends nothing more.
        with self.mock_mail_gateway():
            cron.method_direct_trigger()
        self.assertFalse(self._mails_to(self.client_a))
        self.assertEqual(len(self._client_mails(first)), 1)

    def test_cron_switched_off_keeps_summaries_waiting(self):
        cron = self.env.ref("asesorateya_support.ir_cron_send_session_summaries")
        cron.active = False
        bag = self._sell(self.plan_bag, date="2026-02-02")
        with freeze_time("2026-02-10 12:00:00"), self.mock_mail_gateway():
            session = (
                self.env["support.session"]
                .with_user(self.user_consultant)
                .create(
                    {
                        "contract_id": bag.id,
                        "duration": 1.0,
                        "objective": "O",
                        "activity": "A",
                    }
                )
            )
        self.assertFalse(self._mails_to(self.client_a))
        self.assertEqual(session.summary_state, "queued", "nothing is lost")
        cron.active = True
        with self.mock_mail_gateway():
            self.env["support.session"]._cron_send_session_summaries()
        self.assertEqual(len(self._mails_to(self.client_a, "Session summary")), 1)
        self.assertEqual(session.summary_state, "sent")

    def test_cron_works_in_batches(self):
        bag = self._sell(self.plan_bag, date="2026-02-02")
        with freeze_time("2026-02-10 12:00:00"):
            sessions = (
                self.env["support.session"]
                .with_user(self.user_consultant)
                .create(
                    [
                        {
                            "contract_id": bag.id,
                            "duration": 0.25,
                            "objective": f"Task {index}",
                            "activity": "A",
                        }
                        for index in range(5)
                    ]
                )
            )
        # Logs queued before (demo data) are sent first: count only these.
        Session = self.env["support.session"]
        Session.search(
            [("summary_state", "=", "queued"), ("id", "not in", sessions.ids)]
        )._send_summaries()
        with self.mock_mail_gateway():
            done = Session._cron_send_session_summaries(batch_size=3)
            self.assertEqual(len(done), 3)
            done |= Session._cron_send_session_summaries(batch_size=3)
        self.assertEqual(done, sessions)
        self.assertEqual(len(self._mails_to(self.client_a, "Session summary")), 5)
        self.assertFalse(Session._cron_send_session_summaries(batch_size=3))


@tagged("post_install", "-at_install")
class TestSupportMailHold(SupportMailCommon):
    """Hold and resume (policy §9): one email each, no other message."""

    def test_pause_and_resume(self):
        bag = self._sell(self.plan_bag, date="2026-02-02")
        self._log_on(bag, "2026-02-03", 1.0)
        reason = "The work user for AsesórateYa is missing"
        with freeze_time("2026-02-10 12:00:00"), self.mock_mail_gateway():
            bag.with_user(self.user_consultant).action_pause(reason)
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            content=reason,
            fields_values={
                "subject": f"{bag.name} is on hold: we are waiting for your information"
            },
        )
        self.assertIn("nothing more is charged", mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)
        with freeze_time("2026-02-12 12:00:00"), self.mock_mail_gateway():
            bag.with_user(self.user_consultant).action_resume()
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={"subject": f"{bag.name} has resumed"},
        )
        self.assertIn("<strong>09:00</strong> hours left", mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a)), 1)
        held = self._client_mails(bag).filtered(
            lambda m: "is on hold" in m.subject or "has resumed" in m.subject
        )
        self.assertEqual(len(held), 2, "one comment per event")

    def test_wait_for_monthly_information(self):
        contract = self._sell(self.plan_monthly, date="2026-02-02")
        with freeze_time("2026-02-10 12:00:00"), self.mock_mail_gateway():
            contract.action_request_information("Your priorities for February")
        mail = self._mails_to(self.client_a, "is on hold")
        self.assertEqual(len(mail), 1)
        self.assertIn("Your priorities for February", mail.body_html)
        self.assertIn("no new", mail.body_html)
