"""Shared fixtures: real case files in temporary folders.

The sample case is built once per session (``sample_template``) and copied for each test
that wants it (``sample_case``), as Anki does with its template collection.
"""

from __future__ import annotations

import os
import shutil
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
