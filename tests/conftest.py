"""Shared fixtures: real case files in temporary folders.

The sample case is built once per session (``sample_template``) and copied for each test
that wants it (``sample_case``), as Anki does with its template collection.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workbench.cli.main import cli  # noqa: E402
from workbench.core import sample  # noqa: E402
from workbench.core.casefile import Case  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory, monkeypatch):
    """Every test gets its own index folder and settings file, so nothing reaches the
    user's real cache or settings and no test sees another's index (subprocesses the
    test starts inherit both). A test may point them elsewhere itself."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(home / "index"))
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(home / "settings.ini"))


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sample.wbcase"
    sample.build(path).close()
    return path


@pytest.fixture
def sample_path(sample_template, tmp_path) -> Path:
    """A private copy of the sample case file (closed)."""
    path = tmp_path / "sample.wbcase"
    shutil.copy2(sample_template, path)
    return path


@pytest.fixture
def sample_case(sample_path):
    """The sample case, open; closed after the test."""
    case = Case.open(sample_path)
    yield case
    case.close()


@pytest.fixture
def case_path(tmp_path) -> Path:
    """A new, empty case file (closed)."""
    path = tmp_path / "case.wbcase"
    Case.create(path, title="Test case").close()
    return path


@pytest.fixture
def case(case_path):
    """A new, empty case, open; closed after the test."""
    c = Case.open(case_path)
    yield c
    c.close()


@pytest.fixture
def run_cli():
    """Run the command line in-process; returns click's Result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, [str(a) for a in args], input=input,
                             catch_exceptions=False)
    return run


class Disks:
    """Small tmpfs disks mounted for one test (see the ``tmpfs`` fixture)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.mounted: list[Path] = []

    def mount(self, name: str, size: str) -> Path:
        path = self.base / name
        path.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode != 0:
            pytest.skip("this machine does not allow mounting")
        self.mounted.append(path)
        return path

    @staticmethod
    def read_only(path: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)

    def unmount_all(self) -> None:
        for path in reversed(self.mounted):
            if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path):
    """Mount small disks (a full disk, a read-only one) for a test; root only, skipped
    otherwise. Every disk is unmounted afterwards (lazily if something still holds it),
    so none is left behind in pytest's folders."""
    if os.geteuid() != 0:
        pytest.skip("mounting a disk needs root")
    disks = Disks(tmp_path)
    yield disks
    disks.unmount_all()
