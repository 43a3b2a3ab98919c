# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The cycle cron killed (SIGKILL) in the middle of its run loses and doubles
nothing.

A separate process (``odoo-bin shell`` with this run's configuration) runs
``support.contract.period._cron_roll_periods`` in small batches, each in its
own transaction, as the scheduler does while the cron re-triggers itself. The
test holds a row lock on the cycle the cron reaches last, so the process is
sure to stop there, in the middle of a batch, after the earlier batches
committed. It is then killed with SIGKILL, its PostgreSQL connection ends
(as when the machine dies), and the cron runs again: the end state must be
exactly a clean run's (see ``common_period_roll``), with the contracts of the
committed batches not touched again and nothing of the killed batch kept.

The retainers are committed in the database's main company (the other
process must see them) and removed afterwards with SQL.
"""

import os
import signal
import subprocess
import tempfile
import time

from odoo_server import odoo_command  # tests/odoo_server.py

from odoo.tests import tagged

from odoo.addons.asesorateya_support.tests import common_period_roll

#: Contracts per batch: 20 retainers make 10 batches.
BATCH = 2

ROLL_SCRIPT = f"""
import odoo
from odoo import fields

registry = odoo.registry(env.cr.dbname)
while True:
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
        env["support.contract.period"]._cron_roll_periods(batch_size={BATCH})
    with registry.cursor() as cr:
        Period = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})[
            "support.contract.period"
        ]
        today = fields.Date.context_today(Period)
        left = Period.search_count([("state", "=", "open"), ("date_end", "<", today)])
    print("batch committed, ended cycles left:", left, flush=True)
    if not left:
        break
"""


@tagged("post_install", "-at_install")
class TestPeriodCronKilled(common_period_roll.SupportPeriodRollCase):
    def _backends(self, cr, app_name):
        """The PostgreSQL backends of a process: ``(pid, wait_event_type)``."""
        # pg_stat_activity is read once per transaction: a new one each time.
        cr.rollback()
        cr.execute(
            "SELECT pid, wait_event_type FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [app_name],
        )
        return cr.fetchall()

    def test_cron_killed_mid_batch(self):
        """Killed in the middle of a batch, after others committed: the next
        run rolls only what is left, and ends as a clean run."""
        # The cycle the cron reaches last (the latest to end, of the latest
        # contract): locked, so the process stops in its last batch.
        with self.registry.cursor() as cr:
            ended = self._ended_open(self._env(cr))
            last = ended.sorted(lambda p: (p.date_end, p.id))[-1:]
            last_id, last_contract_id = last.id, last.contract_id.id
            self.assertIn(last_contract_id, self.data["contracts"])
        lock_cr = self.registry.cursor()
        self.addCleanup(lock_cr.close)
        lock_cr.execute(
            "SELECT id FROM support_contract_period WHERE id = %s FOR UPDATE",
            [last_id],
        )

        log = tempfile.TemporaryFile(mode="w+")  # closed by the cleanup
        self.addCleanup(log.close)
        proc = subprocess.Popen(
            odoo_command(
                self.registry.db_name,
                "--no-http",
                "--max-cron-threads=0",
                "--log-level=warn",
                command="shell",
            ),
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        proc.stdin.write(ROLL_SCRIPT)
        proc.stdin.close()
        app_name = f"odoo-{proc.pid}"

        # Wait until the process waits for the lock, after committed batches.
        with self.registry.cursor() as cr:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    self.fail(f"the cron process ended by itself: {log.read()[-3000:]}")
                if any(w == "Lock" for _pid, w in self._backends(cr, app_name)):
                    break
                self.assertLess(time.monotonic(), deadline, "the cron never blocked")
                time.sleep(0.1)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            # Its connection ends with it, and PostgreSQL rolls back the
            # batch it was in the middle of.
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [app_name],
            )
            while self._backends(cr, app_name):
                self.assertLess(time.monotonic(), deadline + 30)
                time.sleep(0.1)
        lock_cr.rollback()

        with self.registry.cursor() as cr:
            env = self._env(cr)
            before = self._trace(env)
            rolled = [cid for cid, trace in before.items() if len(trace["cycles"]) > 1]
            self.assertTrue(
                0 < len(rolled) < common_period_roll.CONTRACTS,
                f"{len(rolled)} contracts rolled before the kill",
            )
            self.assertNotIn(last_contract_id, rolled)
            for contract_id, trace in before.items():
                if contract_id not in rolled:
                    # Nothing of the killed batch was kept.
                    self.assertEqual(len(trace["cycles"]), 1)
                    self.assertEqual(trace["cycles"][0][2], "open")
                    self.assertFalse(trace["notes"] or trace["emails"])
            self._assert_rolled(env, rolled, everywhere=False)

        self._run_until_done()
        with self.registry.cursor() as cr:
            after = self._assert_rolled(self._env(cr))
        for contract_id in rolled:
            self.assertEqual(after[contract_id], before[contract_id], "not redone")
