# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import uuid

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests.common import new_test_user, tagged
from odoo.tools import mute_logger

from .common_concurrency import SupportConcurrencyCase

GROUP_CONSULTANT = "asesorateya_support.asesorateya_support_group_user"


@tagged("post_install", "-at_install")
class TestSupportSessionConcurrency(SupportConcurrencyCase):
    """Two logs on one bag at once: the contract's row lock, which reads the
    row in the same query (``_lock_and_read_for_consumption``, issue 14),
    makes the second wait for the first and check the balance the first
    left (policy §5, §6: never below zero without the client told).

    The race itself would also be caught later, at the contract's update;
    the lock's own tests below show that the one query both locks the row
    and never reads it as it was before a concurrent change.
    """

    def setUp(self):
        super().setUp()
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            plan = self._create_plan(
                env, "Log race bag", "hour_bag", 100000.0, hours_included=1.0
            )
            partner = env["res.partner"].create(
                {"name": "Log race client", "is_company": True}
            )
            users = [
                new_test_user(
                    env,
                    login=f"log_race_{index}_{suffix}",
                    groups=GROUP_CONSULTANT,
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                for index in range(2)
            ]
            self._create_employees(env, users, company)
            contract = env["support.contract"].create(
                {
                    "partner_id": partner.id,
                    "plan_id": plan.id,
                    "company_id": company.id,
                    "scope": "Log race scope",
                    "state": "confirmed",
                }
            )
            # Started: 0.25 h used, 0.75 h left.
            env["support.session"].with_user(users[0]).create(
                {
                    "contract_id": contract.id,
                    "duration": 0.25,
                    "objective": "Start",
                    "activity": "Started",
                }
            )
            self.data = {
                **self._plan_data(plan),
                "partner": partner.id,
                "users": [user.id for user in users],
                "contract": contract.id,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        data = self.data
        with self.registry.cursor() as cr:
            env = self._env(cr)
            sessions = env["support.session"].search(
                [("contract_id", "=", data["contract"])]
            )
            self._sql_delete(cr, "support.session", sessions.ids)
            self._remove_support_timesheets(cr, [data["partner"]], data["users"])
            self._sql_delete(cr, "support.contract", [data["contract"]])
            env.invalidate_all()
            self._remove_plan(env, data)
            users = env["res.users"].browse(data["users"])
            partners = users.partner_id | env["res.partner"].browse(data["partner"])
            users.unlink()
            partners.unlink()

    def _contract(self, env):
        return env["support.contract"].browse(self.data["contract"])

    def test_two_logs_at_once_never_below_zero(self):
        def see_contract(env):
            # What each consultant has on screen: 0.75 h left.
            self._contract(env).read(["state", "hours_remaining"])

        def log(env):
            return env["support.session"].create(
                {
                    "contract_id": self.data["contract"],
                    "duration": 0.5,
                    "objective": "Race",
                    "activity": "Logged at once",
                }
            )

        with mute_logger("odoo.service.model", "odoo.sql_db"):
            outcomes = self._at_once(
                *((uid, see_contract, log) for uid in self.data["users"])
            )
        logged = [o for o, _attempts in outcomes if not isinstance(o, Exception)]
        refused = [o for o, _attempts in outcomes if isinstance(o, ValidationError)]
        self.assertEqual((len(logged), len(refused)), (1, 1), outcomes)
        self.assertIn("goes beyond", str(refused[0]))
        # The refused one waited for the lock and was retried against the
        # balance the other left (a serialization failure, as Odoo retries).
        self.assertEqual(sorted(attempts for _o, attempts in outcomes), [1, 2])
        with self.registry.cursor() as cr:
            contract = self._contract(self._env(cr))
            self.assertEqual(contract.hours_used, 0.75)
            self.assertEqual(contract.hours_remaining, 0.25)
            self.assertEqual(len(contract.session_ids), 2)

    def test_lock_read_takes_the_row_lock(self):
        first = self.registry.cursor()
        second = self.registry.cursor()
        try:
            contract_1 = self._contract(self._env(first))
            contract_1._lock_and_read_for_consumption()
            # What the lock read is in the cache: no query to read it again.
            queries = first.sql_log_count
            self.assertEqual(contract_1.hours_remaining, 0.75)
            self.assertEqual(contract_1.state, "active")
            self.assertEqual(first.sql_log_count, queries)
            second.execute("SET LOCAL lock_timeout = '200ms'")
            contract_2 = self._contract(self._env(second))
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                contract_2._lock_and_read_for_consumption()
        finally:
            first.close()
            second.close()

    def test_lock_read_refuses_a_stale_snapshot(self):
        first = self.registry.cursor()
        second = self.registry.cursor()
        try:
            # The second transaction takes its snapshot, then the first
            # changes the contract and commits.
            second.execute("SELECT 1 FROM support_contract LIMIT 1")
            self._contract(self._env(first)).scope = "Changed meanwhile"
            first.commit()
            # The second can never read (and check a log against) the row
            # as it was: the lock refuses it, and Odoo retries the request.
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                self._contract(self._env(second))._lock_and_read_for_consumption()
        finally:
            first.close()
            second.close()
