# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportPolicyVersion(SupportCommon):
    """The version in force at acceptance governs the client (agency §8.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["support.policy"].create(
            {"name": "Test policy", "company_id": cls.company.id}
        )
        cls.v1 = cls.env["support.policy.version"].create(
            {"policy_id": cls.policy.id, "date_from": "2026-01-01"}
        )
        cls.company.support_policy_id = cls.policy

    def test_shipped_policies(self):
        support = self.env.ref("asesorateya_support.support_policy_support")
        agency = self.env.ref("asesorateya_support.support_policy_agency")
        terms = support.current_version_id
        self.assertEqual(
            (
                terms.withdrawal_days,
                terms.before_start_outcome,
                terms.started_outcome,
                terms.credit_validity_months,
                terms.refund_needs_approval,
                terms.deposit_percent,
            ),
            (10, "refund", "credit", 6, True, 0.0),
        )
        self.assertEqual(agency.current_version_id.deposit_percent, 50.0)
        self.assertEqual(agency.current_version_id.progress_step_percent, 10)

    @freeze_time("2026-03-02 12:00:00")
    def test_contract_keeps_its_version(self):
        self.assertEqual(self.v1.number, 1)
        bag = self._sell(self.plan_bag, date="2026-03-02")
        self.assertEqual(bag.policy_version_id, self.v1)
        self.assertTrue(self.v1.is_used)
        with self.assertRaisesText(UserError, "make a new version"):
            self.v1.with_user(self.user_manager).credit_validity_months = 3
        self.assertEqual(self.v1.credit_validity_months, 6)
        with self.assertRaisesText(UserError, "governs contracts"):
            self.v1.unlink()

        # A change of terms from today makes a new version.
        v2 = self.policy._set_terms({"credit_validity_months": 3})
        self.assertNotEqual(v2, self.v1)
        self.assertEqual(v2.number, 2)
        self.assertEqual(v2.date_from, date(2026, 3, 2))
        self.assertEqual(v2.credit_validity_months, 3)
        self.assertEqual(v2.withdrawal_days, 10, "the other terms are copied")
        self.assertEqual(self.policy.current_version_id, v2)
        # A version no contract uses yet is edited in place.
        self.assertEqual(self.policy._set_terms({"credit_validity_months": 4}), v2)
        self.assertEqual(v2.credit_validity_months, 4)
        later = self._sell(self.plan_bag, date="2026-03-02")
        self.assertEqual(later.policy_version_id, v2)
        self.assertEqual(bag.policy_version_id, self.v1, "the first client keeps v1")
        with self.assertRaisesText(UserError, "cannot change once"):
            self._log(bag, 1.0).contract_id.write({"policy_version_id": v2.id})

    @freeze_time("2026-03-02 12:00:00")
    def test_version_in_force_at_purchase(self):
        v2 = self.env["support.policy.version"].create(
            {
                "policy_id": self.policy.id,
                "date_from": "2026-02-15",
                "withdrawal_days": 0,
            }
        )
        before = self._sell(self.plan_bag, date="2026-02-10")
        after = self._sell(self.plan_bag, date="2026-02-20")
        self.assertEqual(before.policy_version_id, self.v1)
        self.assertEqual(after.policy_version_id, v2)
        self.assertEqual(
            before.cancellation_quote("2026-02-20")["legal_basis"], "withdrawal"
        )
        self.assertEqual(
            after.cancellation_quote("2026-02-20")["legal_basis"], "before_start"
        )

    @freeze_time("2026-03-02 12:00:00")
    def test_plan_policy_wins(self):
        agency = self.env.ref("asesorateya_support.support_policy_agency")
        self.plan_bag.policy_id = agency
        bag = self._sell(self.plan_bag, date="2026-03-02")
        self.assertEqual(bag.policy_version_id, agency.current_version_id)

    @freeze_time("2026-03-02 12:00:00")
    def test_settings_make_a_new_version(self):
        self._sell(self.plan_bag, date="2026-03-02")
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.support_policy_id, self.policy)
        self.assertEqual(settings.support_withdrawal_days, 10)
        settings.support_started_outcome = "refund"
        settings.save().execute()
        self.assertEqual(len(self.policy.version_ids), 2)
        self.assertEqual(self.policy.current_version_id.started_outcome, "refund")
        self.assertEqual(self.v1.started_outcome, "credit")
        # Saving again without a change makes nothing new.
        Form(self.env["res.config.settings"]).save().execute()
        self.assertEqual(len(self.policy.version_ids), 2)

    def test_terms_validated(self):
        Version = self.env["support.policy.version"]
        for vals in (
            {"withdrawal_days": -1},
            {"deposit_percent": 120},
            {"progress_step_percent": 30},
            {"revision_round_price": -5},
        ):
            with self.subTest(vals=vals), mute_logger("odoo.sql_db"):
                with self.assertRaises(psycopg2.errors.CheckViolation):
                    Version.create(dict(vals, policy_id=self.policy.id))
                    self.env.flush_all()

    def test_new_version_action(self):
        action = self.policy.action_new_version()
        version = self.env["support.policy.version"].browse(action["res_id"])
        self.assertEqual(version.number, 2)
        self.assertEqual(version.policy_id, self.policy)
