# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from odoo.addons.mail.tests.common import MailCase

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportCreditReminder(SupportCommon, MailCase):
    """The client is reminded once of an unused credit before it expires.

    Tracking and notifications are on in this class.
    """

    tracking_disable = False

    def setUp(self):
        super().setUp()
        self.cron = self.env.ref("asesorateya_support.ir_cron_expire_credits")
        self.credit = self.env["support.credit"]._issue(
            self.contact_a,
            60000,
            "cancellation",
            date(2026, 1, 10),
            self.env.ref("asesorateya_support.support_policy_support_v1"),
            company_id=self.company.id,
        )

    def _reminders(self, credit):
        return credit.message_ids.filtered(lambda m: "expires on" in (m.subject or ""))

    def test_reminder_sent_once(self):
        self.assertEqual(self.credit.date_expiry, date(2026, 7, 10))
        self.assertEqual(self.credit.date_reminder, date(2026, 6, 25))
        with freeze_time("2026-06-24 12:00:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        self.assertFalse(self._new_mails, "too early")
        self.assertFalse(self.credit.date_reminder_sent)

        with freeze_time("2026-06-25 12:00:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        amount = format_amount(self.env, 60000, self.currency_clp)
        expiry = format_date(self.env, date(2026, 7, 10))
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={
                "subject": f"Your credit of {amount} expires on {expiry}",
            },
        )
        self.assertIn(self.credit.name, mail.body_html)
        self.assertIn("another AsesórateYa service", mail.body_html)
        self.assertIn("60,000", mail.body_html)
        self.assertEqual(len(self._new_mails), 1, "queued, not sent at once")
        self.assertEqual(self.credit.date_reminder_sent, date(2026, 6, 25))
        self.assertEqual(len(self._reminders(self.credit)), 1, "in the chatter")

        for day in ("2026-06-25 18:00:00", "2026-06-30 12:00:00"):
            with freeze_time(day), self.mock_mail_gateway():
                self.cron.method_direct_trigger()
            self.assertFalse(self._new_mails, f"nothing new on {day}")
        self.assertEqual(len(self._reminders(self.credit)), 1)

    def test_no_reminder_for_used_credit_or_disabled_company(self):
        self.credit.sudo().state = "used"
        other = self.env["support.credit"]._issue(
            self.client_b,
            10000,
            "cancellation",
            date(2026, 1, 10),
            self.env.ref("asesorateya_support.support_policy_support_v1"),
            company_id=self.company.id,
        )
        self.company.support_credit_reminder_days = 0
        self.assertFalse(other.date_reminder, "0 days: no reminder")
        with freeze_time("2026-07-01 12:00:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        self.assertFalse(self._new_mails)
        self.company.support_credit_reminder_days = 30
        self.assertEqual(other.date_reminder, date(2026, 6, 10))
        with freeze_time("2026-07-01 12:00:00"), self.mock_mail_gateway():
            self.cron.method_direct_trigger()
        self.assertMailMail(self.client_b, "outgoing")
        self.assertEqual(len(self._new_mails), 1, "not the used credit")
