# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.2.0.0: every session log is a timesheet line (hr_timesheet).

Each existing log gets its timesheet line, as a new log would: in its
client's support project, on its contract's task, for its consultant's
employee (a correction: the employee of the log it corrects), on the
contract's sale line. Nothing of the logs changes: their day and time are
copied into the lines, so the hours of the contracts, their cycles and the
lines agree before and after (``tests/check_migration_17_0_2_0_0.py``).

A consultant who logged sessions and has no employee in the log's company
gets one (their name, their user): the history is theirs.

The plans' products become prepaid services delivered by timesheets
(sale_timesheet), so their order lines count the logs as delivered.
"""

import logging
from collections import defaultdict

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

#: Logs given their lines per batch (one timesheet create each).
BATCH_SIZE = 1000


def _create_missing_employees(env, sessions):
    """An employee for each consultant of these logs lacking one in the
    log's company (corrections excepted: theirs is the original's)."""
    users_by_company = defaultdict(set)
    for session in sessions.filtered(lambda s: not s.correction_of_id):
        users_by_company[session.company_id].add(session.user_id.id)
    Employee = env["hr.employee"].with_context(active_test=False)
    for company, user_ids in users_by_company.items():
        found = Employee.search(
            [("user_id", "in", list(user_ids)), ("company_id", "=", company.id)]
        )
        missing = env["res.users"].browse(user_ids) - found.user_id
        for user in missing:
            Employee.create(
                {"name": user.name, "user_id": user.id, "company_id": company.id}
            )
            _logger.info(
                "Support: employee made for %s in %s, whose session logs are "
                "now their timesheets",
                user.login,
                company.name,
            )
        # An archived employee would refuse its timesheets: the history
        # is kept on it all the same.
        found.filtered(lambda e: not e.active).write({"active": True})


def _create_timesheet_lines(env, sessions):
    """The timesheet lines of these logs: the originals, then the
    corrections (whose lines take the employee of the original's line)."""
    originals = sessions.filtered(lambda s: not s.correction_of_id)
    for logs in (originals, sessions - originals):
        for start in range(0, len(logs), BATCH_SIZE):
            _create_batch_lines(env, logs[start : start + BATCH_SIZE])


def _create_batch_lines(env, batch):
    vals_list = [
        {
            "contract_id": session.contract_id.id,
            "date": session.date,
            "duration": session.duration,
            "objective": session.objective,
            "user_id": session.user_id.id,
            "period_id": session.period_id.id,
            "correction_of_id": session.correction_of_id.id,
        }
        for session in batch
    ]
    env["support.session"]._create_timesheet_lines(vals_list)
    # Written in SQL: a log's timesheet line is never changed through the
    # ORM once set (and here it is set the first time).
    for session, vals in zip(batch, vals_list, strict=True):
        env.cr.execute(
            "UPDATE support_session SET timesheet_id = %s WHERE id = %s",
            [vals["timesheet_id"], session.id],
        )
    batch.invalidate_recordset(["timesheet_id"])
    env.flush_all()


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    plans = env["support.plan"].with_context(active_test=False).search([])
    plans._set_product_timesheet_delivery()
    lines = env["support.contract"].search([]).sale_line_id
    SaleLine = env["sale.order.line"]
    env.add_to_compute(SaleLine._fields["qty_delivered_method"], lines)
    env.flush_all()
    sessions = (
        env["support.session"]
        .with_context(active_test=False)
        .search([("timesheet_id", "=", False)], order="id")
    )
    _create_missing_employees(env, sessions)
    _create_timesheet_lines(env, sessions)
    # The lines with no log yet: their hours left are the bag's.
    for fname in ("qty_delivered", "remaining_hours"):
        env.add_to_compute(SaleLine._fields[fname], lines)
    lines.modified(["qty_delivered"])
    env.flush_all()
    _logger.info("Support: %s session logs made timesheet lines", len(sessions))
