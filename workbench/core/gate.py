"""The publication gate: what stands between the case and a final report.

:func:`check` lists every problem (DOMAIN.md, "What publishable means") with the place
to fix it and, where there is one, the command that fixes it:

* ``no-citation``: a finding cites nothing;
* ``quote-mismatch``: a quotation the report prints no longer matches its source text
  at its anchor, or a statement's words (what the report quotes as the speaker's) do
  not occur in the excerpt it is recorded in, or a finding puts in quotation marks
  words that nothing it cites records;
* ``no-verdict``: a claim a finding relies on has no verdict or no rationale;
* ``no-response``: an actor named in a finding (name or alias) has no statement on
  record (a no-response with the date asked counts, and so does "no response needed"
  with its reason, for an actor that is a source rather than a subject);
* ``confidential``: the report would reveal a confidential document or person (its
  name, title, file name, hash... in a text the report prints), or a finding cites a
  quotation from a confidential source that is not cleared for publication;
* ``draft``: a finding is still marked draft by its author;
* ``event-no-source``: an event a finding relies on (it bears on a claim the finding
  relies on) has no source to establish it.

A final export is refused while any problem remains; a draft may always be exported.
Reads only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.core import (actors, anchors, chronology, claims, events, excerpts,
                            findings, reconcile, snapshot, statements)
from workbench.core.casefile import Case

KINDS = ("no-citation", "quote-mismatch", "no-verdict", "no-response", "confidential",
         "draft", "event-no-source")


@dataclass(frozen=True)
class Problem:
    """One reason the case is not publishable yet.

    ``subject`` and ``subject_id`` name the record to open to fix it (a finding, an
    excerpt, a claim, an actor); ``fix`` says how, with a command where one exists.
    """

    kind: str
    message: str
    where: str
    fix: str
    subject: str
    subject_id: int | None
    finding_id: int | None = None


def _no_citation(rows: list[findings.Finding]) -> list[Problem]:
    return [Problem("no-citation", f'finding {f.id} "{f.title}" cites no excerpt or '
                    "statement", f"finding {f.id}",
                    f"workbench finding edit CASE {f.id} --cite excerpt:ID (or statement:ID)",
                    "finding", f.id, f.id)
            for f in rows if not f.citations]


def _printed_excerpts(case: Case, rows: list[findings.Finding]) -> dict[int, str]:
    """Excerpt id -> where the report prints it first, for every quotation it prints."""
    where: dict[int, str] = {}

    def statement_excerpt(statement_id: int, place: str) -> None:
        st = statements.get(case, statement_id)
        if st.excerpt_id is not None:
            where.setdefault(st.excerpt_id, place)

    for f in rows:
        for c in f.citations:
            place = f"finding {f.id}, citation {c.position}"
            if c.kind == "excerpt":
                where.setdefault(c.target_id, place)
            else:
                statement_excerpt(c.target_id, place)
    for rec in reconcile.contradictions(case):
        for item in (*rec.supports, *rec.contradicts, *rec.context):
            if item.excerpt_id is not None:
                where.setdefault(item.excerpt_id, f"claim {rec.claim.id}, evidence")
    for st in statements.list_all(case):
        if st.excerpt_id is not None:
            where.setdefault(st.excerpt_id, f"statement {st.id}, in Responses")
    return where


def _quote_mismatch(case: Case, rows: list[findings.Finding]) -> list[Problem]:
    out = []
    for excerpt_id, place in sorted(_printed_excerpts(case, rows).items()):
        ex = excerpts.get(case, excerpt_id)
        if not excerpts.verify(case, ex):
            out.append(Problem(
                "quote-mismatch",
                f"excerpt {ex.id} no longer matches document {ex.document_id}, page "
                f"{ex.page_no} at characters {ex.start}-{ex.end} (printed at {place})",
                f"excerpt {ex.id}",
                f"anchor the quote again (workbench excerpt add CASE --doc "
                f"{ex.document_id} --page {ex.page_no} ...) and cite the new excerpt",
                "excerpt", ex.id))
    return out


def _statement_mismatch(case: Case) -> list[Problem]:
    """A statement's words must be what its excerpt records: the report prints the
    statement's text in quotation marks as the speaker's own."""
    out = []
    names = {a.id: a.names for a in actors.list_all(case)}
    for st in statements.list_all(case):
        narration = statements.narration(st, names.get(st.actor_id, ()))
        if narration:
            out.append(Problem(
                "quote-mismatch",
                f'statement {st.id}\'s words read as the reporter\'s narration ("{narration}"):'
                " the report prints them in quotation marks as the speaker's own",
                f"statement {st.id}",
                f"keep only the words the speaker said (workbench statement edit CASE {st.id}"
                " --text \"VERBATIM WORDS\")", "statement", st.id))
            continue
        if st.excerpt_id is None or not st.text:
            continue
        ex = excerpts.get(case, st.excerpt_id)
        if anchors.locate(ex.quote, st.text) is not None:
            continue
        out.append(Problem(
            "quote-mismatch",
            f"statement {st.id}'s words do not occur in excerpt {ex.id}, where it is "
            "recorded: the report quotes the statement's text as the speaker's words, and "
            "the record does not show them",
            f"statement {st.id}",
            f"correct the words (workbench statement edit CASE {st.id} --text "
            "\"VERBATIM WORDS\") or link the excerpt that records them (--excerpt ID)",
            "statement", st.id))
    return out


#: Words in quotation marks in a finding (three words or more: a shorter quoted term is
#: usually a name for something, not someone's words).
_QUOTED = re.compile(r"[\u201c\"]([^\u201d\"]+)[\u201d\"]")
#: Where a quotation may leave words out or insert the editor's own.
_ELISION = re.compile(r"\s*(?:\u2026|\.\.\.|\[[^\]]*\])\s*")


def _finding_quotes(case: Case, rows: list[findings.Finding]) -> list[Problem]:
    """Words a finding puts in quotation marks must be words its citations record
    (DOMAIN.md, point 6: never the reporter's narration as someone's words)."""
    out = []
    for f in rows:
        sources: list[str] = []
        for c in f.citations:
            if c.kind == "excerpt":
                sources.append(excerpts.get(case, c.target_id).quote)
            else:
                st = statements.get(case, c.target_id)
                sources.append(st.text or "")
        for field, text in (("title", f.title), ("text", f.text)):
            for m in _QUOTED.finditer(findings.CITATION_MARK.sub(" ", text or "")):
                quote = m.group(1)
                if len(quote.split()) < 3:
                    continue
                parts = [p for p in _ELISION.split(quote) if len(p.strip(" .,;:")) > 1]
                if all(any(anchors.locate(src, p.strip(" ,;:")) is not None for src in sources)
                       for p in parts):
                    continue
                shown = quote if len(quote) <= 60 else quote[:57] + "..."
                out.append(Problem(
                    "quote-mismatch",
                    f'finding {f.id}\'s {field} puts "{shown}" in quotation marks, but no '
                    "excerpt or statement it cites records those words",
                    f"finding {f.id}",
                    f"quote the words as recorded and cite where (workbench finding edit "
                    f"CASE {f.id} --cite statement:ID), or drop the quotation marks",
                    "finding", f.id, f.id))
    return out


def _no_verdict(case: Case, rows: list[findings.Finding]) -> list[Problem]:
    out = []
    reported: set[int] = set()
    for f in rows:
        for claim_id, how in sorted(reconcile.claims_relied_on(case, f).items()):
            if claim_id in reported:
                continue
            v = claims.verdict(case, claim_id)
            missing = ("no verdict" if v.status == "unverified"
                       else "a verdict without a rationale" if not v.rationale else None)
            if missing is None:
                continue
            reported.add(claim_id)
            out.append(Problem(
                "no-verdict", f"claim {claim_id} has {missing}; finding {f.id} "
                f"relies on it ({how})", f"claim {claim_id}",
                f"workbench verdict set CASE --claim {claim_id} --status STATUS "
                "--rationale TEXT", "claim", claim_id, f.id))
    return out


def _no_response(case: Case, rows: list[findings.Finding]) -> list[Problem]:
    on_record = {r[0] for r in case.rows("SELECT DISTINCT actor_id FROM statements")}
    on_record |= set(statements.not_needed(case))
    secret = {r[0] for r in case.rows("SELECT id FROM actors WHERE confidential = 1")}
    names = {r["id"]: r["name"] for r in case.rows("SELECT id, name FROM actors")}
    out = []
    for actor_id, finding_ids in sorted(reconcile.actors_named(case, rows).items()):
        if actor_id in on_record or actor_id in secret:
            continue  # a confidential source named in a finding is a "confidential" problem
        where = ", ".join(str(i) for i in finding_ids)
        out.append(Problem(
            "no-response", f'{names[actor_id]} (actor {actor_id}) is named in finding '
            f"{where} but has no statement on record", f"actor {actor_id}",
            f"workbench statement add CASE --actor {actor_id} --stance STANCE ... "
            f"(or --stance no-response --asked YYYY-MM-DD; or, for a source rather than a "
            f"subject, workbench actor no-response-needed CASE {actor_id} --reason TEXT)",
            "actor", actor_id,
            finding_ids[0]))
    return out


def _confidential(case: Case, snap: snapshot.ReportSnapshot) -> list[Problem]:
    names = {("actor", r["id"]): r["name"]
             for r in case.rows("SELECT id, name FROM actors WHERE confidential = 1")}
    names.update({("document", r["id"]): r["title"]
                  for r in case.rows("SELECT id, title FROM documents WHERE confidential = 1")})
    out = []
    seen: set[tuple] = set()
    for leak in snap.leaks:
        key = (leak.where, leak.entity_kind, leak.entity_id, leak.what)
        if key in seen:
            continue
        seen.add(key)
        entity = f'confidential {leak.entity_kind} {leak.entity_id} ' \
                 f'"{names[(leak.entity_kind, leak.entity_id)]}"'
        out.append(Problem(
            "confidential", f'{leak.where} gives the {leak.what} of {entity} '
            f'("{leak.found}")', str(leak.where),
            f"rewrite the {leak.where.field} of {leak.where.kind}"
            + (f" {leak.where.id}" if leak.where.id is not None else "")
            + " without it (the report shows it only as a confidential source)",
            leak.where.kind, leak.where.id,
            leak.where.id if leak.where.kind == "finding" else None))
    for item in snap.withheld:
        where = item.where
        fix = (f"clear excerpt {item.excerpt_id} for publication (workbench excerpt edit "
               f"CASE {item.excerpt_id} --cleared) or cite something else"
               if item.excerpt_id is not None else
               "record the statement's words as an excerpt, clear it for publication and "
               "link it to the statement, or cite something else")
        out.append(Problem(
            "confidential", f"{where} quotes a confidential source and is not cleared for "
            "publication: the report would print it without its words", str(where),
            fix, "finding", where.id, where.id))
    return out


def _drafts(rows: list[findings.Finding]) -> list[Problem]:
    return [Problem("draft", f'finding {f.id} "{f.title}" is still a draft',
                    f"finding {f.id}", f"workbench finding edit CASE {f.id} --status checked",
                    "finding", f.id, f.id)
            for f in rows if f.status == "draft"]


def _event_no_source(case: Case, rows: list[findings.Finding]) -> list[Problem]:
    out = []
    reported: set[int] = set()
    for f in rows:
        for event_id, how in sorted(chronology.events_relied_on(case, f).items()):
            ev = events.get(case, event_id)
            if event_id in reported or ev.sources:
                continue
            reported.add(event_id)
            out.append(Problem(
                "event-no-source", f'event {ev.id} "{ev.text}" ({ev.when.label()}) has no '
                f"source; finding {f.id} relies on it: {how}", f"event {ev.id}",
                f"workbench event edit CASE {ev.id} --source excerpt:ID (or statement:ID, "
                "document:ID)", "event", ev.id, f.id))
    return out


def check(case: Case, *, title: str | None = None, byline: str | None = None,
          built: snapshot.ReportSnapshot | None = None) -> list[Problem]:
    """Every problem that blocks a final report, in the order of DOMAIN.md's list.

    ``title`` and ``byline`` are those the report will carry (they are checked too);
    pass ``built`` when the snapshot of the report was already built.
    """
    rows = findings.list_all(case)
    snap = built or snapshot.build(case, title=title, byline=byline, draft=True)
    return [*_no_citation(rows), *_quote_mismatch(case, rows), *_statement_mismatch(case),
            *_finding_quotes(case, rows), *_no_verdict(case, rows),
            *_no_response(case, rows), *_confidential(case, snap), *_drafts(rows),
            *_event_no_source(case, rows)]
