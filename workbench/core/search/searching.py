"""Running a query: ranked hits with snippets, facet counts and paging."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from whoosh.searching import Searcher

from workbench.core.casefile import Case
from workbench.core.search.entries import decoded, parse_uid
from workbench.core.search.evaluation import Matches, by_segment, top_of, within
from workbench.core.search.postings import SegmentGone, segment_files, segment_key
from workbench.core.search.query import Highlight, highlights, parse
from workbench.core.search.snippets import Snippet, snippet
from workbench.core.search.store import CaseIndex

log = logging.getLogger(__name__)

#: Most hits one call returns (a batch search pages through more).
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Hit:
    """One thing that matched. ``id`` is its row id in ``table`` (the page's for pages)."""

    uid: str
    kind: str
    table: str
    id: int
    doc_id: int | None
    page: int | None
    title: str
    date: str | None
    snippet: Snippet
    score: float
    confidential: bool
    origin: str | None
    tags: tuple[str, ...]
    actor_ids: tuple[int, ...]


@dataclass(frozen=True)
class ActorCount:
    actor_id: int
    name: str
    count: int


@dataclass(frozen=True)
class Facets:
    """How many hits of each kind, about each actor and from each year (all hits).

    ``skipped`` says in one line why there are none when they were asked for and
    could not be counted (an index fault, or over :data:`FACETS_SECONDS`): the hits
    are returned all the same."""

    kinds: tuple[tuple[str, int], ...] = ()
    actors: tuple[ActorCount, ...] = ()
    years: tuple[tuple[str, int], ...] = ()
    skipped: str | None = None


#: Longest the facets of one search may take to count; past it the hits come without
#: them (a search must answer even when counting its facets is slow or fails).
FACETS_SECONDS = 2.0


class _OverBudget(Exception):
    pass


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    offset: int
    limit: int
    hits: tuple[Hit, ...]
    facets: Facets


def _page_texts(case: Case, page_ids: list[int]) -> dict[int, str]:
    if not page_ids:
        return {}
    marks = ",".join("?" * len(page_ids))
    return {r[0]: decoded(r[1]) for r in case.rows(
        f"SELECT id, CAST(text AS BLOB) FROM pages WHERE id IN ({marks})", page_ids)}


#: Facet columns of each segment, read once: segments never change once written
#: (deletions only hide documents, and deleted documents never match).
_COLUMNS: dict[tuple | None, "_Columns"] = {}
_COLUMNS_KEPT = 256


class _Columns(NamedTuple):
    """One segment's facet columns: each document's (kind, year) pair as a number
    (``pairs`` says which), and every (document, actor) pair of the documents that
    name actors, as two arrays sorted by document."""

    pair_of: np.ndarray
    pairs: list[tuple[str, str | None]]
    naming: np.ndarray
    named: np.ndarray


def _segment_columns(leaf) -> _Columns:
    """:class:`_Columns` of one segment, read once and kept by segment
    (:func:`.postings.segment_key`)."""
    key = segment_key(leaf)
    cached = _COLUMNS.get(key)
    if cached is None:
        count = leaf.doc_count_all()
        with segment_files(leaf):
            kind_of = leaf.column_reader("kind")
            year_of = leaf.column_reader("year")
            actors_of = leaf.column_reader("actor_id")
        numbers: dict[tuple, int] = {}
        pair_of = np.fromiter(
            (numbers.setdefault((kind_of[d], year_of[d] or None), len(numbers))
             for d in range(count)), dtype=np.int32, count=count)
        naming: list[int] = []
        named: list[int] = []
        for d in range(count):
            ids = actors_of[d]
            if ids:
                text = ids.decode() if isinstance(ids, bytes) else ids
                for a in text.split(","):
                    naming.append(d)
                    named.append(int(a))
        if len(_COLUMNS) >= _COLUMNS_KEPT:
            _COLUMNS.clear()
        cached = _COLUMNS[key] = _Columns(pair_of, list(numbers),
                                          np.array(naming, dtype=np.int64),
                                          np.array(named, dtype=np.int64))
    return cached


def _facets(case: Case, parts: list[tuple[object, int, Matches]],
            deadline: float | None = None) -> Facets:
    """Counts by kind, year and actor over the matches, segment by segment (as
    :func:`.evaluation.by_segment` gives them), from the index's columns; raises
    :class:`_OverBudget` once past ``deadline`` (a ``time.monotonic()`` value).

    Each segment's columns are read once (:func:`_segment_columns`), so a search
    counts its matches as arrays (one ``bincount`` of the (kind, year) pairs of its
    matches), not by decoding column entries one match at a time (whoosh's
    ``groupedby`` would also score every match). Actors are counted over the matches
    that name one (a segment's documents naming actors are usually few).
    """
    kinds: Counter[str] = Counter()
    years: Counter[str | None] = Counter()
    by_actor: Counter[int] = Counter()
    for leaf, _offset, found in parts:
        if not len(found):
            continue
        if deadline is not None and time.monotonic() >= deadline:
            raise _OverBudget
        columns = _segment_columns(leaf)
        counts = np.bincount(columns.pair_of[found.ids], minlength=len(columns.pairs))
        for (kind, year), n in zip(columns.pairs, counts.tolist()):
            if n:
                kinds[kind] += n
                years[year] += n
        actors, n = np.unique(columns.named[within(columns.naming, found.ids)],
                              return_counts=True)
        by_actor.update(dict(zip(actors.tolist(), n.tolist())))
    years.pop(None, None)  # entries without a date
    names = {}
    if by_actor:
        marks = ",".join("?" * len(by_actor))
        names = {r[0]: r[1] for r in case.rows(
            f"SELECT id, name FROM actors WHERE id IN ({marks})", list(by_actor))}
    # (Two actors of one name and count: the lower id first, whatever order the
    # matches came in.)
    ranked = sorted(by_actor.items(), key=lambda kv: (-kv[1], names.get(kv[0], ""), kv[0]))
    return Facets(
        kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        actors=tuple(ActorCount(a, names.get(a, f"actor {a}"), n) for a, n in ranked),
        years=tuple(sorted(years.items(), reverse=True)))  # type: ignore[arg-type]


def facets_or_note(index: CaseIndex, parts: list[tuple[object, int, Matches]],
                   seconds: float | None = None) -> Facets:
    """:func:`_facets`, or none with a one-line note when counting them fails or takes
    longer than ``seconds`` (:data:`FACETS_SECONDS` when not given). A failure marks
    the index out of step, so that it is rebuilt when next opened."""
    budget = FACETS_SECONDS if seconds is None else seconds
    try:
        return _facets(index.case, parts, time.monotonic() + budget)
    except _OverBudget:
        return Facets(skipped=f"facets skipped: counting them took over {budget:g} s")
    except SegmentGone:  # not damage: the search runs again on the newest index
        raise
    except Exception as exc:  # a damaged column, say: the hits still stand
        log.info("facets failed; the index will be rebuilt", exc_info=True)
        index.mark_out_of_step()
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
        return Facets(skipped=f"facets skipped: the index is damaged ({reason}); it will "
                              "be rebuilt when the case is next opened")


def hits_from(case: Case, searcher: Searcher, hits: list[tuple[int, float]], hl: Highlight,
              width: int) -> tuple[Hit, ...]:
    """Turn ``(docnum, score)`` pairs into :class:`Hit` with snippets (page text by id)."""
    stored = [(searcher.stored_fields(d), score) for d, score in hits]
    texts = _page_texts(case, [parse_uid(f["uid"])[2] for f, _ in stored
                               if f["kind"] == "page"])
    out = []
    for f, score in stored:
        kind, table, row_id = parse_uid(f["uid"])
        text = texts.get(row_id, "") if kind == "page" else f.get("extract", "")
        out.append(Hit(
            uid=f["uid"], kind=kind, table=table, id=row_id,
            doc_id=int(f["doc"]) if f.get("doc") else None, page=f.get("page"),
            title=f.get("title", ""), date=f.get("date"), snippet=snippet(text, hl, width),
            score=float(score or 0.0), confidential=bool(f.get("confidential", False)),
            origin=f.get("origin"),
            tags=tuple(t for t in f.get("tag", "").split(",") if t),
            actor_ids=tuple(int(a) for a in f.get("actor_id", "").split(",") if a)))
    return tuple(out)


#: Searches run again on a newer index after another program changed it under them.
RETRIES = 3


def run(index: CaseIndex, text: str, *, limit: int = 20, offset: int = 0,
        facets: bool = True, width: int = 200) -> SearchResults:
    """Search the index of a case. Raises :class:`~.query.QueryError` on a bad query."""
    q = parse(text)
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    for attempt in range(RETRIES + 1):
        try:
            return _run(index, q, text, limit, offset, facets, width)
        except Exception:
            # Another program (the window, a terminal import) committed to the index
            # and merged away segment files this searcher had not opened yet: look
            # again on the newest index (it may change again meanwhile, hence a few).
            if attempt == RETRIES or not index.reopen_if_changed():
                raise
    raise AssertionError("unreachable")


def _run(index: CaseIndex, q, text: str, limit: int, offset: int, facets: bool,
         width: int) -> SearchResults:
    searcher = index.searcher()
    # Every match and its score in one bulk pass (see .evaluation): the total and the
    # facets need every match anyway, and the top hits are then a heap selection.
    # Segment by segment: the facets count each segment's matches where they are.
    parts = by_segment(searcher, q)
    window = top_of(parts, offset + limit)[offset:] if limit else []
    hl = highlights(q, searcher.reader())
    return SearchResults(
        query=text, total=sum(len(scores) for _, _, scores in parts), offset=offset,
        limit=limit, hits=hits_from(index.case, searcher, window, hl, width),
        facets=facets_or_note(index, parts) if facets else Facets())
