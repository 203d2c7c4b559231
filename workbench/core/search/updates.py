"""Which index entries a set of changed rows affects.

A change to one row can alter entries of other kinds: a document's title and
confidentiality are copied onto its pages and excerpts, an actor's names onto every
statement, claim and page that involves or mentions it. :func:`affected` returns every
uid to refresh; the caller deletes them all and re-adds those whose rows still exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from workbench.core.casefile import Case
from workbench.core.search.analysis import terms

#: ``lookup(field, value)``: uids the index holds with that term (old links).
Lookup = Callable[[str, str], set[str]]
#: ``phrase_pages(words)``: uids of pages whose text holds those words in order.
PhraseLookup = Callable[[list[str]], set[str]]


def _ids(case: Case, sql: str, params: Iterable[object]) -> list[int]:
    return [r[0] for r in case.rows(sql, list(params))]


def affected(case: Case, refs: Iterable[tuple[str, int | str]], lookup: Lookup,
             phrase_pages: PhraseLookup) -> set[str]:
    """Every uid whose entry may differ after the rows in ``refs`` changed."""
    uids: set[str] = set()
    by_table: dict[str, set[int]] = {}
    for table, row_id in refs:
        try:
            by_table.setdefault(table, set()).add(int(row_id))
        except (TypeError, ValueError):
            continue  # text keys (blobs, case_info) feed no entry
    for page_id in by_table.get("pages", ()):
        uids.add(f"page:{page_id}")
    for table, kind in (("statements", "statement"), ("verdicts", "verdict"),
                        ("findings", "finding")):
        uids |= {f"{kind}:{i}" for i in by_table.get(table, ())}
    for evidence_id in by_table.get("evidence", ()):
        uids.add(f"note:evidence:{evidence_id}")
    for excerpt_id in by_table.get("excerpts", ()):
        uids |= {f"excerpt:{excerpt_id}", f"note:excerpts:{excerpt_id}"}

    documents = by_table.get("documents", set()) | by_table.get("emails", set())
    for doc in documents:
        uids |= lookup("doc", str(doc))
        uids |= {f"page:{i}" for i in _ids(case, "SELECT id FROM pages WHERE document_id = ?",
                                           [doc])}
        for i in _ids(case, "SELECT id FROM excerpts WHERE document_id = ?", [doc]):
            uids |= {f"excerpt:{i}", f"note:excerpts:{i}"}
        uids |= {f"statement:{i}" for i in _ids(
            case, "SELECT id FROM statements WHERE document_id = ?", [doc])}
        uids |= {f"claim:{i}" for i in _ids(
            case, "SELECT id FROM claims WHERE origin_document_id = ?", [doc])}

    claims = set(by_table.get("claims", ()))
    for actor in by_table.get("actors", ()):
        uids |= {f"actor:{actor}", f"note:actors:{actor}"}
        # Entries that carried the actor before the change, and those that do now.
        uids |= lookup("actor_id", str(actor))
        uids |= {f"statement:{i}" for i in _ids(
            case, "SELECT id FROM statements WHERE actor_id = ?", [actor])}
        uids |= {f"excerpt:{i}" for i in _ids(
            case, "SELECT id FROM excerpts WHERE actor_id = ?", [actor])}
        claims |= set(_ids(case, "SELECT claim_id FROM claim_actors WHERE actor_id = ?",
                           [actor]))
        names = _ids_names(case, actor)
        for name in names:
            words = terms(name)
            if words:
                uids |= phrase_pages(words)
    for claim in claims:
        uids |= {f"claim:{claim}", f"note:claims:{claim}"}
        uids |= {f"verdict:{i}" for i in _ids(
            case, "SELECT id FROM verdicts WHERE claim_id = ?", [claim])}
        uids |= {f"note:evidence:{i}" for i in _ids(
            case, "SELECT id FROM evidence WHERE claim_id = ?", [claim])}
    return uids


def _ids_names(case: Case, actor_id: int) -> list[str]:
    return [r[0] for r in case.rows(
        "SELECT name FROM actors WHERE id = ? UNION ALL "
        "SELECT alias FROM actor_aliases WHERE actor_id = ?", (actor_id, actor_id))]
