"""The case file: one SQLite file holding one investigation.

:class:`Case` opens, creates and migrates a file and runs every user action as one
transaction (:meth:`Case.action`), nested work in savepoints. Each write made through an
:class:`Action` is appended to the audit log and reported in the action's
:class:`~workbench.core.changes.Changes`.

Opening never changes a file it refuses, and never touches the file behind SQLite's back:
closing any descriptor of a database file drops every POSIX lock the process holds on it
(SQLite's "How To Corrupt An SQLite Database File", 2.2), after which another process may
delete a write-ahead log this process is still writing to. So every check of a case file
reads it through SQLite; the only raw reads (sniffing why SQLite refused a file, copying
a file with a hot journal before SQLite recovers it) happen while no connection of this
process has the file open (see :func:`open_in_this_process`).

Concurrency (the policy the README states): any number of processes and connections may
have a case open. A write starts with ``BEGIN IMMEDIATE``, so it takes the write lock
before it reads and never fails half-way for want of it; while another connection holds
the lock it waits, calling :attr:`Case.on_wait` so that a person sees "waiting for the
case", for up to :data:`WRITE_WAIT_LIMIT` seconds. Nobody forces a checkpoint: SQLite
checkpoints as the log grows, and the last connection to close folds the log into the
file and deletes it.

A case on read-only storage (the file, its folder or the mount) opens read-only: it can
be read and searched, creates no files beside it, and a write is refused with one line.

Threading: a :class:`Case` may be used from any one thread at a time; the window gives
it to a single worker thread for writes (see ``workbench.ui``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, overload
from urllib.parse import quote as urlquote

import sqlite_utils

from workbench import __version__
from workbench.core import schema
from workbench.core.changes import ChangeCollector, Changes, Ref
from workbench.core.errors import (CaseBusy, CaseFileError, CaseReadOnly, NotFound,
                                   ValidationError)

SUFFIX = ".wbcase"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Files up to this size get SQLite's ``PRAGMA quick_check`` when opened (about 0.1 s
#: at this size). It reads the whole file, so a larger case gets only the checks that
#: do not grow with it (its header, schema and length); :meth:`Case.verify` (``workbench
#: info --verify``) checks every page on demand.
QUICK_CHECK_LIMIT = 32 * 1024 * 1024
#: How long one attempt to take the write lock waits (SQLite's busy timeout), in ms.
BUSY_TIMEOUT_MS = 1000
#: How long a write waits in all for another connection's write to end, in seconds.
WRITE_WAIT_LIMIT = 600.0
#: Columns whose values the audit log records by size only (they can be hundreds of MB).
_AUDIT_BY_SIZE = {("blobs", "data")}
#: Columns recorded by size only when a row is inserted: page text is derived from the
#: document's bytes, and copying it into the log doubled the size and time of an import.
#: Undoing an insert needs only the row id; updates and deletes still log the full text.
_INSERT_BY_SIZE = {("pages", "text")}
#: Bytes written at a time by :meth:`Action.insert_streamed`.
_BLOB_PIECE = 4 * 1024 * 1024


#: Rows :meth:`Action.insert_many` inserts and audits together.
_ROWS_AT_ONCE = 256


class _Size:
    """Stands for bytes not in memory, in the audit log (which records their size)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size


def _batches(rows: Iterable[dict], n: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


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


def _audit_value(table: str, column: str, value: Any) -> object:
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
    @overload
    def insert(self, table: str, values: dict) -> int: ...
    @overload
    def insert(self, table: str, values: dict, *, pk: str) -> int | str: ...

    def insert(self, table: str, values: dict, *, pk: str = "id") -> int | str:
        """Insert one row, audit it, and return its primary key (the new rowid, unless
        ``values`` holds it)."""
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

    def insert_streamed(self, table: str, values: dict, *, column: str,
                        data: bytes | Any, size: int | None = None,
                        pk: str = "id") -> int | str:
        """Insert one row whose ``column`` holds ``data`` (a file's original bytes),
        writing them into SQLite in pieces: binding hundreds of MB as one parameter made
        SQLite keep a second copy of them in memory. ``data`` may also be a binary file
        (anything with ``read(n)``) holding ``size`` bytes, read a piece at a time.
        Audited like :meth:`insert` (the bytes by their size)."""
        cols = [*values, column]
        sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
               f"VALUES ({', '.join('?' for _ in values)}, zeroblob(?))")
        if size is None:
            size = len(data)
        cur = self.case.conn.execute(sql, [*values.values(), size])
        if size:
            with self.case.conn.blobopen(table, column, cur.lastrowid) as blob:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    view = memoryview(data)
                    for start in range(0, len(view), _BLOB_PIECE):
                        blob.write(view[start:start + _BLOB_PIECE])
                else:
                    written = 0
                    while written < size:
                        piece = data.read(min(_BLOB_PIECE, size - written))
                        if not piece:
                            raise ValueError(f"{size - written} bytes short of {size}")
                        blob.write(piece)
                        written += len(piece)
                    if data.read(1):
                        raise ValueError(f"more than the {size} bytes expected")
        row_id = values.get(pk, cur.lastrowid)
        self._audit("insert", table, row_id, None,
                    {**values, column: _Size(size), pk: row_id})
        self.collector.add("created", Ref(table, row_id))
        return row_id

    def insert_many(self, table: str, rows: Iterable[dict]) -> int:
        """Insert many rows of one shape (pages of a document); each is audited.
        Returns how many.

        The audit rows are the same as :meth:`insert` writes, one per row, but written
        in one ``executemany`` for every :data:`_ROWS_AT_ONCE` rows, with one timestamp
        (the log has whole seconds anyway). ``rows`` may be a generator: only that many
        rows are held at a time (the pages of a text file of hundreds of MB).
        """
        conn = self.case.conn
        execute, add, created = conn.execute, self.collector.add, "created"
        action_id = now = sql = cols = None
        count = 0
        for batch in _batches(rows, _ROWS_AT_ONCE):
            if sql is None:
                cols = list(batch[0])
                sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                       f"VALUES ({', '.join('?' for _ in cols)})")
                action_id, now = self.action_id, utcnow()
            row_ids = []
            for row in batch:
                row_id = execute(sql, [row[c] for c in cols]).lastrowid
                row_ids.append(row_id)
                add(created, Ref(table, row_id))
            conn.executemany(
                "INSERT INTO audit (action_id, at, operation, table_name, row_id, before,"
                " after) VALUES (?, ?, 'insert', ?, ?, NULL, ?)",
                [(action_id, now, table, str(row_id),
                  _audit_json(table, {**row, "id": row.get("id", row_id)}, inserted=True))
                 for row, row_id in zip(batch, row_ids)])
            count += len(batch)
        return count

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

    def __init__(self, path: Path, conn: sqlite3.Connection, *,
                 read_only: bool = False, read_only_why: str = "") -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        #: True when the case was opened read-only; :attr:`read_only_why` says why.
        self.read_only = read_only
        self.read_only_why = read_only_why
        #: Called as ``on_wait(seconds_waited)`` while a write waits for another
        #: connection's write lock; may raise (a cancelled import) to stop waiting.
        self.on_wait: Callable[[float], None] | None = None
        self._current: Action | None = None
        self._listeners: list[Callable[[Changes], None]] = []
        self._lock = threading.RLock()
        self._identity = _register(path)

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
        conn = None
        try:
            conn = _connect(path)
            schema.migrate(conn)
            now = utcnow()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO case_info (key, value) VALUES (?, ?)", [
                ("application", "workbench"), ("case_id", str(uuid.uuid4())),
                ("title", title.strip()), ("created_at", now),
                ("program_version", __version__)])
            conn.execute("COMMIT")
        except Exception as exc:
            with contextlib.suppress(Exception):
                conn.close()
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"),
                      Path(f"{path}-journal")):
                p.unlink(missing_ok=True)
            raise CaseFileError(path, f"could not be created: {exc}") from exc
        case = cls(path, conn)
        case._configure()
        return case

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool | None = None) -> "Case":
        """Open an existing case file, migrating it forward if it is older.

        ``read_only`` None opens read-only only when the file, its folder or its mount
        cannot be written; True always opens read-only (nothing is migrated or written).

        Raises :class:`CaseFileError` (file unchanged) when the file is missing, not
        SQLite, not a case file, damaged, or written by a newer Workbench. A hot
        rollback journal (a crash during a write in the old journal mode) is rolled back
        by SQLite, after a copy of the file and its journal is kept beside it.
        """
        path = Path(path)
        size = _stat_case(path)
        why = "" if read_only is None else ("opened read-only" if read_only else "")
        if read_only is None:
            why = _read_only_reason(path)
        storage_read_only = read_only is None and bool(why)
        read_only = bool(why)
        if not read_only:
            _keep_copy_before_recovery(path)
        # On read-only storage nobody can be writing, so SQLite may read the file as
        # immutable and creates no -shm beside it, unless a log holds newer pages.
        conn = _connect(path, read_only=read_only,
                        immutable=storage_read_only and not _has_content(f"{path}-wal"))
        try:
            version = _check(conn, path, size)
            if version < schema.SCHEMA_VERSION:
                if read_only:
                    raise CaseFileError(path, (
                        f"is an older case file (version {version}) on read-only storage: "
                        "copy it to a writable folder to open it"))
                if version > 0:
                    _backup_to(conn, path.with_name(f"{path.name}.v{version}.bak"))
                try:
                    schema.migrate(conn)
                except sqlite3.Error as exc:
                    raise CaseFileError(path, f"could not be upgraded: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        case = cls(path, conn, read_only=read_only, read_only_why=why)
        case._configure()
        return case

    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.read_only:
            return
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        """Close the connection.

        No checkpoint is forced: other connections (the window, a command in a
        terminal) may still be using the log. SQLite's last connection to close folds
        the log into the file and deletes it.
        """
        if self.conn is None:
            return
        if not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.conn.close()
        self.conn = None  # type: ignore[assignment]
        _unregister(self._identity)

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

        The outermost action takes the write lock first (``BEGIN IMMEDIATE``, waiting
        for another connection's write as :meth:`_begin` says), so it cannot fail
        half-way because another process wrote meanwhile. A failed ``COMMIT`` (a full
        disk) raises; nothing is reported as done that is not in the file.

        Listeners added with :meth:`add_listener` hear the action's changes after the
        outermost transaction commits; nothing is reported for a rolled-back action.
        """
        if self.read_only:
            raise CaseReadOnly(self.path, (
                f"is read-only ({self.read_only_why}): the change was not saved; "
                "copy the case to a writable folder to edit it"))
        with self._lock:
            outer = self._current
            act = Action(self, label, parent=outer)
            self._current = act
            try:
                with self._transaction(nested=outer is not None):
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

    @contextlib.contextmanager
    def _transaction(self, *, nested: bool) -> Iterator[None]:
        conn = self.conn
        if nested or conn.in_transaction:
            name = f"wb_{uuid.uuid4().hex}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:  # an error may have ended the transaction
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self._begin()
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting while another connection holds the write lock.

        Each attempt waits :data:`BUSY_TIMEOUT_MS` inside SQLite; between attempts
        :attr:`on_wait` hears how long the write has waited (and may raise to give up).
        After :data:`WRITE_WAIT_LIMIT` seconds it raises :class:`CaseBusy`.
        """
        started = time.monotonic()
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            waited = time.monotonic() - started
            if waited >= WRITE_WAIT_LIMIT:
                raise CaseBusy(self.path, (
                    f"is busy: another program has been writing to it for "
                    f"{waited:.0f} s; nothing was changed, try again when it is done"))
            if self.on_wait is not None:
                self.on_wait(waited)

    def add_listener(self, listener: Callable[[Changes], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Changes], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def backup(self, destination: str | Path) -> Path:
        """Write a consistent copy of the case to ``destination`` (safe while open)."""
        destination = Path(destination)
        if is_case_or_sidecar(self.path, destination):
            raise CaseFileError(destination, "a copy cannot replace the open case file "
                                             "or the files SQLite keeps beside it")
        _backup_to(self.conn, destination)
        return destination

    def verify(self) -> list[str]:
        """SQLite's full integrity check of every page and index: [] when the case is
        whole, else the first problems it names. Reads the whole file (seconds on a
        large case); safe while other programs use the case."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check(10)")]
        except sqlite3.DatabaseError as exc:  # too damaged to walk at all
            return [str(exc)]
        return [] if rows == ["ok"] else [" ".join(r.split()) for r in rows]

    # -- helpers for the modules of core -------------------------------------------
    def row(self, sql: str, params: tuple | list = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def rows(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()


def _connect(path: Path, *, read_only: bool = False,
             immutable: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun explicitly (BEGIN
    IMMEDIATE in :meth:`Case.action`), never implicitly by the sqlite3 module."""
    if read_only:
        uri = f"file:{urlquote(str(path.resolve()))}?mode=ro"
        if immutable:
            uri += "&immutable=1"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False,
                               isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


# -- which case files this process has open -----------------------------------------
_REGISTRY_LOCK = threading.Lock()
_OPEN_HERE: dict[tuple[int, int], int] = {}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _register(path: Path) -> tuple[int, int] | None:
    key = _identity(path)
    if key is not None:
        with _REGISTRY_LOCK:
            _OPEN_HERE[key] = _OPEN_HERE.get(key, 0) + 1
    return key


def _unregister(key: tuple[int, int] | None) -> None:
    if key is None:
        return
    with _REGISTRY_LOCK:
        left = _OPEN_HERE.get(key, 0) - 1
        if left > 0:
            _OPEN_HERE[key] = left
        else:
            _OPEN_HERE.pop(key, None)


def open_in_this_process(path: str | Path) -> bool:
    """Whether a :class:`Case` of this process has ``path`` (the same file) open.

    While one has, nothing may open and close the file (or its ``-wal`` and ``-shm``)
    with anything but SQLite: closing that descriptor would drop this process's locks.
    """
    key = _identity(Path(path))
    with _REGISTRY_LOCK:
        return key is not None and key in _OPEN_HERE


def sidecars(path: str | Path) -> list[Path]:
    """The files SQLite keeps beside a case file: its log, shared memory and journal."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def is_case_or_sidecar(case_path: str | Path, other: str | Path) -> bool:
    """Whether ``other`` names the case file or one of its sidecars, by path or by
    identity (a hard link or another name for the same file)."""
    other = Path(other)
    files = [Path(case_path), *sidecars(case_path)]
    with contextlib.suppress(OSError):
        if other.resolve() in {f.resolve() for f in files}:
            return True
    key = _identity(other)
    return key is not None and any(_identity(f) == key for f in files)


def refuse_as_output(case_path: str | Path, output: str | Path) -> None:
    """Raise :class:`ValidationError` unless ``output`` is a safe file for an export of
    the case at ``case_path`` to replace: never the case file or one of its sidecars
    (by name, through a link, or by identity, as a hard link is), never a symbolic link
    (it would be replaced, not followed), never anything but a regular file (a folder,
    a device such as /dev/full, a pipe)."""
    path = Path(output)
    case_path = Path(case_path)
    resolved = path.resolve()
    target_id = _identity(path)
    for family in (case_path, *sidecars(case_path)):
        suffix = family.name[len(case_path.name):]
        what = "the case file" if not suffix else f"the case's {suffix[1:]} file"
        if resolved == family.resolve() or (
                target_id is not None and target_id == _identity(family)):
            raise ValidationError(f"cannot write {path}: it is {what} (or a link to it); "
                                  "an export cannot overwrite the case file or its journal")
    if os.path.lexists(path):
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise ValidationError(f"cannot write {path}: it is a symbolic link, and exports "
                                  "are not written through links (give the real file name)")
        if not stat.S_ISREG(mode):
            raise ValidationError(f"cannot write {path}: it is not a regular file (a "
                                  "folder, a device or a pipe)")


# -- checks when opening ---------------------------------------------------------------
def _stat_case(path: Path) -> int:
    """The file's size; refuses what is plainly not a case file (stat only)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CaseFileError(path, "no such file") from None
    except OSError as exc:
        raise CaseFileError(path, f"cannot be read ({exc.strerror})") from exc
    if path.is_dir():
        raise CaseFileError(path, "is a folder, not a case file")
    if not path.is_file():
        raise CaseFileError(path, "is not a regular file, not a case file")
    if st.st_size == 0:
        raise CaseFileError(path, "is empty, not a case file")
    if not os.access(path, os.R_OK):
        raise CaseFileError(path, "cannot be read (permission denied)")
    return st.st_size


def _read_only_reason(path: Path) -> str:
    """Why the case must be opened read-only ("" when it can be written)."""
    folder = path.resolve().parent
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only disk"
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only"
    for side in sidecars(path):
        if side.exists() and not os.access(side, os.W_OK):
            return f"{side.name} beside it is read-only"
    return ""


def _has_content(path: str | Path) -> bool:
    try:
        return os.stat(path).st_size > 0
    except OSError:
        return False


def _keep_copy_before_recovery(path: Path) -> None:
    """Copy a file with a hot rollback journal (and the journal) before SQLite rolls
    it back, so that a recovery gone wrong loses nothing.

    Only while this process has no connection to the file (a raw read would drop its
    locks); a process that has the file open has recovered it already.
    """
    journal = Path(f"{path}-journal")
    if not _has_content(journal) or open_in_this_process(path):
        return
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    copy = path.with_name(f"{path.name}.before-recovery-{stamp}.bak")
    with contextlib.suppress(OSError):
        shutil.copy2(path, copy)
        # Named so that SQLite treats it as the copy's own journal.
        shutil.copy2(journal, Path(f"{copy}-journal"))


def _check(conn: sqlite3.Connection, path: Path, size: int) -> int:
    """Check through SQLite that ``conn``'s file is a case this program can open;
    return its schema version. Raises :class:`CaseFileError` with the reason."""
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
            raise CaseFileError(path, _damaged("the case_info table is missing", path))
        if size <= QUICK_CHECK_LIMIT:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise CaseFileError(path, _damaged(problems[0], path))
        else:
            _check_size(conn, path, size)
    except sqlite3.DatabaseError as exc:
        raise CaseFileError(path, _why_unreadable(exc, path)) from exc
    return version


def _check_size(conn: sqlite3.Connection, path: Path, size: int) -> None:
    """A large file's cheap check: with no log holding newer pages, the file must be
    as long as its page count says."""
    if _has_content(f"{path}-wal"):
        return  # the log may hold the pages the file lacks; SQLite reads them there
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    if size < pages * page_size:
        raise CaseFileError(path, _damaged(
            f"truncated: {size} of {pages * page_size} bytes", path))


def _why_unreadable(exc: sqlite3.DatabaseError, path: Path) -> str:
    text = str(exc)
    if "not a database" in text:
        # SQLite says so of foreign files and of cut-off ones alike; the first bytes
        # tell them apart. Read raw only while no connection here has it open.
        if not open_in_this_process(path):
            with contextlib.suppress(OSError), path.open("rb") as fh:
                header = fh.read(100)
                if not header.startswith(_SQLITE_MAGIC):
                    return "is not a case file (not an SQLite database)"
                if len(header) < 100:
                    return _damaged("truncated SQLite header", path)
        return _damaged(text, path)
    if "readonly" in text or "read-only" in text:
        return (f"cannot be opened for reading here ({text}): it needs recovery that "
                "only a writable copy allows; copy the case and every file beside it "
                "whose name starts with its name to a writable folder")
    return _damaged(text, path)


def _damaged(detail: str, path: Path) -> str:
    wal = Path(f"{path}-wal")
    note = ""
    if wal.exists():
        note = (f"; keep {wal.name} with it: it holds the newest changes, and the case "
                "must never be copied or moved without it")
    return f"is damaged ({detail}){note}"


def _backup_to(conn: sqlite3.Connection, destination: Path) -> None:
    """A consistent copy of ``conn``'s database, made through SQLite's backup API."""
    tmp = destination.with_name(destination.name + ".partial")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(tmp)
    try:
        conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    tmp.replace(destination)


def inspect(path: str | Path) -> int:
    """Check that ``path`` is a case file this program can open; return its version.

    Reads only (through a read-only SQLite connection); raises :class:`CaseFileError`
    with the reason otherwise.
    """
    path = Path(path)
    size = _stat_case(path)
    conn = _connect(path, read_only=True)
    try:
        return _check(conn, path, size)
    finally:
        conn.close()
