"""Counts and summaries of a whole case."""

from __future__ import annotations

from workbench.core.casefile import Case

_COUNTS = (
    ("documents", "SELECT count(*) FROM documents"),
    ("pages", "SELECT count(*) FROM pages"),
    ("pages needing OCR", "SELECT count(*) FROM pages WHERE ocr = 'needed'"),
    ("emails", "SELECT count(*) FROM emails"),
    ("excerpts", "SELECT count(*) FROM excerpts"),
    ("actors", "SELECT count(*) FROM actors"),
    ("statements", "SELECT count(*) FROM statements"),
    ("claims", "SELECT count(*) FROM claims"),
    ("evidence links", "SELECT count(*) FROM evidence"),
    ("claims with a verdict", "SELECT count(DISTINCT claim_id) FROM verdicts"),
    ("findings", "SELECT count(*) FROM findings"),
    ("citations", "SELECT count(*) FROM citations"),
    ("tags", "SELECT count(*) FROM tags"),
    ("imports", "SELECT count(*) FROM imports"),
    ("audit entries", "SELECT count(*) FROM audit"),
)


def counts(case: Case) -> dict[str, int]:
    """How many of each thing the case holds, in a stable order."""
    return {label: case.row(sql)[0] for label, sql in _COUNTS}
