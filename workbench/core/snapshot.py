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
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from workbench import __version__
from workbench.core import actors, documents, excerpts, findings, overview, reconcile, statements
from workbench.core.casefile import Case
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

    @property
    def contested(self) -> bool:
        return bool(self.supports) and bool(self.contradicts)

    @property
    def has_verdict(self) -> bool:
        return self.status != "unverified" and bool(self.rationale)


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


@dataclass(frozen=True)
class ActorResponses:
    name: str
    responses: tuple[Response, ...]
    named_in_findings: bool

    @property
    def on_record(self) -> bool:
        return bool(self.responses)


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
    #: The optional Chronology section (issue 19): chronology_report.Line rows.
    chronology: tuple = ()

    @property
    def contradictions(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.contested)

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for f in self.findings for n in f.notes)

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
    def __init__(self, case: Case, progress: Progress) -> None:
        self.case = case
        self.progress = progress
        self.redactor = Redactor(case)
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
                date=_email_date(mail.date) if mail else doc.received,
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

    def statement_text(self, st: statements.Statement,
                       where: Where) -> tuple[str | None, bool]:
        if st.excerpt_id is not None:
            ex = self.excerpt(st.excerpt_id)
            if self.redactor.actor_is_confidential(st.actor_id) and not ex.cleared:
                return None, True
            return self.excerpt_quote(ex, where)
        if self.redactor.actor_is_confidential(st.actor_id) and st.text:
            return None, True
        return self.scrub(st.text, where, quote=True), False

    def speaker(self, st: statements.Statement) -> tuple[str | None, str | None]:
        if self.redactor.actor_is_confidential(st.actor_id):
            return None, None
        where = Where("statement", st.id, "")
        return (self.scrub(st.speaker, _at(where, "speaker")),
                self.scrub(st.role, _at(where, "role")))

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
        text, withheld = self.statement_text(st, Where("statement", st.id, "text"))
        if withheld:
            self.withheld.append(Withheld(where, st.excerpt_id))
        speaker, role = self.speaker(st)
        page = self.excerpt(st.excerpt_id).page_no if st.excerpt_id is not None else None
        return Note(number, "statement", self.source(st.document_id), page, st.date, text,
                    withheld, actor=self.actor_name(st.actor_id), speaker=speaker, role=role,
                    stance=st.stance, channel=st.channel, asked_on=st.asked_on)

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
        text, withheld = self.statement_text(st, Where("statement", st.id, "text"))
        speaker, _role = self.speaker(st)
        who = self.actor_name(st.actor_id) + (f" ({speaker})" if speaker else "")
        when = st.date or (f"asked {st.asked_on}" if st.asked_on else None)
        label = ", ".join(p for p in (who, _STANCE_WORDS.get(st.stance, st.stance), when) if p)
        return Evidence(item.relation, label, text, withheld, note,
                        self.source(st.document_id))

    def claims(self) -> tuple[Claim, ...]:
        out: list[Claim] = []
        for n, rec in enumerate(reconcile.reconcile_all(self.case), start=1):
            self.progress.check()
            c = rec.claim
            origin = None
            if c.origin_document_id is not None:
                origin = self.source(c.origin_document_id) if rec.contested else None
            v = rec.verdict
            out.append(Claim(
                number=n, text=self.scrub(c.text, Where("claim", c.id, "text")) or "",
                supports=tuple(self.evidence(i) for i in rec.supports) if rec.contested else (),
                contradicts=tuple(self.evidence(i) for i in rec.contradicts)
                if rec.contested else (),
                context=tuple(self.evidence(i) for i in rec.context) if rec.contested else (),
                status=v.status,
                rationale=self.scrub(v.rationale, Where("claim", c.id, "verdict rationale")),
                decided_on=v.decided_at[:10] if v.decided_at else None, origin=origin,
                about=tuple(self.actor_name(a) for a in c.actor_ids)))
        return tuple(out)

    def responses(self, named: dict[int, list[int]]) -> tuple[ActorResponses, ...]:
        by_actor: dict[int, list[statements.Statement]] = {}
        for st in statements.list_all(self.case):
            by_actor.setdefault(st.actor_id, []).append(st)
        out: list[tuple[str, ActorResponses]] = []
        for actor_id, actor in self._actors.items():
            secret = self.redactor.actor_is_confidential(actor_id)
            said = by_actor.get(actor_id, [])
            if secret or not (said or actor_id in named):
                continue  # a confidential source's words appear only where cited
            rows = []
            for st in said:
                text, withheld = self.statement_text(st, Where("statement", st.id, "text"))
                speaker, role = self.speaker(st)
                rows.append(Response(st.stance, speaker, role, st.date, st.channel, text,
                                     withheld, st.asked_on, self.source(st.document_id)))
            name = self.actor_name(actor_id)
            out.append((name.casefold(), ActorResponses(name, tuple(rows), actor_id in named)))
        return tuple(r for _key, r in sorted(out, key=lambda kv: kv[0]))


_STANCE_WORDS = {"confirms": "confirms", "denies": "denies", "disputes": "disputes",
                 "declined": "declined to comment", "no-response": "did not respond"}


def _at(where: Where, field: str) -> Where:
    return Where(where.kind, where.id, field)


_COUNT_LABELS = (("documents", "Documents"), ("pages", "Pages"), ("findings", "Findings"),
                 ("claims", "Claims checked"), ("statements", "Statements on record"))


def build(case: Case, *, title: str | None = None, byline: str | None = None,
          date: str | None = None, draft: bool = False,
          progress: Progress = NO_PROGRESS, chronology: bool = False) -> ReportSnapshot:
    """Read everything the report shows, with source protection applied.

    ``title`` defaults to the case title and ``date`` to today (UTC). ``chronology``
    adds the optional Chronology section. Reads only.
    """
    b = _Builder(case, progress)
    counts = overview.counts(case)
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
    return ReportSnapshot(
        title=report_title, byline=report_byline, date=date or today(), draft=draft,
        generator=f"Workbench {__version__}",
        counts=tuple((label, counts[key]) for key, label in _COUNT_LABELS),
        findings=finding_rows, claims=claim_rows, responses=responses,
        sources=tuple(sorted(b.sources.values(), key=lambda s: s.number)),
        leaks=tuple(b.redactor.leaks), withheld=tuple(b.withheld), chronology=timeline)
