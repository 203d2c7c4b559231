"""Everything at once on one case, then kill -9 (issue 12's stress test).

For each seed: a process holding the case with two connections (the window's shape) and
the search index, editing in a loop; two command-line imports; a command-line loop
adding actors, claims and tags; a reader searching. At a random moment every process is
killed with SIGKILL. Then the case must open (never "damaged"), pass SQLite's integrity
check, hold every write that some process reported as done (with its audit row), and an
import run again must complete what was cut short: every file stored, every email with
all its attachments.

The full-disk, hot-journal and read-only runs are in ``test_case_concurrency.py``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from workbench.core import actors, claims, tags
from workbench.core.casefile import Case

ROOT = Path(__file__).resolve().parents[2]
ATTACHMENTS = 3

HOLDER = """
import sys
from workbench.core import actors, claims
from workbench.core.casefile import Case
from workbench.core.search import CaseIndex
writer, reader = Case.open(sys.argv[1]), Case.open(sys.argv[1])
index = CaseIndex(writer)
index.ensure()
writer.add_listener(index.apply)
i = 0
while True:
    actors.add(writer, name=f"holder actor {i}", type="agency")
    print(f"actor holder actor {i}", flush=True)
    if i % 3 == 0:
        claims.add(writer, f"holder claim {i}")
        print(f"claim holder claim {i}", flush=True)
    reader.revision  # the reading connection stays in use too
    i += 1
"""

CLI_LOOP = """
import subprocess, sys
case = sys.argv[1]
def wb(*args):
    return subprocess.run([sys.executable, "-m", "workbench", *args],
                          capture_output=True, text=True).returncode == 0
i = 0
while True:
    if wb("actor", "add", case, f"cli actor {i}", "--type", "company"):
        print(f"actor cli actor {i}", flush=True)
    if wb("claim", "add", case, f"cli claim {i}"):
        print(f"claim cli claim {i}", flush=True)
    if wb("tag", "add", case, "document", "1", f"cli-tag-{i}"):
        print(f"tag cli-tag-{i}", flush=True)
    i += 1
"""

READER = """
import sys
from workbench.core import search
from workbench.core.casefile import Case
while True:
    case = Case.open(sys.argv[1])
    try:
        search.search(case, "memo OR transfer", limit=5)
        search.close_index(case)
    finally:
        case.close()
    print("searched", flush=True)
"""


def _email(path: Path, n: int) -> None:
    msg = EmailMessage()
    msg["From"] = "clerk@example.org"
    msg["To"] = "desk@example.org"
    msg["Subject"] = f"Transfer records batch {n}"
    msg["Date"] = "Tue, 05 Mar 2019 10:00:00 +0000"
    msg.set_content(f"Attached are the transfer memos of batch {n}.")
    for k in range(ATTACHMENTS):
        msg.add_attachment(f"Transfer memo {n}-{k}: " + "ledger line " * 300,
                           filename=f"memo-{n}-{k}.txt")
    path.write_bytes(bytes(msg))


def _folders(tmp_path: Path) -> list[Path]:
    a, b = tmp_path / "release-a", tmp_path / "release-b"
    a.mkdir()
    b.mkdir()
    for i in range(150):
        (a / f"memo-a-{i}.txt").write_text(f"Memo A{i} " + "records show a transfer " * 150)
        (b / f"memo-b-{i}.txt").write_text(f"Memo B{i} " + "the vendor list names it " * 150)
    for n in range(10):
        _email(a / f"mail-{n}.eml", n)
    return [a, b]


def _start(code: str | None, args: list[str], log: Path) -> subprocess.Popen:
    """Start a process in its own group; its output goes to ``log``.out/.err (a pipe
    that nobody reads would stall it)."""
    cmd = ([sys.executable, "-c", textwrap.dedent(code)] if code
           else [sys.executable, "-m", "workbench"]) + args
    with open(f"{log}.out", "w") as out, open(f"{log}.err", "w") as err:
        return subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT,
                                start_new_session=True)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_everything_at_once_then_kill_9(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "index"))
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title=f"Stress {seed}").close()
    first = tmp_path / "first.txt"
    first.write_text("The first memo, to be tagged.")
    subprocess.run([sys.executable, "-m", "workbench", "import", str(case_path),
                    str(first), "--ocr", "off"], check=True, cwd=ROOT,
                   capture_output=True)
    folders = _folders(tmp_path)
    path = str(case_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = [
        _start(HOLDER, [path], logs / "holder"),
        _start(None, ["import", path, str(folders[0]), "--ocr", "off"], logs / "import-a"),
        _start(None, ["import", path, str(folders[1]), "--ocr", "off"], logs / "import-b"),
        _start(CLI_LOOP, [path], logs / "cli"),
        _start(READER, [path], logs / "reader"),
    ]
    time.sleep(rng.uniform(1.5, 5.0))  # the imports take a few seconds
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    for proc in procs:
        proc.wait(timeout=30)
    reported = [line for name in ("holder", "cli")
                for line in (logs / f"{name}.out").read_text().splitlines()]
    errors = {p.name: p.read_text() for p in logs.glob("*.err")}
    assert not {k: e for k, e in errors.items() if "Traceback" in e or "damaged" in e
                or "locked" in e}, errors

    # Opens (not "damaged"), whole, with every write that was reported as done.
    with Case.open(case_path) as case:
        assert case.row("PRAGMA integrity_check")[0] == "ok"
        names = {a.name for a in actors.list_all(case)}
        claim_texts = {c.text for c in claims.list_all(case)}
        doc_tags = set(tags.of(case, "document", 1))
        audited = {row[0] for row in case.rows(
            "SELECT json_extract(after, '$.name') FROM audit "
            "WHERE table_name = 'actors' AND operation = 'insert'")}
        audited_claims = {row[0] for row in case.rows(
            "SELECT json_extract(after, '$.text') FROM audit "
            "WHERE table_name = 'claims' AND operation = 'insert'")}
    done_actors = {line.split(" ", 1)[1] for line in reported if line.startswith("actor ")}
    done_claims = {line.split(" ", 1)[1] for line in reported if line.startswith("claim ")}
    done_tags = {line.split(" ", 1)[1] for line in reported if line.startswith("tag ")}
    assert done_actors, "the loops got to write something before the kill"
    assert done_actors <= names and done_actors <= audited
    assert done_claims <= claim_texts and done_claims <= audited_claims
    assert done_tags <= doc_tags

    # Running the imports again completes whatever the kill cut short.
    for folder in folders:
        run = subprocess.run([sys.executable, "-m", "workbench", "import", path,
                              str(folder), "--ocr", "off"], capture_output=True,
                             text=True, cwd=ROOT, timeout=300)
        assert run.returncode == 0, run.stderr
    with Case.open(case_path) as case:
        stored = {r[0] for r in case.rows("SELECT file_name FROM document_names")}
        expected = {p.name for f in folders for p in f.iterdir()}
        assert expected <= stored
        for (email_id,) in case.rows("SELECT id FROM documents WHERE kind = 'email'"):
            children = case.row("SELECT count(*) FROM documents WHERE parent_id = ?",
                                (email_id,))[0]
            assert children == ATTACHMENTS, f"email {email_id} has {children} attachments"
        assert case.row("PRAGMA integrity_check")[0] == "ok"
    hits = subprocess.run([sys.executable, "-m", "workbench", "search", path, "transfer",
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert hits.returncode == 0, hits.stderr
    assert json.loads(hits.stdout)["total"] > 0
