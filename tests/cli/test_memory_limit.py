"""Issue 15: each file's extraction runs under a hard memory limit (--max-memory): a
file that would take more is named on its one line, and the batch goes on, through
the command a reporter runs."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.measured import run_workbench
from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.importing import guard


def tiny_paragraphs(megabytes: int) -> bytes:
    """A web page of a million tiny paragraphs per 10 MB: parsing one of 38 MB took
    1.2 GB (Python's HTML parser keeps a string for every piece of text)."""
    return (b"<html><body>" + b"<p>ab</p>\n" * (megabytes * 100_000) + b"</body></html>")


@pytest.mark.slow
@pytest.mark.skipif(not guard.available(), reason="no memory limit on this system")
def test_a_file_over_the_memory_limit_is_one_line_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "a-memo.txt").write_bytes(b"Agency B owns no cameras.")
    (folder / "b-page.html").write_bytes(b"<html><title>Before</title><p>kept</p></html>")
    (folder / "m-tiny-paragraphs.html").write_bytes(tiny_paragraphs(10))
    (folder / "z-page.html").write_bytes(b"<html><title>After</title><p>also kept</p></html>")
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Memory").close()
    run = run_workbench("import", case_path, folder, "--ocr", "off", "--max-memory", "80",
                        env={"WORKBENCH_INDEX_DIR": str(tmp_path / "index")})
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    lines = run.stdout.splitlines()[2:]
    assert lines == [f"failed: {folder}/m-tiny-paragraphs.html: over the memory limit "
                     "(80 MB to read one file; --max-memory to change it)"]
    if run.peak_mb is not None:  # the worker stopped at its cap, far below a GB
        assert run.peak_mb < 512, run.peak_mb
    with Case.open(case_path) as case:
        titles = sorted(d.title for d in documents.list_all(case))
    assert titles == ["After", "Before", "a-memo"]


@pytest.mark.slow
@pytest.mark.skipif(not guard.available(), reason="no memory limit on this system")
def test_the_same_file_is_read_under_a_larger_limit(tmp_path):
    (tmp_path / "page.html").write_bytes(tiny_paragraphs(2))
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Memory").close()
    run = run_workbench("import", case_path, tmp_path / "page.html", "--ocr", "off",
                        "--json", env={"WORKBENCH_INDEX_DIR": str(tmp_path / "index")})
    assert run.returncode == 0, run.stderr
    items = json.loads(run.stdout)["items"]
    assert [i["outcome"] for i in items] == ["imported"]


def test_a_bad_memory_limit_is_refused_in_one_line(tmp_path):
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Memory").close()
    (tmp_path / "a.txt").write_bytes(b"text")
    run = run_workbench("import", case_path, tmp_path / "a.txt", "--max-memory", "-1")
    assert run.returncode == 2
    assert "--max-memory" in run.stderr and "Traceback" not in run.stderr
    with Case.open(case_path) as case:
        assert documents.ids(case) == []


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or not guard.available(),
                    reason="needs Linux's /proc")
def test_a_reader_killed_midway_fails_its_file_and_the_next_files_are_read(tmp_path):
    """The worker reading a file dies (the kernel's out-of-memory killer, a library
    crashing on a hostile file): that file's line says so, a new worker reads the rest."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "b-page.html").write_bytes(b"<html><title>Before</title><p>kept</p></html>")
    (folder / "m-tiny-paragraphs.html").write_bytes(tiny_paragraphs(10))
    (folder / "z-page.html").write_bytes(b"<html><title>After</title><p>also kept</p></html>")
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Killed").close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "import", str(case_path), str(folder), "--ocr",
         "off"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "WORKBENCH_INDEX_DIR": str(tmp_path / "index")})
    killed, deadline = False, time.monotonic() + 120
    while not killed and proc.poll() is None and time.monotonic() < deadline:
        for child in _children(proc.pid):
            if _rss_mb(child) > 150:  # well into the big page
                os.kill(child, signal.SIGKILL)
                killed = True
        time.sleep(0.02)
    out, err = proc.communicate(timeout=120)
    assert killed, "the worker never got far into the file"
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert out.splitlines()[2:] == [
        f"failed: {folder}/m-tiny-paragraphs.html: its reader crashed (a damaged or hostile "
        "file, or one over the memory limit)"]
    with Case.open(case_path) as case:
        assert sorted(d.title for d in documents.list_all(case)) == ["After", "Before"]


@pytest.mark.slow
@pytest.mark.skipif(not guard.available(), reason="no worker with limits on this system")
def test_a_file_past_its_time_limit_in_one_call_is_stopped_and_the_batch_goes_on(tmp_path):
    """--max-seconds is checked between pages; one long call (parsing a whole web page)
    is stopped from outside a little after the limit."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "m-tiny-paragraphs.html").write_bytes(tiny_paragraphs(10))
    (folder / "z-page.html").write_bytes(b"<html><title>After</title><p>kept</p></html>")
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Slow").close()
    run = run_workbench("import", case_path, folder, "--ocr", "off", "--max-seconds", "1",
                        env={"WORKBENCH_INDEX_DIR": str(tmp_path / "index")})
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout.splitlines()[2:] == [
        f"failed: {folder}/m-tiny-paragraphs.html: took longer than the time limit (1 s to "
        "read one file; --max-seconds to change it)"]
    assert run.seconds < 60
    with Case.open(case_path) as case:
        assert [d.title for d in documents.list_all(case)] == ["After"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists() or not guard.available(),
                    reason="needs Linux's /proc")
def test_a_worker_left_holding_much_memory_is_stopped_after_the_import(case, tmp_path,
                                                                       monkeypatch):
    """The window lives long: the worker does not keep what a big file left behind."""
    from workbench.core.importing import ImportOptions, import_paths
    page = tmp_path / "page.html"
    page.write_bytes(tiny_paragraphs(1))
    monkeypatch.setattr(guard, "IDLE_RSS_BYTES", 1)  # any worker holds more than that
    guard.GUARD.restart()
    report = import_paths(case, [page], options=ImportOptions(ocr="off"))
    assert report.items[0].outcome == "imported"
    assert guard.GUARD._executor is None
    monkeypatch.setattr(guard, "IDLE_RSS_BYTES", 1 << 40)
    (tmp_path / "b.html").write_bytes(b"<html><p>second</p></html>")
    import_paths(case, [tmp_path / "b.html"], options=ImportOptions(ocr="off"))
    assert guard.GUARD._executor is not None  # a small one is kept for the next import


@pytest.mark.skipif(not guard.available(), reason="no memory limit on this system")
def test_a_cancelled_import_stops_the_worker_reading_its_last_file(case, tmp_path):
    """Cancel (the window's Cancel button) while the capped worker reads a slow file: the
    worker is stopped, so the next import's first file neither waits behind it nor is
    blamed for its time."""
    from workbench.core.importing import ImportOptions, import_paths
    from workbench.core.progress import Progress
    slow = tmp_path / "slow.html"
    slow.write_bytes(tiny_paragraphs(4))  # seconds of parsing in the worker
    guard.GUARD.restart()
    reading: list[int] = []

    def cancel_while_the_worker_reads() -> bool:
        processes = getattr(guard.GUARD._executor, "_processes", None) or {}
        reading.extend(p.pid for p in processes.values())
        return bool(reading)
    progress = Progress(None, cancel_while_the_worker_reads)
    report = import_paths(case, [slow], options=ImportOptions(ocr="off"),
                          progress=progress)
    assert report.status == "cancelled"
    assert reading  # the worker had the file when Cancel came
    for pid in set(reading):  # and it is gone now (reaped), not still parsing
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        assert not _alive(pid)
    later = tmp_path / "later.html"
    later.write_bytes(b"<html><title>Later</title><p>read at once</p></html>")
    again = import_paths(case, [later], options=ImportOptions(ocr="off", max_seconds=30))
    assert [i.outcome for i in again.items] == ["imported"]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False
