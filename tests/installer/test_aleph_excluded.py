"""The desktop bundle leaves out the optional extra "aleph" (README: Handing a case to
Aleph), even when the venv it is built from has it."""

from __future__ import annotations

import ast
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "installer" / "workbench.spec"


def test_the_bundle_excludes_followthemoney():
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    excludes = next(ast.literal_eval(node.value) for node in tree.body
                    if isinstance(node, ast.Assign)
                    and getattr(node.targets[0], "id", None) == "EXCLUDES")
    assert {"followthemoney", "fingerprints"} <= set(excludes)
