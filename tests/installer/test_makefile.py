"""The Makefile's own logic: the Debian packages hint, and what `make test` installs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (shutil.which("make") and shutil.which("apt-get")
                         and shutil.which("dpkg-query")), reason="needs make and dpkg")
def test_a_user_without_root_gets_one_install_line(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text("#!/bin/sh\necho 1000\n")  # as if not root
    (fake / "id").chmod(0o755)
    done = subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "system-deps",
         "APT_PACKAGES=nothere-one nothere-two", f"PYTHON={sys.executable}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env=os.environ | {"PATH": f"{fake}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Some Debian packages are missing. Run:",
        "  sudo apt-get install -y --no-install-recommends nothere-one nothere-two"]


def test_make_test_and_the_installer_install_the_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PIP_INSTALL := $(BIN)/python -m pip install" in makefile
    assert "-c $(CONSTRAINTS)" in makefile
    assert "$(PIP_INSTALL) -e '.[test,aleph]'" in makefile
    assert "$(PIP_INSTALL) -e '.[test,installer]'" in makefile


def test_the_lock_pins_every_dependency_exactly():
    """constraints.txt pins each requirement of pyproject.toml, within its range."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += [Requirement(r) for r in extra]
    pins: dict[str, list[str]] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if found:
            pins.setdefault(canonicalize_name(found[1]), []).append(found[2])
    for req in wanted:
        versions = pins.get(canonicalize_name(req.name))
        assert versions, f"{req.name} is not in constraints.txt: run `make lock`"
        assert all(req.specifier.contains(v, prereleases=True) for v in versions), (
            f"constraints.txt pins {req.name} {versions}, outside {req.specifier}: "
            "run `make lock`")
    whoosh = next(r for r in wanted if canonicalize_name(r.name) == "whoosh-reloaded")
    assert str(whoosh.specifier).startswith("==")
