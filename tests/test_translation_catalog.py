# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every string the addon's Python wraps in ``_()`` or ``_lt()`` is in the
catalog (``i18n/asesorateya_support.pot``) and has its Spanish (``es.po``).

Odoo's exporter (``--i18n-export``) misses a call nested in the arguments of
another (``_("... %(approval)s", approval=_("a manager reviews ..."))``): such
strings stayed English in every quote. This reads the source itself (``ast``),
no database.
"""

import ast
from pathlib import Path

import polib
import pytest

ADDON = Path(__file__).resolve().parent.parent / "asesorateya_support"
I18N = ADDON / "i18n"
TRANSLATE_FUNCTIONS = {"_", "_lt"}


def _source_files():
    for path in sorted(ADDON.rglob("*.py")):
        parts = path.relative_to(ADDON).parts
        if parts[0] in ("tests", "migrations"):
            continue
        yield path


def _wrapped_strings():
    """(file, line, text) of each literal given to ``_()`` or ``_lt()``."""
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in TRANSLATE_FUNCTIONS
                and node.args
            ):
                arg = node.args[0]
                text = arg.value if isinstance(arg, ast.Constant) else None
                yield path.relative_to(ADDON), node.lineno, text


def test_strings_found():
    assert len(list(_wrapped_strings())) > 300


@pytest.mark.parametrize("lang_file", ["asesorateya_support.pot", "es.po"])
def test_every_wrapped_string_translated(lang_file):
    catalog = polib.pofile(str(I18N / lang_file))
    known = {
        entry.msgid
        for entry in catalog
        if lang_file.endswith(".pot") or entry.msgstr.strip()
    }
    missing = [
        f"{path}:{line}: {text!r}"
        for path, line, text in _wrapped_strings()
        if text not in known
    ]
    assert not missing, "\n".join(missing)
