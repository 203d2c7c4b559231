"""Documents: evidence exactly as received, with its pages, provenance and email headers.

The original bytes live once in ``blobs`` (keyed by SHA-256) so listing documents never
reads them. Page text is stored NFC-normalised so that excerpt anchors are stable.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from workbench.core import validate
from workbench.core.titles import title_for
from workbench.core.casefile import Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, ValidationError

KINDS = ("pdf", "email", "html", "docx", "text", "image", "note", "other")


class DuplicateDocument(ValidationError):
    """The same bytes are already in the case."""

    def __init__(self, document_id: int) -> None:
        self.document_id = document_id
        super().__init__(f"duplicate of document {document_id}")


@dataclass(frozen=True)
class PageText:
    """Text of one page as an importer produced it."""

    text: str
    ocr: str = "none"  # none | needed | done | failed
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class FileBytes:
    """A document's original bytes left in a file on disk (a large text file), read in
    pieces when stored: ``size`` and ``sha256`` are what the importer read; the bytes
    stored are checked against them."""

    path: Path
    size: int
    sha256: str


class _Hashing:
    """A binary file that hashes what is read from it."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.digest = f, hashlib.sha256()

    def read(self, n: int) -> bytes:
        piece = self.f.read(n)
        self.digest.update(piece)
        return piece


@dataclass(frozen=True)
class EmailHeaders:
    from_addr: str | None = None
    to_addrs: str | None = None
    cc_addrs: str | None = None
    date: str | None = None
    subject: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    raw_headers: str | None = None


@dataclass(frozen=True)
class Document:
    id: int
    sha256: str
    title: str
    kind: str
    media_type: str | None
    origin: str | None
    file_name: str | None
    source_path: str | None
    received: str | None
    imported_at: str
    import_id: int | None
    parent_id: int | None
    page_count: int
    confidential: bool
    metadata: dict = field(default_factory=dict, hash=False, compare=False)
    #: The document's own date (written or sent), ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    date: str | None = None

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


@dataclass(frozen=True)
class Page:
    document_id: int
    page_no: int
    text: str
    ocr: str
    ocr_confidence: float | None


@dataclass(frozen=True)
class DocumentName:
    """One name under which the same bytes arrived."""

    file_name: str | None
    source_path: str | None
    origin: str | None
    seen_at: str


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalise_text(text: str) -> str:
    """The form page text is stored in: NFC, Unix line ends, no NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")


def check_date(value: str | None) -> str | None:
    """A document date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (empty: none)."""
    value = (value or "").strip()
    if not value:
        return None
    if not _DATE.match(value):
        raise ValidationError(f"date {value!r}: write it as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _document(row) -> Document:
    return Document(
        id=row["id"], sha256=row["sha256"], title=row["title"], kind=row["kind"],
        media_type=row["media_type"], origin=row["origin"], file_name=row["file_name"],
        source_path=row["source_path"], received=row["received"],
        imported_at=row["imported_at"], import_id=row["import_id"],
        parent_id=row["parent_id"], page_count=row["page_count"],
        confidential=bool(row["confidential"]), metadata=json.loads(row["metadata"] or "{}"),
        date=row["date"] if "date" in row.keys() else None)


def find_by_sha256(case: Case, sha256: str) -> int | None:
    row = case.row("SELECT id FROM documents WHERE sha256 = ?", (sha256,))
    return row["id"] if row else None


def add(case: Case, *, data: bytes | FileBytes, title: str, kind: str,
        pages: Sequence[PageText | str], file_name: str | None = None,
        source_path: str | None = None, origin: str | None = None,
        received: str | None = None, media_type: str | None = None,
        confidential: bool = False, metadata: dict | None = None,
        parent_id: int | None = None, import_id: int | None = None,
        email: EmailHeaders | None = None, date: str | None = None) -> Changes:
    """Store one document, its bytes, pages and email headers in one transaction.

    Raises :class:`DuplicateDocument` when the same bytes are already in the case; the
    caller may then record the new name with :func:`add_name`. ``data`` may be left in
    a file (:class:`FileBytes`) and ``pages`` may be a sequence that produces its pages
    as it is iterated: each is then read once, in pieces, and never held whole.
    """
    validate.one_of(kind, KINDS, "kind")
    title = validate.text(title_for(title, file_name), "title")
    date = check_date(date)
    digest = data.sha256 if isinstance(data, FileBytes) else sha256_of(data)
    existing = find_by_sha256(case, digest)
    if existing is not None:
        raise DuplicateDocument(existing)
    validate.exists(case, "documents", parent_id, "document")
    page_count = len(pages)
    page_rows = (p if isinstance(p, PageText) else PageText(p) for p in pages)
    now = utcnow()
    with case.action(f"Add document {title}") as act:
        if case.row("SELECT 1 FROM blobs WHERE sha256 = ?", (digest,)) is None:
            if isinstance(data, FileBytes):
                with open(data.path, "rb") as f:
                    hashing = _Hashing(f)
                    act.insert_streamed("blobs", {"sha256": digest, "size": data.size},
                                        column="data", data=hashing, size=data.size,
                                        pk="sha256")
                if hashing.digest.hexdigest() != digest:
                    raise ValidationError(f"{file_name or 'the file'} changed while it was "
                                          "imported; import it again")
            else:
                act.insert_streamed("blobs", {"sha256": digest, "size": len(data)},
                                    column="data", data=data, pk="sha256")
        doc_id = act.insert("documents", {
            "sha256": digest, "title": title, "kind": kind, "media_type": media_type,
            "origin": origin, "file_name": file_name, "source_path": source_path,
            "received": received, "date": date, "imported_at": now, "import_id": import_id,
            "parent_id": parent_id, "page_count": page_count,
            "confidential": int(bool(confidential)),
            "metadata": json.dumps(metadata or {}, ensure_ascii=False, sort_keys=True,
                                   default=str)})
        act.row_id = doc_id
        act.insert("document_names", {"document_id": doc_id, "file_name": file_name,
                                      "source_path": source_path, "origin": origin,
                                      "seen_at": now})
        stored = act.insert_many("pages", (
            {"document_id": doc_id, "page_no": n, "text": normalise_text(p.text),
             "ocr": p.ocr, "ocr_confidence": p.ocr_confidence}
            for n, p in enumerate(page_rows, start=1)))
        if stored != page_count:  # pages made as they are read, from a changed file
            raise ValidationError(f"{file_name or 'the file'} changed while it was "
                                  "imported; import it again")
        if email is not None:
            values = {k: getattr(email, k) for k in EmailHeaders.__dataclass_fields__}
            act.insert("emails", {"document_id": doc_id, **values}, pk="document_id")
    return act.changes


def mark_confidential(case: Case, document_ids: Sequence[int]) -> list[int]:
    """Mark documents confidential, with the documents inside them (an email's
    attachments, an archive's members); returns the ids that were not already.

    For an import with ``--confidential`` of files the case already holds: the bytes
    are the same document, so the document itself becomes confidential.
    """
    todo, seen, changed = list(document_ids), set(), []
    while todo:
        doc_id = todo.pop(0)
        if doc_id in seen:
            continue
        seen.add(doc_id)
        row = case.row("SELECT confidential FROM documents WHERE id = ?", (doc_id,))
        if row is None:
            continue
        if not row["confidential"]:
            changed.append(doc_id)
        todo += [r[0] for r in case.rows("SELECT id FROM documents WHERE parent_id = ?",
                                         (doc_id,))]
    if changed:
        with case.action("Mark confidential") as act:
            for doc_id in changed:
                act.update("documents", doc_id, {"confidential": 1}, kind="document")
    return changed


def add_name(case: Case, document_id: int, *, file_name: str | None,
             source_path: str | None, origin: str | None) -> Changes:
    """Record that the same bytes also arrived under another name or path."""
    get(case, document_id)
    known = case.row("SELECT 1 FROM document_names WHERE document_id = ? AND "
                     "file_name IS ? AND source_path IS ? AND origin IS ?",
                     (document_id, file_name, source_path, origin))
    with case.action("Record another name of a document") as act:
        act.row_id = document_id
        if known is None:
            act.insert("document_names", {"document_id": document_id,
                                          "file_name": file_name,
                                          "source_path": source_path, "origin": origin,
                                          "seen_at": utcnow()})
            act.touch("documents", document_id)
    return act.changes


def get(case: Case, document_id: int) -> Document:
    row = case.row("SELECT * FROM documents WHERE id = ?", (document_id,))
    if row is None:
        raise NotFound("document", document_id)
    return _document(row)


def list_all(case: Case, *, kind: str | None = None, origin: str | None = None,
             parent_id: int | None = None) -> list[Document]:
    where, params = [], []
    for column, value in (("kind", kind), ("origin", origin), ("parent_id", parent_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT * FROM documents" + (" WHERE " + " AND ".join(where) if where else "")
    return [_document(r) for r in case.rows(sql + " ORDER BY id", params)]


def titles(case: Case, document_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Document id -> title, of ``document_ids`` (every document when None). Reads the
    titles only: lists that name documents need no more, and a case may hold 250,000."""
    if document_ids is None:
        return {r[0]: r[1] for r in case.rows("SELECT id, title FROM documents")}
    wanted = sorted(set(document_ids))
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        out.update((r[0], r[1]) for r in case.rows(
            f"SELECT id, title FROM documents WHERE id IN ({marks})", chunk))
    return out


def each(case: Case, *, kind: str | None = None,
         origin: str | None = None) -> Iterator[Document]:
    """:func:`list_all`, one document at a time from one cursor, so that a list of
    hundreds of thousands is never held whole. Finish (or close) the iterator before
    the next write to ``case``."""
    where, params = [], []
    for column, value in (("kind", kind), ("origin", origin)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT * FROM documents" + (" WHERE " + " AND ".join(where) if where else "")
    cursor = case.conn.cursor()
    cursor.row_factory = None  # plain tuples: read by position, several times quicker
    cursor.execute(sql + " ORDER BY id", params)
    at = {d[0]: i for i, d in enumerate(cursor.description)}
    (id_, sha, title, kind_, media, origin_, name, source, received, imported, import_,
     parent, pages_, conf, meta) = (at[n] for n in (
        "id", "sha256", "title", "kind", "media_type", "origin", "file_name", "source_path",
        "received", "imported_at", "import_id", "parent_id", "page_count", "confidential",
        "metadata"))
    date = at.get("date")
    loads = json.loads
    for row in cursor:
        raw = row[meta]
        yield Document(
            id=row[id_], sha256=row[sha], title=row[title], kind=row[kind_],
            media_type=row[media], origin=row[origin_], file_name=row[name],
            source_path=row[source], received=row[received], imported_at=row[imported],
            import_id=row[import_], parent_id=row[parent], page_count=row[pages_],
            confidential=bool(row[conf]),
            metadata={} if raw == "{}" or not raw else loads(raw),
            date=None if date is None else row[date])


class Listed(NamedTuple):
    """One document as a list of documents shows it (see :func:`listing`)."""

    id: int
    title: str
    kind: str
    origin: str | None
    page_count: int
    received: str | None
    sha256: str
    confidential: bool


def listing(case: Case, *, kind: str | None = None,
            origin: str | None = None) -> Iterator[Listed]:
    """The documents in id order with what a list shows of each, from one cursor: a
    list of 250,000 documents is never held whole, nor their metadata parsed. Finish
    (or close) the iterator before the next write to ``case``."""
    where, params = [], []
    for column, value in (("kind", kind), ("origin", origin)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    cursor = case.conn.cursor()
    cursor.row_factory = None
    cursor.execute("SELECT id, title, kind, origin, page_count, received, sha256, "
                   "confidential FROM documents"
                   + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id",
                   params)
    for id_, title, kind_, origin_, pages_, received, sha, conf in cursor:
        yield Listed(id_, title, kind_, origin_, pages_, received, sha, bool(conf))


def ids(case: Case) -> list[int]:
    return [r[0] for r in case.rows("SELECT id FROM documents ORDER BY id")]


def data(case: Case, document_id: int) -> bytes:
    """The original bytes of a document, exactly as received."""
    row = case.row("SELECT b.data FROM documents d JOIN blobs b ON b.sha256 = d.sha256 "
                   "WHERE d.id = ?", (document_id,))
    if row is None:
        raise NotFound("document", document_id)
    return bytes(row[0])


def page(case: Case, document_id: int, page_no: int) -> Page:
    row = case.row("SELECT * FROM pages WHERE document_id = ? AND page_no = ?",
                   (document_id, page_no))
    if row is None:
        doc = get(case, document_id)
        raise ValidationError(f"document {document_id} has no page {page_no} "
                              f"(it has {doc.page_count})")
    return Page(row["document_id"], row["page_no"], row["text"], row["ocr"],
                row["ocr_confidence"])


def pages(case: Case, document_id: int) -> list[Page]:
    get(case, document_id)
    return [Page(r["document_id"], r["page_no"], r["text"], r["ocr"], r["ocr_confidence"])
            for r in case.rows("SELECT * FROM pages WHERE document_id = ? ORDER BY page_no",
                               (document_id,))]


def email(case: Case, document_id: int) -> EmailHeaders | None:
    row = case.row("SELECT * FROM emails WHERE document_id = ?", (document_id,))
    if row is None:
        return None
    return EmailHeaders(**{k: row[k] for k in EmailHeaders.__dataclass_fields__})


def names(case: Case, document_id: int) -> list[DocumentName]:
    return [DocumentName(r["file_name"], r["source_path"], r["origin"], r["seen_at"])
            for r in case.rows("SELECT * FROM document_names WHERE document_id = ? "
                               "ORDER BY id", (document_id,))]


_EDITABLE = {"title", "origin", "received", "date", "confidential", "metadata"}


def update(case: Case, document_id: int, **values) -> Changes:
    """Edit a document's description (never its bytes or pages).

    Accepts ``title``, ``origin``, ``received``, ``date`` (the document's own, as
    ``YYYY[-MM[-DD]]``), ``confidential`` and ``metadata``.
    """
    unknown = set(values) - _EDITABLE
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of a document")
    get(case, document_id)
    clean: dict = {}
    if "title" in values:
        clean["title"] = validate.text(values["title"], "title")
    if "origin" in values:
        clean["origin"] = validate.optional_text(values["origin"])
    if "received" in values:
        clean["received"] = validate.optional_text(values["received"])
    if "date" in values:
        clean["date"] = check_date(values["date"])
    if "confidential" in values:
        clean["confidential"] = int(bool(values["confidential"]))
    if "metadata" in values:
        clean["metadata"] = json.dumps(values["metadata"] or {}, ensure_ascii=False,
                                       sort_keys=True, default=str)
    with case.action("Edit document") as act:
        act.row_id = document_id
        act.update("documents", document_id, clean, kind="document")
    return act.changes


def set_page_text(case: Case, document_id: int, page_no: int, page_text: PageText) -> Changes:
    """Replace a page's text (after OCR). Refused when excerpts are anchored on it."""
    current = page(case, document_id, page_no)
    anchored = case.row("SELECT count(*) FROM excerpts WHERE document_id = ? AND page_no = ?",
                        (document_id, page_no))[0]
    if anchored and normalise_text(page_text.text) != current.text:
        raise ValidationError(f"page {page_no} of document {document_id} has {anchored} "
                              "excerpt(s) anchored on its text; it cannot be replaced")
    row = case.row("SELECT id FROM pages WHERE document_id = ? AND page_no = ?",
                   (document_id, page_no))
    with case.action("Set page text") as act:
        act.row_id = document_id
        act.update("pages", row["id"], {"text": normalise_text(page_text.text),
                                        "ocr": page_text.ocr,
                                        "ocr_confidence": page_text.ocr_confidence})
        act.touch("documents", document_id)
    return act.changes


def ocr_state(case: Case, document_id: int) -> str:
    """``none``, ``needed``, ``done``, ``failed`` or ``partial`` for a whole document."""
    return summarise_ocr({r[0] for r in case.rows(
        "SELECT DISTINCT ocr FROM pages WHERE document_id = ?", (document_id,))})


def ocr_states(case: Case) -> dict[int, str]:
    """:func:`ocr_state` of every document at once (one query), by document id; a
    document missing from the result is ``"none"`` (most are: only the documents with a
    page that needs or had OCR are read, and their pages' ``"none"`` changes nothing)."""
    return {r[0]: summarise_ocr(set(r[1].split(","))) for r in case.rows(
        "SELECT document_id, group_concat(DISTINCT ocr) FROM pages WHERE ocr != 'none' "
        "GROUP BY document_id")}


def summarise_ocr(states: set[str]) -> str:
    """One word for a document from the OCR states of its pages (see :func:`ocr_state`)."""
    if not states or states == {"none"}:
        return "none"
    if "needed" in states:
        return "needed"
    if "failed" in states:
        return "failed"
    return "done" if states <= {"done", "none"} else "partial"
