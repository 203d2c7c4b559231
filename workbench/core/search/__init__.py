"""Full-text search over a whole case (whoosh), kept outside the case file.

Everything searchable is indexed: every page of every document, and every excerpt,
statement, claim, verdict rationale, finding, actor (name and aliases) and note. See
:mod:`.query` for the query language and :mod:`.store` for where the index lives and
how it stays in step.

Typical use::

    results = search.search(case, '"read only" from:kessler', limit=20)
    pages = search.mentions(case, actor_id)

:func:`open_index` opens (and if needed repairs) a case's index once per :class:`Case`
object and keeps it in step with the case's own writes from then on. Threading: use it
from the thread that owns the case.
"""

from __future__ import annotations

import weakref

from workbench.core.casefile import Case
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.search.batch import BatchRow, read_queries, run_batch, write_csv
from workbench.core.search.mentions import Mention
from workbench.core.search.mentions import find as _find_mentions
from workbench.core.search.query import QueryError
from workbench.core.search.searching import ActorCount, Facets, Hit, SearchResults, run
from workbench.core.search.snippets import Snippet
from workbench.core.search.store import CaseIndex, IndexState, index_dir, index_root

__all__ = ["ActorCount", "BatchRow", "CaseIndex", "Facets", "Hit", "IndexState", "Mention",
           "QueryError", "SearchResults", "Snippet", "close_index", "index_dir", "index_root",
           "mentions", "open_index", "read_queries", "reindex", "search", "search_batch",
           "write_csv"]

_open: "weakref.WeakKeyDictionary[Case, CaseIndex]" = weakref.WeakKeyDictionary()


def open_index(case: Case, progress: Progress = NO_PROGRESS) -> CaseIndex:
    """The case's index, in step with the case (repaired first if it was not).

    The first call for a :class:`Case` may rebuild (reporting to ``progress``); later
    calls are cheap. From then on the index follows every action on this ``Case``.
    """
    index = _open.get(case)
    if index is not None:
        if index.directory.is_dir() and index.revision_seen == case.revision:
            return index
        index.ensure(progress)  # changed by someone else, or the folder went away
        return index
    index = CaseIndex(case)
    index.ensure(progress)
    case.add_listener(index.apply)
    _open[case] = index
    return index


def close_index(case: Case) -> None:
    """Release the index files of ``case`` (call before closing the case)."""
    index = _open.pop(case, None)
    if index is not None:
        index.close()


def reindex(case: Case, progress: Progress = NO_PROGRESS) -> int:
    """Rebuild the case's index from scratch; returns the number of entries."""
    index = _open.get(case) or CaseIndex(case)
    count = index.rebuild_somewhere(progress)
    if case not in _open:
        case.add_listener(index.apply)
        _open[case] = index
    return count


def search(case: Case, query: str, *, limit: int = 20, offset: int = 0,
           facets: bool = True) -> SearchResults:
    """Ranked hits for ``query`` (BM25F), hits ``offset`` to ``offset + limit``.

    ``total`` counts every hit; facets count kinds, actors and years over every hit.
    Raises :class:`QueryError` (one line) when the query is malformed.
    """
    return run(open_index(case), query, limit=limit, offset=offset, facets=facets)


def mentions(case: Case, actor_id: int) -> list[Mention]:
    """Every page that names the actor (its name or any alias), in document order.

    Each :class:`Mention` gives the document, page, title, the names as written, how
    often they occur, a snippet with them marked, and whether the document is
    confidential. Raises :class:`~workbench.core.errors.NotFound` for an unknown actor.
    """
    return _find_mentions(open_index(case), actor_id)


def search_batch(case: Case, queries: list[str]) -> list[BatchRow]:
    """Every hit of every query (see :func:`.batch.run_batch`)."""
    return list(run_batch(open_index(case), queries))
