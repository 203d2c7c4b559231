"""The window's one way to work in the background (workbench.ui.shell.jobs): the session's
reader drops superseded results and cannot write; the one change batcher delivers what
a job changed, marked with the job, before the job's own handlers run."""

from __future__ import annotations

import threading

from tests.ui.docks_helpers import run
from workbench.core import actors
from workbench.ui import writing
from workbench.ui.shell.jobs import caused_by


def test_a_newer_read_supersedes_an_older_one(session, qtbot):
    queries = session.queries
    started, release = threading.Event(), threading.Event()
    got: list[str] = []

    def slow(case):
        started.set()
        release.wait(10)
        return "first"
    queries.run(slow, got.append, key="dossier")
    assert started.wait(10)
    # Asked while the first runs: the first's result is dropped; one asked before it
    # could start is skipped; another key is not concerned.
    queries.run(lambda case: "second", got.append, key="dossier")
    queries.run(lambda case: "third", got.append, key="dossier")
    queries.run(lambda case: "other", got.append, key="gate")
    release.set()
    assert queries.wait_idle(10_000)
    assert got == ["third", "other"]


def test_the_reader_reads_its_own_read_only_connection(session, qtbot):
    queries = session.queries
    seen: list = []
    errors: list[str] = []
    queries.run(lambda case: (case is not session.reader, case.read_only,
                              threading.current_thread() is not threading.main_thread(),
                              [a.name for a in actors.list_all(case)]), seen.append)
    queries.run(lambda case: actors.add(case, name="Should not exist", type="person"),
                seen.append, errors.append)
    assert queries.wait_idle(10_000)
    other, read_only, off_thread, names = seen[0]
    assert other and read_only and off_thread and "Brookfield Police Department" in names
    assert len(seen) == 1 and len(errors) == 1  # the write was refused, in one line
    assert not actors.find(session.reader, "Should not exist")
    # A blocking call (opening uses it) returns the result, the event loop turning.
    assert queries.call(lambda case: len(actors.list_all(case))) == len(names)


def test_changes_carry_the_job_that_caused_them(session, qtbot):
    delivered = []
    session.batcher.batched.connect(delivered.append)
    panel, other = object(), object()
    order: list[str] = []
    # The route a panel takes for a write (writing.write), naming itself.
    job = writing.write(session, "Add actor", lambda case: actors.add(
        case, name="Agency Z", type="agency"), initiator=panel)
    job.finished.connect(lambda _r: order.append(f"finished after {len(delivered)}"))
    run(qtbot, session, job)
    assert order == ["finished after 1"]  # screens heard before the job's own handler
    changes = delivered[-1]
    assert ("actors", job.result.id) in changes.created
    assert changes.op is job
    assert caused_by(changes, panel) and not caused_by(changes, other)
    # Another program's changes (or a job nobody claimed) carry no view.
    job = session.jobs.run("Add actor", lambda case, _p: actors.add(
        case, name="Agency Y", type="agency"))
    run(qtbot, session, job)
    assert not caused_by(delivered[-1], panel)
