"""A case as FollowTheMoney entities, one JSON object a line, for Aleph/OpenAleph.

Every entity is built with followthemoney's model (``model.make_entity``), so its
properties are cleaned and checked by the library itself. The mapping from the case to
FtM schemata is the table in README.md ("Handing a case to Aleph"); in short:
documents become Pages (+ one Page a page), Email, HyperText or PlainText; actors
PublicBody, Company or Person (with ``parent``, and a Membership for a person in an
organisation); pages naming an actor a Mention; excerpts, claims, verdicts and findings
Notes; statements Events; evidence Documentation (an excerpt) or UnknownLink (a
statement).

Ids are FtM's SHA-1 of ("workbench", case id, kind, row id): exporting the same case
again gives the same ids, so Aleph updates the entities instead of adding copies.

Confidential documents (and everything attached to them) and confidential actors are
left out, with what depends on them (their pages, excerpts, statements, evidence and
links); every text that is written is passed through the report's
:class:`~workbench.core.redaction.Redactor`, which replaces any remaining name, alias,
file name, sender or hash of a confidential item by "Confidential source N". Pass
``include_confidential=True`` to write everything as it is.

Streaming: documents, pages and records are read through SQLite cursors and written one
entity at a time; only the ids of left-out rows and the actors' names are held, so
memory stays flat whatever the number of pages. The whole export reads one snapshot
(one read transaction) and writes to ``OUTPUT.part``, renamed over ``OUTPUT`` only when
complete: a cancelled or failed export leaves no partial file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path
from typing import IO

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id

from workbench.core.casefile import Case, refuse_as_output
from workbench.core.errors import WorkbenchError
from workbench.core.progress import NO_PROGRESS, Cancelled, Progress
from workbench.core.redaction import Redactor, Where
from workbench.core.search.mentions_match import ActorMatcher

#: FtM schema of each actor type.
ACTOR_SCHEMA = {"agency": "PublicBody", "company": "Company", "person": "Person"}
#: FtM schema of a one-page document of each kind; other kinds, and any document of
#: more than one page (except an email), are Pages with one Page entity a page.
SINGLE_SCHEMA = {"email": "Email", "html": "HyperText", "text": "PlainText",
                 "note": "PlainText"}
#: Longest value FtM accepts for a text property (bodyText, description...).
TEXT_LIMIT = 65000
#: Longest name (FtM "name" type) and string (title, fileName...).
NAME_LIMIT = 380
STRING_LIMIT = 1000
#: A long page or body is written as several values of at most this many characters.
CHUNK = 60000
_BLOB_CHUNK = 1 << 20


@dataclass
class ExportSummary:
    """What an export wrote (entities by FtM schema) and what it left out."""

    path: str
    include_confidential: bool
    entities: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)
    #: Names, file names, senders... of confidential items replaced in exported text.
    replaced: int = 0

    @property
    def total(self) -> int:
        return sum(self.entities.values())

    def lines(self) -> list[str]:
        """The summary as lines for a person (the command line and the window)."""
        out = [f"Wrote {self.total} FollowTheMoney entities to {self.path}: "
               + ", ".join(f"{n} {s}" for s, n in sorted(self.entities.items()))]
        if self.include_confidential:
            out.append("Confidential documents and people are INCLUDED (--include-confidential).")
        elif self.left_out:
            out.append("Left out as confidential: " + ", ".join(
                f"{n} {k if n != 1 else k[:-1]}" for k, n in sorted(self.left_out.items())))
        else:
            out.append("Nothing in this case is marked confidential; nothing was left out.")
        if self.replaced:
            out.append(f"Replaced {self.replaced} mention(s) of confidential sources in "
                       "exported text by \"Confidential source N\".")
        return out


def export_case(case: Case, output: str | Path, *, include_confidential: bool = False,
                progress: Progress = NO_PROGRESS) -> ExportSummary:
    """Write the case to ``output`` as FtM JSON lines; return what was written.

    Raises :class:`~workbench.core.progress.Cancelled` (and leaves no file) when the
    progress asks to stop. Runs on the calling thread, which must own ``case``.
    """
    output = Path(output)
    refuse_as_output(case.path, output)
    part = output.with_name(output.name + ".part")
    summary = ExportSummary(str(output), include_confidential)
    conn = case.conn
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one snapshot, even while the window writes
    try:
        with open(part, "w", encoding="utf-8", newline="\n") as fh:
            _Export(case, fh, summary, progress).run()
        os.replace(part, output)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise WorkbenchError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        if began and conn.in_transaction:
            conn.execute("ROLLBACK")
    progress.update(1.0, f"Wrote {summary.total} entities")
    return summary


def _short(text: str | None, limit: int) -> str | None:
    if not text:
        return text
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters, after a newline or a
    space where there is one (FtM refuses longer text values)."""
    out = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        cut = cut + 1 if cut > size // 2 else size
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


class _Export:
    def __init__(self, case: Case, fh: IO[str], summary: ExportSummary,
                 progress: Progress) -> None:
        self.case = case
        self.conn = case.conn
        self.fh = fh
        self.summary = summary
        self.progress = progress
        self.case_id = case.info.case_id
        include = summary.include_confidential
        redactor = None if include else Redactor(case)
        self.redactor = redactor if redactor is not None and redactor.active else None
        # A quick test before the Redactor's regular expression (which costs ~1 ms a
        # page): every string it can match, folded, as the Redactor folds the text it
        # matches. Without them (a changed Redactor) every text goes through it.
        terms = getattr(self.redactor, "_terms", None)
        hashes = getattr(self.redactor, "_hashes", None)
        self.needles = None if terms is None or hashes is None else \
            [t.casefold() for t in terms] + [h.casefold() for h in hashes]
        self.skip_docs: set[int] = set() if include else {r[0] for r in self.conn.execute(
            "WITH RECURSIVE x(id) AS (SELECT id FROM documents WHERE confidential = 1 "
            "UNION SELECT d.id FROM documents d JOIN x ON d.parent_id = x.id) "
            "SELECT id FROM x")}
        self.skip_actors: set[int] = set() if include else {r[0] for r in self.conn.execute(
            "SELECT id FROM actors WHERE confidential = 1")}
        self.skip_excerpts: set[int] = set()
        self.skip_statements: set[int] = set()
        self.actor_names: dict[int, str] = {}
        self.actor_schema: dict[int, str] = {}

    # -- helpers ---------------------------------------------------------------------
    def id(self, kind: str, row_id: object) -> str:
        return make_entity_id("workbench", self.case_id, kind, str(row_id))

    def entity(self, schema: str, kind: str, row_id: object) -> EntityProxy:
        e = model.make_entity(schema)
        e.id = self.id(kind, row_id)
        return e

    def text(self, value: str | None, kind: str, row_id: int | None, what: str, *,
             quote: bool = False) -> str | None:
        """``value`` with confidential names replaced (unless they are included)."""
        if not value or self.redactor is None:
            return value
        if self.needles is not None:
            folded = " ".join(value.replace("’", "'").casefold().split())
            if not any(needle in folded for needle in self.needles):
                return value  # names nothing confidential: the Redactor would agree
        clean = self.redactor.scrub(value, Where(kind, row_id, what), quote=quote)
        self.summary.replaced += len(self.redactor.leaks)
        self.redactor.leaks.clear()
        return clean

    def emit(self, e: EntityProxy) -> None:
        self.fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        self.summary.entities[e.schema.name] += 1

    def keywords(self, e: EntityProxy, kind: str, row_id: int) -> None:
        """The row's tags, as FtM keywords."""
        for (name,) in self.conn.execute(
                "SELECT t.name FROM taggings g JOIN tags t ON t.id = g.tag_id "
                "WHERE g.target_kind = ? AND g.target_id = ? ORDER BY t.name",
                (kind, row_id)):
            e.add("keywords", _short(self.text(name, kind, row_id, "tag"), STRING_LIMIT))

    def leave_out(self, kind: str, n: int = 1) -> None:
        self.summary.left_out[kind] += n

    # -- the export ------------------------------------------------------------------
    def run(self) -> None:
        self.progress.update(0.0, "Writing actors")
        self.actors()
        self.documents(self.progress.child(0.02, 0.9))
        self.progress.update(0.9, "Writing excerpts, statements and claims")
        self.excerpts()
        self.statements()
        self.claims()
        self.findings()

    def actors(self) -> None:
        rows = self.conn.execute("SELECT * FROM actors ORDER BY id").fetchall()
        aliases: dict[int, list[str]] = {}
        for actor_id, alias in self.conn.execute(
                "SELECT actor_id, alias FROM actor_aliases ORDER BY id"):
            aliases.setdefault(actor_id, []).append(alias)
        types = {r["id"]: r["type"] for r in rows}
        for r in rows:
            if r["id"] in self.skip_actors:
                self.leave_out("actors")
                continue
            schema = ACTOR_SCHEMA[r["type"]]
            e = self.entity(schema, "actor", r["id"])
            name = _short(self.text(r["name"], "actor", r["id"], "name"), NAME_LIMIT)
            e.add("name", name)
            for alias in aliases.get(r["id"], ()):
                e.add("alias", _short(self.text(alias, "actor", r["id"], "alias"), NAME_LIMIT))
            e.add("notes", self.text(r["note"], "actor", r["id"], "note"))
            e.add("createdAt", r["created_at"])
            self.keywords(e, "actor", r["id"])
            parent = r["parent_id"]
            if parent is not None and parent not in self.skip_actors:
                e.add("parent", self.id("actor", parent))
            self.emit(e)
            self.actor_names[r["id"]] = name or r["name"]
            self.actor_schema[r["id"]] = schema
            if (r["type"] == "person" and parent is not None
                    and parent not in self.skip_actors and types[parent] != "person"):
                m = self.entity("Membership", "membership", r["id"])
                m.add("member", e.id)
                m.add("organization", self.id("actor", parent))
                self.emit(m)
        self.matcher = ActorMatcher({
            r["id"]: (r["name"], *aliases.get(r["id"], ())) for r in rows
            if r["id"] not in self.skip_actors})

    def documents(self, progress: Progress) -> None:
        total = max(1, self.conn.execute("SELECT count(*) FROM pages").fetchone()[0])
        done = 0
        for doc in self.conn.execute("SELECT * FROM documents ORDER BY id"):
            progress.check()
            if doc["id"] in self.skip_docs:
                self.leave_out("documents")
                self.leave_out("pages", doc["page_count"])
                done += doc["page_count"]
                continue
            progress.update(done / total, doc["title"] if self.redactor is None
                            else f"Document {doc['id']}")
            self.document(doc, progress)
            done += doc["page_count"]

    def _hash(self, sha256: str) -> tuple[str, int]:
        """SHA-1 (what Aleph's archive calls a content hash) and size of the bytes,
        read in slices so a large file is never held whole."""
        row = self.conn.execute("SELECT rowid, size FROM blobs WHERE sha256 = ?",
                                (sha256,)).fetchone()
        sha1 = hashlib.sha1()
        if row is not None and row["size"]:
            with self.conn.blobopen("blobs", "data", row["rowid"], readonly=True) as blob:
                while data := blob.read(_BLOB_CHUNK):
                    sha1.update(data)
        return sha1.hexdigest(), row["size"] if row is not None else 0

    def document(self, doc, progress: Progress) -> None:
        doc_id = doc["id"]
        mail = self.conn.execute("SELECT * FROM emails WHERE document_id = ?",
                                 (doc_id,)).fetchone()
        kind = doc["kind"]
        paged = kind != "email" and (doc["page_count"] > 1 or kind not in SINGLE_SCHEMA)
        e = self.entity("Pages" if paged else SINGLE_SCHEMA[kind], "document", doc_id)
        e.add("title", _short(self.text(doc["title"], "document", doc_id, "title"),
                              STRING_LIMIT))
        for (name,) in self.conn.execute(
                "SELECT DISTINCT file_name FROM document_names WHERE document_id = ? "
                "AND file_name IS NOT NULL ORDER BY id", (doc_id,)):
            e.add("fileName", _short(self.text(name, "document", doc_id, "file name"),
                                     STRING_LIMIT))
        sha1, size = self._hash(doc["sha256"])
        e.add("contentHash", sha1)
        e.add("fileSize", size)
        e.add("mimeType", doc["media_type"])
        e.add("publisher", _short(self.text(doc["origin"], "document", doc_id, "origin"),
                                  STRING_LIMIT))
        e.add("retrievedAt", doc["received"])
        e.add("processedAt", doc["imported_at"])
        e.add("notes", f"Workbench document {doc_id}; SHA-256 {doc['sha256']}")
        self.keywords(e, "document", doc_id)
        if doc["parent_id"] is not None:
            e.add("parent", self.id("document", doc["parent_id"]))
        if mail is not None:
            self.email(e, mail, doc_id)
        named: set[int] = set()
        pages = self.conn.execute("SELECT id, page_no, text FROM pages WHERE document_id = ? "
                                  "ORDER BY page_no", (doc_id,))
        if paged:
            self.emit(e)
            for n, page in enumerate(pages):
                if n % 500 == 0:
                    progress.check()
                named |= self.matcher.actors_in(page["text"])
                p = self.entity("Page", "page", page["id"])
                p.add("document", e.id)
                p.add("index", page["page_no"])
                for piece in chunks(self.text(page["text"], "document", doc_id,
                                              f"page {page['page_no']}") or ""):
                    p.add("bodyText", piece)
                self.emit(p)
        else:
            texts = []
            for page in pages:
                named |= self.matcher.actors_in(page["text"])
                texts.append(page["text"])
            body = self.text("\n\n".join(texts), "document", doc_id, "text") or ""
            for piece in chunks(body):
                e.add("bodyText", piece)
            self.emit(e)
        for actor_id in sorted(named):
            m = self.entity("Mention", "mention", f"{doc_id}:{actor_id}")
            m.add("name", self.actor_names[actor_id])
            m.add("document", e.id)
            m.add("resolved", self.id("actor", actor_id))
            m.add("detectedSchema", self.actor_schema[actor_id])
            self.emit(m)

    def email(self, e: EntityProxy, mail, doc_id: int) -> None:
        def people(value: str | None, what: str) -> list[str]:
            if not value:
                return []
            # Written as people read them ("Name <address>"), not RFC 2047-encoded.
            return [_short(self.text(f"{n} <{a}>" if n and a else n or a, "document",
                                     doc_id, what), STRING_LIMIT)
                    for n, a in getaddresses([value]) if n or a]

        for prop, column in (("from", "from_addr"), ("to", "to_addrs"), ("cc", "cc_addrs")):
            for who in people(mail[column], "sender" if prop == "from" else "recipient"):
                e.add(prop, who)
        subject = _short(self.text(mail["subject"], "document", doc_id, "subject"),
                         STRING_LIMIT)
        e.add("subject", subject)
        e.add("threadTopic", subject)
        e.add("date", mail["date"])
        e.add("messageId", mail["message_id"])
        e.add("inReplyTo", mail["in_reply_to"])
        if mail["in_reply_to"]:
            row = self.conn.execute(
                "SELECT document_id FROM emails WHERE message_id = ? ORDER BY document_id "
                "LIMIT 1", (mail["in_reply_to"],)).fetchone()
            if row is not None and row[0] not in self.skip_docs:
                e.add("inReplyToEmail", self.id("document", row[0]))

    def excerpts(self) -> None:
        for r in self.conn.execute("SELECT * FROM excerpts ORDER BY id"):
            if r["document_id"] in self.skip_docs:
                self.skip_excerpts.add(r["id"])
                self.leave_out("excerpts")
                continue
            e = self.entity("Note", "excerpt", r["id"])
            e.add("name", f"Excerpt {r['id']} (page {r['page_no']}, "
                          f"characters {r['start']}-{r['end']})")
            e.add("description", self.text(r["quote"], "excerpt", r["id"], "quote",
                                           quote=True))
            e.add("summary", self.text(r["note"], "excerpt", r["id"], "note"))
            e.add("entity", self.id("document", r["document_id"]))
            if r["actor_id"] is not None and r["actor_id"] not in self.skip_actors:
                e.add("entity", self.id("actor", r["actor_id"]))
            e.add("createdAt", r["created_at"])
            self.emit(e)

    def statements(self) -> None:
        for r in self.conn.execute("SELECT * FROM statements ORDER BY id"):
            if (r["actor_id"] in self.skip_actors or r["document_id"] in self.skip_docs
                    or r["excerpt_id"] in self.skip_excerpts):
                self.skip_statements.add(r["id"])
                self.leave_out("statements")
                continue
            who = self.actor_names[r["actor_id"]]
            e = self.entity("Event", "statement", r["id"])
            if r["stance"] == "no-response":
                e.add("name", _short(f"{who} did not respond (asked {r['asked_on']})",
                                     NAME_LIMIT))
            else:
                e.add("name", _short(f"Statement by {who}: {r['stance']}", NAME_LIMIT))
            e.add("date", r["date"] or r["asked_on"])
            e.add("description", self.text(r["text"], "statement", r["id"], "text",
                                           quote=True))
            e.add("summary", "; ".join(
                f"{k}: {v}" for k, v in (
                    ("stance", r["stance"]), ("channel", r["channel"]),
                    ("speaker", self.text(r["speaker"], "statement", r["id"], "speaker")),
                    ("role", self.text(r["role"], "statement", r["id"], "role")),
                    ("asked on", r["asked_on"])) if v))
            e.add("involved", self.id("actor", r["actor_id"]))
            document = r["document_id"]
            if document is None and r["excerpt_id"] is not None:
                document = self.conn.execute("SELECT document_id FROM excerpts WHERE id = ?",
                                             (r["excerpt_id"],)).fetchone()[0]
            if document is not None:
                e.add("proof", self.id("document", document))
            self.emit(e)

    def claims(self) -> None:
        about: dict[int, list[int]] = {}
        for claim_id, actor_id in self.conn.execute(
                "SELECT claim_id, actor_id FROM claim_actors ORDER BY id"):
            about.setdefault(claim_id, []).append(actor_id)
        for r in self.conn.execute("SELECT * FROM claims ORDER BY id"):
            e = self.entity("Note", "claim", r["id"])
            text = self.text(r["text"], "claim", r["id"], "text")
            e.add("name", _short(f"Claim {r['id']}: {text}", NAME_LIMIT))
            e.add("description", text)
            e.add("summary", self.text(r["origin_note"], "claim", r["id"], "origin"))
            for actor_id in about.get(r["id"], ()):
                if actor_id not in self.skip_actors:
                    e.add("entity", self.id("actor", actor_id))
            origin = r["origin_document_id"]
            if origin is not None and origin not in self.skip_docs:
                e.add("entity", self.id("document", origin))
            if r["origin_excerpt_id"] is not None and \
                    r["origin_excerpt_id"] not in self.skip_excerpts:
                e.add("entity", self.id("excerpt", r["origin_excerpt_id"]))
            e.add("createdAt", r["created_at"])
            self.emit(e)
        for r in self.conn.execute("SELECT * FROM verdicts ORDER BY id"):
            e = self.entity("Note", "verdict", r["id"])
            e.add("name", f"Verdict on claim {r['claim_id']}: {r['status']}")
            e.add("description", self.text(r["rationale"], "verdict", r["id"], "rationale"))
            e.add("entity", self.id("claim", r["claim_id"]))
            e.add("createdAt", r["decided_at"])
            self.emit(e)
        for r in self.conn.execute("SELECT * FROM evidence ORDER BY id"):
            if r["excerpt_id"] in self.skip_excerpts or \
                    r["statement_id"] in self.skip_statements:
                self.leave_out("evidence links")
                continue
            note = self.text(r["note"], "evidence", r["id"], "note")
            if r["excerpt_id"] is not None:
                x = self.conn.execute("SELECT document_id, quote FROM excerpts WHERE id = ?",
                                      (r["excerpt_id"],)).fetchone()
                e = self.entity("Documentation", "evidence", r["id"])
                e.add("document", self.id("document", x["document_id"]))
                e.add("entity", self.id("claim", r["claim_id"]))
                e.add("role", f"{r['relation']} (excerpt {r['excerpt_id']})")
                e.add("summary", self.text(x["quote"], "excerpt", r["excerpt_id"], "quote",
                                           quote=True))
            else:
                e = self.entity("UnknownLink", "evidence", r["id"])
                e.add("subject", self.id("claim", r["claim_id"]))
                e.add("object", self.id("statement", r["statement_id"]))
                e.add("role", f"{r['relation']} (statement {r['statement_id']})")
            e.add("description", note)
            self.emit(e)

    def findings(self) -> None:
        cites: dict[int, list[str]] = {}
        for r in self.conn.execute("SELECT * FROM citations ORDER BY finding_id, position"):
            if r["excerpt_id"] is not None and r["excerpt_id"] not in self.skip_excerpts:
                cites.setdefault(r["finding_id"], []).append(self.id("excerpt", r["excerpt_id"]))
            elif r["statement_id"] is not None and \
                    r["statement_id"] not in self.skip_statements:
                cites.setdefault(r["finding_id"], []).append(
                    self.id("statement", r["statement_id"]))
            else:
                self.leave_out("citations")
        for r in self.conn.execute("SELECT * FROM findings ORDER BY position, id"):
            e = self.entity("Note", "finding", r["id"])
            title = self.text(r["title"], "finding", r["id"], "title")
            e.add("name", _short(f"Finding: {title}", NAME_LIMIT))
            e.add("description", self.text(r["text"], "finding", r["id"], "text"))
            e.add("summary", f"status: {r['status']}")
            for target in cites.get(r["id"], ()):
                e.add("entity", target)
            e.add("createdAt", r["created_at"])
            e.add("modifiedAt", r["updated_at"])
            self.emit(e)


__all__ = ["ExportSummary", "export_case", "Cancelled", "chunks"]
