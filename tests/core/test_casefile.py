"""Creating, opening, refusing and migrating case files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from workbench.core import schema
from workbench.core.casefile import Case, inspect
from workbench.core.errors import CaseFileError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(path: Path, reason_part: str) -> None:
    before = digest(path)
    with pytest.raises(CaseFileError) as info:
        Case.open(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert reason_part in message
    assert digest(path) == before, "a refused file must stay byte-for-byte unchanged"


def test_new_case_has_schema_version_application_id_and_title(tmp_path):
    path = tmp_path / "new.wbcase"
    with Case.create(path, title="  Plates  ") as case:
        info = case.info
        assert info.title == "Plates"
        assert info.schema_version == schema.SCHEMA_VERSION
        assert len(info.case_id) == 36
        assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert case.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    raw.close()


def test_create_refuses_an_existing_file_and_an_empty_title(tmp_path):
    path = tmp_path / "x.wbcase"
    path.write_bytes(b"keep me")
    with pytest.raises(CaseFileError, match="already exists"):
        Case.create(path, title="T")
    assert path.read_bytes() == b"keep me"
    with pytest.raises(CaseFileError, match="title"):
        Case.create(tmp_path / "y.wbcase", title="  ")
    assert not (tmp_path / "y.wbcase").exists()


def test_case_survives_close_and_reopen(case_path):
    with Case.open(case_path) as case:
        case.set_title("Renamed")
    with Case.open(case_path) as case:
        assert case.info.title == "Renamed"
    # Closing checkpoints the write-ahead log: the case is one file again.
    assert not Path(f"{case_path}-wal").exists() or Path(f"{case_path}-wal").stat().st_size == 0


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(CaseFileError, match="no such file"):
        Case.open(tmp_path / "nope.wbcase")
    assert not (tmp_path / "nope.wbcase").exists(), "opening must not create a file"
    with pytest.raises(CaseFileError, match="folder"):
        Case.open(tmp_path)


def test_empty_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "empty.wbcase"
    path.write_bytes(b"")
    assert_refused(path, "empty")


def test_non_sqlite_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.wbcase"
    path.write_bytes(b"%PDF-1.4 this is not a database\n" * 50)
    assert_refused(path, "not an SQLite database")


def test_foreign_sqlite_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO things (name) VALUES ('x')")
    conn.commit()
    conn.close()
    assert_refused(path, "not a Workbench case file")


def test_empty_sqlite_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "blank.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()
    assert_refused(path, "not a case file")


def test_newer_version_is_refused_unchanged(sample_path):
    conn = sqlite3.connect(sample_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    assert_refused(sample_path, "newer Workbench")


def test_truncated_file_is_refused_unchanged(sample_path):
    data = sample_path.read_bytes()
    sample_path.write_bytes(data[: len(data) // 2])
    assert_refused(sample_path, "damaged")


def test_truncated_header_is_refused_unchanged(tmp_path, sample_template):
    path = tmp_path / "cut.wbcase"
    path.write_bytes(sample_template.read_bytes()[:60])
    assert_refused(path, "damaged")


def test_corrupted_pages_are_refused_unchanged(sample_path):
    data = bytearray(sample_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Overwrite the second page (a b-tree page of sqlite_master's tables) with noise.
    data[page_size: page_size * 2] = bytes((i * 7) % 251 for i in range(page_size))
    sample_path.write_bytes(bytes(data))
    assert_refused(sample_path, "damaged")


def test_migration_ladder_from_an_empty_file(tmp_path):
    path = tmp_path / "bare.wbcase"
    conn = sqlite3.connect(path)
    reached = schema.migrate(conn)
    assert reached == list(range(1, schema.SCHEMA_VERSION + 1))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert schema.migrate(conn) == []
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "pages", "blobs", "emails", "excerpts", "actors", "actor_aliases",
            "statements", "claims", "claim_actors", "evidence", "verdicts", "findings",
            "citations", "tags", "taggings", "audit", "actions", "imports",
            "import_items", "case_info", "document_names"} <= tables
    conn.close()


def test_failed_migration_step_leaves_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "bare.wbcase"
    conn = sqlite3.connect(path, isolation_level=None)

    def broken(c):
        c.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("step failed")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    with pytest.raises(sqlite3.OperationalError):
        schema.migrate(conn, target=2)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'"
                        ).fetchone()[0] == 0
    conn.close()


def test_file_from_release_0_1_opens(tmp_path):
    """A case file written by release 0.1 (schema 1) is kept in tests/migrations/."""
    fixture = Path(__file__).parents[1] / "migrations" / "v1-release-0.1.wbcase"
    path = tmp_path / "old.wbcase"
    path.write_bytes(fixture.read_bytes())
    assert inspect(path) == 1
    with Case.open(path) as case:
        assert case.info.schema_version == schema.SCHEMA_VERSION
        assert case.info.title == "Release 0.1 fixture"
        assert case.row("SELECT count(*) FROM excerpts")[0] == 1


def test_backup_is_a_consistent_standalone_copy(sample_case, tmp_path):
    dest = sample_case.backup(tmp_path / "copy.wbcase")
    with Case.open(dest) as copy:
        assert copy.info.case_id == sample_case.info.case_id
        assert copy.row("SELECT count(*) FROM documents")[0] == 8
    with pytest.raises(CaseFileError):
        sample_case.backup(sample_case.path)


def test_sqlite3_shell_reads_the_tables(sample_path):
    import shutil
    import subprocess

    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 shell is not installed")
    out = subprocess.run(["sqlite3", "-readonly", str(sample_path),
                          "SELECT title FROM documents ORDER BY id LIMIT 1;"],
                         capture_output=True, text=True, check=True).stdout
    assert "Records release cover letter" in out


def test_every_page_of_an_added_document_has_its_own_audit_row(tmp_path):
    import json

    from workbench.core import documents
    with Case.create(tmp_path / "a.wbcase", title="Audit") as case:
        changes = documents.add(case, data=b"three pages", title="Letter", kind="text",
                                pages=["one", "two é", "three"])
        pages = case.rows("SELECT id, page_no FROM pages WHERE document_id = ? "
                          "ORDER BY page_no", (changes.id,))
        audit = case.rows("SELECT * FROM audit WHERE table_name = 'pages' ORDER BY id")
        assert [a["row_id"] for a in audit] == [str(p["id"]) for p in pages]
        assert {a["action_id"] for a in audit} == {changes.action_id}
        assert all(a["operation"] == "insert" and a["before"] is None for a in audit)
        after = json.loads(audit[1]["after"])
        assert after == {"id": pages[1]["id"], "document_id": changes.id, "page_no": 2,
                         "text": {"bytes": len("two é".encode())}, "ocr": "none",
                         "ocr_confidence": None}


def test_a_large_case_opens_without_reading_every_page_and_verifies_on_demand(
        sample_path, monkeypatch):
    """Above QUICK_CHECK_LIMIT the open-time check does not grow with the file: damage
    deep in the data is found by Case.verify (``workbench info --verify``), while a
    cut-off file is still refused at once."""
    from workbench.core import casefile

    data = bytearray(sample_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    last = len(data) - page_size  # a data or index page, not the schema
    data[last:] = bytes((i * 13) % 251 for i in range(page_size))
    sample_path.write_bytes(bytes(data))
    assert_refused(sample_path, "damaged")  # small: quick_check at open finds it
    monkeypatch.setattr(casefile, "QUICK_CHECK_LIMIT", 0)
    with Case.open(sample_path) as case:
        problems = case.verify()
    assert problems and all("\n" not in p for p in problems)
    cut = sample_path.with_name("cut.wbcase")
    cut.write_bytes(bytes(data[: len(data) // 2]))
    assert_refused(cut, "damaged")


def test_info_verify_reports_damage_and_exits_1(sample_path, run_cli, monkeypatch):
    from workbench.core import casefile

    ok = run_cli("info", sample_path, "--verify")
    assert ok.exit_code == 0 and "ok (every page checked)" in ok.output
    data = bytearray(sample_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[len(data) - page_size:] = bytes((i * 13) % 251 for i in range(page_size))
    sample_path.write_bytes(bytes(data))
    monkeypatch.setattr(casefile, "QUICK_CHECK_LIMIT", 0)  # as for a large case
    damaged = run_cli("info", sample_path, "--verify")
    assert damaged.exit_code == 1
    line = [x for x in damaged.output.splitlines() if x.startswith("Integrity")][0]
    assert "ok" not in line.split(None, 1)[1][:3]
def test_reading_an_actions_audit_rows_uses_an_index(tmp_path):
    """Every action's audit rows are read back by action id as it commits (the search
    index follows the case): an index, not a scan of the whole log."""
    with Case.create(tmp_path / "plan.wbcase", title="Plan") as case:
        plan = " ".join(str(r[-1]) for r in case.rows(
            "EXPLAIN QUERY PLAN SELECT table_name, row_id, before, after FROM audit "
            "WHERE action_id = ?", (1,)))
    assert "USING INDEX audit_action" in plan, plan
