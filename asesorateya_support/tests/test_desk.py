# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consultant's desk: logging sessions, contracts that need attention,
the settings page."""

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import GROUP_MANAGER, SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestSupportDesk(SupportCommon):
    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_bag, date="2026-03-02")
        self.other_bag = self._sell(self.plan_bag, self.client_b, date="2026-03-02")
        self._log(self.bag, 1.0, date="2026-03-03")
        self._log(self.other_bag, 1.0, date="2026-03-03")

    def _attention(self):
        Contract = self.env["support.contract"]
        return Contract.search(
            [
                ("needs_attention", "=", True),
                ("id", "in", (self.bag | self.other_bag).ids),
            ]
        )

    def test_log_session_button_prefills_consultant_date_and_contract(self):
        action = self.bag.with_user(self.user_consultant).action_log_session()
        self.assertEqual(action["res_model"], "support.session")
        Session = self.env["support.session"].with_user(self.user_consultant)
        with Form(Session.with_context(**action["context"])) as form:
            self.assertEqual(form.contract_id, self.bag)
            self.assertEqual(form.user_id, self.user_consultant)
            self.assertEqual(str(form.date), "2026-03-10")
            self.assertEqual(form.duration, self.plan_bag.session_length)
            form.objective = "Review the stock report"
            form.activity = "Fixed the filters"
        session = form.record
        self.assertEqual(session.partner_id, self.client_a)
        self.assertEqual(self.bag.hours_used, 2.0)

    def test_quick_log_list(self):
        action = self.env.ref("asesorateya_support.support_session_action_quick")
        view = self.env.ref("asesorateya_support.support_session_view_tree_quick")
        self.assertEqual(action.view_id, view)
        arch = (
            self.env["support.session"]
            .with_user(self.user_consultant)
            .get_views([(view.id, "list")])["views"]["list"]["arch"]
        )
        self.assertIn('editable="top"', arch)
        for fname in ("date", "contract_id", "user_id", "duration", "objective"):
            self.assertIn(f'name="{fname}"', arch)
        self.assertIn('widget="float_time"', arch)

    def test_needs_attention(self):
        self.assertFalse(self._attention())
        self.assertFalse(self.bag.needs_attention)
        # Waiting for the client, or paused (§9).
        self.bag.action_pause("The bank statement")
        self.assertEqual(self._attention(), self.bag)
        self.bag.action_resume()
        # Low balance.
        self._log(self.other_bag, 8.0, date="2026-03-04")
        self.assertTrue(self.other_bag.is_low_balance)
        self.assertEqual(self._attention(), self.other_bag)
        self.assertTrue(self.other_bag.needs_attention)
        # A claim not answered by its due date (agency §7.2).
        claim = self.env["support.claim"].create(
            {
                "contract_id": self.bag.id,
                "document_reference": self.bag.name,
                "contract_date": "2026-03-02",
                "reasons": "The stock report still shows the wrong warehouse.",
                "date_received": "2026-03-09",
            }
        )
        self.assertFalse(self.bag.needs_attention)
        with freeze_time("2026-04-10 12:00:00"):
            self.env.invalidate_all()
            self.assertTrue(claim.is_overdue)
            self.assertEqual(self._attention(), self.bag | self.other_bag)
            self.assertTrue(self.bag.needs_attention)
            # A salesman reads contracts, not claims: the flag still works.
            self.assertTrue(self.bag.with_user(self.user_salesman).needs_attention)
            claim.action_answer(
                "We reviewed the report with your team and fixed the filter."
            )
            self.env.invalidate_all()
            self.assertEqual(self._attention(), self.other_bag)
            self.assertEqual(
                self.env["support.contract"].search(
                    [
                        ("needs_attention", "!=", True),
                        ("id", "in", (self.bag | self.other_bag).ids),
                    ]
                ),
                self.bag,
            )

    def test_search_view_filters(self):
        arch = self.env["support.contract"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        self.assertIn('name="attention"', arch)
        self.assertIn("needs_attention", arch)
        self.assertIn('name="claim_overdue"', arch)

    def test_settings_page(self):
        # The settings are the administrator's; the app block is for managers.
        self.assertTrue(self.env.user.has_group(GROUP_MANAGER))
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        for fname in (
            "support_policy_id",
            "support_withdrawal_days",
            "support_low_balance_hours",
            "support_low_balance_percent",
            "support_credit_reminder_days",
            "support_booking_url",
            "support_contact_email",
            "support_whatsapp_number",
        ):
            self.assertIn(f'name="{fname}"', arch)
        for xmlid in ("support_plan_action", "support_policy_action"):
            action = self.env.ref(f"asesorateya_support.{xmlid}")
            self.assertIn(f'name="{action.id}"', arch)

    def test_quick_log_names_the_client(self):
        """In the quick log, one line per log and the client beside each
        contract (searchable by it too)."""
        Contract = self.env["support.contract"].with_user(self.user_consultant)
        self.assertEqual(Contract.browse(self.bag.id).display_name, self.bag.name)
        shown = Contract.with_context(support_contract_show_partner=True).browse(
            self.bag.id
        )
        self.assertEqual(shown.display_name, f"Cliente A SpA · {self.bag.name}")
        found = Contract.name_search("Cliente B")
        self.assertEqual(
            [contract_id for contract_id, _name in found], self.other_bag.ids
        )
        view = self.env.ref("asesorateya_support.support_session_view_tree_quick")
        arch = (
            self.env["support.session"]
            .with_user(self.user_consultant)
            .get_views([(view.id, "list")])["views"]["list"]["arch"]
        )
        self.assertIn("support_contract_show_partner", arch)
        for fname in ("objective", "activity", "next_steps"):
            self.assertRegex(arch, rf'name="{fname}"[^>]*class="text-nowrap"')
