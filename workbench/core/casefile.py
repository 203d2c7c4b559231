"""The case file: one SQLite file holding one investigation.

:class:`Case` opens, creates and migrates a file and runs every user action as one
transaction (:meth:`Case.action`), nested work in savepoints. Each write made through an
:class:`Action` is appended to the audit log and reported in the action's
:class:`~workbench.core.changes.Changes`.

Opening never changes a file it refuses: every check runs on a read-only connection
before the file is opened for writing.

Threading: a :class:`Case` may be used from any one thread at a time; the window gives
it to a single worker thread for writes (see ``workbench.ui``).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import struct
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote as urlquote

import sqlite_utils

from workbench import __version__
from workbench.core import schema
from workbench.core.changes import ChangeCollector, Changes, Ref
from workbench.core.errors import CaseFileError, NotFound

SUFFIX = ".wbcase"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Files up to this size get a full ``PRAGMA quick_check`` when opened.
QUICK_CHECK_LIMIT = 512 * 1024 * 1024
#: Columns whose values the audit log records by size only (they can be hundreds of MB).
_AUDIT_BY_SIZE = {("blobs", "data")}
#: Columns recorded by size only when a row is inserted: page text is derived from the
#: document's bytes, and copying it into the log doubled the size and time of an import.
#: Undoing an insert needs only the row id; updates and deletes still log the full text.
_INSERT_BY_SIZE = {("pages", "text")}


def utcnow() -> str:
    """The current time as ISO 8601 UTC with seconds, e.g. ``2026-11-28T04:42:51Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class CaseInfo:
    path: str
    case_id: str
    title: str
    created_at: str
    schema_version: int
    program_version: str


def _audit_value(table: str, column: str, value: object) -> object:
    if (table, column) in _AUDIT_BY_SIZE or isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": len(value) if value is not None else 0}
    return value


def _audit_json(table: str, row: dict | None, *, inserted: bool = False) -> str | None:
    if row is None:
        return None
    clean = {k: ({"bytes": len(str(v).encode("utf-8"))}
                 if inserted and (table, k) in _INSERT_BY_SIZE and v is not None
                 else _audit_value(table, k, v))
             for k, v in row.items()}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str)


class Action:
    """One user action in progress: the writes it makes and what they changed.

    Obtain one from :meth:`Case.action`; never construct it directly. After the ``with``
    block ends, :attr:`changes` holds the frozen result.
    """

    def __init__(self, case: "Case", label: str, parent: "Action | None" = None) -> None:
        self.case = case
        self.label = label
        self.parent = parent
        self.row_id: int | None = None
        self.collector = ChangeCollector()
        self._action_id: int | None = None
        self.changes: Changes = Changes(action=label)

    # -- bookkeeping -------------------------------------------------------------
    @property
    def action_id(self) -> int:
        root = self
        while root.parent is not None:
            root = root.parent
        if root._action_id is None:
            cur = self.case.conn.execute(
                "INSERT INTO actions (label, at) VALUES (?, ?)", (root.label, utcnow()))
            root._action_id = cur.lastrowid
        return root._action_id

    def _audit(self, operation: str, table: str, row_id: object,
               before: dict | None, after: dict | None) -> None:
        self.case.conn.execute(
            "INSERT INTO audit (action_id, at, operation, table_name, row_id, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.action_id, utcnow(), operation, table, str(row_id),
             _audit_json(table, before),
             _audit_json(table, after, inserted=operation == "insert")))

    # -- writes ------------------------------------------------------------------
    def insert(self, table: str, values: dict, *, pk: str = "id") -> int | str:
        """Insert one row, audit it, and return its primary key."""
        cols = list(values)
        sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
               f"VALUES ({', '.join('?' for _ in cols)})")
        cur = self.case.conn.execute(sql, [values[c] for c in cols])
        row_id = values.get(pk, cur.lastrowid)
        after = dict(values)
        after.setdefault(pk, row_id)
        self._audit("insert", table, row_id, None, after)
        self.collector.add("created", Ref(table, row_id))
        return row_id

    def insert_many(self, table: str, rows: list[dict]) -> None:
        """Insert many rows of one shape (pages of a document); each is audited.

        The audit rows are the same as :meth:`insert` writes, one per row, but written
        in one ``executemany`` with one timestamp (the log has whole seconds anyway).
        """
        if not rows:
            return
        cols = list(rows[0])
        sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
               f"VALUES ({', '.join('?' for _ in cols)})")
        conn = self.case.conn
        execute, add, created = conn.execute, self.collector.add, "created"
        row_ids = []
        for row in rows:
            row_id = execute(sql, [row[c] for c in cols]).lastrowid
            row_ids.append(row_id)
            add(created, Ref(table, row_id))
        action_id, now = self.action_id, utcnow()
        conn.executemany(
            "INSERT INTO audit (action_id, at, operation, table_name, row_id, before, after)"
            " VALUES (?, ?, 'insert', ?, ?, NULL, ?)",
            [(action_id, now, table, str(row_id),
              _audit_json(table, {**row, "id": row.get("id", row_id)}, inserted=True))
             for row, row_id in zip(rows, row_ids)])

    def update(self, table: str, row_id: int | str, values: dict, *, pk: str = "id",
               kind: str | None = None) -> bool:
        """Change columns of one row; audit the columns that really changed.

        Returns False (and writes nothing) when no value differs.
        """
        before_row = self.case.conn.execute(
            f"SELECT * FROM [{table}] WHERE [{pk}] = ?", (row_id,)).fetchone()
        if before_row is None:
            raise NotFound(kind or table.rstrip("s"), row_id)
        changed = {k: v for k, v in values.items() if before_row[k] != v}
        if not changed:
            return False
        sets = ", ".join(f"[{c}] = ?" for c in changed)
        self.case.conn.execute(f"UPDATE [{table}] SET {sets} WHERE [{pk}] = ?",
                               [*changed.values(), row_id])
        before = {k: before_row[k] for k in changed}
        self._audit("update", table, row_id, before, changed)
        self.collector.add("updated", Ref(table, row_id))
        return True

    def delete(self, table: str, row_id: int | str, *, pk: str = "id",
               kind: str | None = None) -> dict:
        """Delete one row; the audit log keeps its last values. Returns them."""
        before_row = self.case.conn.execute(
            f"SELECT * FROM [{table}] WHERE [{pk}] = ?", (row_id,)).fetchone()
        if before_row is None:
            raise NotFound(kind or table.rstrip("s"), row_id)
        self.case.conn.execute(f"DELETE FROM [{table}] WHERE [{pk}] = ?", (row_id,))
        before = dict(before_row)
        self._audit("delete", table, row_id, before, None)
        self.collector.add("deleted", Ref(table, row_id))
        return before

    def touch(self, table: str, row_id: int) -> None:
        """Report a row as updated without writing it (a child row changed)."""
        self.collector.add("updated", Ref(table, row_id))


class Case:
    """An open case file. Use :meth:`create` or :meth:`open`, then :meth:`close`."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._current: Action | None = None
        self._listeners: list[Callable[[Changes], None]] = []
        self._lock = threading.RLock()

    # -- opening -----------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, *, title: str) -> "Case":
        """Create a new, empty case file at ``path`` (which must not exist)."""
        path = Path(path)
        if not title.strip():
            raise CaseFileError(path, "a case needs a title")
        if path.exists():
            raise CaseFileError(path, "a file with this name already exists")
        if not path.parent.is_dir():
            raise CaseFileError(path, f"folder {path.parent} does not exist")
        try:
            conn = _connect(path)
            schema.migrate(conn)
            now = utcnow()
            with conn:
                conn.executemany("INSERT INTO case_info (key, value) VALUES (?, ?)", [
                    ("application", "workbench"), ("case_id", str(uuid.uuid4())),
                    ("title", title.strip()), ("created_at", now),
                    ("program_version", __version__)])
        except Exception as exc:
            with contextlib.suppress(Exception):
                conn.close()
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
            raise CaseFileError(path, f"could not be created: {exc}") from exc
        case = cls(path, conn)
        case._configure()
        return case

    @classmethod
    def open(cls, path: str | Path) -> "Case":
        """Open an existing case file, migrating it forward if it is older.

        Raises :class:`CaseFileError` (file unchanged) when the file is missing, not
        SQLite, not a case file, damaged, or written by a newer Workbench.
        """
        path = Path(path)
        version = inspect(path)
        conn = _connect(path)
        try:
            if version < schema.SCHEMA_VERSION:
                if version > 0:
                    backup = path.with_name(f"{path.name}.v{version}.bak")
                    conn.close()
                    shutil.copy2(path, backup)
                    conn = _connect(path)
                schema.migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise CaseFileError(path, f"could not be upgraded: {exc}") from exc
        case = cls(path, conn)
        case._configure()
        return case

    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 5000")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.enable_wal()
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        """Checkpoint the write-ahead log into the file and close it."""
        if self.conn is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        self.conn = None  # type: ignore[assignment]

    def __enter__(self) -> "Case":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- facts -------------------------------------------------------------------
    @property
    def info(self) -> CaseInfo:
        rows = dict(self.conn.execute("SELECT key, value FROM case_info").fetchall())
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return CaseInfo(path=str(self.path), case_id=rows.get("case_id", ""),
                        title=rows.get("title", ""), created_at=rows.get("created_at", ""),
                        schema_version=version,
                        program_version=rows.get("program_version", ""))

    @property
    def revision(self) -> int:
        """Grows with every committed write (the newest audit row's id)."""
        row = self.conn.execute("SELECT max(id) FROM audit").fetchone()
        return row[0] or 0

    def set_title(self, title: str) -> Changes:
        if not title.strip():
            raise CaseFileError(self.path, "a case needs a title")
        with self.action("Rename case") as act:
            act.update("case_info", "title", {"value": title.strip()}, pk="key")
        return act.changes

    # -- transactions ------------------------------------------------------------
    @contextlib.contextmanager
    def action(self, label: str) -> Iterator[Action]:
        """Run one user action as one transaction (a savepoint when nested).

        Listeners added with :meth:`add_listener` hear the action's changes after the
        outermost transaction commits; nothing is reported for a rolled-back action.
        """
        with self._lock:
            outer = self._current
            act = Action(self, label, parent=outer)
            self._current = act
            try:
                with self.db.atomic():
                    yield act
            finally:
                self._current = outer
            if outer is not None:
                outer.collector.merge(act.collector)
                act.changes = act.collector.freeze(label, act.row_id, None)
                return
            act.changes = act.collector.freeze(label, act.row_id, act._action_id)
        if not act.changes.empty:
            for listener in list(self._listeners):
                listener(act.changes)

    def add_listener(self, listener: Callable[[Changes], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Changes], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def backup(self, destination: str | Path) -> Path:
        """Write a consistent copy of the case to ``destination`` (safe while open)."""
        destination = Path(destination)
        if destination.resolve() == self.path.resolve():
            raise CaseFileError(destination, "a copy cannot replace the open case file")
        tmp = destination.with_name(destination.name + ".partial")
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            self.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        tmp.replace(destination)
        return destination

    # -- helpers for the modules of core -------------------------------------------
    def row(self, sql: str, params: tuple | list = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def rows(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def inspect(path: str | Path) -> int:
    """Check that ``path`` is a case file this program can open; return its version.

    Reads only; raises :class:`CaseFileError` with the reason otherwise.
    """
    path = Path(path)
    if not path.exists():
        raise CaseFileError(path, "no such file")
    if path.is_dir():
        raise CaseFileError(path, "is a folder, not a case file")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise CaseFileError(path, f"cannot be read ({exc.strerror})") from exc
    if size == 0:
        raise CaseFileError(path, "is empty, not a case file")
    if not header.startswith(_SQLITE_MAGIC):
        raise CaseFileError(path, "is not a case file (not an SQLite database)")
    if len(header) < 100:
        raise CaseFileError(path, "is damaged (truncated SQLite header)")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, db_pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if change_counter == valid_for and db_pages and size < db_pages * page_size:
        raise CaseFileError(
            path, f"is damaged (truncated: {size} of {db_pages * page_size} bytes)")
    uri = f"file:{urlquote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise CaseFileError(path, f"cannot be opened ({exc})") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id != schema.APPLICATION_ID:
            if app_id == 0 and not tables and version == 0:
                raise CaseFileError(path, "is an empty SQLite database, not a case file")
            raise CaseFileError(path, "is an SQLite database but not a Workbench case file")
        if version > schema.SCHEMA_VERSION:
            raise CaseFileError(
                path, f"was written by a newer Workbench (case file version {version}; "
                      f"this program reads up to {schema.SCHEMA_VERSION})")
        if "case_info" not in tables:
            raise CaseFileError(path, "is damaged (the case_info table is missing)")
        if size <= QUICK_CHECK_LIMIT:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise CaseFileError(path, f"is damaged ({problems[0]})")
    except sqlite3.DatabaseError as exc:
        raise CaseFileError(path, f"is damaged ({exc})") from exc
    finally:
        conn.close()
    return version
