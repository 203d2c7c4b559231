"""Batch search: one query per line, every hit written out for systematic review."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.core.search.query import QueryError
from workbench.core.search.searching import MAX_LIMIT, run
from workbench.core.search.store import CaseIndex

COLUMNS = ("query", "rank", "kind", "document", "page", "title", "date", "confidential",
           "snippet", "error")


@dataclass(frozen=True)
class BatchRow:
    """One hit of one query, or one row saying why a query could not run."""

    query: str
    rank: int | None = None
    kind: str | None = None
    document: int | None = None
    page: int | None = None
    title: str | None = None
    date: str | None = None
    confidential: bool = False
    snippet: str | None = None
    error: str | None = None


def read_queries(path: str | Path) -> list[str]:
    """The queries in a text file: one per line; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[:exc.start].count(b"\n") + 1
        raise QueryError(f"{path}: line {line} is not UTF-8 text (save the file as "
                         "UTF-8)") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def run_batch(index: CaseIndex, queries: Iterable[str]) -> Iterator[BatchRow]:
    """Every hit of every query. A malformed query gives one row with the error."""
    for text in queries:
        try:
            results = run(index, text, limit=MAX_LIMIT, facets=False)
        except QueryError as exc:
            yield BatchRow(query=text, error=str(exc))
            continue
        if not results.hits:
            yield BatchRow(query=text, rank=0)
        for rank, hit in enumerate(results.hits, start=1):
            yield BatchRow(query=text, rank=rank, kind=hit.kind, document=hit.doc_id,
                           page=hit.page, title=hit.title, date=hit.date,
                           confidential=hit.confidential, snippet=hit.snippet.marked())


def write_csv(rows: Iterable[BatchRow], path: str | Path) -> int:
    """Write rows to a CSV file (UTF-8 with BOM, so spreadsheets read it); returns the count."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if getattr(row, c) is None else getattr(row, c)
                             for c in COLUMNS])
            count += 1
    return count
