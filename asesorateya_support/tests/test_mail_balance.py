# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.tests import tagged

from .common_mail import SupportMailCommon

LOW = "Low balance on"
RUN_OUT = "have run out"


@tagged("post_install", "-at_install")
class TestSupportMailBalance(SupportMailCommon):
    """The client is warned once when the hours left get low, and once when
    they run out (policy §4, §6); the consultant gets an activity each time.

    The company's thresholds are the defaults: 2 h or 20% of the hours.
    """

    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_bag, date="2026-02-02")

    def _warnings(self, contract, text):
        return self._client_mails(contract).filtered(
            lambda m: text in (m.subject or "")
        )

    def test_low_then_run_out_each_once(self):
        bag = self.bag
        with self.mock_mail_gateway():
            self._log_on(bag, "2026-02-03", 7.5)
        self.assertFalse(self._mails_to(self.client_a, LOW), "2.5 h left: not yet")
        self.assertEqual(bag.balance_alert, "none")

        with self.mock_mail_gateway():
            self._log_on(bag, "2026-02-04", 0.5)
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={"subject": f"Low balance on {bag.name}: 02:00 h left"},
        )
        for text in ("<strong>02:00</strong> hours left of", "additional hour bag"):
            self.assertIn(text, mail.body_html)
        self.assertEqual(len(self._mails_to(self.client_a, LOW)), 1)
        self.assertEqual(bag.balance_alert, "low")
        activity = self._activities(bag, "Low balance on")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, bag.user_id)
        self.assertIn("additional hour bag", activity.note)

        # Lower still, a cron, a save: nothing new.
        with self.mock_mail_gateway():
            self._log_on(bag, "2026-02-05", 0.5)
            bag._update_balance_alert()
            bag.write({"access_login": "asesorateya"})
            self.env.ref(
                "asesorateya_support.ir_cron_expire_bags"
            ).method_direct_trigger()
        self.assertFalse(self._mails_to(self.client_a, LOW))
        self.assertEqual(len(self._warnings(bag, LOW)), 1)
        self.assertEqual(len(self._activities(bag, "Low balance on")), 1)

        with self.mock_mail_gateway():
            self._log_on(bag, "2026-02-06", 1.5)
        self.assertEqual(bag.state, "exhausted")
        mail = self.assertMailMail(
            self.client_a,
            "outgoing",
            fields_values={"subject": f"The hours of {bag.name} have run out"},
        )
        self.assertIn("No more work is done on it", mail.body_html)
        self.assertFalse(self._mails_to(self.client_a, LOW))
        self.assertEqual(bag.balance_alert, "exhausted")
        self.assertEqual(len(self._activities(bag, "Hours run out")), 1)
        with self.mock_mail_gateway():
            bag._update_balance_alert()
        self.assertFalse(self._new_mails)

    def test_run_out_in_one_log_sends_only_that(self):
        with self.mock_mail_gateway():
            self._log_on(self.bag, "2026-02-03", 10.0)
        self.assertEqual(len(self._mails_to(self.client_a, RUN_OUT)), 1)
        self.assertFalse(self._mails_to(self.client_a, LOW))
        self.assertFalse(self._activities(self.bag, "Low balance on"))
        self.assertEqual(len(self._activities(self.bag, "Hours run out")), 1)

    def test_hours_given_back_rearm_the_warning(self):
        bag = self.bag
        first = self._log_on(bag, "2026-02-03", 7.0)
        self._log_on(bag, "2026-02-04", 1.5)
        self.assertEqual(len(self._warnings(bag, LOW)), 1)

        # The first session took 5 h, not 7 h: 3.5 h left, no longer low.
        with freeze_time("2026-02-05 12:00:00"), self.mock_mail_gateway():
            first.with_user(self.user_consultant).action_correct(5.0, "Typo")
        self.assertEqual(bag.hours_remaining, 3.5)
        self.assertEqual(bag.balance_alert, "none")
        self.assertFalse(self._mails_to(self.client_a, LOW), "nothing to tell")

        # Crossing again is a new event: the client is warned again.
        with self.mock_mail_gateway():
            self._log_on(bag, "2026-02-06", 2.0)
        self.assertEqual(len(self._mails_to(self.client_a, LOW)), 1)
        self.assertEqual(len(self._warnings(bag, LOW)), 2)

        # Run out, then a correction gives back half an hour: still low, and
        # the client, told it ran out, is not told it is low.
        last = self._log_on(bag, "2026-02-07", 1.5)
        self.assertEqual(bag.state, "exhausted")
        self.assertEqual(len(self._warnings(bag, RUN_OUT)), 1)
        with freeze_time("2026-02-08 12:00:00"), self.mock_mail_gateway():
            last.with_user(self.user_consultant).action_correct(1.0, "Typo")
        self.assertEqual((bag.state, bag.hours_remaining), ("active", 0.5))
        self.assertEqual(bag.balance_alert, "low")
        self.assertFalse(self._mails_to(self.client_a))

    def test_threshold_in_percent(self):
        self.company.write(
            {"support_low_balance_hours": 0.0, "support_low_balance_percent": 30.0}
        )
        with self.mock_mail_gateway():
            self._log_on(self.bag, "2026-02-03", 6.5)
        self.assertFalse(self._mails_to(self.client_a, LOW), "35% left")
        with self.mock_mail_gateway():
            self._log_on(self.bag, "2026-02-04", 0.5)
        self.assertEqual(len(self._mails_to(self.client_a, LOW)), 1, "30% left")

    def test_monthly_cycles_warned_afresh(self):
        contract = self._sell(self.plan_monthly, self.contact_a, date="2026-01-10")
        with self.mock_mail_gateway():
            self._log_on(contract, "2026-01-12", 6.5)
        mail = self.assertMailMail(
            self.contact_a,
            "outgoing",
            fields_values={"subject": f"Low balance on {contract.name}: 01:30 h left"},
        )
        self.assertIn("The current cycle of your plan", mail.body_html)
        self.assertIn(self._day(contract.current_period_id.date_end), mail.body_html)
        self.assertEqual(contract.balance_alert_period_id, contract.current_period_id)

        with self.mock_mail_gateway():
            self._log_on(contract, "2026-01-20", 1.5)
        mail = self._mails_to(self.contact_a, RUN_OUT)
        self.assertEqual(len(mail), 1)
        self.assertIn("new hours come with the next cycle", mail.body_html)

        # A new cycle (the first began on the first log, 2026-01-12): its own
        # warnings.
        self._roll("2026-02-12")
        self.assertEqual(len(contract.period_ids), 2)
        with self.mock_mail_gateway():
            self._log_on(contract, "2026-02-12", 2.0)
        self.assertFalse(self._mails_to(self.contact_a, LOW), "6 h left")
        with self.mock_mail_gateway():
            self._log_on(contract, "2026-02-13", 4.5)
        self.assertEqual(len(self._mails_to(self.contact_a, LOW)), 1)
        warnings = self._client_mails(contract, self.contact_a).filtered(
            lambda m: LOW in (m.subject or "")
        )
        self.assertEqual(len(warnings), 2)
