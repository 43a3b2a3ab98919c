# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A year in simulation (issue 17): Hypothesis drives a consultancy through
random sequences of what happens in a year, and after every step checks what
the policies and the books promise.

Each example runs inside a savepoint of the test's transaction, rolled back
at its end, on a simulated "today" (freezegun) that only moves forward. The
machine calls what the backend, the wizards, the shop and the scheduled
actions call; a refusal (``UserError``/``ValidationError``) is rolled back to
a savepoint as Odoo's RPC layer rolls back a refused request, and must leave
every invariant true.

Bound (CI): :data:`SIMULATION_SETTINGS`, 20 examples of up to 40 steps, a
fixed seed (``derandomize``) and no example database, so every run tries the
same sequences; 2 to 3 minutes on a busy 2-core machine.
"""

import logging
import time
from collections import Counter
from datetime import timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditBooksMixin, SupportCommon
from .common_booking import BookingFixtures
from .year_machine import FIRST_DAY, YearMachine

_logger = logging.getLogger(__name__)

#: Examples, steps and what Hypothesis may spend: the CI bound (module doc).
SIMULATION_SETTINGS = settings(
    max_examples=20,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=(
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ),
    print_blob=True,
)


@tagged("post_install", "-at_install", "year_simulation")
class TestYearSimulation(BookingFixtures, CreditBooksMixin, SupportCommon):
    """Random years of a consultancy, every invariant after every step."""

    with_accounting = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_booking()
        cls.policy = cls.env["support.policy"].create(
            {"name": "Simulated policy", "company_id": cls.company.id}
        )
        cls.env["support.policy.version"].create(
            {"policy_id": cls.policy.id, "date_from": "2025-01-01"}
        )
        cls.company.support_policy_id = cls.policy
        cls.plan_project = cls._create_plan(
            "Web project",
            "project",
            2000000,
            policy_id=cls.env.ref("asesorateya_support.support_policy_agency").id,
        )

    def test_random_years(self):
        tally = Counter()
        machine = type("TestYear", (YearMachine,), {"case": self, "tally": tally})
        started = time.monotonic()
        try:
            run_state_machine_as_test(machine, settings=SIMULATION_SETTINGS)
        finally:
            _logger.info(
                "Year simulation: %.0f s; actions: %s",
                time.monotonic() - started,
                ", ".join(f"{label} {count}" for label, count in sorted(tally.items())),
            )

    # ------------------------------------------------------------------
    # Regressions: sequences the machine found, kept as plain tests
    # ------------------------------------------------------------------
    def test_version_used_in_the_same_transaction_keeps_its_terms(self):
        """Found by the machine: terms changed, a sale, terms changed again,
        in one transaction. The version's "used" flag was cached from before
        the sale, so the second change rewrote the terms the client had just
        accepted instead of making a new version (agency §8.1)."""
        with freeze_time(f"{FIRST_DAY} 12:00:00"):
            first = self.policy._set_terms({"credit_validity_months": 2})
            self.assertFalse(first.is_used)
            contract = self._sell(self.plan_diagnosis, self.contact_a)
            self.assertEqual(contract.policy_version_id, first)
            self.assertTrue(first.is_used)
            second = self.policy._set_terms({"credit_validity_months": 1})
        self.assertNotEqual(second, first)
        self.assertEqual(first.credit_validity_months, 2, "the accepted terms")
        self.assertEqual(second.credit_validity_months, 1)
        with self.assertRaisesText(UserError, "make a new version"):
            first.credit_validity_months = 3

    def test_retainer_cancelled_before_the_cron_opened_its_next_cycle(self):
        """Found by the machine: a retainer whose cycle ended while the
        cycle cron did not run (a server down at the turn of the month) has
        no cycle covering the request day; its quote and its cancellation
        crashed ("Expected singleton") instead of giving the policy's answer:
        the paid cycle is over, nothing of a cycle to give back (§8, §10)."""
        with freeze_time(f"{FIRST_DAY} 12:00:00"):
            contract = self._sell(self.plan_monthly, self.contact_a)
            contract.action_start(FIRST_DAY)
        day = FIRST_DAY + timedelta(days=54)
        with freeze_time(f"{day} 12:00:00"):
            self.assertFalse(contract._period_for(day), "no cycle covers the day")
            quote = contract.cancellation_quote()
            self.assertEqual(
                [quote[key] for key in ("amount_paid", "refundable_amount")],
                [0.0, 0.0],
            )
            self.assertEqual(quote["invoice_reversal_amount"], 0.0)
            cancellation = contract.with_user(
                self.user_consultant
            ).action_cancel_by_policy(day, "credit", "Changed plans")
        self.assertEqual((cancellation.state, cancellation.decision), ("done", "none"))
        self.assertEqual(contract.state, "cancelled")
