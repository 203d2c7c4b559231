"""The report snapshot: everything a renderer needs, read once, already made safe.

:func:`build` reads the case and returns a :class:`ReportSnapshot` of plain frozen
dataclasses. Renderers (``workbench.report``) never query the case file; they lay out
this data as it is. Source protection happens here, before any renderer sees the data:
a confidential document or actor is only ever "Confidential source N", quotations from
it are dropped unless cleared, and every text the report prints is scrubbed of
whatever identifies a source (:mod:`workbench.core.redaction`). The scrubbing is also
recorded (:attr:`ReportSnapshot.leaks`) so that the publication gate can ask the user
to rewrite those passages instead of relying on the stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from datetime import datetime, timezone
from email.utils import parseaddr, parsedate_to_datetime

from workbench import __version__
from workbench.core import actors, documents, excerpts, findings, reconcile, statements, validate
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import ValidationError
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.redaction import Leak, Redactor, Where


@dataclass(frozen=True)
class Source:
    """A document the report refers to, as the "Sources" section lists it."""

    number: int
    title: str
    confidential: bool
    origin: str | None
    file_name: str | None
    received: str | None
    date: str | None
    pages: int | None
    sha256: str | None

    @property
    def short_hash(self) -> str | None:
        return self.sha256[:12] if self.sha256 else None


@dataclass(frozen=True)
class Note:
    """One citation of a finding, numbered across the whole report."""

    number: int
    kind: str  # excerpt | statement
    source: Source | None
    page: int | None
    date: str | None
    quote: str | None  # None when withheld or when the actor gave no words
    withheld: bool
    actor: str | None = None
    speaker: str | None = None
    role: str | None = None
    stance: str | None = None
    channel: str | None = None
    asked_on: str | None = None
    #: The statement's text narrates who said it: printed as recorded, never in
    #: quotation marks (the gate refuses a final report until it is corrected).
    narrated: bool = False


@dataclass(frozen=True)
class Withheld:
    """A citation printed without its words: they are from an uncleared confidential
    source. ``excerpt_id`` is the excerpt to clear, if there is one."""

    where: Where
    excerpt_id: int | None


@dataclass(frozen=True)
class Finding:
    """A finding as printed. Its text may carry citation marks ``[k]`` (see
    :data:`workbench.core.findings.CITATION_MARK`): ``notes[k - 1]`` is the note of the
    citation at position k. Renderers print a mark as that note's number; notes marked
    nowhere in the text follow the last paragraph."""

    number: int
    title: str
    paragraphs: tuple[str, ...]
    status: str
    notes: tuple[Note, ...]

    def note_at(self, position: int) -> Note | None:
        return self.notes[position - 1] if 1 <= position <= len(self.notes) else None

    @property
    def unmarked_notes(self) -> tuple[Note, ...]:
        marked = {k for p in self.paragraphs for k in findings.marked_positions(p)}
        return tuple(n for k, n in enumerate(self.notes, start=1) if k not in marked)


@dataclass(frozen=True)
class Evidence:
    """One item of evidence in a claim's table: where it is and what it says."""

    relation: str
    label: str
    quote: str | None
    withheld: bool
    note: str | None
    source: Source | None
    narrated: bool = False


@dataclass(frozen=True)
class Claim:
    number: int
    text: str
    supports: tuple[Evidence, ...]
    contradicts: tuple[Evidence, ...]
    context: tuple[Evidence, ...]
    status: str
    rationale: str | None
    decided_on: str | None
    origin: Source | None
    about: tuple[str, ...]
    #: Who made the claim and when, where the case knows (for ClaimReview).
    claimant: str | None = None
    claimed_on: str | None = None
    claimant_is_person: bool = False

    @property
    def contested(self) -> bool:
        return bool(self.supports) and bool(self.contradicts)

    @property
    def has_verdict(self) -> bool:
        return self.status != "unverified" and bool(self.rationale)

    @property
    def resolved(self) -> bool:
        """A verdict that settles the claim (confirmed, refuted or mixed) with reasons;
        "unresolved" and "unverifiable" are verdicts that do not."""
        return self.status in RESOLVING and bool(self.rationale)


#: Verdicts that resolve a contradiction.
RESOLVING = ("confirmed", "refuted", "mixed")


@dataclass(frozen=True)
class Response:
    stance: str
    speaker: str | None
    role: str | None
    date: str | None
    channel: str | None
    text: str | None
    withheld: bool
    asked_on: str | None
    source: Source | None
    narrated: bool = False


@dataclass(frozen=True)
class ActorResponses:
    name: str
    responses: tuple[Response, ...]
    named_in_findings: bool
    #: Why no response is needed (the actor is a source, not a subject), if so recorded.
    not_needed: str | None = None

    @property
    def on_record(self) -> bool:
        return bool(self.responses) or self.not_needed is not None


@dataclass(frozen=True)
class ReportSnapshot:
    title: str
    byline: str | None
    date: str
    draft: bool
    generator: str
    counts: tuple[tuple[str, int], ...]
    findings: tuple[Finding, ...]
    claims: tuple[Claim, ...]
    responses: tuple[ActorResponses, ...]
    sources: tuple[Source, ...]
    #: For the gate, not for printing: identifying text that had to be scrubbed, and
    #: the citations of findings whose quotation was withheld.
    leaks: tuple[Leak, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    #: The publishing organisation and the address the report is published at
    #: (ClaimReview's ``author`` and ``url``): export options or the case's setting.
    publisher: str | None = None
    url: str | None = None
    #: The optional Chronology section: chronology_report.Line rows.
    chronology: tuple = ()

    @property
    def contradictions(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.contested)

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for f in self.findings for n in f.notes)

    @property
    def resolved_contradictions(self) -> int:
        return sum(1 for c in self.contradictions if c.resolved)

    @property
    def statements_printed(self) -> int:
        return sum(len(a.responses) for a in self.responses)

    @property
    def subject(self) -> str:
        return (f"Findings with sources: {len(self.findings)} findings, "
                f"{len(self.notes)} citations, {len(self.sources)} sources")


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def _email_date(raw: str | None) -> str | None:
    if not raw:
        return None
    if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":
        return raw[:10]  # already ISO 8601, as the importer stores it
    try:
        return parsedate_to_datetime(raw).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return raw


class _Builder:
    def __init__(self, case: Case, progress: Progress, *,
                 public: tuple[str | None, ...] = ()) -> None:
        self.case = case
        self.progress = progress
        self.redactor = Redactor(case, public=public)
        self.sources: dict[int, Source] = {}
        self._docs: dict[int, documents.Document] = {}
        self._excerpts: dict[int, excerpts.Excerpt] = {}
        self._actors = {a.id: a for a in actors.list_all(case)}
        self.withheld: list[Withheld] = []

    def scrub(self, text: str | None, where: Where, *, quote: bool = False) -> str | None:
        return self.redactor.scrub(text, where, quote=quote)

    # -- look-ups ------------------------------------------------------------------
    def document(self, document_id: int) -> documents.Document:
        if document_id not in self._docs:
            self._docs[document_id] = documents.get(self.case, document_id)
        return self._docs[document_id]

    def excerpt(self, excerpt_id: int) -> excerpts.Excerpt:
        if excerpt_id not in self._excerpts:
            self._excerpts[excerpt_id] = excerpts.get(self.case, excerpt_id)
        return self._excerpts[excerpt_id]

    def source(self, document_id: int | None) -> Source | None:
        """The Sources entry of a document, numbered on first reference."""
        if document_id is None:
            return None
        if document_id in self.sources:
            return self.sources[document_id]
        doc = self.document(document_id)
        number = len(self.sources) + 1
        if self.redactor.document_is_confidential(document_id):
            src = Source(number, self.redactor.label("document", document_id), True,
                         None, None, None, None, None, None)
        else:
            where = Where("document", document_id, "")
            mail = documents.email(self.case, document_id) if doc.kind == "email" else None
            src = Source(
                number=number, title=self.scrub(doc.title, _at(where, "title")) or "",
                confidential=False, origin=self.scrub(doc.origin, _at(where, "origin")),
                file_name=self.scrub(doc.file_name, _at(where, "file name")),
                received=doc.received,
                date=_email_date(mail.date) if mail else (doc.date or doc.received),
                pages=doc.page_count, sha256=doc.sha256)
        self.sources[document_id] = src
        return src

    def actor_name(self, actor_id: int) -> str:
        if self.redactor.actor_is_confidential(actor_id):
            return self.redactor.label("actor", actor_id)
        return self.scrub(self._actors[actor_id].name, Where("actor", actor_id, "name")) or ""

    def excerpt_quote(self, ex: excerpts.Excerpt, where: Where) -> tuple[str | None, bool]:
        """The quote as the report may print it, and whether it was withheld."""
        secret = (self.redactor.document_is_confidential(ex.document_id)
                  or self.redactor.actor_is_confidential(ex.actor_id))
        if secret and not ex.cleared:
            return None, True
        return self.scrub(ex.quote, where, quote=True), False

    def said(self, st: statements.Statement, where: Where) -> tuple[str | None, bool, bool]:
        """The statement's words, whether withheld, and whether they are narration.

        Narration ("Ventura PD spokesman ... said that “we don’t ...”") is never printed
        as the speaker's words: the passages it puts in quotation marks are, and without
        any it is printed as recorded, unquoted.
        """
        text, withheld = self.statement_text(st, where)
        if text is None or withheld:
            return text, withheld, False
        names = self._actors[st.actor_id].names if st.actor_id in self._actors else ()
        if statements.narration(st, names) is None:
            return text, withheld, False
        inner = statements.quoted_words(text)
        if inner:
            return " [\u2026] ".join(inner), False, False
        return text, False, True

    def statement_text(self, st: statements.Statement,
                       where: Where) -> tuple[str | None, bool]:
        """The speaker's recorded words (the statement's text, never the excerpt it is
        recorded in: that may hold the reporter's narration around them)."""
        if not st.text:
            return None, False
        secret = (self.redactor.actor_is_confidential(st.actor_id)
                  or (st.excerpt_id is None
                      and self.redactor.document_is_confidential(st.document_id)))
        if st.excerpt_id is not None:
            ex = self.excerpt(st.excerpt_id)
            secret = secret or self.redactor.document_is_confidential(ex.document_id)
            if secret and not ex.cleared:
                return None, True
        elif secret:
            return None, True
        return self.scrub(st.text, where, quote=True), False

    def speaker(self, st: statements.Statement) -> tuple[str | None, str | None]:
        """Who spoke and in what role; a role the speaker's name already says is not
        repeated ("spokesperson, spokesperson")."""
        if self.redactor.actor_is_confidential(st.actor_id):
            return None, None
        where = Where("statement", st.id, "")
        speaker = self.scrub(st.speaker, _at(where, "speaker"))
        role = self.scrub(st.role, _at(where, "role"))
        if speaker and role and role.casefold() in speaker.casefold():
            role = None
        if speaker and speaker.casefold() == self._actors[st.actor_id].name.casefold():
            speaker = None  # the party itself, already named
        if role and not speaker:
            speaker, role = role, None
        return speaker, role

    # -- sections ------------------------------------------------------------------
    def note(self, number: int, citation: findings.Citation, finding_id: int) -> Note:
        where = Where("finding", finding_id, f"citation {citation.position} "
                                             f"({citation.kind} {citation.target_id})")
        if citation.kind == "excerpt":
            ex = self.excerpt(citation.target_id)
            src = self.source(ex.document_id)
            quote, withheld = self.excerpt_quote(ex, Where("excerpt", ex.id, "quote"))
            if withheld:
                self.withheld.append(Withheld(where, ex.id))
            return Note(number, "excerpt", src, ex.page_no, src.date if src else None,
                        quote, withheld)
        st = statements.get(self.case, citation.target_id)
        text, withheld, narrated = self.said(st, Where("statement", st.id, "text"))
        if withheld:
            self.withheld.append(Withheld(where, st.excerpt_id))
        speaker, role = self.speaker(st)
        page = self.excerpt(st.excerpt_id).page_no if st.excerpt_id is not None else None
        return Note(number, "statement", self.source(st.document_id), page, st.date, text,
                    withheld, actor=self.actor_name(st.actor_id), speaker=speaker, role=role,
                    stance=st.stance, channel=st.channel, asked_on=st.asked_on,
                    narrated=narrated)

    def findings(self, rows: list[findings.Finding]) -> tuple[Finding, ...]:
        out: list[Finding] = []
        number = 0
        for n, f in enumerate(rows, start=1):
            self.progress.check()
            self.progress.update(0.8 * n / max(1, len(rows)), "Reading findings")
            notes = []
            for citation in f.citations:
                number += 1
                notes.append(self.note(number, citation, f.id))
            text = self.scrub(f.text, Where("finding", f.id, "text")) or ""
            paragraphs = tuple(" ".join(p.split()) for p in text.split("\n\n") if p.strip())
            out.append(Finding(n, self.scrub(f.title, Where("finding", f.id, "title")) or "",
                               paragraphs, f.status, tuple(notes)))
        return tuple(out)

    def evidence(self, item: reconcile.EvidenceItem) -> Evidence:
        note = self.scrub(item.note, Where("evidence", item.link_id, "note"))
        if item.kind == "excerpt":
            ex = self.excerpt(item.target_id)
            src = self.source(ex.document_id)
            quote, withheld = self.excerpt_quote(ex, Where("excerpt", ex.id, "quote"))
            label = f"{src.title}, page {ex.page_no}" if src else f"page {ex.page_no}"
            return Evidence(item.relation, label, quote, withheld, note, src)
        st = statements.get(self.case, item.target_id)
        text, withheld, narrated = self.said(st, Where("statement", st.id, "text"))
        speaker, _role = self.speaker(st)
        who = self.actor_name(st.actor_id) + (f" ({speaker})" if speaker else "")
        when = st.date or (f"asked {st.asked_on}" if st.asked_on else None)
        stance = _STANCE_WORDS.get(st.stance, st.stance)
        if (item.relation == "contradicts" and st.stance == "confirms") or \
                (item.relation == "supports" and st.is_denial):
            # the stance is towards what was asked, not towards this claim: say so
            side = "against" if item.relation == "contradicts" else "for"
            stance += f" (what it {st.stance.rstrip('s')}s is evidence {side} this claim)"
        label = ", ".join(p for p in (who, stance, when) if p)
        return Evidence(item.relation, label, text, withheld, note,
                        self.source(st.document_id), narrated)

    def claims(self) -> tuple[Claim, ...]:
        out: list[Claim] = []
        for n, rec in enumerate(reconcile.reconcile_all(self.case), start=1):
            self.progress.check()
            c = rec.claim
            origin = claimant = None
            origin_doc = c.origin_document_id
            if origin_doc is None and c.origin_excerpt_id is not None:
                origin_doc = self.excerpt(c.origin_excerpt_id).document_id
            if origin_doc is not None:
                origin = self.source(origin_doc)
                claimant = self.author_of(origin_doc)
            speaker = (self.excerpt(c.origin_excerpt_id).actor_id
                       if c.origin_excerpt_id is not None else None)
            if speaker is not None and not self.redactor.actor_is_confidential(speaker):
                claimant = self.actor_name(speaker)  # the claim is that actor's words
            v = rec.verdict
            out.append(Claim(
                number=n, text=self.scrub(c.text, Where("claim", c.id, "text")) or "",
                supports=tuple(self.evidence(i) for i in rec.supports),
                contradicts=tuple(self.evidence(i) for i in rec.contradicts),
                context=tuple(self.evidence(i) for i in rec.context),
                status=v.status,
                rationale=self.scrub(v.rationale, Where("claim", c.id, "verdict rationale")),
                decided_on=v.decided_at[:10] if v.decided_at else None, origin=origin,
                about=tuple(self.actor_name(a) for a in c.actor_ids), claimant=claimant,
                claimant_is_person=claimant is not None and any(
                    a.type == "person" and a.name.casefold() == claimant.casefold()
                    for a in self._actors.values()),
                claimed_on=origin.date if origin is not None and not origin.confidential
                else None))
        return tuple(out)

    def author_of(self, document_id: int) -> str | None:
        """Who wrote a document, where the case records it (an email's sender's name,
        or the author in the file's metadata); None for a confidential one."""
        if self.redactor.document_is_confidential(document_id):
            return None
        doc = self.document(document_id)
        where = Where("document", document_id, "author")
        if doc.kind == "email":
            mail = documents.email(self.case, document_id)
            if mail is not None and mail.from_addr:
                name, address = parseaddr(mail.from_addr)
                return self.scrub(name or address, where)
        author = doc.metadata.get("author") if isinstance(doc.metadata, dict) else None
        return self.scrub(str(author), where) if author else None

    def responses(self, named: dict[int, list[int]]) -> tuple[ActorResponses, ...]:
        by_actor: dict[int, list[statements.Statement]] = {}
        for st in statements.list_all(self.case):
            by_actor.setdefault(st.actor_id, []).append(st)
        waived = statements.not_needed(self.case)
        merged: dict[str, dict] = {}
        for actor_id in self._actors:
            secret = self.redactor.actor_is_confidential(actor_id)
            said = by_actor.get(actor_id, [])
            if secret or not (said or actor_id in named):
                continue  # a confidential source's words appear only where cited
            name = self.actor_name(actor_id)
            entry = merged.setdefault(name.casefold(), {"name": name, "rows": [],
                                                        "named": False, "waived": None})
            entry["named"] = entry["named"] or actor_id in named
            if actor_id in waived and not said:
                entry["waived"] = self.scrub(waived[actor_id],
                                             Where("actor", actor_id, "no response needed"))
            for st in said:
                text, withheld, narrated = self.said(st, Where("statement", st.id, "text"))
                speaker, role = self.speaker(st)
                row = Response(st.stance, speaker, role, st.date, st.channel, text,
                               withheld, st.asked_on, self.source(st.document_id), narrated)
                if row not in entry["rows"]:  # the same statement recorded twice
                    entry["rows"].append(row)
        out = []

        def silent_first(key: str) -> tuple[int, str]:
            rows = merged[key]["rows"]
            spoke = any(r.stance != "no-response" for r in rows) or merged[key]["waived"]
            return (1 if spoke else 0), key

        for key in sorted(merged, key=silent_first):
            e = merged[key]
            # one entry per speaker: a speaker's statements together, in date order
            first_seen: dict[str, int] = {}
            for r in e["rows"]:
                first_seen.setdefault((r.speaker or "").casefold(), len(first_seen))
            rows = sorted(e["rows"], key=lambda r: first_seen[(r.speaker or "").casefold()])
            out.append(ActorResponses(e["name"], tuple(rows), e["named"],
                                      None if rows else e["waived"]))
        return tuple(out)


_STANCE_WORDS = {"confirms": "confirms", "denies": "denies", "disputes": "disputes",
                 "declined": "declined to comment", "no-response": "did not respond"}


def _at(where: Where, field: str) -> Where:
    return Where(where.kind, where.id, field)


def _counts(findings_: tuple[Finding, ...], claims_: tuple[Claim, ...],
            responses_: tuple[ActorResponses, ...],
            sources_: tuple[Source, ...]) -> tuple[tuple[str, int], ...]:
    """The title page's figures, each computed from what the report prints."""
    return (("Findings", len(findings_)),
            ("Citations", sum(len(f.notes) for f in findings_)),
            ("Claims checked", len(claims_)),
            ("Contradictions", sum(1 for c in claims_ if c.contested)),
            ("Parties in Responses", len(responses_)),
            ("Statements on record", sum(len(a.responses) for a in responses_)),
            ("Sources cited", len(sources_)))


def build(case: Case, *, title: str | None = None, byline: str | None = None,
          date: str | None = None, draft: bool = False, publisher: str | None = None,
          url: str | None = None, progress: Progress = NO_PROGRESS,
          chronology: bool = False) -> ReportSnapshot:
    """Read everything the report shows, with source protection applied.

    ``title`` defaults to the case title and ``date`` to today (UTC); ``publisher`` and
    ``url`` to the case's setting (:func:`publication`). ``chronology`` adds the
    optional Chronology section. Reads only.
    """
    saved_publisher, saved_url = publication(case)
    publisher = publisher or saved_publisher
    b = _Builder(case, progress, public=(byline, publisher))
    url = url or saved_url
    report_title = b.scrub(title or case.info.title, Where("report", None, "title")) or ""
    report_byline = b.scrub(byline, Where("report", None, "byline")) if byline else None
    raw_findings = findings.list_all(case)
    finding_rows = b.findings(raw_findings)
    claim_rows = b.claims()
    named = reconcile.actors_named(case, raw_findings)
    responses = b.responses(named)
    if chronology:
        from workbench.core import chronology_report  # it builds on this module's builder
        timeline = chronology_report.lines(case, b)
    else:
        timeline = ()
    progress.update(1.0, "Report data read")
    sources = tuple(sorted(b.sources.values(), key=lambda s: s.number))
    return ReportSnapshot(
        title=report_title, byline=report_byline, date=date or today(), draft=draft,
        generator=f"Workbench {__version__}",
        counts=_counts(finding_rows, claim_rows, responses, sources),
        findings=finding_rows, claims=claim_rows, responses=responses,
        sources=sources, leaks=tuple(b.redactor.leaks), withheld=tuple(b.withheld),
        publisher=b.scrub(publisher, Where("report", None, "publisher")) if publisher
        else None, url=url, chronology=timeline)


#: case_info keys of the publication setting.
PUBLISHER_KEY, URL_KEY = "publisher", "publisher_url"


def publication(case: Case) -> tuple[str | None, str | None]:
    """The case's publishing organisation and the address its report is published at."""
    rows = {r[0]: r[1] for r in case.rows(
        "SELECT key, value FROM case_info WHERE key IN (?, ?)", (PUBLISHER_KEY, URL_KEY))}
    return rows.get(PUBLISHER_KEY) or None, rows.get(URL_KEY) or None


def set_publication(case: Case, *, publisher: str, url: str | None = None) -> Changes:
    """Record who publishes this case's reports (ClaimReview's ``author``) and where."""
    publisher = validate.text(publisher, "the publisher")
    if url is not None and not re.match(r"https?://\S+$", url.strip()):
        raise ValidationError(f"{url!r} is not an http(s) address")
    with case.action("Set publisher") as act:
        for key, value in ((PUBLISHER_KEY, publisher), (URL_KEY, url)):
            if value is None:
                continue
            if case.row("SELECT 1 FROM case_info WHERE key = ?", (key,)) is None:
                act.insert("case_info", {"key": key, "value": value.strip()}, pk="key")
            else:
                act.update("case_info", key, {"value": value.strip()}, pk="key")
    return act.changes
