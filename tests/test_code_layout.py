# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The layout of the models stays readable: small files by concern, short
methods, shared things in one home (README, "Model map").

Plain Python on the source (``ast``), no database.
"""

import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parent.parent / "asesorateya_support" / "models"
#: Most lines of a Python file under models/: a model that outgrows it is
#: split by concern into files of its own (``support_contract_<concern>.py``).
MAX_FILE_LINES = 900
#: Most lines of a function or method, decorators included: a longer one is
#: split by steps.
MAX_METHOD_LINES = 80
#: Modules of models/ that other model files may import: helpers, no model.
SHARED_MODULES = {"batch"}
#: Formatting of values for people goes through asesorateya_support/formatting.py.
FORMAT_FUNCTIONS = {"format_amount", "format_date", "format_duration"}

MODEL_FILES = sorted(MODELS.glob("*.py"))


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, node.end_lineno - start + 1


def test_model_files_found():
    assert len(MODEL_FILES) > 10, MODELS


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.name)
def test_model_file_size(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_FILE_LINES, (
        f"{path.name} has {lines} lines (at most {MAX_FILE_LINES}): split it by concern"
    )


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.name)
def test_method_size(path):
    long = {
        name: lines
        for name, lines in _functions(_tree(path))
        if lines > MAX_METHOD_LINES
    }
    assert not long, (
        f"{path.name}: methods over {MAX_METHOD_LINES} lines, split them by "
        f"steps: {long}"
    )


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.name)
def test_no_sideways_imports(path):
    """A model file imports shared things from the addon's own modules
    (``const``, ``formatting``, ``policy``, ``utils``), never from another
    model file; and it formats values for people through ``formatting``."""
    if path.name == "__init__.py":
        return
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 1:
            assert node.module in SHARED_MODULES, (
                f"{path.name} imports from the model file {node.module}: move "
                "what they share to const.py (or another shared module)"
            )
        names = {alias.name for alias in node.names}
        assert not names & FORMAT_FUNCTIONS, (
            f"{path.name} formats with {names & FORMAT_FUNCTIONS}: use "
            "asesorateya_support/formatting.py"
        )
