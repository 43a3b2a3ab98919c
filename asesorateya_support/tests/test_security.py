# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SupportCommon

CONTRACT_FIELDS = [
    "name",
    "plan_id",
    "hours_included",
    "hours_used",
    "hours_remaining",
    "state",
]
SESSION_FIELDS = [
    "date",
    "duration",
    "objective",
    "activity",
    "next_steps",
    "contract_id",
]
PERIOD_FIELDS = ["date_start", "date_end", "hours_used", "hours_remaining", "state"]


@tagged("post_install", "-at_install")
@freeze_time("2026-01-20 12:00:00")
class TestSupportSecurity(SupportCommon):
    """Who sees and does what: consultants, managers, clients, companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-10 12:00:00"):
            cls.bag_a = cls._sell(cls.plan_bag, cls.client_a)
            cls.monthly_a = cls._sell(cls.plan_monthly, cls.contact_a)
            cls.monthly_a.action_start("2026-01-10")
            cls.bag_b = cls._sell(cls.plan_bag, cls.client_b)
            cls.monthly_b = cls._sell(cls.plan_monthly, cls.client_b)
            cls.monthly_b.action_start("2026-01-10")
        with freeze_time("2026-01-15 12:00:00"):
            cls.session_a = cls._log(cls.bag_a)
            cls.session_monthly_a = cls._log(cls.monthly_a)
            cls.session_b = cls._log(cls.bag_b)
            cls.session_monthly_b = cls._log(cls.monthly_b)
        cls.period_a = cls.monthly_a.period_ids
        cls.period_b = cls.monthly_b.period_ids

    def _env(self, user):
        """The environment of ``user`` in its own companies, as its session."""
        return self.env(
            user=user, context={"allowed_company_ids": user.company_ids.ids}
        )

    def _read(self, user, records, fnames):
        return self._env(user)[records._name].browse(records.ids).read(fnames)

    def _plan_of_company_b(self):
        product = self.env["product.product"].create(
            {"name": "B diagnosis", "type": "service", "company_id": self.company_b.id}
        )
        return self.env["support.plan"].create(
            {
                "name": "B diagnosis",
                "kind": "diagnosis",
                "product_id": product.id,
                "company_id": self.company_b.id,
            }
        )

    def test_consultant_logs_but_cannot_delete_or_configure(self):
        session = self._log(self.bag_a, 1.0, user=self.user_consultant)
        self.assertEqual(session.create_uid, self.user_consultant)
        self.assertEqual(self.bag_a.hours_used, 2.0)
        with self.assertRaises(AccessError):
            session.with_user(self.user_consultant).unlink()
        plan = self.plan_bag.with_user(self.user_consultant)
        self.assertEqual(plan.read(["name"])[0]["name"], "Bag 10 h")
        with self.assertRaises(AccessError):
            plan.write({"hours_included": 20.0})
        with self.assertRaises(AccessError):
            plan.copy({"product_id": False})
        with self.assertRaises(AccessError):
            plan.unlink()
        # The manager configures plans.
        self.plan_bag.with_user(self.user_manager).write({"session_length": 2.0})
        self.assertEqual(self.plan_bag.session_length, 2.0)

    def test_portal_reads_own_company_records(self):
        for user in (self.user_portal_a, self.user_portal_a2):
            with self.subTest(user=user.login):
                contracts = self._read(
                    user, self.bag_a | self.monthly_a, CONTRACT_FIELDS
                )
                self.assertEqual(len(contracts), 2)
                self.assertEqual({c["hours_remaining"] for c in contracts}, {9.0, 7.0})
                sessions = self._read(
                    user, self.session_a | self.session_monthly_a, SESSION_FIELDS
                )
                self.assertEqual(len(sessions), 2)
                periods = self._read(user, self.period_a, PERIOD_FIELDS)
                self.assertEqual(periods[0]["hours_used"], 1.0)

    @mute_logger("odoo.models")
    def test_portal_denied_other_client(self):
        for user, records in (
            (self.user_portal_a, (self.bag_b, self.session_b, self.period_b)),
            (
                self.user_portal_a2,
                (self.monthly_b, self.session_monthly_b, self.period_b),
            ),
            (self.user_portal_b, (self.bag_a, self.session_a, self.period_a)),
        ):
            contract, session, period = records
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._read(user, contract, ["name"])
                with self.assertRaises(AccessError):
                    self._read(user, session, ["duration"])
                with self.assertRaises(AccessError):
                    self._read(user, period, ["hours_used"])

    def test_portal_search_only_own(self):
        for user, contracts, sessions, periods in (
            (
                self.user_portal_a,
                self.bag_a | self.monthly_a,
                self.session_a | self.session_monthly_a,
                self.period_a,
            ),
            (
                self.user_portal_a2,
                self.bag_a | self.monthly_a,
                self.session_a | self.session_monthly_a,
                self.period_a,
            ),
            (
                self.user_portal_b,
                self.bag_b | self.monthly_b,
                self.session_b | self.session_monthly_b,
                self.period_b,
            ),
        ):
            with self.subTest(user=user.login):
                env = self._env(user)
                self.assertEqual(env["support.contract"].search([]), contracts)
                self.assertEqual(env["support.session"].search([]), sessions)
                self.assertEqual(env["support.contract.period"].search([]), periods)
                others = (self.client_a | self.client_b) - contracts.partner_id
                self.assertFalse(
                    env["support.contract"].search([("partner_id", "in", others.ids)])
                )

    @mute_logger("odoo.models")
    def test_portal_parent_company_does_not_see_subsidiary(self):
        """The portal rules name the client company itself: a subsidiary
        that is a company of its own keeps its contracts to itself."""
        subsidiary = self.env["res.partner"].create(
            {"name": "Filial SpA", "is_company": True, "parent_id": self.client_a.id}
        )
        self.assertEqual(subsidiary.commercial_partner_id, subsidiary)
        contract = self.env["support.contract"].create(
            {
                "partner_id": subsidiary.id,
                "plan_id": self.plan_bag.id,
                "scope": "Scope",
                "state": "confirmed",
            }
        )
        env = self._env(self.user_portal_a)
        self.assertNotIn(contract, env["support.contract"].search([]))
        with self.assertRaises(AccessError):
            self._read(self.user_portal_a, contract, ["name"])

    @mute_logger("odoo.models")
    def test_portal_cannot_write_or_create(self):
        portal = self.user_portal_a
        with self.assertRaises(AccessError):
            self.session_a.with_user(portal).write({"objective": "Hacked"})
        with self.assertRaises(AccessError):
            self.env["support.session"].with_user(portal).create(
                {
                    "contract_id": self.bag_a.id,
                    "duration": 1.0,
                    "objective": "o",
                    "activity": "a",
                }
            )
        with self.assertRaises(AccessError):
            self.bag_a.with_user(portal).write({"scope": "Everything"})
        with self.assertRaises(AccessError):
            self.env["support.contract"].with_user(portal).create(
                {
                    "name": "Mine",  # past the sequence: the ACL refuses it
                    "partner_id": self.client_a.id,
                    "plan_id": self.plan_diagnosis.id,
                }
            )
        with self.assertRaises(AccessError):
            self.period_a.with_user(portal).write({"priorities": "Mine"})
        with self.assertRaises(AccessError):
            self.session_a.with_user(portal).unlink()
        self.assertEqual(self.session_a.objective, "Review the issue")
        self.assertEqual(self.bag_a.hours_used, 1.0)

    @mute_logger("odoo.models")
    def test_multi_company(self):
        user_b = self.user_consultant_b
        with self.assertRaises(AccessError):
            self._read(user_b, self.bag_a, ["name"])
        with self.assertRaises(AccessError):
            self._read(user_b, self.session_a, ["duration"])
        with self.assertRaises(AccessError):
            self._read(user_b, self.period_a, ["hours_used"])
        with self.assertRaises(AccessError):
            self._read(user_b, self.plan_bag, ["name"])
        env_b = self._env(user_b)
        self.assertFalse(env_b["support.contract"].search([]))
        self.assertFalse(env_b["support.session"].search([]))
        self.assertFalse(env_b["support.contract.period"].search([]))
        # The superuser sees both companies' records; user B only its own.
        bag_other = self.env["support.contract"].create(
            {
                "partner_id": self.client_a.id,
                "plan_id": self._plan_of_company_b().id,
                "company_id": self.company_b.id,
            }
        )
        self.assertEqual(env_b["support.contract"].search([]), bag_other)
        with self.assertRaises(AccessError):
            self._read(self.user_consultant, bag_other, ["name"])
        # The consultant of the company sees them all.
        contracts = (
            self.env["support.contract"].with_user(self.user_consultant).search([])
        )
        self.assertEqual(
            set(contracts.ids),
            set((self.bag_a | self.monthly_a | self.bag_b | self.monthly_b).ids),
        )
