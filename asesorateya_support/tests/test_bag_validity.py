# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportBagValidity(SupportCommon):
    """An hour bag with a validity expires; the daily cron closes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_valid = cls._create_plan(
            "Bag 10 h, 3 months",
            "hour_bag",
            400000,
            hours_included=10.0,
            validity_months=3,
        )
        cls.cron = cls.env.ref("asesorateya_support.ir_cron_expire_bags")

    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_valid, date="2026-01-15")

    def _expire(self, today):
        with freeze_time(f"{today} 12:00:00"):
            self.cron.method_direct_trigger()

    def _expiry_messages(self, contract):
        return contract.message_ids.filtered(
            lambda m: "validity ended" in (m.body or "")
        )

    def test_date_expiry_from_plan(self):
        self.assertEqual(self.bag.date_purchase, date(2026, 1, 15))
        self.assertEqual(self.bag.date_expiry, date(2026, 4, 15))
        plain = self._sell(self.plan_bag, date="2026-01-15")
        self.assertFalse(plain.date_expiry, "no validity: no expiry")
        end_of_month = self._sell(self.plan_valid, date="2026-01-31")
        self.assertEqual(end_of_month.date_expiry, date(2026, 4, 30))

    def test_log_until_expiry(self):
        with freeze_time("2026-04-15 12:00:00"):
            self._log(self.bag, 1.0)
        with freeze_time("2026-04-16 12:00:00"):
            with self.assertRaisesText(UserError, "was valid until"):
                self._log(self.bag, 1.0)
            # The day before the expiry still counts, logged late.
            self._log(self.bag, 1.0, date="2026-04-15")
        self.assertEqual(self.bag.hours_used, 2.0)

    def test_expired_bag_not_picked(self):
        with freeze_time("2026-04-16 12:00:00"):
            with self.assertRaisesText(UserError, "has no hour bag"):
                self._log(
                    self.env["support.contract"], 1.0, partner_id=self.client_a.id
                )

    def test_cron_closes_expired_bags(self):
        with freeze_time("2026-02-01 12:00:00"):
            self._log(self.bag, 4.0)
        plain = self._sell(self.plan_bag, date="2026-01-15")
        later = self._sell(self.plan_valid, date="2026-02-01")
        paused = self._sell(self.plan_valid, date="2026-01-10")
        with freeze_time("2026-02-01 12:00:00"):
            self._log(paused, 1.0)
            paused.action_pause("Waiting for the client")
        self._expire("2026-04-15")
        self.assertEqual(self.bag.state, "active", "its last day is not over")
        self._expire("2026-04-16")
        self.assertEqual(self.bag.state, "done")
        self.assertEqual(self.bag.date_end, date(2026, 4, 16))
        self.assertEqual(paused.state, "done")
        self.assertEqual(plain.state, "confirmed")
        self.assertEqual(later.state, "confirmed")
        self.assertEqual(len(self._expiry_messages(self.bag)), 1)
        self.assertIn("6.0", self._expiry_messages(self.bag).body)
        # Idempotent: a second run changes nothing.
        self._expire("2026-04-17")
        self.assertEqual(self.bag.state, "done")
        self.assertEqual(self.bag.date_end, date(2026, 4, 16))
        self.assertEqual(len(self._expiry_messages(self.bag)), 1)
        with freeze_time("2026-04-17 12:00:00"):
            with self.assertRaisesText(UserError, "takes no session logs"):
                self._log(self.bag, 1.0, date="2026-04-10")
