# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import threading

from odoo import SUPERUSER_ID
from odoo.tests.common import tagged
from odoo.tools import mute_logger

from .common_period_roll import CONTRACTS, SupportPeriodRollCase


class Killed(Exception):
    """The worker running the cron dies here."""


@tagged("post_install", "-at_install")
class TestSupportPeriodConcurrency(SupportPeriodRollCase):
    """The cycle cron started in two workers at once, or killed after its
    first batch, closes and opens each cycle once."""

    def _see_ended(self, env):
        """What a worker finds when it starts: the ended open cycles."""
        self._ended_open(env).read(["contract_id", "date_end"])

    def _roll(self, env):
        env["support.contract.period"]._cron_roll_periods()
        return True

    @mute_logger("odoo.service.model", "odoo.sql_db")
    def test_two_workers_at_once(self):
        """Two workers run the cron at the same moment on the same cycles:
        each cycle is rolled once, and nothing is left for a third run."""
        results = self._at_once(
            (SUPERUSER_ID, self._see_ended, self._roll),
            (SUPERUSER_ID, self._see_ended, self._roll),
        )
        self.assertEqual([outcome for outcome, _tries in results], [True, True])
        self.assertGreater(
            max(tries for _outcome, tries in results),
            1,
            "one worker met the other's changes, and was retried",
        )
        with self.registry.cursor() as cr:
            trace = self._assert_rolled(self._env(cr))
        # The scheduler's next run finds nothing to do.
        self._run_until_done()
        with self.registry.cursor() as cr:
            self.assertEqual(self._assert_rolled(self._env(cr)), trace)

    def test_killed_after_first_batch(self):
        """A worker dies right after committing its first batch: the next run
        rolls what is left, and the end state is a clean run's."""
        with self.registry.cursor() as cr:
            commit = cr.commit

            def commit_then_die():
                commit()
                raise Killed()

            cr.commit = commit_then_die
            # In a thread of its own, as a cron worker runs it: the test's
            # thread is marked as testing, where crons do not commit.
            outcome = []

            def worker():
                try:
                    self._env(cr)["support.contract.period"]._cron_roll_periods(
                        batch_size=5
                    )
                except Killed as killed:
                    outcome.append(killed)

            thread = threading.Thread(target=worker)
            thread.start()
            thread.join(timeout=60)
            self.assertTrue(outcome, "the cron commits each batch")
            cr.commit = commit

        with self.registry.cursor() as cr:
            env = self._env(cr)
            rolled = [c.id for c in self._contracts(env) if len(c.period_ids) > 1]
            self.assertTrue(
                0 < len(rolled) < CONTRACTS, f"{len(rolled)} rolled in the batch"
            )
            before = self._trace(env)
            for contract_id, trace in before.items():
                if contract_id in rolled:
                    continue
                # Untouched: the ended cycle still open, nothing told.
                self.assertEqual(len(trace["cycles"]), 1)
                self.assertEqual(trace["cycles"][0][2], "open")
                self.assertFalse(trace["notes"] or trace["emails"])
            self._assert_rolled(env, rolled, everywhere=False)

        self._run_until_done()
        with self.registry.cursor() as cr:
            after = self._assert_rolled(self._env(cr))
        for contract_id in rolled:
            self.assertEqual(after[contract_id], before[contract_id], "not redone")
