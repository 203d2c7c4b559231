"""Exact phrases, checked with set arithmetic on word positions.

whoosh checks a phrase by building a span object for every position of every word in
every candidate document; with a common word ("declined to comment", "the vendor")
that was most of a query's time. Here the rarest word of the phrase drives the walk,
and a document matches when ``positions(word_k) - k`` intersect for all k, which is a
few set operations per document. The matching documents are then scored as whoosh
scores the words together (BM25F), restricted to those documents.

Searches themselves evaluate phrases in bulk (:func:`.evaluation._phrase`, same
matches and scores); this matcher serves whoosh's own API on our queries
(``docs_for_query``, and nodes the bulk evaluation hands back to whoosh).
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, ListMatcher, NullMatcher


def _matching_ids(reader, fieldname: str, words: list[str]) -> list[int]:
    """Segment-local ids of the documents where ``words`` occur in this order."""
    if any((fieldname, w) not in reader for w in words):
        return []
    order = sorted(range(len(words)), key=lambda i: reader.doc_frequency(fieldname, words[i]))
    matchers = {i: reader.postings(fieldname, words[i]) for i in set(order)}
    driver = matchers[order[0]]
    others = [(i, matchers[i]) for i in order[1:] if matchers[i] is not driver]
    found: list[int] = []
    while driver.is_active():
        doc = driver.id()
        behind = None
        for _, m in others:
            # (A word whose every posting is of a deleted entry starts inactive.)
            if m.is_active() and m.id() < doc:
                m.skip_to(doc)
            if not m.is_active():
                return found
            if m.id() != doc:
                behind = m.id()
                break
        if behind is not None:
            driver.skip_to(behind)  # no document before ``behind`` can hold every word
            continue
        starts = {p - order[0] for p in driver.value_as("positions")}
        for i, m in others:
            starts.intersection_update(p - i for p in m.value_as("positions"))
            if not starts:
                break
        if starts:
            found.append(doc)
        driver.next()
    return found


class ExactPhrase(wq.Phrase):
    """A :class:`whoosh.query.Phrase` (no slop) matched by :func:`_matching_ids`."""

    def matcher(self, searcher, context=None):
        words = list(self.words)
        if len(words) < 2 or self.slop > 1:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        # The same query runs twice per search (top hits, then totals and facets).
        cache = self.__dict__.setdefault("_ids", {})
        key = id(reader)
        if key not in cache:
            cache[key] = _matching_ids(reader, self.fieldname, words)
        ids = cache[key]
        if not ids:
            return NullMatcher()
        words_matcher = wq.And([wq.Term(self.fieldname, w, boost=self.boost)
                                for w in dict.fromkeys(words)]).matcher(searcher, context)
        return IntersectionMatcher(ListMatcher(ids, all_weights=0.0), words_matcher)


def exact_phrases(q: wq.Query) -> wq.Query:
    """``q`` with every plain phrase replaced by an :class:`ExactPhrase`."""
    if type(q) is wq.Phrase:
        return ExactPhrase(q.fieldname, q.words, slop=q.slop, boost=q.boost,
                           char_ranges=q.char_ranges)
    if q.is_leaf():
        return q
    return q.apply(exact_phrases)
