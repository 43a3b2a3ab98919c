# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.tools import format_date

from odoo.addons.mail.tests.common import MailCase

from .common import SupportCommon

SUPPORT_EMAIL = "soporte@asesorateya.test"
WHATSAPP = "+56 9 1111 2222"
COMPANY_BOOKING_URL = "https://book.asesorateya.test/support"


class SupportMailCommon(SupportCommon, MailCase):
    """The support fixtures with mail and tracking on, the company's channels
    set, and helpers to find the emails of one test."""

    tracking_disable = False
    send_summaries = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "email": "contacto@asesorateya.test",
                "support_contact_email": SUPPORT_EMAIL,
                "support_whatsapp_number": WHATSAPP,
                "support_booking_url": COMPANY_BOOKING_URL,
            }
        )
        cls.cron_roll = cls.env.ref("asesorateya_support.ir_cron_roll_periods")
        cls.cron_close_mails = cls.env.ref(
            "asesorateya_support.ir_cron_send_close_mails"
        )

    def _mails_to(self, partner, subject=None):
        """The ``mail.mail`` of this test to ``partner`` (whose subject
        contains ``subject``)."""
        return self._new_mails.filtered(
            lambda m: (
                partner in m.recipient_ids
                and (subject is None or subject in (m.subject or ""))
            )
        )

    def _client_mails(self, record, partner=None):
        """Comments posted on ``record`` to ``partner`` (default client_a)."""
        partner = partner or self.client_a
        return record.message_ids.filtered(
            lambda m: (
                partner in m.partner_ids
                and m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )

    def _activities(self, record, text):
        """Activities of ``record`` whose summary contains ``text``."""
        return record.activity_ids.filtered(lambda a: text in (a.summary or ""))

    def _day(self, value):
        return format_date(self.env, value)

    def _roll(self, today):
        """The cycle cron runs on ``today``, then the closing emails it queued
        are sent (as the scheduled action it triggers does)."""
        with freeze_time(f"{today} 12:00:00"):
            self.cron_roll.method_direct_trigger()
            self.cron_close_mails.method_direct_trigger()

    def _log_on(self, contract, day, duration=1.0, **values):
        with freeze_time(f"{day} 12:00:00"):
            return self._log(contract, duration, date=day, **values)
