# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import threading

import odoo
from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import retrying
from odoo.tests.common import BaseCase, get_db_name


class SupportConcurrencyCase(BaseCase):
    """Base of the tests where several transactions race on the same records.

    Like ``test_credit_concurrency``, they need transactions that see each
    other's commits: the data is committed through cursors of their own (in
    the database's main company) and removed afterwards with SQL, since the
    application never deletes contracts, cycles, cancellations or credits.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(get_db_name())

    def _env(self, cr, uid=odoo.SUPERUSER_ID):
        return odoo.api.Environment(cr, uid, {})

    def _create_plan(self, env, name, kind, price, **plan_values):
        """A plan of ``kind`` in the main company, sold by a service product of
        ``price`` with its own 19% IVA included (tax group, tax, product).

        :return: the ``support.plan``; :meth:`_plan_data` gives the ids that
            :meth:`_remove_plan` removes
        """
        company = env.ref("base.main_company")
        tax_group = env["account.tax.group"].create(
            {"name": name, "company_id": company.id}
        )
        tax = env["account.tax"].create(
            {
                "name": f"{name} 19% (included)",
                "amount": 19.0,
                "price_include": True,
                "type_tax_use": "sale",
                "company_id": company.id,
                "tax_group_id": tax_group.id,
            }
        )
        product = env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "taxes_id": [Command.set(tax.ids)],
                "company_id": company.id,
            }
        )
        return env["support.plan"].create(
            {
                "name": name,
                "kind": kind,
                "product_id": product.id,
                "company_id": company.id,
                **plan_values,
            }
        )

    def _plan_data(self, plan):
        """The ids of ``plan`` and of what :meth:`_create_plan` made for it."""
        tax = plan.product_id.taxes_id
        return {
            "plan": plan.id,
            "product": plan.product_id.id,
            "tax": tax.id,
            "tax_group": tax.tax_group_id.id,
        }

    def _remove_plan(self, env, data):
        """Remove what :meth:`_create_plan` made (ids of :meth:`_plan_data`)."""
        env["support.plan"].browse(data["plan"]).unlink()
        env["product.product"].browse(data["product"]).product_tmpl_id.unlink()
        env["account.tax"].browse(data["tax"]).unlink()
        env["account.tax.group"].browse(data["tax_group"]).unlink()

    def _at_once(self, *calls):
        """Run each call in its own thread and transaction at the same moment.

        Each call is ``(uid, snapshot, act)``: as user ``uid``,
        ``snapshot(env)`` reads what the user sees on screen (it opens the
        transaction's snapshot and fills the cache), then all threads wait for
        each other and ``act(env)`` runs,
        retried on serialization failures as Odoo's RPC layer does
        (``odoo.service.model.retrying``); the transaction commits if it
        returns. A ``UserError`` or ``ValidationError`` rolls it back.

        :return: a list, per call, of ``(outcome, attempts)``: ``outcome`` is
            what ``act`` returned or the exception it raised
        """
        barrier = threading.Barrier(len(calls), timeout=30)
        outcomes = [None] * len(calls)
        attempts = [0] * len(calls)

        def run(index, uid, snapshot, act):
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr, uid)

                    def attempt():
                        attempts[index] += 1
                        snapshot(env)
                        if attempts[index] == 1:
                            barrier.wait()
                        return act(env)

                    try:
                        outcomes[index] = retrying(attempt, env)
                    except (UserError, ValidationError) as error:
                        cr.rollback()
                        outcomes[index] = error
            except Exception as error:  # reported by the test, whatever it is
                outcomes[index] = error

        threads = [
            threading.Thread(target=run, args=(index, *call))
            for index, call in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
            self.assertFalse(thread.is_alive(), "a transaction never ended")
        return list(zip(outcomes, attempts, strict=True))

    def _sql_delete(self, cr, model, ids):
        """Delete records of ``model`` with SQL, with their chatter and activities.

        Messages take their notifications and queued emails along (cascade).
        """
        if not ids:
            return
        ids = tuple(ids)
        cr.execute(
            "DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, ids]
        )
        for table in ("mail_followers", "mail_activity"):
            cr.execute(
                f"DELETE FROM {table} WHERE res_model = %s AND res_id IN %s",
                [model, ids],
            )
        table = self.registry[model]._table
        cr.execute(f"DELETE FROM {table} WHERE id IN %s", [ids])

    def _create_employees(self, env, users, company):
        """Employees of ``users`` in ``company``: a consultant's logs are
        timesheet lines of their employee."""
        return env["hr.employee"].create(
            [
                {"name": user.name, "user_id": user.id, "company_id": company.id}
                for user in users
            ]
        )

    def _remove_support_timesheets(self, cr, partner_ids, user_ids=()):
        """Remove the support projects of these clients, with their tasks and
        timesheet lines, and the employees of these users; call it once the
        clients' logs are removed, before their contracts."""
        cr.execute(
            "UPDATE support_contract SET timesheet_task_id = NULL"
            " WHERE partner_id IN %s",
            [tuple(partner_ids)],
        )
        cr.execute(
            "SELECT id, analytic_account_id FROM project_project"
            " WHERE support_client_id IN %s",
            [tuple(partner_ids)],
        )
        rows = cr.fetchall()
        projects = tuple(row[0] for row in rows)
        if projects:
            cr.execute(
                "DELETE FROM account_analytic_line WHERE project_id IN %s", [projects]
            )
            cr.execute("SELECT id FROM project_task WHERE project_id IN %s", [projects])
            self._sql_delete(cr, "project.task", [row[0] for row in cr.fetchall()])
            self._sql_delete(cr, "project.project", projects)
            cr.execute(
                "DELETE FROM account_analytic_account WHERE id IN %s",
                [tuple(row[1] for row in rows if row[1]) or (0,)],
            )
        if user_ids:
            env = self._env(cr)
            env.invalidate_all()
            env["hr.employee"].with_context(active_test=False).search(
                [("user_id", "in", list(user_ids))]
            ).unlink()
