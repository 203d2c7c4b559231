"""Helpers for the tests of the verification docks and their panels: a CaseSession on
the sample case, waiting."""

from __future__ import annotations

import pytest

from workbench.ui.shell.session import CaseSession


@pytest.fixture
def session(sample_path, qtbot):
    """A CaseSession (writer thread + reader) on a private copy of the sample case."""
    s = CaseSession.open(sample_path)
    yield s
    s.jobs.wait_idle(30000)
    s.close()


def settle(qtbot, session, timeout: int = 20000) -> None:
    """Wait until the writer has no job left and the screens have caught up."""
    qtbot.waitUntil(lambda: not session.jobs.busy, timeout=timeout)
    qtbot.wait(10)


def run(qtbot, session, job, timeout: int = 20000):
    """Wait for ``job`` and return its result (failing the test on its error)."""
    assert job is not None
    settle(qtbot, session, timeout)
    assert job.error is None, job.error
    return job.result


def quiet(*widgets) -> None:
    """No message boxes in tests: errors are kept in ``reporter.last_error``."""
    for w in widgets:
        w.reporter.quiet = True
