# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import threading

from psycopg2 import errorcodes
from psycopg2.errors import SerializationFailure

from odoo.service.model import retrying
from odoo.tests import tagged

from .common_concurrency import SupportConcurrencyCase


@tagged("post_install", "-at_install")
class TestSupportProjectConcurrency(SupportConcurrencyCase):
    """Two consultants log a client's first sessions at once: both need the
    client's support project, which neither sees yet. The second must find
    the project the first made (after Odoo's retry), not hit the
    ``support_client_uniq`` rule, which refused a valid log under load."""

    def test_two_first_logs_share_one_project(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            client = env["res.partner"].create({"name": "Cliente concurrente"})
            company_id = env.ref("base.main_company").id
        partner_ids = [client.id]
        try:
            first = self.registry.cursor()
            second = self.registry.cursor()
            try:
                Project_1 = self._env(first)["project.project"]
                Project_2 = self._env(second)["project.project"]
                company_2 = self._env(second)["res.company"].browse(company_id)
                # Both transactions take their snapshot before either makes
                # the project (REPEATABLE READ: the second keeps its snapshot).
                second.execute("SELECT 1 FROM project_project LIMIT 1")
                project = Project_1._get_support_project(
                    Project_1.env["res.partner"].browse(client.id),
                    Project_1.env["res.company"].browse(company_id),
                )
                outcome = {}

                def second_log():
                    try:
                        outcome["project"] = Project_2._get_support_project(
                            Project_2.env["res.partner"].browse(client.id), company_2
                        )
                    except Exception as exc:  # noqa: BLE001 - asserted below
                        outcome["error"] = exc

                thread = threading.Thread(target=second_log)
                thread.start()
                # The second waits for the first's lock on the client's row.
                thread.join(timeout=1)
                self.assertTrue(thread.is_alive(), "the second log did not wait")
                first.commit()
                thread.join(timeout=30)
                self.assertFalse(thread.is_alive())
                # Not the unique rule: a serialization failure, which Odoo
                # retries (its whole request) ...
                self.assertIsInstance(outcome.get("error"), SerializationFailure)
                self.assertEqual(
                    outcome["error"].pgcode, errorcodes.SERIALIZATION_FAILURE
                )
                second.rollback()
                # ... and the retried request finds the first's project.
                found = retrying(
                    lambda: Project_2._get_support_project(
                        Project_2.env["res.partner"].browse(client.id), company_2
                    ),
                    Project_2.env,
                )
                self.assertEqual(found.id, project.id)
            finally:
                first.close()
                second.close()
        finally:
            with self.registry.cursor() as cr:
                self._remove_support_timesheets(cr, partner_ids)
                cr.execute(
                    "DELETE FROM res_partner WHERE id IN %s", [tuple(partner_ids)]
                )
