"""The scripts outside the package (CI's wheel check, the benchmarks, the installer's
entry point) import workbench by module path; a move inside the package must move them
too. Each ``from workbench... import name`` / ``import workbench...`` they hold must name
a module that exists and, for ``from``, a name it defines. (A regrouping of the window
once left CI's wheel test importing a module that was gone, which only CI found.)"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted([*ROOT.glob(".ci/*.py"), *ROOT.glob("bench/*.py"),
                  *ROOT.glob("installer/*.py")])


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "workbench":
            out.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names
                    if a.name.split(".")[0] == "workbench"]
    return out


def test_there_are_scripts_to_check():
    assert any(p.parent.name == ".ci" for p in SCRIPTS)
    assert sum(1 for p in SCRIPTS if _imports(p)) >= 3


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_workbench_import_of_a_script_exists(path):
    for line, module_name, names in _imports(path):
        where = f"{path.relative_to(ROOT)}:{line}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            pytest.fail(f"{where} imports {module_name}, which does not exist ({exc})")
        for name in names:
            if name == "*" or hasattr(module, name):
                continue
            try:  # ``from package import submodule``
                importlib.import_module(f"{module_name}.{name}")
            except ModuleNotFoundError:
                pytest.fail(f"{where}: {module_name} has no {name}")
