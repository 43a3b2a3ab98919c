# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10 12:00:00")
class TestSupportMail(SupportCommon, MailCase):
    """What the client is told, and the trail of the logs (policy §3, §5, §11).

    Tracking and notifications are on in this class.
    """

    tracking_disable = False

    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_bag, date="2026-02-02")
        self.flush_tracking()

    def _client_messages(self, contract, text):
        """Comments posted on ``contract`` to the client that contain ``text``."""
        return contract.message_ids.filtered(
            lambda m: (
                text in (m.body or "")
                and self.client_a in m.partner_ids
                and m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )

    def test_exceeding_balance_told_to_client(self):
        self._log(self.bag, 9.5)
        note = "Email of 2026-02-10: the client approved one more hour"
        with self.mock_mail_gateway():
            session = self._log(
                self.bag, 1.5, client_informed=True, client_informed_note=note
            )
        self.assertTrue(session.exceeds_balance)
        message = self._client_messages(self.bag, note)
        self.assertEqual(len(message), 1)
        self.assertIn("beyond the hours left", message.body)
        self.assertIn("1.5 h", message.body)
        self.assertEqual(message.author_id, self.user_consultant.partner_id)
        mails = self._new_mails.filtered(lambda m: self.client_a in m.recipient_ids)
        self.assertEqual(len(mails), 1, "the client gets the message by email")
        self.assertIn(note, mails.body_html)

    def test_out_of_scope_told_to_client(self):
        note = "The client asked for the new report by email"
        self._log(
            self.bag,
            1.0,
            out_of_scope=True,
            client_informed=True,
            client_informed_note=note,
        )
        message = self._client_messages(self.bag, note)
        self.assertEqual(len(message), 1)
        self.assertIn("outside the validated scope", message.body)
        self.assertNotIn("beyond the hours left", message.body)

    def test_plain_log_posts_nothing_to_client(self):
        before = self.bag.message_ids
        self._log(self.bag, 1.0)
        self.flush_tracking()
        new = self.bag.message_ids - before
        self.assertFalse(new.filtered(lambda m: self.client_a in m.partner_ids))

    def test_hold_and_resume_told_to_client(self):
        self._log(self.bag, 1.0)
        with self.mock_mail_gateway():
            self.bag.with_user(self.user_consultant).action_pause(
                "We need the work user for AsesórateYa"
            )
        self.assertEqual(
            len(self._client_messages(self.bag, "We need the work user")), 1
        )
        self.assertTrue(
            self._new_mails.filtered(lambda m: self.client_a in m.recipient_ids)
        )
        self.bag.with_user(self.user_consultant).action_resume()
        self.assertEqual(len(self._client_messages(self.bag, "Service resumed.")), 1)
        self.flush_tracking()
        tracked = self.bag.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertTrue(tracked, "state changes are tracked")

    def test_text_fields_edited_and_tracked(self):
        session = self._log(self.bag, 1.0, next_steps="Send the report")
        self.flush_tracking()
        session.with_user(self.user_consultant).write(
            {
                "objective": "Review the invoices",
                "next_steps": "Validate with the client",
            }
        )
        self.flush_tracking()
        tracking = session.message_ids.tracking_value_ids
        by_field = {t.field_id.name: t for t in tracking}
        self.assertIn("objective", by_field)
        self.assertIn("next_steps", by_field)
        self.assertEqual(by_field["next_steps"].old_value_text, "Send the report")
        self.assertEqual(
            by_field["next_steps"].new_value_text, "Validate with the client"
        )
        self.assertEqual(session.duration, 1.0)

    def test_hours_tracked_on_contract(self):
        self._log(self.bag, 2.0)
        self.flush_tracking()
        tracked = self.bag.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "hours_remaining"
        )
        self.assertEqual(tracked[:1].new_value_float, 8.0)
