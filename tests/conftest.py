# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures for the top-level tests, run by ``scripts/test``.

``scripts/test`` runs pytest with pytest-odoo (``--odoo-database``,
``--odoo-config``, ``--odoo-http``) against the database in which it has just
installed asesorateya_support with demo data. Odoo test classes here
(``TransactionCase``, ``HttpCase``, with ``url_open`` and ``browser_js``) work as
in an addon, but must be tagged ``@tagged("post_install", "-at_install")``: Odoo
only gives default tags to classes under ``odoo.addons``, and an untagged class
errors with "has no attribute 'test_tags'". Plain pytest functions can use the
fixtures below.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root():
    """The repository's top-level folder."""
    return REPO


@pytest.fixture(scope="session")
def odoo_db_name():
    """Name of the database the tests run against (set by pytest-odoo)."""
    import odoo

    return odoo.tools.config["db_name"]


@pytest.fixture(scope="session")
def odoo_test_log_path():
    """Path of the log of the Odoo run made by ``scripts/test`` just before."""
    path = os.environ.get("ASY_ODOO_TEST_LOG")
    if not path:
        pytest.skip("ASY_ODOO_TEST_LOG is not set: run the tests with scripts/test")
    return Path(path)


@pytest.fixture(scope="session")
def odoo_test_log(odoo_test_log_path):
    """Text of that log."""
    return odoo_test_log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def env_factory():
    """``with env_factory() as env:`` an environment on a cursor of its own,
    committed on leaving (rolled back on an error), as a second server sees
    the database."""
    import odoo

    registry = odoo.registry(odoo.tools.config["db_name"])

    class Env:
        def __enter__(self):
            self.cr = registry.cursor()
            return odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})

        def __exit__(self, *exc):
            if exc[0] is None:
                self.cr.commit()  # pylint: disable=invalid-commit
            self.cr.close()

    return Env
