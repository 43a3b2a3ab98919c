# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's own Odoo test suite, as run by ``scripts/test``, seen from pytest.

``scripts/test`` first runs ``odoo-bin -i asesorateya_support --test-enable`` and
checks its log itself; these tests check that log again so that a red Odoo run
also shows up in pytest's summary, the last line of the test command.
"""

import re
import subprocess
import sys

from odoo.tests import TransactionCase, tagged

ADDON = "asesorateya_support"
# Odoo 17's closing line, odoo/tests/result.py (OdooTestResult.__str__) logged
# by odoo/service/server.py.
SUMMARY_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
# odoo/tests/result.py (addSkip) logs skips at INFO: "<logger>: skipped <test> : <why>".
SKIPPED_RE = re.compile(
    r"^\S+ \S+ \d+ INFO \S+ odoo\.addons\.\S+: skipped .*$", re.MULTILINE
)
# The same check as scripts/test, with the same documented ignores.
CHECKLOG = [sys.executable, "-m", "checklog_odoo", "-c", "checklog-odoo.cfg"]
ERROR_RE = re.compile(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) .*$", re.MULTILINE)


def _summary(log):
    found = SUMMARY_RE.findall(log)
    assert found, "no Odoo test summary line in the log: did the Odoo run crash?"
    failed, errors, total = map(int, found[-1])
    return failed, errors, total


def test_module_suite_ran_tests(odoo_test_log):
    assert _summary(odoo_test_log)[2] > 0, (
        "the module suite ran no test: list every test_*.py in "
        f"{ADDON}/tests/__init__.py and check the tags"
    )


def test_module_suite_passed(odoo_test_log):
    failed, errors, total = _summary(odoo_test_log)
    assert (failed, errors) == (0, 0), f"{failed} failed, {errors} error(s) of {total}"


def test_module_suite_skipped_nothing(odoo_test_log):
    skipped = SKIPPED_RE.findall(odoo_test_log)
    assert not skipped, "skipped module tests (Chrome missing?):\n" + "\n".join(skipped)


def test_module_log_checklog(odoo_test_log_path, repo_root):
    """No record above INFO but those checklog-odoo.cfg lists as harmless."""
    result = subprocess.run(
        [*CHECKLOG, str(odoo_test_log_path)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_module_log_has_no_error(odoo_test_log):
    """ERROR and CRITICAL records fail whatever checklog-odoo.cfg ignores."""
    errors = ERROR_RE.findall(odoo_test_log)
    assert not errors, "\n".join(errors)


@tagged("post_install", "-at_install")
class TestAddonInstalled(TransactionCase):
    def test_addon_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", ADDON)])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.demo, "installed without demo data")
