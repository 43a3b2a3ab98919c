# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A monthly plan ended with notice (support policy §7: "el cliente puede
discontinuar el servicio con aviso previo"; issue 13)."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..formatting import format_day
from .common import SupportCommon
from .common_portal import SupportPortalCommon


@tagged("post_install", "-at_install")
class TestMonthlyNotice(SupportCommon):
    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_CL")
        (cls.client_a | cls.contact_a).lang = "es_CL"
        cls.cron_roll = cls.env.ref("asesorateya_support.ir_cron_roll_periods")

    def _retainer(self):
        retainer = self._sell(self.plan_monthly, self.contact_a, date="2026-04-28")
        with freeze_time("2026-05-01 12:00:00"):
            retainer.action_start("2026-05-01")
        return retainer

    def _roll(self, day):
        with freeze_time(f"{day} 12:00:00"):
            self.cron_roll.method_direct_trigger()

    def _invoices(self):
        return self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("partner_id", "child_of", self.client_a.id),
            ]
        )

    def test_ends_at_the_end_of_the_current_cycle(self):
        """§7 with the shipped policy: the plan runs to the end of the
        current cycle, the client is told the last day in Spanish, and the
        cron closes it once; no cycle opens or is billed after it, nothing
        is refunded."""
        retainer = self._retainer()
        with freeze_time("2026-05-12 12:00:00"):
            last_day = retainer.with_user(self.user_consultant).action_request_end()
        self.assertEqual(last_day, date(2026, 5, 31))
        self.assertEqual(retainer.end_last_day, date(2026, 5, 31))
        self.assertEqual(retainer.end_request_date, date(2026, 5, 12))
        told = retainer.message_ids.filtered(
            lambda m: self.contact_a in m.partner_ids and "§7" in (m.body or "")
        )
        self.assertEqual(len(told), 1, "the client is emailed")
        day = format_day(retainer.with_context(lang="es_CL").env, last_day)
        self.assertIn(day, told.body)
        self.assertIn("último día", told.body)
        with self.assertRaisesText(UserError, "already ends"):
            retainer.action_request_end()

        invoices = self._invoices()
        self._roll("2026-05-31")  # its last day: still running
        self.assertEqual(retainer.state, "active")
        self._roll("2026-06-01")
        self._roll("2026-06-02")  # once: a second run changes nothing
        self.assertEqual(retainer.state, "done")
        self.assertEqual(retainer.date_end, date(2026, 5, 31))
        self.assertEqual(len(retainer.period_ids), 1, "no cycle after the last day")
        self.assertEqual(retainer.period_ids.state, "closed")
        self.assertEqual(self._invoices(), invoices, "nothing billed after it")
        self.assertFalse(retainer.cancellation_ids or retainer.credit_ids)

    def test_withdrawn_until_it_takes_effect(self):
        retainer = self._retainer()
        with freeze_time("2026-05-12 12:00:00"):
            retainer.action_request_end()
        with freeze_time("2026-05-31 12:00:00"):
            retainer.with_user(self.user_consultant).action_withdraw_end()
        self.assertFalse(retainer.end_last_day)
        self.assertTrue(
            retainer.message_ids.filtered(lambda m: "retir" in (m.body or "")),
            "the withdrawal is confirmed in Spanish",
        )
        self._roll("2026-06-01")
        self.assertEqual(retainer.state, "active")
        self.assertEqual(len(retainer.period_ids), 2, "the plan goes on")
        with freeze_time("2026-06-05 12:00:00"):
            retainer.action_request_end()
        self.assertEqual(retainer.end_last_day, date(2026, 6, 30))
        with freeze_time("2026-07-01 12:00:00"):
            with self.assertRaisesText(UserError, "already took effect"):
                retainer.action_withdraw_end()

    def test_notice_of_the_policy_version(self):
        """A version with a notice of 40 days: the plan ends with the cycle
        that covers the request date plus 40 days."""
        retainer = self._retainer()
        version = retainer.policy_version_id.copy({"retainer_notice_days": 40})
        retainer.sudo().with_context(tracking_disable=True)._write(
            {"policy_version_id": version.id}
        )
        retainer.invalidate_recordset()
        with freeze_time("2026-05-12 12:00:00"):
            self.assertEqual(retainer.action_request_end(), date(2026, 6, 30))

    def test_paused_plan_past_its_last_day_is_not_resumed(self):
        retainer = self._retainer()
        with freeze_time("2026-05-12 12:00:00"):
            retainer.action_request_end()
            retainer.action_pause("Waiting for the work user")
        with freeze_time("2026-06-10 12:00:00"):
            retainer.action_resume()
        self.assertEqual(retainer.state, "done")
        self.assertEqual(retainer.date_end, date(2026, 5, 31))
        self.assertEqual(len(retainer.period_ids), 1)

    def test_only_monthly_plans(self):
        bag = self._sell(self.plan_bag, date="2026-04-28")
        with self.assertRaisesText(UserError, "Only a monthly plan"):
            bag.action_request_end()


@tagged("post_install", "-at_install")
class TestMonthlyNoticePortal(SupportPortalCommon):
    def test_client_ends_and_withdraws_in_the_portal(self):
        """§7: the client asks to stop from the portal, then withdraws."""
        url = f"/my/support/{self.monthly_a.id}/end"
        self.authenticate("sup_portal_b", "sup_portal_b")
        self.assertRedirect(self._post(url, {"reason": "x"}), "/my")
        self.assertFalse(self.monthly_a.end_last_day, "another client cannot")
        self.authenticate("sup_portal_a", "sup_portal_a")
        response = self._post(url, {"reason": "Budget"})
        self.assertRedirect(response, self.monthly_a.access_url, {"message": "ending"})
        self.assertEqual(self.monthly_a.end_channel, "portal")
        self.assertEqual(
            self.monthly_a.end_last_day, self.monthly_a.current_period_id.date_end
        )
        page = self._get(self.monthly_a.access_url)
        self.assertIn("o_support_end_withdraw_form", page.text)
        response = self._post(url, {"withdraw": "1"})
        self.assertRedirect(
            response, self.monthly_a.access_url, {"message": "end_withdrawn"}
        )
        self.assertFalse(self.monthly_a.end_last_day)
