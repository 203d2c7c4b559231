"""The report's optional "Chronology" section, as snapshot data.

:func:`lines` takes the chronology of the claims the findings rely on and makes each
entry printable: its date as people read it, what happened, the quotation or words it
rests on, the claims it bears on (by their number in the report) and its citation (the
report's numbered source and the page). It works through the report builder of
:mod:`workbench.core.snapshot`, so the same source protection applies: an entry that
comes from a confidential document or person is left out, and every text is scrubbed
of what would identify one.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core import chronology, claims, findings, reconcile
from workbench.core.casefile import Case
from workbench.core.redaction import Where

#: How the report names each side an entry takes on a claim.
RELATION_WORDS = {"supports": "for", "contradicts": "against", "context": "context",
                  "origin": "where the claim comes from", "event": "linked",
                  "verdict": "verdict"}


@dataclass(frozen=True)
class Line:
    """One entry of the report's chronology."""

    date: str  # "4 March 2019", "March 2019", "circa 2017"
    precision_note: str | None
    kind: str  # a label: "Event", "Statement", "Email sent"...
    title: str
    text: str | None
    bears_on: tuple[str, ...]  # "claim 1 (against)"
    source: object | None  # snapshot.Source: its number links to the Sources section
    page: int | None
    record: str  # "event 3", "statement 2": for the gate and for tests


def relied_on(case: Case) -> tuple[set[int], set[tuple[str, int]]]:
    """The claims the findings rely on, and the excerpts and statements they cite."""
    claim_ids: set[int] = set()
    cited: set[tuple[str, int]] = set()
    for f in findings.list_all(case):
        claim_ids.update(reconcile.claims_relied_on(case, f))
        cited.update((c.kind, c.target_id) for c in f.citations)
    return claim_ids, cited


def lines(case: Case, builder) -> tuple[Line, ...]:
    """The chronology of what the findings rely on, in order, each with its citation:
    every entry bearing on one of their claims, and the records and statements (with
    the dates parties were asked) they cite.

    ``builder`` is the snapshot's builder (its ``source`` and ``scrub``).
    """
    wanted, cited = relied_on(case)
    if not wanted and not cited:
        return ()
    numbers = {c.id: n for n, c in enumerate(claims.list_all(case), start=1)}
    out: list[Line] = []
    for e in chronology.build(case).entries:
        bearing = [(cid, how) for cid, how in e.claims if cid in wanted]
        if e.confidential or not (bearing or e.record in cited):
            continue
        where = Where(e.record[0], e.record[1], "chronology")
        src = e.source
        source = builder.source(src.document_id) if src and src.document_id else None
        bears = tuple(f"claim {numbers[cid]} ({RELATION_WORDS.get(how, how)})"
                      for cid, how in bearing if cid in numbers)
        quote = e.kind in ("record", "statement")
        out.append(Line(
            date=e.label, precision_note=e.precision_note,
            kind=chronology.KIND_LABELS[e.kind],
            title=builder.scrub(e.title, where) or "",
            text=builder.scrub(e.text, where, quote=quote) if e.text else None,
            bears_on=bears, source=source, page=src.page_no if src else None,
            record=f"{e.record[0]} {e.record[1]}"))
    return tuple(out)
