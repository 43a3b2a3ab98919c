# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Upgrade check of 17.0.2.0.0 (session logs become timesheet lines).

Not collected by pytest (it builds two databases' worth of Odoo runs): run it
by hand or in CI, from the repository root::

    $ODOO_PYTHON tests/check_migration_17_0_2_0_0.py [--db asy_migration] \
        [--previous b7d1143]

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
   hours, task hours and sale line's delivered hours equal its logs'.

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


def odoo(conf, db, *args, log):
    cmd = [ODOO_PYTHON, str(ODOO_HOME / "odoo-bin"), "-c", conf, "-d", db, *args]
    cmd += ["--stop-after-init", "--log-level=warn", f"--logfile={log}"]
    print("$", " ".join(cmd), flush=True)
    if subprocess.run(cmd, check=False).returncode:
        lines = Path(log).read_text(encoding="utf-8").splitlines()
        sys.exit("the Odoo run failed:\n" + "\n".join(lines[-40:]))
    bad = [
        line
        for line in Path(log).read_text(encoding="utf-8").splitlines()
        if " ERROR " in line or " CRITICAL " in line
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="asy_migration")
    parser.add_argument("--previous", default="b7d1143")
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
            odoo(conf, args.db, "-i", "asesorateya_support", log=tmp / "install.log")
            add_corrections(conf, args.db, tmp / "shell.log")
            before = read(args.db, BEFORE_SQL)
            conf = write_conf(tmp / "current.conf", REPO, tmp / "data")
            odoo(conf, args.db, "-u", "asesorateya_support", log=tmp / "upgrade.log")
            after = read(args.db, BEFORE_SQL)
            checks = read(args.db, AFTER_CHECKS)
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
