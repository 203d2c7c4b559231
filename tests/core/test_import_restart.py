"""A killed import leaves a sound case, and running it again adds only what is missing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.core.import_files import pdf_bytes, write
from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.importing import import_paths, import_report

FILES = 60
PAGES = 20


def _documents_so_far(path: Path) -> int:
    uri = f"file:{path}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _check_whole(case: Case) -> None:
    assert [r[0] for r in case.rows("PRAGMA integrity_check")] == ["ok"]
    assert case.rows("PRAGMA foreign_key_check") == []
    for doc in documents.list_all(case):
        pages = case.row("SELECT count(*) FROM pages WHERE document_id = ?", (doc.id,))[0]
        assert pages == doc.page_count == PAGES
        assert documents.sha256_of(documents.data(case, doc.id)) == doc.sha256
        assert case.row("SELECT count(*) FROM import_items WHERE document_id = ? AND "
                        "outcome = 'imported'", (doc.id,))[0] == 1
        assert len(documents.names(case, doc.id)) == 1


def test_sigkill_midway_then_rerun(case_path, tmp_path):
    folder = tmp_path / "release"
    for n in range(FILES):
        write(folder / f"doc{n:03}.pdf",
              pdf_bytes([[f"Document {n}, page {p}"] for p in range(1, PAGES + 1)]))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "import", str(case_path),
                             str(folder), "--origin", "release"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _documents_so_far(case_path) < 5:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never got going"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with Case.open(case_path) as case:
        _check_whole(case)
        kept = len(documents.ids(case))
        assert 5 <= kept < FILES, "the kill came too late to test anything"
        assert import_report(case, 1).status == "interrupted"

        report = import_paths(case, [folder], origin="release")
        assert (report.imported, report.duplicates, report.failed) == (
            FILES - kept, kept, 0)
        assert len(documents.ids(case)) == FILES
        _check_whole(case)
        files = {documents.sha256_of(p.read_bytes()) for p in folder.iterdir()}
        assert {d.sha256 for d in documents.list_all(case)} == files


WORKER_SCRIPT = """
import os, signal, sys
from workbench.core.importing import ImportOptions, workers
pool = workers.ExtractPool(size=2)
pool.submit(b"%PDF-1.4", "x.pdf", ImportOptions()).exception()
print(" ".join(str(pid) for pid in pool._executor._processes), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; only its entry is left


def test_extraction_workers_end_when_the_import_is_killed():
    if not Path("/proc/self/status").exists():
        import pytest
        pytest.skip("needs /proc to look at processes")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", WORKER_SCRIPT], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == -signal.SIGKILL, out.stderr
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) >= 1
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "worker processes outlived the import"
