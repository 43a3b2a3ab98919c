# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import threading

import odoo
from odoo.tests.common import BaseCase, get_db_name, tagged

PLAN_BAG = "asesorateya_support.support_plan_demo_hour_bag_10"
SUMMARY_CRON = "asesorateya_support.ir_cron_send_session_summaries"
#: The demo's consultant, an employee of the demo company (logs are
#: timesheet lines of their consultant's employee).
CONSULTANT = "asesorateya_support.user_consultor"


@tagged("post_install", "-at_install")
class TestSupportMailQueueConcurrency(BaseCase):
    """Two runs of the summary queue at once send each summary once.

    Like the credit concurrency tests, these need transactions that see each
    other's commits: the data is committed through the test's own cursors and
    removed with SQL afterwards (logs are never deleted by the application).
    """

    LOGS = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(get_db_name())

    def _env(self, cr):
        return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # What earlier data left queued is sent first: only ours count.
            env["support.session"].search(
                [("summary_state", "=", "queued")]
            )._send_summaries()
            partner = env["res.partner"].create(
                {
                    "name": "Queue concurrency client",
                    "is_company": True,
                    "email": "queue.concurrency@example.com",
                }
            )
            plan = env.ref(PLAN_BAG)
            contract = env["support.contract"].create(
                {
                    "partner_id": partner.id,
                    "company_id": plan.company_id.id,
                    "plan_id": plan.id,
                    "scope": "Queue concurrency",
                    "state": "confirmed",
                }
            )
            sessions = env["support.session"].create(
                [
                    {
                        "contract_id": contract.id,
                        "user_id": env.ref(CONSULTANT).id,
                        "duration": 0.25,
                        "objective": f"Task {index}",
                        "activity": "Done",
                    }
                    for index in range(self.LOGS)
                ]
            )
            self.data = {
                "partner": partner.id,
                "contract": contract.id,
                "sessions": sessions.ids,
            }
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with self.registry.cursor() as cr:
            data = self.data
            params = {
                "sessions": tuple(data["sessions"]),
                "contract": data["contract"],
                "partner": data["partner"],
            }
            cr.execute(
                """
                DELETE FROM mail_mail WHERE mail_message_id IN (
                    SELECT id FROM mail_message
                     WHERE (model = 'support.session' AND res_id IN %(sessions)s)
                        OR (model = 'support.contract' AND res_id = %(contract)s));
                DELETE FROM mail_message
                 WHERE (model = 'support.session' AND res_id IN %(sessions)s)
                    OR (model = 'support.contract' AND res_id = %(contract)s);
                DELETE FROM mail_activity
                 WHERE res_model = 'support.contract' AND res_id = %(contract)s;
                DELETE FROM mail_followers
                 WHERE (res_model = 'support.session' AND res_id IN %(sessions)s)
                    OR (res_model = 'support.contract' AND res_id = %(contract)s);
                DELETE FROM support_session WHERE id IN %(sessions)s;
                DELETE FROM account_analytic_line WHERE project_id IN (
                    SELECT id FROM project_project
                     WHERE support_client_id = %(partner)s);
                UPDATE support_contract SET timesheet_task_id = NULL
                 WHERE id = %(contract)s;
                DELETE FROM project_task WHERE project_id IN (
                    SELECT id FROM project_project
                     WHERE support_client_id = %(partner)s);
                DELETE FROM project_project WHERE support_client_id = %(partner)s;
                DELETE FROM support_contract WHERE id = %(contract)s;
                DELETE FROM res_partner WHERE id = %(partner)s;
                """,
                params,
            )

    def test_two_runs_at_once_send_each_summary_once(self):
        barrier = threading.Barrier(2, timeout=10)
        handled, errors = {}, {}

        def run(index):
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    # Both runs hold their snapshot, then claim together.
                    env["support.session"].search_count([])
                    barrier.wait()
                    sessions = env["support.session"]._cron_send_session_summaries(
                        batch_size=self.LOGS
                    )
                    handled[index] = sessions.ids
            except Exception as error:  # noqa: BLE001 (reported below)
                errors[index] = error

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(errors, errors)
        first, second = handled[0], handled[1]
        self.assertFalse(set(first) & set(second), "no summary claimed twice")
        # A run that found every row locked by the other handles none; the
        # rest is left queued for the next run (re-triggered), never lost.
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["support.session"]._cron_send_session_summaries(batch_size=100)
            sessions = env["support.session"].browse(self.data["sessions"])
            self.assertEqual(set(sessions.mapped("summary_state")), {"sent"})
            for session in sessions:
                summaries = session.message_ids.filtered(
                    lambda m: m.subtype_id == env.ref("mail.mt_comment")
                )
                self.assertEqual(len(summaries), 1, session.objective)
                self.assertEqual(len(summaries.mail_ids), 1)
            cr.rollback()
