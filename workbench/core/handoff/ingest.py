"""Reading a FollowTheMoney file (Aleph's export, or another reporter's case) into a case.

Documents (any Document schema: Pages, Email, PlainText, HyperText, Article...) become
documents with their text: the pages of a Pages entity come from its Page entities,
in order; other documents have one page, their ``bodyText``. People and organisations
(Person, PublicBody, Organization, Company, LegalEntity) become actors with their
aliases and parent organisation (``parent`` or a Membership); keywords of both become
tags. Other entities (notes,
events, mentions, links) are counted in the report as not imported.

An FtM file carries text, not the original files, so a document's stored bytes are its
FtM record (the entity without its text, plus its pages' text, as JSON); the original
SHA-1 (``contentHash``) and SHA-256 (which Workbench writes in ``notes``) are kept in
the document's metadata under ``ftm``.

Duplicates are skipped and reported: a document whose original hash (SHA-256 or SHA-1)
is already in the case, and an actor one of whose names has the same ``fingerprints``
fingerprint as a name of an existing actor (its new aliases are added to that actor).

The file is read twice through a temporary SQLite file, so a large export never sits in
memory; each document and actor is stored in its own transaction, and the outcome of
each goes to the import report, as :func:`workbench.core.importing.import_paths` does.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
import time
from pathlib import Path

import fingerprints
from followthemoney import model

from workbench.core import actors, documents, tags
from workbench.core.casefile import Case, utcnow
from workbench.core.errors import WorkbenchError
from workbench.core.importing import ImportItem, ImportReport
from workbench.core.progress import NO_PROGRESS, Cancelled, Progress

#: Actor type of each FtM legal-entity schema (the most specific match wins).
ACTOR_TYPE = {"Person": "person", "PublicBody": "agency", "Company": "company",
              "Organization": "company", "LegalEntity": "company"}
_SHA256 = re.compile(r"SHA-256 ([0-9a-f]{64})")
_BLOB_CHUNK = 1 << 20


def _actor_type(schema) -> str | None:
    for name, kind in ACTOR_TYPE.items():
        if schema.is_a(name):
            return kind
    return None


def fingerprint(name: str) -> str | None:
    return fingerprints.generate(name) or None


def import_ftm(case: Case, path: str | Path, *, origin: str | None = None,
               progress: Progress = NO_PROGRESS) -> ImportReport:
    """Import the documents and actors of an FtM JSON-lines file; return the report."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"{path}: no such file")
    origin = origin or f"FollowTheMoney file {path.name}"
    started = time.monotonic()
    with case.action("Start import") as act:
        import_id = act.insert("imports", {"started_at": utcnow(), "origin": origin,
                                           "paths": json.dumps([str(path)])})
    report = ImportReport(import_id=import_id, origin=origin, started_at=utcnow())
    try:
        with tempfile.TemporaryDirectory(prefix="workbench-ftm-") as tmp:
            _Ingest(case, path, Path(tmp) / "entities.db", report, origin,
                    progress).run()
        report.status = "done"
    except Cancelled:
        report.status = "cancelled"
    report.seconds = time.monotonic() - started
    with case.action("Finish import") as act:
        act.update("imports", import_id, {
            "finished_at": utcnow(), "status": report.status, "imported": report.imported,
            "duplicates": report.duplicates, "failed": report.failed,
            "pages": report.pages, "ocr_pages": 0, "seconds": round(report.seconds, 3)})
    progress.update(1.0, f"Imported {report.imported} of {len(report.items)} entities")
    return report


class _Ingest:
    def __init__(self, case: Case, path: Path, scratch: Path, report: ImportReport,
                 origin: str, progress: Progress) -> None:
        self.case = case
        self.path = path
        self.report = report
        self.origin = origin
        self.progress = progress
        self.db = sqlite3.connect(scratch)
        self.db.execute("CREATE TABLE entities (id TEXT PRIMARY KEY, schema TEXT, "
                        "kind TEXT, data TEXT)")
        self.db.execute("CREATE TABLE pages (document TEXT, n INTEGER, text TEXT)")
        self.db.execute("CREATE INDEX pages_document ON pages(document, n)")
        self.skipped: dict[str, int] = {}
        self.sha1_index: dict[str, int] | None = None

    def record(self, item: ImportItem) -> None:
        with self.case.action("Record import outcome") as act:
            act.insert("import_items", {"import_id": self.report.import_id,
                                        "path": item.path, "outcome": item.outcome,
                                        "document_id": item.document_id,
                                        "reason": item.reason})
        self.report.items.append(item)

    def run(self) -> None:
        self.read()
        rows = self.db.execute("SELECT count(*) FROM entities WHERE kind IN "
                               "('document', 'actor')").fetchone()[0]
        self.total = max(1, rows)
        self.done = 0
        self.actors()
        self.documents()
        for schema, n in sorted(self.skipped.items()):
            self.record(ImportItem(f"{self.path.name}: {n} {schema} entities", "skipped",
                                   reason="not imported: Workbench imports documents "
                                          "and actors from FollowTheMoney"))

    # -- pass 1: the file into a scratch database --------------------------------------
    def read(self) -> None:
        self.progress.update(0.0, f"Reading {self.path.name}")
        size = max(1, self.path.stat().st_size)
        with open(self.path, "rb") as fh:
            for n, line in enumerate(fh, start=1):
                if n % 1000 == 0:
                    self.progress.check()
                    self.progress.update(0.3 * fh.tell() / size, f"Reading line {n}")
                if not line.strip():
                    continue
                try:
                    proxy = model.get_proxy(json.loads(line), cleaned=False)
                except Exception as exc:  # noqa: BLE001 - any bad line is reported
                    self.record(ImportItem(f"{self.path.name}:{n}", "failed",
                                           reason=f"not a FollowTheMoney entity "
                                                  f"({type(exc).__name__}: {exc})"[:300]))
                    continue
                self.keep(proxy)
        self.db.commit()

    def keep(self, proxy) -> None:
        schema = proxy.schema
        if schema.is_a("Page"):
            for document in proxy.get("document"):
                index = proxy.first("index")
                self.db.execute("INSERT INTO pages VALUES (?, ?, ?)", (
                    document, int(float(index)) if index else 0,
                    "\n".join(proxy.get("bodyText"))))
            return
        if schema.is_a("Document"):
            kind = "document"
        elif _actor_type(schema) is not None:
            kind = "actor"
        elif schema.is_a("Membership"):
            kind = "membership"
        else:
            self.skipped[schema.name] = self.skipped.get(schema.name, 0) + 1
            return
        self.db.execute("INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?)",
                        (proxy.id, schema.name, kind, json.dumps(proxy.to_dict())))

    def step(self, label: str) -> None:
        self.done += 1
        if self.done % 50 == 0:
            self.progress.check()
        self.progress.update(0.3 + 0.7 * self.done / self.total, label)

    # -- actors ------------------------------------------------------------------------
    def actors(self) -> None:
        known: dict[str, int] = {}
        for a in actors.list_all(self.case):
            for name in a.names:
                fp = fingerprint(name)
                if fp:
                    known.setdefault(fp, a.id)
        self.actor_ids: dict[str, int] = {}
        created: dict[str, int] = {}
        parents: dict[str, str] = {}
        for (data,) in self.db.execute("SELECT data FROM entities WHERE kind = 'actor' "
                                       "ORDER BY rowid").fetchall():
            proxy = model.get_proxy(json.loads(data), cleaned=False)
            self.step("Actors")
            names = [*proxy.get("name"), *proxy.get("alias"), *proxy.get("weakAlias"),
                     *proxy.get("previousName")]
            names = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
            label = f"{proxy.schema.name} {names[0] if names else proxy.id}"
            if not names:
                self.record(ImportItem(label, "failed", reason="an actor without a name"))
                continue
            prints = [fp for fp in map(fingerprint, names) if fp]
            same = next((known[fp] for fp in prints if fp in known), None)
            if same is not None:
                existing = actors.get(self.case, same)
                added = [a for a in names if a not in existing.names]
                for alias in added:
                    actors.add_alias(self.case, same, alias)
                self.actor_ids[proxy.id] = same
                self.record(ImportItem(label, "duplicate", reason=(
                    f"same name as actor {same} ({existing.name})"
                    + (f"; aliases added: {', '.join(added)}" if added else ""))))
                continue
            try:
                actor_id = int(actors.add(self.case, name=names[0],
                                          type=_actor_type(proxy.schema),
                                          aliases=names[1:],
                                          note=_first(proxy.get("notes"))).id)
            except WorkbenchError as exc:
                self.record(ImportItem(label, "failed", reason=str(exc)[:300]))
                continue
            for fp in prints:
                known.setdefault(fp, actor_id)
            self.actor_ids[proxy.id] = actor_id
            created[proxy.id] = actor_id
            self.tag(proxy, "actor", actor_id)
            parent = proxy.first("parent")
            if parent:
                parents[proxy.id] = parent
            self.record(ImportItem(label, "imported"))
        for (data,) in self.db.execute("SELECT data FROM entities WHERE kind = 'membership'"):
            proxy = model.get_proxy(json.loads(data), cleaned=False)
            member, org = proxy.first("member"), proxy.first("organization")
            if member and org:
                parents.setdefault(member, org)
        for child, parent in parents.items():
            if child in created and parent in self.actor_ids:
                try:
                    actors.update(self.case, created[child], parent_id=self.actor_ids[parent])
                except WorkbenchError:
                    pass  # a loop of parents: the link is left out, the actor stays

    def tag(self, proxy, kind: str, row_id: int) -> None:
        """FtM keywords become tags (Workbench writes its tags as keywords)."""
        for name in proxy.get("keywords"):
            try:
                tags.add(self.case, kind, row_id, name)
            except WorkbenchError:
                pass  # a keyword no tag can be (too long...): the item stays

    # -- documents ---------------------------------------------------------------------
    def _known_hashes(self) -> dict[str, int]:
        known: dict[str, int] = {}
        for row in self.case.conn.execute(
                "SELECT id, sha256, json_extract(metadata, '$.ftm.sha256'), "
                "json_extract(metadata, '$.ftm.contentHash') FROM documents"):
            for value in row[1:]:
                if value:
                    known.setdefault(value, row[0])
        return known

    def _sha1_of_case(self) -> dict[str, int]:
        """SHA-1 of every document's original bytes (computed once, when a file names
        contentHashes Workbench did not write)."""
        if self.sha1_index is None:
            self.sha1_index = {}
            conn = self.case.conn
            for doc_id, rowid in conn.execute(
                    "SELECT d.id, b.rowid FROM documents d JOIN blobs b "
                    "ON b.sha256 = d.sha256").fetchall():
                sha1 = hashlib.sha1()
                with conn.blobopen("blobs", "data", rowid, readonly=True) as blob:
                    while data := blob.read(_BLOB_CHUNK):
                        sha1.update(data)
                self.sha1_index.setdefault(sha1.hexdigest(), doc_id)
        return self.sha1_index

    def documents(self) -> None:
        known = self._known_hashes()
        self.doc_ids: dict[str, int] = {}
        pending = [r[0] for r in self.db.execute(
            "SELECT id FROM entities WHERE kind = 'document' ORDER BY rowid")]
        attach = True
        while pending:
            waiting, later = set(pending), []
            for entity_id in pending:
                (data,) = self.db.execute("SELECT data FROM entities WHERE id = ?",
                                          (entity_id,)).fetchone()
                proxy = model.get_proxy(json.loads(data), cleaned=False)
                parent = proxy.first("parent")
                if attach and parent in waiting and parent != entity_id:
                    later.append(entity_id)  # its parent first
                    continue
                waiting.discard(entity_id)
                self.step("Documents")
                self.document(proxy, known)
            # Parents in a loop: the rest are imported without their parent link.
            attach = len(later) < len(pending)
            pending = later

    def document(self, proxy, known: dict[str, int]) -> None:
        title = (_first(proxy.get("title")) or _first(proxy.get("fileName"))
                 or _first(proxy.get("name")) or _first(proxy.get("subject")) or proxy.id)
        label = f"{proxy.schema.name} {title}"
        sha256 = next((m.group(1) for note in proxy.get("notes")
                       for m in [_SHA256.search(note)] if m), None)
        hashes = [h for h in (sha256, *proxy.get("contentHash")) if h]
        same = next((known[h] for h in hashes if h in known), None)
        if same is None and proxy.get("contentHash"):
            sha1s = self._sha1_of_case()
            same = next((sha1s[h] for h in proxy.get("contentHash") if h in sha1s), None)
        if same is not None:
            self.doc_ids[proxy.id] = same
            self.record(ImportItem(label, "duplicate", document_id=same,
                                   reason=f"same file as document {same}"))
            return
        pages = [r[0] for r in self.db.execute(
            "SELECT text FROM pages WHERE document = ? ORDER BY n", (proxy.id,))]
        if not pages and proxy.get("bodyText"):
            pages = ["\n".join(proxy.get("bodyText"))]
        record = proxy.to_dict()
        for prop in ("bodyText", "indexText"):
            record["properties"].pop(prop, None)
        record["pages"] = pages
        data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        email = None
        if proxy.schema.is_a("Email"):
            email = documents.EmailHeaders(
                from_addr=_joined(proxy.get("from")), to_addrs=_joined(proxy.get("to")),
                cc_addrs=_joined(proxy.get("cc")), date=_first(proxy.get("date")),
                subject=_first(proxy.get("subject")),
                message_id=_first(proxy.get("messageId")),
                in_reply_to=_first(proxy.get("inReplyTo")))
        parent = self.doc_ids.get(proxy.first("parent") or "") or None
        metadata = {"ftm": {"id": proxy.id, "schema": proxy.schema.name,
                            "sha256": sha256, "contentHash": _first(proxy.get("contentHash")),
                            "mimeType": _first(proxy.get("mimeType"))}}
        try:
            with self.case.action(f"Import {title}") as act:
                changes = documents.add(
                    self.case, data=data, title=title[:1000],
                    kind="email" if email is not None else "text", pages=pages,
                    file_name=_first(proxy.get("fileName")), source_path=str(self.path),
                    origin=_first(proxy.get("publisher")) or self.origin,
                    received=_first(proxy.get("retrievedAt")),
                    media_type="application/json", metadata=metadata, parent_id=parent,
                    import_id=self.report.import_id, email=email)
                doc_id = int(changes.id)
                act.row_id = doc_id
                act.insert("import_items", {"import_id": self.report.import_id,
                                            "path": label, "outcome": "imported",
                                            "document_id": doc_id, "reason": None})
        except documents.DuplicateDocument as exc:
            self.doc_ids[proxy.id] = exc.document_id
            self.record(ImportItem(label, "duplicate", document_id=exc.document_id,
                                   reason=str(exc)))
            return
        except WorkbenchError as exc:
            self.record(ImportItem(label, "failed", reason=str(exc)[:300]))
            return
        self.doc_ids[proxy.id] = doc_id
        self.tag(proxy, "document", doc_id)
        for h in hashes:
            known.setdefault(h, doc_id)
        self.report.items.append(ImportItem(label, "imported", document_id=doc_id,
                                            pages=len(pages)))


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _joined(values: list[str]) -> str | None:
    return ", ".join(values) if values else None
