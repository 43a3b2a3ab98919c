# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Upgrade check of 17.0.2.0.0 (session logs become timesheet lines).

Not collected by pytest (it builds two databases' worth of Odoo runs): run it
by hand or in CI, from the repository root::

    $ODOO_PYTHON tests/check_migration_17_0_2_0_0.py [--db asy_migration] \
        [--previous 487699f] [--lang es_CL]

It

1. checks out the previous released version (``--previous``, a commit) in a
   temporary git worktree and installs it, with its demo data, into a fresh
   database (``--db``);
2. reads the hours there: per contract its logs (count, sum of time), hours
   used and left, and per monthly cycle its hours used;
3. upgrades the database with this checkout (``-u asesorateya_support``),
   and fails on any ERROR or CRITICAL in the upgrade's log;
4. reads the same numbers again, and checks that each log has its own
   timesheet line with its day and time, for its consultant's employee (a
   correction's: the corrected log's), and that each contract's timesheet
   hours, task hours and sale line's delivered hours equal its logs';
5. checks the users' groups: the apps the upgrade installs (Employees,
   Project, Timesheets) give nobody but the superuser and the administrator
   their administrator groups; a user gains only what the groups they had
   imply now (a consultant: *Timesheets / See own timesheets*), and the
   upgrade's log has no WARNING either.

The previous version is installed with its demo data and Spanish (Chile),
as a consultancy runs it (``--lang``).

Exit status 0 when the numbers before and after are equal, 1 otherwise.
"""
# pylint: disable=print-used

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
ODOO_HOME = Path(os.environ.get("ODOO_HOME", "/opt/odoo17"))
ODOO_PYTHON = os.environ.get("ODOO_PYTHON", "/opt/odoo17-venv/bin/python")

BEFORE_SQL = {
    "contracts": """
        SELECT c.id, COUNT(s.id), COALESCE(ROUND(SUM(s.duration)::numeric, 4), 0),
               ROUND(c.hours_used::numeric, 4), ROUND(c.hours_remaining::numeric, 4)
          FROM support_contract c LEFT JOIN support_session s ON s.contract_id = c.id
      GROUP BY c.id ORDER BY c.id""",
    "corrections": """
        SELECT id, correction_of_id, ROUND(duration::numeric, 4)
          FROM support_session WHERE correction_of_id IS NOT NULL ORDER BY id""",
    "periods": """
        SELECT id, ROUND(hours_used::numeric, 4) FROM support_contract_period
      ORDER BY id""",
}
#: Each active user's groups, by external id.
GROUPS_SQL = {
    "groups": """
        SELECT u.login, array_agg(d.module || '.' || d.name
                         ORDER BY d.module, d.name)
          FROM res_users u
          JOIN res_groups_users_rel r ON r.uid = u.id
          JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
         WHERE u.active
      GROUP BY u.login ORDER BY u.login""",
    "implied": """
        SELECT g.module || '.' || g.name, h.module || '.' || h.name
          FROM res_groups_implied_rel rel
          JOIN ir_model_data g ON g.model = 'res.groups' AND g.res_id = rel.gid
          JOIN ir_model_data h ON h.model = 'res.groups' AND h.res_id = rel.hid""",
}
#: The superuser and the administrator: the apps grant them their groups by
#: name (``users`` of their groups), on a new database as on an upgrade.
ADMINS = ("__system__", "admin")
CONSULTANT = "asesorateya_support.asesorateya_support_group_user"
OWN_TIMESHEETS = "hr_timesheet.group_hr_timesheet_user"

AFTER_CHECKS = {
    "logs without their own timesheet line": """
        SELECT s.id FROM support_session s
     LEFT JOIN account_analytic_line l ON l.id = s.timesheet_id
         WHERE l.id IS NULL OR NOT l.is_support_log
            OR l.date <> s.date OR ROUND(l.unit_amount::numeric, 4)
               <> ROUND(s.duration::numeric, 4)""",
    "lines shared by two logs": """
        SELECT timesheet_id FROM support_session
      GROUP BY timesheet_id HAVING COUNT(*) > 1""",
    "logs not on their consultant's employee": """
        SELECT s.id FROM support_session s
          JOIN account_analytic_line l ON l.id = s.timesheet_id
          JOIN hr_employee e ON e.id = l.employee_id
         WHERE s.correction_of_id IS NULL AND e.user_id <> s.user_id""",
    "corrections not on the corrected log's employee": """
        SELECT s.id FROM support_session s
          JOIN account_analytic_line l ON l.id = s.timesheet_id
          JOIN support_session o ON o.id = s.correction_of_id
          JOIN account_analytic_line ol ON ol.id = o.timesheet_id
         WHERE l.employee_id <> ol.employee_id""",
    "contracts whose task hours differ from their logs": """
        SELECT c.id FROM support_contract c
          JOIN support_session s ON s.contract_id = c.id
          JOIN project_task t ON t.id = c.timesheet_task_id
      GROUP BY c.id, t.effective_hours
        HAVING ROUND(SUM(s.duration)::numeric, 4)
               <> ROUND(t.effective_hours::numeric, 4)""",
    "sale lines whose timesheet hours differ from their logs": """
        SELECT sol.id FROM sale_order_line sol
          JOIN support_session s ON s.timesheet_id IN (
               SELECT id FROM account_analytic_line WHERE so_line = sol.id)
      GROUP BY sol.id
        HAVING ROUND(SUM(s.duration)::numeric, 4) <> (
               SELECT ROUND(SUM(unit_amount)::numeric, 4)
                 FROM account_analytic_line WHERE so_line = sol.id)""",
    "support sale lines not delivered by timesheets": """
        SELECT sol.id FROM sale_order_line sol
          JOIN support_contract c ON c.sale_line_id = sol.id
         WHERE c.kind <> 'project' AND sol.qty_delivered_method <> 'timesheet'""",
}


def odoo(conf, db, *args, log, warnings_too=False):
    cmd = [ODOO_PYTHON, str(ODOO_HOME / "odoo-bin"), "-c", conf, "-d", db, *args]
    cmd += ["--stop-after-init", "--log-level=warn", f"--logfile={log}"]
    print("$", " ".join(cmd), flush=True)
    if subprocess.run(cmd, check=False).returncode:
        lines = Path(log).read_text(encoding="utf-8").splitlines()
        sys.exit("the Odoo run failed:\n" + "\n".join(lines[-40:]))
    bad = [
        line
        for line in Path(log).read_text(encoding="utf-8").splitlines()
        if " ERROR " in line
        or " CRITICAL " in line
        or (warnings_too and " WARNING " in line)
    ]
    if bad:
        sys.exit("errors in the log:\n" + "\n".join(bad[:20]))


#: Run in the previous version: the demo has no correction, so two are made,
#: as the superuser (who has no employee): their lines must be the employee's
#: of the logs they correct.
CORRECTIONS = """
logs = env["support.session"].search(
    [("correction_of_id", "=", False), ("kind", "=", "hour_bag")], order="id", limit=2
)
assert len(logs) == 2, logs
logs[0].action_correct(logs[0].duration + 0.5, "Migration check: half an hour more")
logs[1].action_correct(max(logs[1].duration - 0.25, 0.0), "Migration check: less")
env.cr.commit()
"""


def add_corrections(conf, db, log):
    cmd = [ODOO_PYTHON, str(ODOO_HOME / "odoo-bin"), "shell", "-c", conf, "-d", db]
    cmd += ["--no-http", f"--logfile={log}"]
    print("$", " ".join(cmd), "< CORRECTIONS", flush=True)
    subprocess.run(cmd, input=CORRECTIONS, text=True, check=True)


def write_conf(path, addons, data_dir):
    core = ODOO_HOME / "odoo" / "addons"
    path.write_text(
        "[options]\n"
        f"db_host = {os.environ.get('PGHOST', '127.0.0.1')}\n"
        f"db_port = {os.environ.get('PGPORT', '5432')}\n"
        f"db_user = {os.environ.get('PGUSER', 'odoo')}\n"
        f"addons_path = {addons},{core}\n"
        f"data_dir = {data_dir}\n"
        "http_interface = 127.0.0.1\nmax_cron_threads = 0\nworkers = 0\n",
        encoding="utf-8",
    )
    return str(path)


def read(db, queries):
    conn = psycopg2.connect(
        dbname=db,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
    )
    try:
        with conn.cursor() as cr:
            result = {}
            for name, query in queries.items():
                cr.execute(query)
                result[name] = cr.fetchall()
            return result
    finally:
        conn.close()


def check_groups(before, after):
    """The users who gained more than the groups they had imply now, and
    the consultants who cannot log their own timesheets.

    :return: ``{check name: [rows]}``
    """
    implied = {}
    for group, implies in after["implied"]:
        implied.setdefault(group, set()).add(implies)

    def closure(groups):
        todo, seen = list(groups), set(groups)
        while todo:
            for implies in implied.get(todo.pop(), ()):
                if implies not in seen:
                    seen.add(implies)
                    todo.append(implies)
        return seen

    had = {login: set(groups) for login, groups in before}
    too_much, cannot_log = [], []
    for login, groups in after["groups"]:
        groups = set(groups)
        if login in ADMINS or login not in had:
            continue
        gained = groups - closure(had[login])
        if gained:
            too_much.append((login, sorted(gained)))
        if CONSULTANT in groups and OWN_TIMESHEETS not in groups:
            cannot_log.append(login)
    print("groups after the upgrade:")
    for login, groups in after["groups"]:
        print(f"  {login}: {', '.join(groups)}")
    return {
        "users with more groups than theirs imply": too_much,
        "consultants who cannot log their own timesheets": cannot_log,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="asy_migration")
    parser.add_argument("--previous", default="487699f")
    parser.add_argument("--lang", default="es_CL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="asy_migration_") as tmp:
        tmp = Path(tmp)
        previous = tmp / "previous"
        subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "worktree",
                "add",
                "--detach",
                str(previous),
                args.previous,
            ],
            check=True,
        )
        try:
            subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=True)
            conf = write_conf(tmp / "previous.conf", previous, tmp / "data")
            odoo(
                conf,
                args.db,
                "-i",
                "asesorateya_support",
                f"--load-language={args.lang}",
                log=tmp / "install.log",
            )
            add_corrections(conf, args.db, tmp / "shell.log")
            before = read(args.db, BEFORE_SQL)
            groups_before = read(args.db, GROUPS_SQL)["groups"]
            conf = write_conf(tmp / "current.conf", REPO, tmp / "data")
            odoo(
                conf,
                args.db,
                "-u",
                "asesorateya_support",
                log=tmp / "upgrade.log",
                warnings_too=True,
            )
            after = read(args.db, BEFORE_SQL)
            checks = read(args.db, AFTER_CHECKS)
            checks.update(check_groups(groups_before, read(args.db, GROUPS_SQL)))
        finally:
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(REPO),
                    "worktree",
                    "remove",
                    "--force",
                    str(previous),
                ],
                check=False,
            )
    failed = False
    for name in BEFORE_SQL:
        same = before[name] == after[name]
        failed |= not same
        print(f"{name}: {len(before[name])} rows, {'equal' if same else 'DIFFERENT'}")
    logs = sum(row[1] for row in before["contracts"])
    hours = sum(row[2] for row in before["contracts"])
    print(f"logs: {logs}, hours logged: {hours}")
    for name, rows in checks.items():
        failed |= bool(rows)
        print(f"{name}: {len(rows)}{' ' + str(rows[:10]) if rows else ''}")
    print("FAILED" if failed else "OK: the numbers before and after are equal")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
