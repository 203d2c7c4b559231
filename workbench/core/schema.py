"""The case file's schema and its ladder of forward migrations.

The version lives in ``PRAGMA user_version``. Each step runs in one transaction together
with the new version number, so a file is always at exactly one version. A file newer
than :data:`SCHEMA_VERSION` is refused by :mod:`workbench.core.casefile` before any step
runs. Tables use plain names and columns so that the ``sqlite3`` shell and Datasette
read a case file as it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: ``PRAGMA application_id`` of a Workbench case file ("WBCF").
APPLICATION_ID = 0x57424346

#: Every value a CHECK constraint below accepts, shared with the Python enums.
STANCES = ("confirms", "denies", "disputes", "declined", "no-response")
CHANNELS = ("email", "phone", "press-release", "document", "in-person")
RELATIONS = ("supports", "contradicts", "context")
VERDICT_STATUSES = ("unverified", "confirmed", "refuted", "mixed", "unresolved", "unverifiable")
FINDING_STATUSES = ("draft", "checked", "ready")
ACTOR_TYPES = ("agency", "company", "person")
TAG_TARGETS = ("document", "excerpt", "actor", "statement", "claim", "finding")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_V1 = f"""
CREATE TABLE case_info (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    at TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_row ON audit(table_name, row_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    origin TEXT,
    paths TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'running',
    imported INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    ocr_pages INTEGER NOT NULL DEFAULT 0,
    seconds REAL
);
CREATE TABLE import_items (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    path TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('imported', 'duplicate', 'failed', 'unsupported', 'skipped')),
    document_id INTEGER,
    reason TEXT
);
CREATE INDEX import_items_import ON import_items(import_id);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE REFERENCES blobs(sha256),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    media_type TEXT,
    origin TEXT,
    file_name TEXT,
    source_path TEXT,
    received TEXT,
    imported_at TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    parent_id INTEGER REFERENCES documents(id),
    page_count INTEGER NOT NULL DEFAULT 0,
    confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
    metadata TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX documents_parent ON documents(parent_id);
CREATE TABLE document_names (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    file_name TEXT,
    source_path TEXT,
    origin TEXT,
    seen_at TEXT NOT NULL
);
CREATE INDEX document_names_document ON document_names(document_id);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    page_no INTEGER NOT NULL CHECK (page_no >= 1),
    text TEXT NOT NULL DEFAULT '',
    ocr TEXT NOT NULL DEFAULT 'none' CHECK (ocr IN ('none', 'needed', 'done', 'failed')),
    ocr_confidence REAL,
    UNIQUE (document_id, page_no)
);
CREATE TABLE emails (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    from_addr TEXT,
    to_addrs TEXT,
    cc_addrs TEXT,
    date TEXT,
    subject TEXT,
    message_id TEXT,
    in_reply_to TEXT,
    "references" TEXT,
    raw_headers TEXT
);
CREATE INDEX emails_message_id ON emails(message_id);
CREATE INDEX emails_in_reply_to ON emails(in_reply_to);

CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN {_in(ACTOR_TYPES)}),
    parent_id INTEGER REFERENCES actors(id),
    confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE actor_aliases (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    alias TEXT NOT NULL,
    UNIQUE (actor_id, alias)
);
CREATE TABLE excerpts (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    page_no INTEGER NOT NULL,
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL CHECK ("end" > start),
    quote TEXT NOT NULL,
    note TEXT,
    actor_id INTEGER REFERENCES actors(id),
    cleared INTEGER NOT NULL DEFAULT 0 CHECK (cleared IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX excerpts_document ON excerpts(document_id, page_no);
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    speaker TEXT,
    role TEXT,
    date TEXT,
    channel TEXT CHECK (channel IS NULL OR channel IN {_in(CHANNELS)}),
    stance TEXT NOT NULL CHECK (stance IN {_in(STANCES)}),
    text TEXT,
    excerpt_id INTEGER REFERENCES excerpts(id),
    document_id INTEGER REFERENCES documents(id),
    asked_on TEXT,
    created_at TEXT NOT NULL,
    CHECK (stance <> 'no-response' OR asked_on IS NOT NULL)
);
CREATE INDEX statements_actor ON statements(actor_id);
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    origin_excerpt_id INTEGER REFERENCES excerpts(id),
    origin_document_id INTEGER REFERENCES documents(id),
    origin_note TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE claim_actors (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    UNIQUE (claim_id, actor_id)
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    excerpt_id INTEGER REFERENCES excerpts(id),
    statement_id INTEGER REFERENCES statements(id),
    relation TEXT NOT NULL CHECK (relation IN {_in(RELATIONS)}),
    note TEXT,
    created_at TEXT NOT NULL,
    CHECK ((excerpt_id IS NULL) <> (statement_id IS NULL))
);
CREATE INDEX evidence_claim ON evidence(claim_id);
CREATE TABLE verdicts (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    status TEXT NOT NULL CHECK (status IN {_in(VERDICT_STATUSES)}),
    rationale TEXT,
    decided_at TEXT NOT NULL
);
CREATE INDEX verdicts_claim ON verdicts(claim_id);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN {_in(FINDING_STATUSES)}),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE citations (
    id INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    position INTEGER NOT NULL,
    excerpt_id INTEGER REFERENCES excerpts(id),
    statement_id INTEGER REFERENCES statements(id),
    CHECK ((excerpt_id IS NULL) <> (statement_id IS NULL))
);
CREATE INDEX citations_finding ON citations(finding_id);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE taggings (
    id INTEGER PRIMARY KEY,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    target_kind TEXT NOT NULL CHECK (target_kind IN {_in(TAG_TARGETS)}),
    target_id INTEGER NOT NULL,
    UNIQUE (tag_id, target_kind, target_id)
);
CREATE INDEX taggings_target ON taggings(target_kind, target_id);
"""


def _to_v1(conn: sqlite3.Connection) -> None:
    for statement in _split(_V1):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _split(script: str) -> list[str]:
    """Split a schema script on statement ends, keeping trigger bodies whole."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _to_v2(conn: sqlite3.Connection) -> None:
    """Undo and redo: an action may revert an earlier one (see core/undo.py)."""
    conn.execute("ALTER TABLE actions ADD COLUMN reverts INTEGER REFERENCES actions(id)")
    conn.execute("CREATE INDEX actions_reverts ON actions(reverts)")


def _add_events(conn: sqlite3.Connection) -> None:
    """Events for the chronology: something that happened at a date, with its
    precision kept in the date's own text (``2019``, ``2019-03``, ``2019-03-04``, a range
    ``FROM/TO``), who was involved, the sources that establish it and the claims it
    bears on. Old files simply have no events."""
    for statement in _split("""
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    circa INTEGER NOT NULL DEFAULT 0 CHECK (circa IN (0, 1)),
    text TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE event_actors (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    UNIQUE (event_id, actor_id)
);
CREATE INDEX event_actors_actor ON event_actors(actor_id);
CREATE TABLE event_sources (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    excerpt_id INTEGER REFERENCES excerpts(id),
    statement_id INTEGER REFERENCES statements(id),
    document_id INTEGER REFERENCES documents(id),
    CHECK ((excerpt_id IS NOT NULL) + (statement_id IS NOT NULL)
           + (document_id IS NOT NULL) = 1)
);
CREATE INDEX event_sources_event ON event_sources(event_id);
CREATE TABLE event_claims (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    UNIQUE (event_id, claim_id)
);
CREATE INDEX event_claims_claim ON event_claims(claim_id);
"""):
        conn.execute(statement)


def _add_responses_not_needed(conn: sqlite3.Connection) -> None:
    """Right of reply: an actor that is a source, not a subject (the organisation whose
    own documents are the evidence), needs no response; the gate accepts the recorded
    reason instead of a statement, and the report prints it."""
    conn.execute("""CREATE TABLE responses_not_needed (
        id INTEGER PRIMARY KEY,
        actor_id INTEGER NOT NULL UNIQUE REFERENCES actors(id),
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL)""")


def add_import_pending(conn: sqlite3.Connection) -> None:
    """Containers whose children an import has not finished storing (an email whose
    attachments are still to come): the mark is written with the email, in its
    transaction, and removed when the last attachment is stored, so that a re-run
    after a crash finds the email and finishes it instead of calling it a duplicate
    and never reading its attachments. Bookkeeping, not evidence: not audited."""
    conn.execute("CREATE TABLE import_pending ("
                 "document_id INTEGER PRIMARY KEY REFERENCES documents(id) "
                 "ON DELETE CASCADE, import_id INTEGER NOT NULL)")


def _add_document_date(conn: sqlite3.Connection) -> None:
    """A document's own date (when it was written or sent: ``2019``, ``2019-02`` or
    ``2019-02-14``), set by the user; distinct from when it was received and when it was
    imported, which the Date column and the year facet used to show instead."""
    conn.execute("ALTER TABLE documents ADD COLUMN date TEXT")


def _file_names_for_generic_titles(conn: sqlite3.Connection) -> None:
    """Documents imported with a generator's title from their metadata ("Enscript Output",
    "Microsoft Word - x.doc", "Untitled") are shown and printed by their file name, as new
    imports are (``titles.title_for``)."""
    from workbench.core.titles import is_generic_title, title_for

    rows = conn.execute("SELECT id, title, file_name FROM documents "
                        "WHERE file_name IS NOT NULL").fetchall()
    for doc_id, title, file_name in rows:
        if is_generic_title(title):
            conn.execute("UPDATE documents SET title = ? WHERE id = ?",
                         (title_for(title, file_name), doc_id))


def index_audit_by_action(conn: sqlite3.Connection) -> None:
    """The search index reads each action's audit rows by action id as the action
    commits (and undo reads them too). Without an index on that column every read
    scanned the whole log, so an import slowed down as the log grew: at 40,000
    documents into a 100,000-page import, 96% of its time went there."""
    conn.execute("CREATE INDEX IF NOT EXISTS audit_action ON audit(action_id)")


def index_what_the_window_counts(conn: sqlite3.Connection) -> None:
    """The window counts documents by origin and by kind, each import's files by
    outcome (its navigator) and the pages needing OCR (its status bar) whenever
    documents change. Without these indexes each count read the whole table: the
    pages' one read every page's text, seconds on a case of 250,000 pages; with them,
    a scan of small index entries."""
    conn.execute("CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin)")
    conn.execute("CREATE INDEX IF NOT EXISTS documents_kind ON documents(kind)")
    conn.execute("CREATE INDEX IF NOT EXISTS import_items_outcome "
                 "ON import_items(import_id, outcome)")
    conn.execute("CREATE INDEX IF NOT EXISTS pages_ocr ON pages(ocr)")


#: The ladder: MIGRATIONS[n] takes a file from version n to n + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _to_v1, _to_v2, _add_events, _add_responses_not_needed, add_import_pending,
    _add_document_date, _file_names_for_generic_titles, index_audit_by_action,
    index_what_the_window_counts]

#: The schema version this program writes.
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> list[int]:
    """Run every step from the file's version up to ``target``; return the versions reached.

    Each step and its ``user_version`` commit together; a failing step rolls back and
    leaves the file at the previous version. ``conn`` must not be inside a transaction.
    """
    reached: list[int] = []
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version += 1
        reached.append(version)
    return reached
