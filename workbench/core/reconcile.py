"""Reconciliation: each claim with its evidence on every side, and each actor's dossier.

A claim is a *contradiction* when it has evidence that supports it and evidence that
contradicts it (DOMAIN.md). :func:`reconcile_all` lays every claim out as evidence for,
against and context next to its current verdict; :func:`contradictions` keeps the
contested ones. :func:`dossier` puts an actor's record (the claims about it, every page
that names it) beside its own words (its statements).

Reads only; every function returns frozen dataclasses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.core import actors, claims, documents, excerpts, findings, statements
from workbench.core.casefile import Case

#: How many characters of page text either side of a mention a dossier shows.
SNIPPET_CONTEXT = 60


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence linked to a claim, described for reading."""

    link_id: int
    relation: str  # supports | contradicts | context
    kind: str  # excerpt | statement
    target_id: int
    text: str | None  # the verbatim quote or statement text
    note: str | None  # why it was linked
    document_id: int | None
    document_title: str | None
    page_no: int | None
    actor_id: int | None
    actor_name: str | None
    stance: str | None
    date: str | None
    excerpt_id: int | None  # the excerpt quoted (the statement's own excerpt, if any)

    @property
    def label(self) -> str:
        """A one-line description: where the quote is, or who said it and when."""
        if self.kind == "excerpt":
            return f"{self.document_title}, page {self.page_no}"
        said = self.actor_name or "unknown"
        parts = [p for p in (self.stance, self.date) if p]
        return f"{said} ({', '.join(parts)})" if parts else said


@dataclass(frozen=True)
class Reconciliation:
    """A claim laid out for a fact-checker: evidence on each side and the verdict."""

    claim: claims.Claim
    supports: tuple[EvidenceItem, ...]
    contradicts: tuple[EvidenceItem, ...]
    context: tuple[EvidenceItem, ...]
    verdict: claims.Verdict

    @property
    def contested(self) -> bool:
        """Evidence on both sides: a contradiction."""
        return bool(self.supports) and bool(self.contradicts)

    @property
    def resolved(self) -> bool:
        """A verdict other than ``unverified``, with a written rationale."""
        return self.verdict.status != "unverified" and bool(self.verdict.rationale)


@dataclass(frozen=True)
class Mention:
    """A page whose text names an actor (by its name or an alias)."""

    document_id: int
    document_title: str
    page_no: int
    count: int
    snippet: str


@dataclass(frozen=True)
class Dossier:
    actor: actors.Actor
    parent: actors.Actor | None
    claims: tuple[Reconciliation, ...]
    statements: tuple[statements.Statement, ...]
    mentions: tuple[Mention, ...]


# -- names ----------------------------------------------------------------------------

def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern matching any of ``names`` as whole words.

    Runs of whitespace in a name match any whitespace, and a straight apostrophe matches
    a typographic one, so "Sheriff's  Office" finds "Sheriff’s Office". Longer names are
    tried first. None when there is no usable name.
    """
    parts = []
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        words = [re.escape(w.replace("’", "'")).replace("'", "['’]") for w in name.split()]
        parts.append(r"\s+".join(words))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


# -- claims ---------------------------------------------------------------------------

class _Describer:
    """Turns evidence links into :class:`EvidenceItem` with cached look-ups."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._docs: dict[int, documents.Document] = {}
        self._actors: dict[int, actors.Actor] = {}

    def document(self, document_id: int) -> documents.Document:
        if document_id not in self._docs:
            self._docs[document_id] = documents.get(self.case, document_id)
        return self._docs[document_id]

    def actor(self, actor_id: int) -> actors.Actor:
        if actor_id not in self._actors:
            self._actors[actor_id] = actors.get(self.case, actor_id)
        return self._actors[actor_id]

    def item(self, link: claims.EvidenceLink) -> EvidenceItem:
        if link.excerpt_id is not None:
            ex = excerpts.get(self.case, link.excerpt_id)
            doc = self.document(ex.document_id)
            actor = self.actor(ex.actor_id) if ex.actor_id is not None else None
            return EvidenceItem(
                link_id=link.id, relation=link.relation, kind="excerpt", target_id=ex.id,
                text=ex.quote, note=link.note, document_id=doc.id, document_title=doc.title,
                page_no=ex.page_no, actor_id=ex.actor_id,
                actor_name=actor.name if actor else None, stance=None,
                date=doc.received, excerpt_id=ex.id)
        st = statements.get(self.case, link.statement_id)  # type: ignore[arg-type]
        actor = self.actor(st.actor_id)
        page_no = None
        title = None
        if st.excerpt_id is not None:
            page_no = excerpts.get(self.case, st.excerpt_id).page_no
        if st.document_id is not None:
            title = self.document(st.document_id).title
        return EvidenceItem(
            link_id=link.id, relation=link.relation, kind="statement", target_id=st.id,
            text=st.text, note=link.note, document_id=st.document_id, document_title=title,
            page_no=page_no, actor_id=actor.id, actor_name=actor.name, stance=st.stance,
            date=st.date or st.asked_on, excerpt_id=st.excerpt_id)


def _reconcile(describer: _Describer, claim: claims.Claim,
               links: list[claims.EvidenceLink],
               verdicts: dict[int, claims.Verdict] | None = None) -> Reconciliation:
    items = [describer.item(link) for link in links]
    verdict = (claims.verdict(describer.case, claim.id) if verdicts is None else
               verdicts.get(claim.id) or claims.Verdict(None, claim.id, "unverified",
                                                          None, None))
    return Reconciliation(
        claim=claim,
        supports=tuple(i for i in items if i.relation == "supports"),
        contradicts=tuple(i for i in items if i.relation == "contradicts"),
        context=tuple(i for i in items if i.relation == "context"),
        verdict=verdict)


def reconcile(case: Case, claim_id: int) -> Reconciliation:
    """One claim with its evidence for, against and context, and its current verdict."""
    claim = claims.get(case, claim_id)
    return _reconcile(_Describer(case), claim, claims.evidence(case, claim_id))


def reconcile_all(case: Case, claim_ids: Iterable[int] | None = None) -> list[Reconciliation]:
    """Every claim (or those in ``claim_ids``), in id order."""
    describer = _Describer(case)
    by_claim: dict[int, list[claims.EvidenceLink]] = {}
    for link in claims.evidence(case):
        by_claim.setdefault(link.claim_id, []).append(link)
    wanted = None if claim_ids is None else set(claim_ids)
    verdicts = claims.verdicts(case)
    return [_reconcile(describer, c, by_claim.get(c.id, []), verdicts)
            for c in claims.list_all(case) if wanted is None or c.id in wanted]


def contradictions(case: Case) -> list[Reconciliation]:
    """The claims with evidence on both sides, in id order."""
    return [r for r in reconcile_all(case) if r.contested]


# -- actors ---------------------------------------------------------------------------

def _snippet(text: str, start: int, end: int) -> str:
    lo = max(0, start - SNIPPET_CONTEXT)
    hi = min(len(text), end + SNIPPET_CONTEXT)
    body = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def scan_mentions(case: Case, names: Iterable[str]) -> list[Mention]:
    """Every page whose text contains one of ``names`` as a whole word, ignoring case.

    A direct scan of page text, without the search index: what :func:`dossier` falls
    back on when it has no index in step with the case.
    """
    pattern = name_pattern(names)
    if pattern is None:
        return []
    titles = {r["id"]: r["title"] for r in case.rows("SELECT id, title FROM documents")}
    found: list[Mention] = []
    for row in case.conn.execute(
            "SELECT document_id, page_no, text FROM pages ORDER BY document_id, page_no"):
        hits = list(pattern.finditer(row["text"]))
        if hits:
            first = hits[0]
            found.append(Mention(row["document_id"], titles[row["document_id"]],
                                 row["page_no"], len(hits),
                                 _snippet(row["text"], first.start(), first.end())))
    return found


def _mentions(case: Case, actor: actors.Actor, index) -> list[Mention]:
    """Pages naming the actor: from ``index`` (a search ``CaseIndex``) when one is given
    and it is in step with the case, else by :func:`scan_mentions` (same answer, slower).
    The index is only read, never opened, repaired or written here."""
    if index is not None:
        try:
            fresh = index.check().fresh
        except Exception:  # noqa: BLE001 - the index is a cache: fall back to the pages
            fresh = False
        if fresh:
            from workbench.core.search.mentions import find
            return [Mention(h.document_id, h.title, h.page_no, h.count, h.snippet.marked())
                    for h in find(index, actor.id)]
    return scan_mentions(case, actor.names)


def dossier(case: Case, actor_id: int, *, index=None) -> Dossier:
    """An actor's record beside its words: claims about it, its statements, the pages
    that name it.

    A read: nothing is written. ``index`` is the case's search index (a
    ``workbench.core.search.CaseIndex``), used for the pages when it is in step with
    ``case``; without one, or when it lags, the pages are scanned.
    """
    actor = actors.get(case, actor_id)
    parent = actors.get(case, actor.parent_id) if actor.parent_id is not None else None
    about = [c.id for c in claims.list_all(case, actor_id=actor_id)]
    return Dossier(actor=actor, parent=parent,
                   claims=tuple(reconcile_all(case, about)) if about else (),
                   statements=tuple(statements.list_all(case, actor_id=actor_id)),
                   mentions=tuple(_mentions(case, actor, index)))


# -- what findings rely on ------------------------------------------------------------

def actors_named(case: Case, finding_list: Iterable[findings.Finding]) -> dict[int, list[int]]:
    """Actor id -> ids of the findings whose title or text names it (name or alias)."""
    named: dict[int, list[int]] = {}
    finding_list = list(finding_list)
    for actor in actors.list_all(case):
        pattern = name_pattern(actor.names)
        if pattern is None:
            continue
        for f in finding_list:
            if pattern.search(f.title) or pattern.search(f.text):
                named.setdefault(actor.id, []).append(f.id)
    return named


def claims_relied_on(case: Case, finding: findings.Finding) -> dict[int, str]:
    """Claim id -> how ``finding`` relies on it, for every claim its citations bear on.

    A finding relies on a claim when a cited excerpt or statement is evidence for it (in
    any relation) or is where the claim came from, directly or through the excerpt a
    cited statement quotes.
    """
    relied: dict[int, str] = {}
    for citation in finding.citations:
        cited = f"{citation.kind} {citation.target_id}"
        excerpt_ids: list[tuple[int, str]] = []
        if citation.kind == "statement":
            for r in case.rows("SELECT claim_id FROM evidence WHERE statement_id = ?",
                               (citation.target_id,)):
                relied.setdefault(r[0], f"cites {cited}, evidence for it")
            st = statements.get(case, citation.target_id)
            if st.excerpt_id is not None:
                excerpt_ids.append((st.excerpt_id, f"cites {cited}, which quotes "
                                                   f"excerpt {st.excerpt_id}"))
        else:
            excerpt_ids.append((citation.target_id, f"cites {cited}"))
        for excerpt_id, how in excerpt_ids:
            for r in case.rows("SELECT claim_id FROM evidence WHERE excerpt_id = ?",
                               (excerpt_id,)):
                relied.setdefault(r[0], f"{how}, evidence for it")
            for r in case.rows("SELECT id FROM claims WHERE origin_excerpt_id = ?",
                               (excerpt_id,)):
                relied.setdefault(r[0], f"{how}, where the claim comes from")
    return relied
