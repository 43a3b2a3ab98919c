# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Upgrade check of 17.0.1.7.0 (the low-balance email links the additional
bag): an admin's edits of the email are kept.

Not collected by pytest (it builds a database of the previous version): run
it by hand or in CI, from the repository root::

    $ODOO_PYTHON tests/check_migration_17_0_1_7_0.py [--db asy_migration_mail] \
        [--previous b7d1143]

It

1. checks out the previous released version (``--previous``, a commit, of
   17.0.1.5.0) in a temporary git worktree and installs it, with its demo
   data and Spanish (Chile) and Spanish (Argentina), into a fresh database;
2. edits the low-balance email as an admin would (the admin activates
   English, inactive once Spanish is installed, and writes the body in the
   language of the form): in Spanish (Chile) the greeting and the
   closing, keeping the paragraph on the bag's balance; in English the
   paragraphs on the balance rewritten into one; Spanish (Argentina) is left
   as shipped;
3. upgrades the database with this checkout (``-u asesorateya_support``),
   and fails on any ERROR or CRITICAL in the upgrade's log;
4. checks that the Spanish (Chile) body is the admin's with the link's
   paragraph (in Spanish) after the bag's, the English body is the admin's
   unchanged, with a note to the administrators that names it, and the
   Spanish (Argentina) body is the module's new one; and renders the email
   of a demo hour bag in Spanish (Chile): the admin's greeting and the link.

Exit status 0 when all hold, 1 otherwise.
"""
# pylint: disable=print-used

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
import psycopg2
from check_migration_17_0_2_0_0 import ODOO_HOME, ODOO_PYTHON, REPO, odoo, write_conf

#: The previous version's email as an admin edits it, in an odoo shell.
EDIT = r"""
import json, re
# English is inactive once Spanish is installed: the admin activates it to
# edit the English email (a Spanish edit also writes an inactive English).
env.ref("base.lang_en").active = True
admin = env.ref("base.user_admin")
template = env.ref("asesorateya_support.mail_template_low_balance").with_user(admin)
es = template.with_context(lang="es_CL").body_html
assert "Hola, " in es and "Saludos cordiales," in es, es
template.with_context(lang="es_CL").body_html = es.replace(
    "Hola, ", "Estimada o estimado "
).replace("Saludos cordiales,", "Quedamos atentos a sus comentarios,")
en = template.with_context(lang="en_US").body_html
rewritten, count = re.subn(
    r'<p t-if="object.kind == .monthly. and period".*?</p>\s*<p t-else="".*?</p>',
    '<p style="margin: 0px 0px 12px 0px;">Only <strong t-out="'
    'format_duration(object.hours_remaining)">01:30</strong> hours are left '
    "of <t t-out=\"object.name or ''\">SUP/2026/00002</t>: call us at "
    "+56 2 2345 6789 to plan what comes next.</p>",
    en,
    flags=re.DOTALL,
)
assert count == 1, en
template.with_context(lang="en_US").body_html = rewritten
env.cr.commit()
"""

#: After the upgrade: the email of a demo hour bag, rendered in es_CL.
RENDER = r"""
import json
template = env.ref("asesorateya_support.mail_template_low_balance")
bag = env["support.contract"].search([("kind", "=", "hour_bag")], order="id", limit=1)
body = template.with_context(lang="es_CL")._render_field("body_html", bag.ids)[bag.id]
print("RENDERED " + json.dumps({"contract": bag.id, "body": str(body)}))
"""

LINK_PARAGRAPH_RE = re.compile(
    r"\n[ \t]*<p\b[^>]*\bt-if=\"object\.kind == 'hour_bag'\"[^>]*>.*?</p>", re.DOTALL
)


def shell(conf, db, code, log):
    cmd = [ODOO_PYTHON, str(ODOO_HOME / "odoo-bin"), "shell", "-c", conf, "-d", db]
    cmd += ["--no-http", f"--logfile={log}"]
    print("$", " ".join(cmd), "< script", flush=True)
    return subprocess.run(
        cmd, input=code, text=True, check=True, capture_output=True
    ).stdout


def query(db, sql, params=()):
    conn = psycopg2.connect(
        dbname=db,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
    )
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        conn.close()


TEMPLATE_SQL = """
    SELECT t.id, t.body_html FROM mail_template t
      JOIN ir_model_data d ON d.res_id = t.id AND d.model = 'mail.template'
     WHERE d.module = 'asesorateya_support' AND d.name = 'mail_template_low_balance'
"""


def shipped_spanish_body():
    """The module's Spanish of the new body (i18n/es.po)."""
    catalog = polib.pofile(str(REPO / "asesorateya_support" / "i18n" / "es.po"))
    for entry in catalog:
        if any(
            place == "model:mail.template,body_html:"
            "asesorateya_support.mail_template_low_balance"
            for place, _line in entry.occurrences
        ):
            return entry.msgstr
    raise SystemExit("no Spanish body of the low-balance email in es.po")


def normalized(html):
    return re.sub(r"\s+", " ", html.replace("<br/>", "<br>")).strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="asy_migration_mail")
    parser.add_argument("--previous", default="b7d1143")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="asy_migration_") as tmp:
        tmp = Path(tmp)
        previous = tmp / "previous"
        git = ["git", "-C", str(REPO), "worktree"]
        subprocess.run(
            [*git, "add", "--detach", str(previous), args.previous], check=True
        )
        try:
            subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=True)
            conf = write_conf(tmp / "previous.conf", previous, tmp / "data")
            odoo(
                conf,
                args.db,
                "-i",
                "asesorateya_support",
                "--load-language=es_CL,es_AR",
                log=tmp / "install.log",
            )
            shell(conf, args.db, EDIT, tmp / "edit.log")
            [(template_id, before)] = query(args.db, TEMPLATE_SQL)
            conf = write_conf(tmp / "current.conf", REPO, tmp / "data")
            odoo(conf, args.db, "-u", "asesorateya_support", log=tmp / "upgrade.log")
            [(_id, after)] = query(args.db, TEMPLATE_SQL)
            notes = query(
                args.db,
                """SELECT p.id, m.subject, m.body FROM mail_message m
                     JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
                     JOIN res_partner p ON p.id = r.res_partner_id
                    WHERE m.model = 'mail.template' AND m.res_id = %s
                      AND m.message_type = 'user_notification'""",
                [template_id],
            )
            admins = query(
                args.db,
                """SELECT u.partner_id FROM res_users u
                     JOIN res_groups_users_rel g ON g.uid = u.id
                     JOIN ir_model_data d ON d.res_id = g.gid
                          AND d.model = 'res.groups'
                          AND d.module = 'base' AND d.name = 'group_system'
                    WHERE u.active AND NOT u.share""",
            )
            output = shell(conf, args.db, RENDER, tmp / "render.log")
        finally:
            subprocess.run([*git, "remove", "--force", str(previous)], check=False)
    rendered = json.loads(output.split("RENDERED ", 1)[1].splitlines()[0])["body"]
    checks = {}
    es_before, es_after = before["es_CL"], after["es_CL"]
    checks["es_CL: the admin's edits kept"] = (
        "Estimada o estimado" in es_after
        and "Quedamos atentos" in es_after
        and LINK_PARAGRAPH_RE.sub("", es_after, count=1) == es_before
    )
    link = LINK_PARAGRAPH_RE.search(es_after)
    checks["es_CL: the link added, in Spanish, after the bag's paragraph"] = bool(
        link
        and "Pedir una bolsa adicional" in link.group(0)
        and es_after[: link.start()].rstrip().endswith("</p>")
        and "Para que el trabajo no se interrumpa"
        in es_after[: link.start()].rsplit("<p", 1)[1]
    )
    checks["en_US: the rewritten email left as it was"] = (
        after["en_US"] == before["en_US"] and "#additional_bag" not in after["en_US"]
    )
    checks["es_AR: the untouched email is the new shipped one"] = normalized(
        after["es_AR"]
    ) == normalized(shipped_spanish_body())
    noted = {partner for partner, _subject, body in notes if "English" in body}
    checks["a note to each settings administrator, naming English"] = bool(
        admins
    ) and noted == {partner for (partner,) in admins}
    checks["the email renders the admin's greeting and the link"] = (
        "Estimada o estimado" in rendered
        and "Pedir una bolsa adicional" in rendered
        and "#additional_bag" in rendered
    )
    for partner, subject, body in notes[:1]:
        print(f"note to partner {partner}: {subject}\n  {body}")
    failed = False
    for name, ok in checks.items():
        failed |= not ok
        print(f"{name}: {'OK' if ok else 'FAILED'}")
    if failed:
        for lang in ("es_CL", "en_US", "es_AR"):
            print(
                f"--- {lang} before:\n{before.get(lang)}\n--- after:\n{after.get(lang)}"
            )
    print("FAILED" if failed else "OK: the admin's edits are kept")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
