"""The case file under concurrency, crashes and read-only storage (issue 12).

Every test here uses real processes on one real case file: a second connection in the
same process, ``python -m workbench`` commands in subprocesses, children killed with
SIGKILL or ``os._exit`` (no clean close, as when a laptop crashes).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.core import actors, claims, schema
from workbench.core.casefile import Case, open_in_this_process, sidecars
from workbench.core.errors import CaseReadOnly

ROOT = Path(__file__).resolve().parents[2]


def workbench(*args, check: bool = True, env: dict | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the command line in a real subprocess."""
    run = subprocess.run([sys.executable, "-m", "workbench", *map(str, args)],
                         capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                         env={**os.environ, **(env or {})})
    if check:
        assert run.returncode == 0, (args, run.stdout, run.stderr)
    return run


def python(code: str, *args, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a Python snippet in a real subprocess (the project importable)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def actor_names(path: Path) -> set[str]:
    with Case.open(path) as case:
        return {a.name for a in actors.list_all(case)}


def test_two_connections_a_command_between_edits_and_a_hard_kill_keep_every_edit(case_path):
    """The window's shape (a writer and a reader connection), a terminal command on
    the same case between two edits, then the process dies without closing."""
    child = python("""
        import os, subprocess, sys
        from workbench.core import actors
        from workbench.core.casefile import Case
        path = sys.argv[1]
        writer, reader = Case.open(path), Case.open(path)
        actors.add(writer, name="First edit", type="agency")
        run = subprocess.run([sys.executable, "-m", "workbench", "info", path],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        actors.add(writer, name="Second edit", type="agency")
        assert {a.name for a in actors.list_all(reader)} == {"First edit", "Second edit"}
        os._exit(0)  # no close, no checkpoint: as if the window were killed
    """, case_path)
    assert child.returncode == 0, child.stderr
    assert actor_names(case_path) == {"First edit", "Second edit"}
    with Case.open(case_path) as case:
        names = {json_name for (json_name,) in case.rows(
            "SELECT json_extract(after, '$.name') FROM audit WHERE table_name = 'actors'")}
        assert names == {"First edit", "Second edit"}
        assert case.row("PRAGMA integrity_check")[0] == "ok"


def test_the_window_process_keeps_its_wal_while_a_command_opens_and_closes(case_path):
    """No descriptor games: after a second open in this process and a command in
    another, the log this process writes is still the file's (not a deleted one)."""
    writer = Case.open(case_path)
    reader = Case.open(case_path)
    try:
        assert open_in_this_process(case_path)
        actors.add(writer, name="Before", type="agency")
        workbench("info", case_path)
        actors.add(writer, name="After", type="agency")
        fds = Path(f"/proc/{os.getpid()}/fd")
        targets = [os.readlink(fd) for fd in fds.iterdir()
                   if str(case_path) in _safe_readlink(fd)]
        assert targets, "the case is open in this process"
        assert not [t for t in targets if t.endswith("(deleted)")], targets
        # Another process sees the second edit now, before this process closes.
        other = python("""
            import sys
            from workbench.core import actors
            from workbench.core.casefile import Case
            with Case.open(sys.argv[1]) as case:
                print(sorted(a.name for a in actors.list_all(case)))
        """, case_path)
        assert other.returncode == 0, other.stderr
        assert "'After'" in other.stdout
    finally:
        reader.close()
        writer.close()
    assert not open_in_this_process(case_path)


def _safe_readlink(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""


def test_a_write_waits_for_another_process_instead_of_failing(case_path):
    """A process holding the write lock for 3 s: a command's write waits, says so on
    stderr, and succeeds once the lock is free."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sqlite3, sys, time
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep(3)
        conn.execute("COMMIT")
    """), str(case_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        run = workbench("actor", "add", case_path, "Waited Agency", "--type", "agency")
        assert time.monotonic() - started >= 1.5
        assert "Waiting for the case" in run.stderr
    finally:
        holder.wait(timeout=30)
    assert "Waited Agency" in actor_names(case_path)


def test_commands_in_a_loop_do_not_abort_a_running_import(case_path, tmp_path):
    """An import from one process while another runs `info` and adds claims: the
    import finishes, every command succeeds, nothing is lost."""
    folder = tmp_path / "release"
    folder.mkdir()
    for i in range(60):
        (folder / f"memo-{i:03}.txt").write_text(
            f"Memo {i}\n" + ("The county sheriff shares plate scans. " * 40) + "\n")
    importer = subprocess.Popen(
        [sys.executable, "-m", "workbench", "import", str(case_path), str(folder),
         "--ocr", "off"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT)
    added = []
    try:
        while importer.poll() is None or len(added) < 3:
            workbench("info", case_path)
            text = f"Claim number {len(added)}"
            workbench("claim", "add", case_path, text)
            added.append(text)
            if len(added) > 40:
                break
        out, err = importer.communicate(timeout=300)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert importer.returncode == 0, err
    with Case.open(case_path) as case:
        assert case.row("SELECT count(*) FROM documents")[0] == 60
        assert {c.text for c in claims.list_all(case)} == set(added)
        assert case.row("PRAGMA integrity_check")[0] == "ok"


def test_two_imports_at_once_both_finish(case_path, tmp_path):
    procs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(40):
            (folder / f"{name}-{i}.txt").write_text(f"{name} file {i} " * 200)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "workbench", "import", str(case_path), str(folder),
             "--ocr", "off"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=ROOT))
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Case.open(case_path) as case:
        assert case.row("SELECT count(*) FROM documents")[0] == 80


# -- recovery --------------------------------------------------------------------------
def test_a_killed_writer_leaves_a_case_that_opens_with_every_commit(case_path):
    child = python("""
        import os, sys
        from workbench.core import actors
        from workbench.core.casefile import Case
        case = Case.open(sys.argv[1])
        for i in range(50):
            actors.add(case, name=f"Agency {i}", type="agency")
        os._exit(0)
    """, case_path)
    assert child.returncode == 0, child.stderr
    assert Path(f"{case_path}-wal").exists()
    assert len(actor_names(case_path)) == 50


def _wal_frames(wal: Path) -> tuple[int, list[tuple[int, int]]]:
    """(page size, [(page number, offset of the page's bytes)]) of a WAL file."""
    data = wal.read_bytes()
    page_size = int.from_bytes(data[8:12], "big")
    frames, at = [], 32
    while at + 24 + page_size <= len(data):
        frames.append((int.from_bytes(data[at:at + 4], "big"), at + 24))
        at += 24 + page_size
    return page_size, frames


def test_a_checkpoint_cut_short_by_a_full_disk_is_recovered_not_refused(case_path):
    """A full disk during a checkpoint: page 1 (which gives the new page count) reached
    the file, later pages did not. The newest commits are in the -wal; the case must
    open with all of them and be whole again afterwards."""
    child = python("""
        import os, sys
        from workbench.core import actors
        from workbench.core.casefile import Case
        case = Case.open(sys.argv[1])
        case.conn.execute("PRAGMA wal_autocheckpoint = 0")  # all new pages stay in the log
        for i in range(300):
            actors.add(case, name=f"Agency {i} " + "x" * 200, type="agency")
        os._exit(0)
    """, case_path)
    assert child.returncode == 0, child.stderr
    wal = Path(f"{case_path}-wal")
    page_size, frames = _wal_frames(wal)
    firsts = [offset for pgno, offset in frames if pgno == 1]
    assert firsts, "the log holds a newer first page"
    with wal.open("rb") as fh:
        fh.seek(firsts[-1])
        page_one = fh.read(page_size)
    with case_path.open("r+b") as fh:
        fh.write(page_one)  # what a checkpoint writes first, before the disk filled
    claimed = int.from_bytes(page_one[28:32], "big") * page_size
    assert case_path.stat().st_size < claimed, "the file now looks truncated"
    assert len(actor_names(case_path)) == 300  # opened, read through the log
    with Case.open(case_path) as case:
        assert case.row("PRAGMA integrity_check")[0] == "ok"
    assert not wal.exists() or wal.stat().st_size == 0
    assert case_path.stat().st_size >= claimed  # the last close folded the log in


def test_a_hot_rollback_journal_is_recovered_with_a_copy_kept(case_path):
    """A crash in the old journal mode (the first open of an old case migrates it and
    switches it to WAL) leaves a hot journal: the case opens, rolled back, and a copy
    of the file with its journal is kept beside it."""
    with Case.open(case_path) as case:
        actors.add(case, name="Kept", type="agency")
    child = python("""
        import os, sqlite3, sys
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA cache_size = 2")  # spill changed pages into the file
        conn.execute("BEGIN IMMEDIATE")
        for i in range(400):
            conn.execute("INSERT INTO case_info (key, value) VALUES (?, ?)",
                         (f"junk{i}", "y" * 2000))
        os._exit(0)  # dies mid-transaction
    """, case_path)
    assert child.returncode == 0, child.stderr
    journal = Path(f"{case_path}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    with Case.open(case_path) as case:
        assert case.row("SELECT count(*) FROM case_info WHERE key LIKE 'junk%'")[0] == 0
        assert {a.name for a in actors.list_all(case)} == {"Kept"}
        assert case.row("PRAGMA integrity_check")[0] == "ok"
    copies = list(case_path.parent.glob(f"{case_path.name}.before-recovery-*.bak"))
    assert len(copies) == 1
    assert Path(f"{copies[0]}-journal").exists()


# -- read-only storage -----------------------------------------------------------------
def test_a_case_opened_read_only_reads_refuses_writes_and_leaves_nothing(case_path):
    with Case.open(case_path) as case:
        actors.add(case, name="Readable", type="agency")
    with Case.open(case_path, read_only=True) as case:
        assert case.read_only
        assert {a.name for a in actors.list_all(case)} == {"Readable"}
        with pytest.raises(CaseReadOnly, match="read-only"):
            actors.add(case, name="Refused", type="agency")
    assert actor_names(case_path) == {"Readable"}


def _as_nobody(code: str, *args) -> subprocess.CompletedProcess:
    """Run a snippet without the power to ignore file permissions.

    As root, the snippet runs without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so a
    read-only file or folder is read-only to it, as to any user.
    """
    cmd = [sys.executable, "-c", textwrap.dedent(code), *map(str, args)]
    if os.geteuid() == 0:
        drop = "-dac_override,-dac_read_search"
        cmd = ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_file_or_folder_opens_for_reading(tmp_path, what):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "case.wbcase"
    with Case.create(path, title="Read-only case") as case:
        actors.add(case, name="Visible", type="agency")
    os.chmod(path, 0o444 if what == "file" else 0o644)
    os.chmod(folder, 0o555 if what == "folder" else 0o777)
    try:
        before = sorted(p.name for p in folder.iterdir())
        run = _as_nobody("""
            import subprocess, sys
            from workbench.core import actors
            from workbench.core.casefile import Case
            from workbench.core.errors import CaseReadOnly
            with Case.open(sys.argv[1]) as case:
                print("read-only:", case.read_only, case.read_only_why)
                print("actors:", [a.name for a in actors.list_all(case)])
                try:
                    actors.add(case, name="Nope", type="agency")
                except CaseReadOnly as exc:
                    print("refused:", exc)
            info = subprocess.run([sys.executable, "-m", "workbench", "info", sys.argv[1]],
                                  capture_output=True, text=True)
            print("info exit", info.returncode, info.stdout.splitlines()[:1], info.stderr)
            add = subprocess.run([sys.executable, "-m", "workbench", "actor", "add",
                                  sys.argv[1], "Nope", "--type", "agency"],
                                 capture_output=True, text=True)
            print("add exit", add.returncode, add.stderr.strip())
        """, path)
        assert run.returncode == 0, run.stderr
        assert "read-only: True" in run.stdout
        assert "actors: ['Visible']" in run.stdout
        assert "refused:" in run.stdout and "writable folder" in run.stdout
        assert "info exit 0" in run.stdout
        add_line = [line for line in run.stdout.splitlines() if line.startswith("add exit")][0]
        assert not add_line.startswith("add exit 0") and "read-only" in add_line
        assert "damaged" not in run.stdout
        assert sorted(p.name for p in folder.iterdir()) == before, "nothing left behind"
    finally:
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
    # Made writable again, it takes edits at once (no read-only -wal/-shm left over).
    with Case.open(path) as case:
        actors.add(case, name="Writable again", type="agency")
    assert actor_names(path) == {"Visible", "Writable again"}


def test_a_case_on_a_read_only_mount_opens_for_reading(tmpfs):
    mount = tmpfs.mount("mnt", "8m")
    path = mount / "case.wbcase"
    with Case.create(path, title="On a stick") as case:
        actors.add(case, name="Mounted", type="agency")
    tmpfs.read_only(mount)
    with Case.open(path) as case:
        assert case.read_only and "read-only disk" in case.read_only_why
        assert {a.name for a in actors.list_all(case)} == {"Mounted"}
    run = workbench("info", path)
    assert "damaged" not in run.stdout + run.stderr
    refused = workbench("actor", "add", path, "X", "--type", "agency", check=False)
    assert refused.returncode != 0 and "read-only" in refused.stderr
    assert sorted(p.name for p in mount.iterdir()) == ["case.wbcase"]


def test_a_full_disk_refuses_the_write_and_keeps_the_case(tmpfs):
    """Fill a small disk: the write that does not fit fails with a clear message, no
    earlier commit is lost, and once there is room again the case opens and writes."""
    mount = tmpfs.mount("small", "3m")
    path = mount / "case.wbcase"
    Case.create(path, title="Small disk").close()
    filler = mount / "filler"
    filler.write_bytes(b"\0" * (2 * 1024 * 1024))  # leaves about 1 MB
    added = 0
    with Case.open(path) as case:
        with pytest.raises(sqlite3.OperationalError, match="full"):
            for i in range(10_000):
                actors.add(case, name=f"Agency {i} " + "z" * 400, type="agency")
                added += 1
    assert added > 10
    # Still full: the case opens and reads, with every committed write.
    with Case.open(path) as case:
        assert len(actors.list_all(case)) == added
    filler.unlink()  # room again
    with Case.open(path) as case:
        assert case.row("PRAGMA integrity_check")[0] == "ok"
        actors.add(case, name="After the disk was freed", type="agency")
    assert len(actor_names(path)) == added + 1


def test_sidecars_are_named_for_the_case(case_path):
    assert [p.name for p in sidecars(case_path)] == [
        "case.wbcase-wal", "case.wbcase-shm", "case.wbcase-journal"]


# -- the search index, kept by more than one process ----------------------------------
def test_an_index_updated_by_one_process_includes_what_another_wrote(case_path, tmp_path):
    """Process A keeps the index in step with its own edits; a terminal command adds a
    claim meanwhile. After A's next edit the index must hold both claims: it may not
    record a revision that includes the command's write without indexing it."""
    env = {"WORKBENCH_INDEX_DIR": str(tmp_path / "index")}
    workbench("search", case_path, "anything", env=env)  # builds the index
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys
        from workbench.core import claims
        from workbench.core.casefile import Case
        from workbench.core.search import CaseIndex
        case = Case.open(sys.argv[1])
        index = CaseIndex(case)
        index.ensure()
        case.add_listener(index.apply)
        print("ready", flush=True)
        sys.stdin.readline()  # the terminal command runs now
        claims.add(case, "The yak herders deny everything")
        index.close()
        case.close()
        print("done", flush=True)
    """), str(case_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=ROOT, env={**os.environ, **env})
    try:
        assert holder.stdout.readline().strip() == "ready"
        workbench("claim", "add", case_path, "Zebra crossings were never painted", env=env)
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "done"
    finally:
        holder.wait(timeout=60)
    for word in ("zebra", "yak"):
        run = workbench("search", case_path, word, "--json", env=env)
        assert json.loads(run.stdout)["total"] == 1, (word, run.stdout)


def test_importing_the_folder_that_holds_the_case_skips_the_case_itself(tmp_path):
    """The case (and its -wal) in the imported folder is named and skipped, never read
    as a source (reading it outside SQLite would drop the importer's own locks)."""
    folder = tmp_path / "work"
    folder.mkdir()
    case_path = folder / "case.wbcase"
    Case.create(case_path, title="In its own folder").close()
    (folder / "memo.txt").write_text("A memo about plate scans.")
    holder = Case.open(case_path)  # keeps a -wal beside the case during the import
    try:
        actors.add(holder, name="Held", type="agency")
        run = workbench("import", case_path, folder, "--ocr", "off")
    finally:
        holder.close()
    assert "never imported into itself" in run.stdout
    with Case.open(case_path) as case:
        names = {r[0] for r in case.rows("SELECT file_name FROM document_names")}
        assert names == {"memo.txt"}
        assert {a.name for a in actors.list_all(case)} == {"Held"}


def test_a_crash_during_the_upgrade_of_an_old_case_leaves_it_openable(tmp_path):
    """The first open of a release-0.1 case migrates it; the process dies half-way
    through a step. The next open finds the file as it was (the step rolled back),
    upgrades it and keeps every record."""
    fixture = ROOT / "tests" / "migrations" / "v1-release-0.1.wbcase"
    path = tmp_path / "old.wbcase"
    path.write_bytes(fixture.read_bytes())
    child = python("""
        import os, sys
        from workbench.core import schema
        from workbench.core.casefile import Case
        real = schema.MIGRATIONS[1]
        def dying(conn):
            real(conn)  # the step's work is done, not yet committed ...
            conn.execute("PRAGMA cache_size = 1")
            os._exit(0)  # ... when the laptop dies
        schema.MIGRATIONS[1] = dying
        Case.open(sys.argv[1])
    """, path)
    assert child.returncode == 0, child.stderr
    with Case.open(path) as case:
        assert case.info.schema_version == schema.SCHEMA_VERSION
        assert case.info.title == "Release 0.1 fixture"
        assert case.row("SELECT count(*) FROM excerpts")[0] == 1
        assert case.row("PRAGMA integrity_check")[0] == "ok"
