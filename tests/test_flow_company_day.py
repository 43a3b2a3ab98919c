# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Whole flow: every "today" of the addon is the company's calendar day, not
the clicking user's nor the cron user's (issue 13, item 1; support policy §10,
agency policy §8.1).

The company works in Santiago; the salesman and OdooBot are in Madrid. At
01:30 UTC on 3 March 2026 it is 22:30 on 2 March in Santiago (UTC-3, summer
time) and 02:30 on 3 March in Madrid.
"""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests.common import SupportCommon

#: 22:30 on 2 March in Santiago, already 3 March in Madrid and in UTC.
LATE_EVENING = "2026-03-03 01:30:00"


@tagged("post_install", "-at_install")
class TestFlowCompanyDay(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/Santiago"
        (
            cls.user_salesman | cls.user_consultant | cls.env.ref("base.user_root")
        ).tz = "Europe/Madrid"

    def _sell_late(self, plan):
        with freeze_time(LATE_EVENING):
            order = self._create_order(plan)
            order.action_confirm()
        return order.with_env(self.env).support_contract_ids

    def test_purchase_dated_on_the_company_day(self):
        """A purchase at 22:30 in Santiago is dated that day: the withdrawal
        window counts from it (SERNAC, support policy §10)."""
        bag = self._sell_late(self.plan_bag)
        self.assertEqual(bag.date_purchase.isoformat(), "2026-03-02")
        with freeze_time("2026-03-13 12:00:00"):
            quote = bag.cancellation_quote("2026-03-13")
        self.assertEqual(quote["legal_basis"], "before_start", "day 11: outside")

    def test_version_in_force_at_acceptance(self):
        """The version that governs is the one in force on the company's day
        of the acceptance (agency policy §8.1), even if a new one begins at
        midnight."""
        policy = self.env.ref("asesorateya_support.support_policy_support")
        v1 = policy._version_at(policy.version_ids[:1].date_from)
        v2 = self.env["support.policy.version"].create(
            {"policy_id": policy.id, "date_from": "2026-03-03", "withdrawal_days": 5}
        )
        bag = self._sell_late(self.plan_bag)
        self.assertEqual(bag.policy_version_id, v1)
        self.assertNotEqual(bag.policy_version_id, v2)

    def test_cron_reminds_on_the_company_day(self):
        """A credit whose reminder is due on 3 March is not reminded while it
        is still 2 March in Santiago, though OdooBot is already in 3 March."""
        bag = self._sell(self.plan_bag, date="2026-01-10")
        version = bag.policy_version_id
        credit = self.env["support.credit"]._issue(
            self.client_a,
            1000,
            "cancellation",
            fields.Date.to_date("2025-09-10"),
            version,
            company_id=self.company.id,
        )
        self.company.support_credit_reminder_days = 7
        self.assertEqual(credit.date_reminder.isoformat(), "2026-03-03")
        cron = self.env.ref("asesorateya_support.ir_cron_expire_credits")
        with freeze_time(LATE_EVENING):
            cron.method_direct_trigger()
        self.assertFalse(credit.date_reminder_sent)
        with freeze_time("2026-03-03 12:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(credit.date_reminder_sent.isoformat(), "2026-03-03")

    def test_session_of_the_company_day(self):
        """A log saved at 22:30 in Santiago is dated that day; a log of the
        Madrid date, tomorrow in Santiago, is in the future."""
        bag = self._sell(self.plan_bag, date="2026-03-01")
        with freeze_time(LATE_EVENING):
            log = (
                self.env["support.session"]
                .with_user(self.user_consultant)
                .create(
                    {
                        "contract_id": bag.id,
                        "duration": 1.0,
                        "objective": "Review the issue",
                        "activity": "Fixed the configuration",
                    }
                )
            )
            self.assertEqual(log.date.isoformat(), "2026-03-02")
            with self.assertRaises(ValidationError):
                self._log(bag, 1.0, date="2026-03-03")

    def test_notice_takes_effect_after_the_company_last_day(self):
        """Support §7: a retainer ended with notice runs through its last day
        in Santiago; the cycle cron, run by OdooBot (in Madrid), ends it only
        once that day is over there, and opens no further cycle."""
        retainer = self._sell(self.plan_monthly, self.contact_a, date="2026-04-28")
        with freeze_time("2026-05-01 15:00:00"):
            retainer.action_start("2026-05-01")
        with freeze_time("2026-05-12 15:00:00"):
            retainer.with_user(self.user_consultant).action_request_end()
        self.assertEqual(retainer.end_last_day.isoformat(), "2026-05-31")
        cron = self.env.ref("asesorateya_support.ir_cron_roll_periods")
        with freeze_time("2026-06-01 02:00:00"):  # 22:00 on 31 May in Santiago
            cron.method_direct_trigger()
        self.assertEqual(retainer.state, "active")
        with freeze_time("2026-06-01 05:00:00"):  # 01:00 on 1 June in Santiago
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        self.assertEqual(retainer.state, "done")
        self.assertEqual(retainer.date_end.isoformat(), "2026-05-31")
        self.assertEqual(len(retainer.period_ids), 1)
