"""Issue 12, point 4: an import resumes what it started.

``python -m workbench import`` runs in a subprocess on a folder holding an email with
attachments (a long PDF among them), a zip and a mailbox, and is killed with SIGKILL:
once exactly while an email's attachments are being stored, and at random points for
several seeds. A re-run must leave every attachment stored under its email, every member
and message stored, no email marked unfinished, and its report must say what it
completed.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest

from tests.core.import_files import pdf_bytes, write, zip_bytes
from workbench.core import documents
from workbench.core.casefile import Case


def _email(tag: str, pages: int) -> tuple[bytes, list[bytes]]:
    msg = EmailMessage()
    msg["From"], msg["To"] = "agent@example.gov", "detective@example.org"
    msg["Subject"], msg["Message-ID"] = f"Plate search {tag}", f"<{tag}@example.gov>"
    msg.set_content(f"Please run the plate ({tag}).")
    attachments = [f"notes for {tag}".encode(),
                   pdf_bytes([[f"{tag} page {n}", "Plate 7XKD-214"] for n in range(pages)]),
                   f"second note for {tag}".encode()]
    msg.add_attachment(attachments[0], maintype="text", subtype="plain",
                       filename=f"notes-{tag}.txt")
    msg.add_attachment(attachments[1], maintype="application", subtype="pdf",
                       filename=f"scan-{tag}.pdf")
    msg.add_attachment(attachments[2], maintype="text", subtype="plain",
                       filename=f"more-{tag}.txt")
    return msg.as_bytes(), attachments


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The folder, and the bytes that must end up stored (by email, and loose)."""
    folder = tmp_path_factory.mktemp("release")
    mails: dict[bytes, list[bytes]] = {}
    for tag, pages in (("a", 400), ("b", 60)):
        data, attachments = _email(tag, pages)
        write(folder / f"mail-{tag}.eml", data)
        mails[data] = attachments
    members = {f"member-{n}.txt": f"zip member {n}".encode() for n in range(6)}
    write(folder / "bundle.zip", zip_bytes(members))
    box = b"".join(b"From x@example.org Thu Mar 14 09:1%d:00 2019\nSubject: m%d\n\n"
                   b"message %d\n\n" % (n, n, n) for n in range(4))
    write(folder / "export.mbox", box)
    return folder, mails, list(members.values())


def _import(case_path, folder) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workbench", "import", str(case_path),
                             str(folder), "--ocr", "off"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _count(case_path, table: str, where: str = "1") -> int:
    try:
        conn = sqlite3.connect(f"file:{case_path}?mode=ro", uri=True, timeout=0.2)
        try:
            return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # being written or checkpointed this instant
        return 0


def _pending(case_path) -> int:
    return _count(case_path, "import_pending")


def _rerun_and_check(case_path, folder, mails, members, *, was_pending: int) -> str:
    # The killed import stored something and never finished.
    unfinished = (_count(case_path, "documents")
                  and _count(case_path, "imports", "finished_at IS NULL"))
    run = subprocess.run([sys.executable, "-m", "workbench", "import", str(case_path),
                          str(folder), "--ocr", "off"], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert "internal error" not in run.stderr
    with Case.open(case_path) as case:
        assert case.row("PRAGMA integrity_check")[0] == "ok"
        assert case.row("SELECT count(*) FROM import_pending")[0] == 0
        for email_bytes, attachments in mails.items():
            email_id = documents.find_by_sha256(case, hashlib.sha256(email_bytes).hexdigest())
            assert email_id is not None
            for blob in attachments:
                doc_id = documents.find_by_sha256(case, hashlib.sha256(blob).hexdigest())
                assert doc_id is not None, "an attachment was lost"
                assert documents.get(case, doc_id).parent_id == email_id
        for blob in members:
            assert documents.find_by_sha256(case, hashlib.sha256(blob).hexdigest())
        subjects = {d.title for d in documents.list_all(case)}
        assert {"m0", "m1", "m2", "m3"} <= subjects
    if was_pending:
        assert "completed what import 1 left unfinished" in run.stdout, run.stdout
    if unfinished:
        assert "This import finished what import 1 began (it was interrupted)" in \
            run.stdout, run.stdout
    return run.stdout


@pytest.mark.slow
def test_a_kill_while_an_emails_attachments_are_stored_is_finished_by_the_rerun(
        release, tmp_path):
    folder, mails, members = release
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Resume").close()
    proc = _import(case_path, folder)
    deadline = time.monotonic() + 120
    caught = 0
    while proc.poll() is None and time.monotonic() < deadline:
        caught = _pending(case_path)
        if caught:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=60)
    assert caught, "the import ended before an email's attachments were seen pending"
    out = _rerun_and_check(case_path, folder, mails, members, was_pending=caught)
    assert "attachment(s) added" in out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_kills_at_random_points_lose_no_attachment(release, tmp_path, seed):
    folder, mails, members = release
    case_path = tmp_path / "case.wbcase"
    Case.create(case_path, title="Resume").close()
    rng = random.Random(seed)
    proc = _import(case_path, folder)
    time.sleep(rng.uniform(0.3, 1.2))  # the whole import takes about a second here
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    _rerun_and_check(case_path, folder, mails, members, was_pending=_pending(case_path))
