# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Upgrade check of 17.0.2.1.0 (client credits in the books).

Not collected by pytest (it upgrades a database): run it by hand or in CI,
from the repository root, on a database of the previous version (17.0.2.0.0,
e.g. commit 487699f installed with its demo data)::

    $ODOO_PYTHON tests/check_migration_17_0_2_1_0.py --db bk_old --conf odoo.conf

It reads the credits (amount, remaining, state, dates, uses), upgrades the
database with this checkout (``-u asesorateya_support``), fails on any ERROR
or CRITICAL in the upgrade's log, then checks that the credits are unchanged
and that each one that owes its client something has a posted, open credit
note of exactly that (what is left plus its uses on orders not invoiced), and
the others none.

Exit status 0 when all holds, 1 otherwise.
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

CREDITS_SQL = """
    SELECT c.id, c.amount, c.amount_remaining, c.state, c.date_issue,
           c.date_expiry, c.partner_id,
           COALESCE((SELECT SUM(u.amount) FROM support_credit_usage u
                      LEFT JOIN sale_order_line l ON l.id = u.sale_line_id
                     WHERE u.credit_id = c.id AND u.state = 'active'
                       AND COALESCE(l.qty_invoiced, 0) = 0), 0)
      FROM support_credit c ORDER BY c.id"""
USAGES_SQL = "SELECT id, credit_id, amount, state FROM support_credit_usage ORDER BY id"
NOTES_SQL = """
    SELECT c.id, m.move_type, m.state, m.amount_total,
           -(SELECT SUM(l.amount_residual) FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
             WHERE l.move_id = m.id AND a.account_type = 'asset_receivable')
      FROM support_credit c JOIN account_move m ON m.id = c.move_id
  ORDER BY c.id"""


def read(db, sql):
    with psycopg2.connect(
        dbname=db,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        user=os.environ.get("PGUSER", "odoo"),
    ) as conn:
        with conn.cursor() as cr:
            cr.execute(sql)
            return cr.fetchall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--conf",
        required=True,
        help="an odoo.conf whose addons_path holds this checkout",
    )
    args = parser.parse_args()
    credits = read(args.db, CREDITS_SQL)
    usages = read(args.db, USAGES_SQL)
    print(f"before: {len(credits)} credits, {len(usages)} uses")
    log = Path(tempfile.mkdtemp()) / "upgrade.log"
    subprocess.run(
        [
            ODOO_PYTHON,
            str(ODOO_HOME / "odoo-bin"),
            "-c",
            args.conf,
            "-d",
            args.db,
            "-u",
            "asesorateya_support",
            "--stop-after-init",
            "--logfile",
            str(log),
        ],
        check=True,
    )
    errors = [
        line
        for line in log.read_text().splitlines()
        if " ERROR " in line or " CRITICAL " in line
    ]
    failed = bool(errors)
    for line in errors:
        print("upgrade log:", line)
    after = read(args.db, CREDITS_SQL)
    if after != credits:
        print("credits changed:", credits, after)
        failed = True
    if read(args.db, USAGES_SQL) != usages:
        print("uses changed")
        failed = True
    notes = {row[0]: row[1:] for row in read(args.db, NOTES_SQL)}
    for cid, _amount, remaining, state, *_rest, pending in credits:
        owed = float((remaining if state == "available" else 0) + pending)
        note = notes.get(cid)
        if owed > 0:
            got = note and (note[0], note[1], float(note[2]), float(note[3] or 0))
            if got != ("out_refund", "posted", owed, owed):
                print(f"credit {cid}: owes {owed}, credit note {got}")
                failed = True
            else:
                print(f"credit {cid}: owes {owed}, open credit note {got}")
        elif note is not None:
            print(f"credit {cid}: owes nothing but got {note}")
            failed = True
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
