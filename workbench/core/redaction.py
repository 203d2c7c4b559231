"""Source protection: what identifies a confidential document or person, and its stand-in.

A document or actor marked confidential is shown in a report only as "Confidential
source N", numbered in the order the report first needs them. :class:`Redactor` knows
every string that would identify one (names, aliases, speakers, titles, file names,
an origin no open document shares, email senders, the SHA-256), replaces them in any
text it is given, and records each replacement with where it happened so that the
publication gate can tell the user what to rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import getaddresses

from workbench.core.casefile import Case

LABEL = "Confidential source {n}"
#: How many leading hex digits of a hash identify a document (what a report prints).
HASH_PREFIX = 12


@dataclass(frozen=True)
class Where:
    """A place in the case whose text the report prints: ``finding 3``, its ``text``."""

    kind: str  # finding | claim | verdict | evidence | statement | excerpt | document | report
    id: int | None
    field: str

    def __str__(self) -> str:
        thing = self.kind if self.id is None else f"{self.kind} {self.id}"
        return f"{thing}, {self.field}"


@dataclass(frozen=True)
class Leak:
    """Text at ``where`` that names a confidential ``entity`` ("document 8")."""

    where: Where
    entity_kind: str  # document | actor
    entity_id: int
    found: str  # the identifying text as it occurs
    what: str  # what it is: "name", "file name", "SHA-256"...


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


class Redactor:
    """Labels and scrubs confidential material for one report build."""

    def __init__(self, case: Case) -> None:
        self.documents = {r["id"]: r for r in case.rows(
            "SELECT id, title, file_name, origin, sha256 FROM documents WHERE confidential = 1")}
        self.actors = {r["id"]: r for r in case.rows(
            "SELECT id, name FROM actors WHERE confidential = 1")}
        self._labels: dict[tuple[str, int], str] = {}
        self.leaks: list[Leak] = []
        self._terms: dict[str, tuple[str, int, str]] = {}
        self._hashes: dict[str, int] = {}
        self._collect(case)
        self._pattern = self._compile()

    # -- what identifies a source -------------------------------------------------
    def _term(self, text: str | None, kind: str, entity_id: int, what: str) -> None:
        if text and len(text.strip()) >= 2:
            self._terms.setdefault(_key(text), (kind, entity_id, what))

    def _collect(self, case: Case) -> None:
        open_origins = {r[0] for r in case.rows(
            "SELECT DISTINCT origin FROM documents WHERE confidential = 0 AND origin IS NOT NULL")}
        for doc_id, row in self.documents.items():
            self._term(row["title"], "document", doc_id, "title")
            self._term(row["file_name"], "document", doc_id, "file name")
            if row["origin"] not in open_origins:
                self._term(row["origin"], "document", doc_id, "origin")
            self._hashes[row["sha256"][:HASH_PREFIX].lower()] = doc_id
            for name in case.rows("SELECT file_name, source_path, origin FROM document_names "
                                  "WHERE document_id = ?", (doc_id,)):
                self._term(name["file_name"], "document", doc_id, "file name")
                if name["origin"] not in open_origins:
                    self._term(name["origin"], "document", doc_id, "origin")
            mail = case.row("SELECT from_addr FROM emails WHERE document_id = ?", (doc_id,))
            if mail is not None and mail["from_addr"]:
                for display, address in getaddresses([mail["from_addr"]]):
                    self._term(display, "document", doc_id, "sender")
                    self._term(address, "document", doc_id, "sender")
        for actor_id, row in self.actors.items():
            self._term(row["name"], "actor", actor_id, "name")
            for alias in case.rows("SELECT alias FROM actor_aliases WHERE actor_id = ?",
                                   (actor_id,)):
                self._term(alias[0], "actor", actor_id, "alias")
            for st in case.rows("SELECT speaker FROM statements WHERE actor_id = ?",
                                (actor_id,)):
                self._term(st[0], "actor", actor_id, "speaker")

    def _compile(self) -> re.Pattern[str] | None:
        parts = [r"\s+".join(re.escape(w).replace("'", "['’]") for w in term.split())
                 for term in sorted(self._terms, key=len, reverse=True)]
        words = r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)" if parts else None
        hashes = (r"(?<![0-9a-f])(?:" + "|".join(self._hashes) + r")[0-9a-f]*"
                  if self._hashes else None)
        both = "|".join(p for p in (words, hashes) if p)
        return re.compile(both, re.IGNORECASE) if both else None

    # -- labels ------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return bool(self.documents or self.actors)

    def label(self, kind: str, entity_id: int) -> str:
        """The stand-in for a confidential document or actor, numbered on first use."""
        key = (kind, entity_id)
        if key not in self._labels:
            self._labels[key] = LABEL.format(n=len(self._labels) + 1)
        return self._labels[key]

    def document_is_confidential(self, document_id: int | None) -> bool:
        return document_id in self.documents

    def actor_is_confidential(self, actor_id: int | None) -> bool:
        return actor_id in self.actors

    # -- scrubbing ---------------------------------------------------------------
    def _entity(self, found: str) -> tuple[str, int, str, str]:
        hit = self._terms.get(_key(found))
        if hit is not None:
            return hit[0], hit[1], found, hit[2]
        return "document", self._hashes[found[:HASH_PREFIX].lower()], found, "SHA-256"

    def scrub(self, text: str | None, where: Where, *, quote: bool = False) -> str | None:
        """``text`` with every identifying string replaced by its label; leaks recorded.

        In a quotation the label is bracketed, as an editor's insertion is.
        """
        if not text or self._pattern is None:
            return text

        def replace(m: re.Match[str]) -> str:
            kind, entity_id, found, what = self._entity(m.group(0))
            self.leaks.append(Leak(where, kind, entity_id, found, what))
            label = self.label(kind, entity_id)
            return f"[{label}]" if quote else label

        return self._pattern.sub(replace, text)
