"""Mentions: the pages that name an actor, by its name or any alias.

Pages are tagged at indexing time with the actors whose names occur on them
(:mod:`.mentions_match`); this reads those tags back through the index, so the list is
as fresh as the index, which follows every change to documents and aliases.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from workbench.core import actors
from workbench.core.search.entries import parse_uid
from workbench.core.search.mentions_match import ActorMatcher
from workbench.core.search.snippets import Snippet, around
from workbench.core.search.store import CaseIndex


@dataclass(frozen=True)
class Mention:
    """One page that names an actor.

    ``names`` are the actor's names and aliases as written on the page (distinct, in
    the order they first appear); ``count`` is how many times they occur; ``snippet``
    marks the occurrences in the best passage. ``confidential`` is the document's flag:
    a report must not cite such a page.
    """

    actor_id: int
    document_id: int
    page_no: int
    title: str
    names: tuple[str, ...]
    count: int
    snippet: Snippet
    confidential: bool


def find(index: CaseIndex, actor_id: int, *, width: int = 200) -> list[Mention]:
    """Every page naming the actor, in document and page order."""
    actor = actors.get(index.case, actor_id)
    searcher = index.searcher()
    q = wq.And([wq.Term("kind", "page"), wq.Term("actor_id", str(actor_id))])
    stored = [searcher.stored_fields(d) for d in searcher.docs_for_query(q)]
    if not stored:
        return []
    by_id = {parse_uid(f["uid"])[2]: f for f in stored}
    matcher = ActorMatcher({actor_id: actor.names})
    marks = ",".join("?" * len(by_id))
    out = []
    for r in index.case.rows(f"SELECT id, document_id, page_no, text FROM pages "
                             f"WHERE id IN ({marks}) ORDER BY document_id, page_no",
                             list(by_id)):
        found = matcher.spans_of(r["text"], actor_id)
        if not found:
            continue  # tagged through an overlapping name of another actor
        names = tuple(dict.fromkeys(" ".join(r["text"][s:e].split()) for s, e in found))
        f = by_id[r["id"]]
        out.append(Mention(actor_id=actor_id, document_id=r["document_id"],
                           page_no=r["page_no"], title=f.get("title", ""), names=names,
                           count=len(found), snippet=around(r["text"], found, width),
                           confidential=bool(f.get("confidential", False))))
    return out
