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
    send_summaries = True

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

    def _team_notes(self, contract, text):
        """Internal notes on ``contract`` that contain ``text``."""
        return contract.message_ids.filtered(
            lambda m: text in (m.body or "") and m.subtype_id.internal
        )

    def test_exceeding_balance_told_to_client(self):
        self._log(self.bag, 9.5)
        note = "Email of 2026-02-10: the client approved one more hour"
        with self.mock_mail_gateway():
            session = self._log(
                self.bag, 1.5, client_informed=True, client_informed_note=note
            )
        self.assertTrue(session.exceeds_balance)
        # The client reads it in the session summary, sent once; the contract
        # keeps a note for the team.
        message = self._team_notes(self.bag, note)
        self.assertEqual(len(message), 1)
        self.assertIn("beyond the hours left", message.body)
        self.assertIn("On 02/10/2026, 01:30 h were logged", message.body)
        self.assertEqual(message.author_id, self.user_consultant.partner_id)
        self.assertFalse(message.partner_ids)
        mails = self._new_mails.filtered(
            lambda m: self.client_a in m.recipient_ids and note in m.body_html
        )
        self.assertEqual(len(mails), 1, "the client gets it by email, once")
        self.assertIn("Session summary", mails.subject)
        self.assertIn("beyond the hours left", mails.body_html)
        self.assertEqual(mails.author_id, self.user_consultant.partner_id)

    def test_out_of_scope_told_to_client(self):
        note = "The client asked for the new report by email"
        session = self._log(
            self.bag,
            1.0,
            out_of_scope=True,
            client_informed=True,
            client_informed_note=note,
        )
        message = self._team_notes(self.bag, note)
        self.assertEqual(len(message), 1)
        self.assertIn("outside the validated scope", message.body)
        self.assertNotIn("beyond the hours left", message.body)
        summary = self._client_messages(session, note)
        self.assertEqual(len(summary), 1, "told in the session summary")
        self.assertIn("outside the validated scope", summary.body)
        self.assertNotIn("beyond the hours left", summary.body)

    def test_plain_log_posts_only_its_summary_to_client(self):
        before = self.bag.message_ids
        session = self._log(self.bag, 1.0)
        self.flush_tracking()
        new = self.bag.message_ids - before
        self.assertFalse(new.filtered(lambda m: self.client_a in m.partner_ids))
        self.assertEqual(
            len(session.message_ids.filtered(lambda m: self.client_a in m.partner_ids)),
            1,
            "the session summary, on the session",
        )

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
        self.assertEqual(len(self._client_messages(self.bag, "has resumed")), 1)
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
