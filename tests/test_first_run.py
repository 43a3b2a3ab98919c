# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The newcomer's first command: scripts/init-demo, which scripts/run and
`docker compose up` (service odoo-init) run before serving.

On a database of its own (``<test database>_firstrun``, dropped after): it
installs the addon with its demo data, Spanish (Chile) and payment_demo, then
the set-up step; the demo's chatters and emails are in Spanish. Run again, as
a second `docker compose up` does, it installs nothing and keeps what the
admin changed.
"""

import os
import subprocess
import sys

import pytest

import odoo

SPANISH_COMPANY = "AsesórateYa SpA"


def _dropdb(db):
    subprocess.run(
        ["dropdb", "--if-exists", "--force", db],
        env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"),
        check=True,
    )


@pytest.fixture(scope="module")
def first_run(repo_root, odoo_db_name, tmp_path_factory):
    db = f"{odoo_db_name}_firstrun"
    folder = tmp_path_factory.mktemp("firstrun")
    _dropdb(db)

    def init_demo():
        return subprocess.run(
            [
                "bash",
                str(repo_root / "scripts" / "init-demo"),
                f"--data-dir={folder / 'data'}",
                f"--logfile={folder / 'odoo.log'}",
            ],
            # The Python that runs these tests is Odoo's.
            env=dict(os.environ, ASY_DB=db, ODOO_PYTHON=sys.executable),
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )

    result = init_demo()
    log = folder / "odoo.log"
    assert result.returncode == 0, (
        result.stdout,
        result.stderr,
        log.read_text()[-3000:],
    )
    try:
        yield {"db": db, "init_demo": init_demo, "log": log, "first": result}
    finally:
        odoo.sql_db.close_db(db)
        _dropdb(db)


def _query(db, sql, *params):
    with odoo.sql_db.db_connect(db).cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def test_install_and_setup(first_run):
    db = first_run["db"]
    assert "is ready" in first_run["first"].stdout
    log = first_run["log"].read_text(encoding="utf-8", errors="replace")
    for level in (" ERROR ", " CRITICAL "):
        assert level not in log, log[log.index(level) - 300 :][:2000]
    assert _query(db, "SELECT active FROM res_lang WHERE code = 'es_CL'") == [(True,)]
    # The logins land in the Spanish demo company; the website sells its
    # services; the Demo provider takes orders offline.
    rows = _query(
        db,
        """SELECT u.login, c.name, p.lang FROM res_users u
           JOIN res_company c ON c.id = u.company_id
           JOIN res_partner p ON p.id = u.partner_id
           WHERE u.login IN ('admin', 'consultor', 'cliente') ORDER BY u.login""",
    )
    assert rows == [
        ("admin", SPANISH_COMPANY, "es_CL"),
        ("cliente", SPANISH_COMPANY, "es_CL"),
        ("consultor", SPANISH_COMPANY, "es_CL"),
    ]
    assert _query(
        db,
        """SELECT c.name, l.code FROM website w
           JOIN ir_model_data d ON d.res_id = w.id AND d.model = 'website'
                AND d.module = 'website' AND d.name = 'default_website'
           JOIN res_company c ON c.id = w.company_id
           JOIN res_lang l ON l.id = w.default_lang_id""",
    ) == [(SPANISH_COMPANY, "es_CL")]
    assert _query(
        db,
        """SELECT p.state, p.is_published FROM payment_provider p
           JOIN res_company c ON c.id = p.company_id
           WHERE p.code = 'demo' AND c.name = %s""",
        SPANISH_COMPANY,
    ) == [("test", True)]


def test_demo_chatters_speak_spanish(first_run):
    """The demo's flows run after the addon's Spanish is loaded: the emails
    and notes on the demo contracts are Spanish, none English."""
    bodies = [
        body
        for (body,) in _query(
            first_run["db"],
            "SELECT body FROM mail_message WHERE model = 'support.contract'",
        )
    ]
    assert bodies
    text = "\n".join(bodies)
    for english in ("Thank you for buying", "Hello ", "Support Contract"):
        assert english not in text, english
    assert "Gracias por comprar" in text
    assert "Contrato de soporte creado" in text


def test_second_run_keeps_the_admin_changes(first_run):
    """A second start installs nothing: the admin's edits stay."""
    db = first_run["db"]
    with odoo.sql_db.db_connect(db).cursor() as cr:
        cr.execute(
            "UPDATE res_company SET phone = 'edited by the admin' WHERE name = %s",
            [SPANISH_COMPANY],
        )
        cr.execute("SELECT max(write_date) FROM ir_module_module")
        (modules_written,) = cr.fetchone()
    # (the cursor commits as the block ends)
    result = first_run["init_demo"]()
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stdout
    assert _query(
        db, "SELECT phone FROM res_company WHERE name = %s", SPANISH_COMPANY
    ) == [("edited by the admin",)]
    assert _query(db, "SELECT max(write_date) FROM ir_module_module") == [
        (modules_written,)
    ]
