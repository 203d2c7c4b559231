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

from workbench.core import identify
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


class Redactor:
    """Labels and scrubs confidential material for one report build.

    Names are matched in every form :mod:`workbench.core.identify` knows (folded text,
    name parts, initials, possessives, email local parts, phone digits); see its
    docstring for the rule that keeps common words ("will") from being flagged.
    """

    def __init__(self, case: Case, *, public: tuple[str | None, ...] = ()) -> None:
        """``public``: names the report prints as its own (byline, publisher), which
        share a name part with a source without naming it."""
        self.documents = {r["id"]: r for r in case.rows(
            "SELECT id, title, file_name, origin, sha256 FROM documents WHERE confidential = 1")}
        self.actors = {r["id"]: r for r in case.rows(
            "SELECT id, name, type, note FROM actors WHERE confidential = 1")}
        self._labels: dict[tuple[str, int], str] = {}
        self._same: dict[tuple[str, int], tuple[str, int]] = {}
        self.leaks: list[Leak] = []
        self._forms: list[identify.Form] = []
        self._owners: list[tuple[str, int]] = []
        self._secret_parts: set[str] = set()
        self._phones: list[tuple[str, str, int, str]] = []
        self._hashes: dict[str, int] = {}
        self._public_names: list[str] = []
        self._public_parts: set[str] = set()
        self._open_title_words: set[str] = set()
        if self.active:
            self._collect_public(case, [p for p in public if p])
            self._collect(case)
            self._link(case)
        self._pattern = identify.compile_forms(self._forms)
        self._public = self._public_pattern()

    # -- what identifies a source -------------------------------------------------
    def _collect_public(self, case: Case, extra: list[str]) -> None:
        self._open_title_words = {identify.fold_key(w) for r in case.rows(
            "SELECT title FROM documents WHERE confidential = 0")
            for w in re.findall(r"[\w'’-]+", r[0] or "")}
        names = extra + [r[0] for r in case.rows(
            "SELECT name FROM actors WHERE confidential = 0")]
        names += [r[0] for r in case.rows(
            "SELECT alias FROM actor_aliases JOIN actors ON actors.id = actor_id "
            "WHERE actors.confidential = 0")]
        names += [r[0] for r in case.rows(
            "SELECT DISTINCT speaker FROM statements JOIN actors ON actors.id = actor_id "
            "WHERE actors.confidential = 0 AND speaker IS NOT NULL")]
        self._public_names = [n for n in names if n and n.strip()]
        for n in self._public_names:
            self._public_parts.update(identify.name_parts(n))

    def _add(self, forms: list[identify.Form], kind: str, entity_id: int) -> None:
        for form in forms:
            if not form.pattern:
                continue
            if any(f.pattern == form.pattern and f.upper == form.upper
                   for f in self._forms):
                continue  # the first owner keeps a form two sources share
            self._forms.append(form)
            self._owners.append((kind, entity_id))

    def _term(self, text: str | None, kind: str, entity_id: int, what: str,
              *, person: bool = False) -> None:
        """Every form of ``text``: a name (``person``), an email address, a phone, a
        phrase."""
        if not text or len(identify.fold_key(text)) < 2:
            return
        text = text.strip()
        parts = self._public_parts
        for address in identify.EMAIL.findall(text):
            self._add(identify.email_forms(address, what=what + " (email)",
                                           public_parts=parts), kind, entity_id)
        for digits in identify.phones_in(text):
            self._phones.append((digits, kind, entity_id, what + " (phone)"))
        rest = identify.EMAIL.sub(" ", text).strip(" <>\"'")
        if len(identify.fold_key(rest)) < 2 or identify.phones_in(rest) and \
                len(identify.phone_digits(rest)) >= len(re.sub(r"\W", "", rest)) - 2:
            return
        if person and identify.looks_like_name(rest):
            self._secret_parts.update(identify.name_parts(rest))
            self._add(identify.person_forms(rest, what=what, public_parts=parts),
                      kind, entity_id)
        else:
            self._add([identify.Form(identify.phrase(rest), what)], kind, entity_id)

    def _collect(self, case: Case) -> None:
        open_origins = {identify.fold_key(r[0]) for r in case.rows(
            "SELECT DISTINCT origin FROM documents WHERE confidential = 0 AND origin IS NOT NULL")}

        open_addresses = {a.casefold() for r in case.rows(
            "SELECT from_addr, to_addrs, cc_addrs FROM emails JOIN documents "
            "ON documents.id = emails.document_id WHERE documents.confidential = 0")
            for _n, a in getaddresses([r[0] or "", r[1] or "", r[2] or ""]) if a}

        def origin(value: str | None, doc_id: int) -> None:
            if value and identify.fold_key(value) not in open_origins:
                self._term(value, "document", doc_id, "origin")

        def file_name(value: str | None, doc_id: int) -> None:
            if not value:
                return
            self._term(value, "document", doc_id, "file name")
            stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", value)
            if stem != value:
                self._term(stem, "document", doc_id, "file name")
            spaced = re.sub(r"[-_.]+", " ", stem).strip()
            if " " in spaced:
                self._term(spaced, "document", doc_id, "file name")

        for actor_id, row in self.actors.items():
            person = row["type"] == "person"
            self._term(row["name"], "actor", actor_id, "name", person=person)
            for alias in case.rows("SELECT alias FROM actor_aliases WHERE actor_id = ?",
                                   (actor_id,)):
                self._term(alias[0], "actor", actor_id, "alias", person=person)
            for st in case.rows("SELECT DISTINCT speaker FROM statements WHERE actor_id = ?",
                                (actor_id,)):
                self._term(st[0], "actor", actor_id, "speaker", person=True)
            note = row["note"] or ""
            for address in identify.EMAIL.findall(note):
                self._term(address, "actor", actor_id, "email in the note")
            for digits in identify.phones_in(note):
                self._phones.append((digits, "actor", actor_id, "phone in the note"))
        for doc_id, row in self.documents.items():
            self._term(row["title"], "document", doc_id, "title")
            file_name(row["file_name"], doc_id)
            origin(row["origin"], doc_id)
            self._hashes[row["sha256"][:HASH_PREFIX].lower()] = doc_id
            for name in case.rows("SELECT file_name, origin FROM document_names "
                                  "WHERE document_id = ?", (doc_id,)):
                file_name(name["file_name"], doc_id)
                origin(name["origin"], doc_id)
            mail = case.row("SELECT from_addr, to_addrs, cc_addrs, subject FROM emails "
                            "WHERE document_id = ?", (doc_id,))
            if mail is not None:
                for display, address in getaddresses([mail["from_addr"] or ""]):
                    self._term(display, "document", doc_id, "sender", person=True)
                    self._term(address, "document", doc_id, "sender")
                # recipients by address only: a display name there is often the reporter's
                for _display, address in getaddresses([mail["to_addrs"] or "",
                                                       mail["cc_addrs"] or ""]):
                    if address and address.casefold() not in open_addresses:
                        self._term(address, "document", doc_id, "recipient")
                subject = re.sub(r"^(?:\s*(?:re|fwd?|aw|wg|tr)\s*:)+", "",
                                 mail["subject"] or "", flags=re.IGNORECASE)
                self._term(subject, "document", doc_id, "subject")
                self._distinctive_words(case, subject, "document", doc_id, "subject")

    def _distinctive_words(self, case: Case, text: str | None, kind: str, entity_id: int,
                           what: str) -> None:
        """The proper nouns of a confidential email's subject ("Harbourview"): a
        capitalised word of 4 letters or more that is not a common or generic word, not
        part of a non-confidential actor's name, and found in no non-confidential
        document's title or pages. Matched only where capitalised."""
        for word in re.findall(r"[^\W\d_][\w'’-]*", text or "")[:12]:
            key = identify.fold_key(word)
            if len(key) < 4 or not word[0].isupper() or key in identify.COMMON_WORDS \
                    or key in identify.GENERIC_WORDS or key in self._public_parts \
                    or key in self._open_title_words:
                continue
            if case.row("SELECT 1 FROM pages JOIN documents ON documents.id = "
                        "pages.document_id WHERE documents.confidential = 0 AND "
                        "pages.text LIKE ? LIMIT 1", (f"%{word}%",)) is not None:
                continue
            self._add([identify.Form(re.escape(key), f"word of the {what}", capital=True,
                                     part=True)], kind, entity_id)

    def _link(self, case: Case) -> None:
        """A confidential document that records a confidential person's words is that
        person's: both get one label."""
        for doc_id in self.documents:
            row = case.row(
                "SELECT actor_id FROM statements WHERE document_id = ? AND actor_id IN "
                "(SELECT id FROM actors WHERE confidential = 1) UNION ALL "
                "SELECT actor_id FROM excerpts WHERE document_id = ? AND actor_id IN "
                "(SELECT id FROM actors WHERE confidential = 1) LIMIT 1", (doc_id, doc_id))
            if row is not None:
                self._same[("document", doc_id)] = ("actor", row[0])
                continue
            # an email the confidential person sent: by the sender's name or address
            mail = case.row("SELECT from_addr FROM emails WHERE document_id = ?", (doc_id,))
            sender = {identify.fold_key(v) for pair in getaddresses([
                (mail["from_addr"] if mail else None) or ""]) for v in pair if v}
            for actor_id in self.actors:
                names = {identify.fold_key(self.actors[actor_id]["name"])}
                names |= {identify.fold_key(r[0]) for r in case.rows(
                    "SELECT alias FROM actor_aliases WHERE actor_id = ?", (actor_id,))}
                if sender & names:
                    self._same[("document", doc_id)] = ("actor", actor_id)
                    break

    def _public_pattern(self) -> re.Pattern[str] | None:
        """Full public names that contain a confidential name part (never leaks)."""
        names = [n for n in self._public_names
                 if set(identify.name_parts(n)) & self._secret_parts]
        if not names:
            return None
        alts = sorted({identify.phrase(n) for n in names}, key=len, reverse=True)
        return re.compile(r"(?<![^\W_])(?:" + "|".join(alts) + r")(?![^\W_])")

    def find(self, text: str | None) -> list[tuple[int, int, str, int, str]]:
        """Every identifying span of ``text``: (start, end, entity kind, id, what)."""
        if not text:
            return []
        hits: list[tuple[int, int, str, int, str]] = []
        if self._pattern is not None or self._phones:
            folded = identify.fold(text)
            public = ([m.span() for m in self._public.finditer(folded.text)]
                      if self._public is not None else [])
            if self._pattern is not None:
                for m in self._pattern.finditer(folded.text):
                    k = int(m.lastgroup[1:])  # type: ignore[index]
                    form = self._forms[k]
                    if form.part and any(a <= m.start() and m.end() <= b for a, b in public):
                        continue
                    start, end = folded.span(*m.span())
                    if identify.allowed(text, start, end, form):
                        kind, entity_id = self._owners[k]
                        hits.append((start, end, kind, entity_id, form.what))
            for m in identify.PHONE.finditer(text):
                digits = identify.phone_digits(m.group(0))
                for phone, kind, entity_id, what in self._phones:
                    if identify.same_phone(digits, phone):
                        hits.append((m.start(), m.end(), kind, entity_id, what))
                        break
        if self._hashes:
            for m in _HASH.finditer(text):
                doc_id = self._hashes.get(m.group(0)[:HASH_PREFIX].lower())
                if doc_id is not None and len(m.group(0)) >= HASH_PREFIX:
                    hits.append((m.start(), m.end(), "document", doc_id, "SHA-256"))
        hits.sort()
        out: list[tuple[int, int, str, int, str]] = []
        for hit in hits:  # overlapping hits: the first (and longest there) wins
            if out and hit[0] < out[-1][1]:
                continue
            out.append(hit)
        return out

    # -- labels ------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return bool(self.documents or self.actors)

    def label(self, kind: str, entity_id: int) -> str:
        """The stand-in for a confidential document or actor, numbered on first use."""
        key = self._same.get((kind, entity_id), (kind, entity_id))
        if key not in self._labels:
            self._labels[key] = LABEL.format(n=len(self._labels) + 1)
        return self._labels[key]

    def document_is_confidential(self, document_id: int | None) -> bool:
        return document_id in self.documents

    def actor_is_confidential(self, actor_id: int | None) -> bool:
        return actor_id in self.actors

    # -- scrubbing ---------------------------------------------------------------
    def scrub(self, text: str | None, where: Where, *, quote: bool = False) -> str | None:
        """``text`` with every identifying string replaced by its label; leaks recorded.

        In a quotation the label is bracketed, as an editor's insertion is.
        """
        if not text or not self.active:
            return text
        hits = self.find(text)
        if not hits:
            return text
        out, last = [], 0
        for start, end, kind, entity_id, what in hits:
            self.leaks.append(Leak(where, kind, entity_id, text[start:end], what))
            label = self.label(kind, entity_id)
            out += [text[last:start], f"[{label}]" if quote else label]
            last = end
        out.append(text[last:])
        return "".join(out)


_HASH = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{12,64}(?![0-9a-fA-F])")
