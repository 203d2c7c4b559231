"""Evaluating a query in bulk: every matching entry and its BM25F score at once.

whoosh evaluates a query document by document through a tree of matcher objects,
scoring each match with several Python calls; on 20,000 pages a common word or a
phrase of common words cost 50-600 ms, most of it in those calls. A search here
needs the top hits *and* the total (and the facets, which need every match), so it
has to visit every match anyway. This module does that visit in bulk, as arrays
(numpy): each word's postings are read whole (:mod:`.postings`), scored with a few
array operations, and combined by sorted-array operations (AND intersects, OR adds,
NOT removes); phrases compare positions as arrays of ``(document, position)`` keys.
At 250,000 pages the slowest queries match 20,000-200,000 pages, and a Python step
per match (a dict entry, a set of positions) was most of their time.

A segment's matches are :class:`Matches`: its document numbers, sorted, and their
scores. Scores are whoosh's BM25F, computed the same way and in the same order of
floating-point operations (global idf and average field length, the segment's
one-byte field lengths; numpy's float64 arithmetic is IEEE's, as Python's is), so the
ranking and the scores equal whoosh's own; the tests compare the two. Query nodes not
handled here (rare in this app's queries) are evaluated through whoosh's matcher for
that node only.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from workbench.core.search import compat, grams
from workbench.core.search.phrases import ExactPhrase
from workbench.core.search.query import DayRange
from workbench.core.search.postings import LENGTHS, SegmentPostings

Scores = dict[int, float]
#: The numeric field date ranges search (see :class:`.query.DayRange`).
DAY_FIELD = "day"
_IDS = np.int64
#: Positions in a posting value: native 32-bit (see WordPositions and GramPositions).
_POSITION = np.dtype("=u4")


class Matches:
    """The matches of a query in one segment: document numbers (the segment's own,
    sorted, each once) and their scores, in the same order."""

    __slots__ = ("ids", "scores")

    def __init__(self, ids: np.ndarray, scores: np.ndarray) -> None:
        self.ids = ids
        self.scores = scores

    def __len__(self) -> int:
        return len(self.ids)

    def as_dict(self, offset: int = 0) -> Scores:
        return dict(zip((self.ids + offset).tolist() if offset else self.ids.tolist(),
                        self.scores.tolist()))

    @classmethod
    def of(cls, scores: Scores) -> "Matches":
        """From a dict of scores (whoosh's matcher's results)."""
        if not scores:
            return NONE
        ids = np.fromiter(scores, dtype=_IDS, count=len(scores))
        order = np.argsort(ids, kind="stable")
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        return cls(ids[order], values[order])


NONE = Matches(np.zeros(0, _IDS), np.zeros(0, np.float64))


def within(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which of ``a`` are in ``b`` (a mask of ``a``); ``b`` sorted."""
    if not len(b) or not len(a):
        return np.zeros(len(a), bool)
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return b[at] == a


def _pick(ids: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The values of ``wanted`` (sorted ``ids`` hold every one of them; ``values`` in
    the order of ``ids``)."""
    return values if ids is wanted else values[np.searchsorted(ids, wanted)]


class _Segment:
    """One segment of the index being searched, with the top searcher's statistics."""

    def __init__(self, top: Searcher, sub: Searcher, offset: int, *,
                 use_grams: bool = True, shared: dict | None = None) -> None:
        self.top = top
        self.sub = sub
        self.offset = offset
        self.reader = sub.reader()
        self.bulk = SegmentPostings(self.reader)
        self.weighting = top.weighting
        #: Norms by field, shared by the segments of one search (they depend on the
        #: whole index's average field length, which whoosh sums over every segment).
        self._norms: dict[str, np.ndarray] = {} if shared is None else shared
        #: Term infos looked up in this segment (None: not there), by (field, bytes).
        self._infos: dict[tuple[str, bytes], object] = {}
        field = self.reader.schema[grams.FIELD] if grams.FIELD in self.reader.schema else None
        #: Whether ``body`` phrases may be matched through common grams here.
        self.has_grams = (use_grams and field is not None
                          and isinstance(field.format, grams.GramPositions))

    def norms(self, fieldname: str) -> np.ndarray:
        """BM25's length normalisation ``K1 * (1 - B + B * length / avg)`` per length byte."""
        found = self._norms.get(fieldname)
        if found is None:
            w = self.weighting
            b = w._field_B.get(fieldname, w.B)
            avg = self.top.avg_field_length(fieldname) or 1
            found = self._norms[fieldname] = np.array(
                [w.K1 * ((1 - b) + b * n / avg) for n in LENGTHS], dtype=np.float64)
        return found

    def info(self, fieldname: str, btext: bytes):
        """The segment's term info of a term, or None; each term looked up once (a
        lookup in whoosh's term file is several reads)."""
        key = (fieldname, btext)
        try:
            return self._infos[key]
        except KeyError:
            pass
        try:
            found = self.reader.term_info(fieldname, btext)
        except TermNotFound:
            found = None
        self._infos[key] = found
        return found

    def has(self, fieldname: str, btext: bytes) -> bool:
        return self.info(fieldname, btext) is not None

    def df(self, fieldname: str, btext: bytes) -> int:
        """The term's document frequency in this segment (0 if absent)."""
        info = self.info(fieldname, btext)
        return 0 if info is None else info.doc_frequency()

    def postings(self, fieldname: str, btext: bytes, *, values: bool = False,
                 within: list[int] | None = None) -> "_Read":
        p = self.bulk.postings(fieldname, btext, info=self.info(fieldname, btext),
                               values=values, within=within)
        return _Read(np.array(p.ids, dtype=_IDS), np.array(p.weights, dtype=np.float64),
                     p.values)

    def _btext(self, fieldname: str, text) -> bytes | None:
        schema = self.reader.schema
        if fieldname not in schema:
            return None
        try:
            return text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def scores(self, fieldname: str, btext: bytes, boost: float, ids: np.ndarray,
               weights: np.ndarray) -> np.ndarray:
        """BM25F scores of one term in the documents ``ids`` (whoosh's formula, its
        operations in the same order)."""
        if self.reader.schema[fieldname].scorable:
            k1 = self.weighting.K1
            factor = self.top.idf(fieldname, btext) * (k1 + 1) * boost
            lengths = np.frombuffer(self.bulk.lengths(fieldname), dtype=np.uint8)
            return factor * weights / (weights + self.norms(fieldname)[lengths[ids]])
        if boost == 1.0:
            return weights
        return weights * boost

    def term(self, fieldname: str, text, boost: float = 1.0) -> Matches:
        """The documents holding one term, scored."""
        btext = self._btext(fieldname, text)
        if btext is None or not self.has(fieldname, btext):
            return NONE
        p = self.postings(fieldname, btext)
        if not len(p.ids):
            return NONE
        return Matches(p.ids, self.scores(fieldname, btext, boost, p.ids, p.weights))

    def day_range(self, q: DayRange) -> Matches:
        """The entries whose day number is in the range, each scored the range's boost
        (as its whoosh matcher scores them; whoosh's ListMatcher weighs 0 as 1)."""
        found = np.unique(np.array(q.ids(self.reader), dtype=_IDS))
        deleted = self.bulk.deleted
        if deleted and len(found):
            gone = np.array(sorted(deleted), dtype=_IDS)
            found = found[~within(found, gone)]
        return Matches(found, np.full(len(found), q.boost or 1.0, dtype=np.float64))

    def fallback(self, q: wq.Query) -> Matches:
        """Every match of ``q`` in this segment through whoosh's own matcher."""
        m = q.matcher(self.sub)
        deleted = self.bulk.deleted or ()
        out: Scores = {}
        while m.is_active():
            d = m.id()
            if d not in deleted:
                out[d] = m.score()
            m.next()
        return Matches.of(out)


class _Read:
    """One term's postings in a segment as arrays (``values``: the raw posting values)."""

    __slots__ = ("ids", "weights", "values", "_heads")

    def __init__(self, ids: np.ndarray, weights: np.ndarray, values: list) -> None:
        self.ids = ids
        self.weights = weights
        self.values = values
        self._heads: np.ndarray | None = None

    def heads(self) -> np.ndarray:
        """The first two 32-bit words of every value (a gram's two counts), as rows."""
        if self._heads is None:
            words, _sizes, starts = _layout(self.values)
            self._heads = np.stack([words[starts], words[starts + 1]], axis=1)
        return self._heads


def _layout(values: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posting values joined into one buffer, read as 32-bit words: the words, each
    value's length in words, and where each value starts."""
    sizes = np.fromiter(map(len, values), dtype=_IDS, count=len(values)) // 4
    starts = np.zeros(len(values), dtype=_IDS)
    np.cumsum(sizes[:-1], out=starts[1:])
    return np.frombuffer(b"".join(values), dtype=_POSITION), sizes, starts


def _keys(read: _Read, mask: np.ndarray | None, at: int) -> np.ndarray:
    """``document << 32 | position`` for every position of the term in the documents
    ``mask`` picks (all without one), sorted. ``at``: where the 32-bit positions start
    in each posting value.

    The values are joined into one buffer and read as one array: the work per
    document is a C call or two, not a loop over its positions."""
    ids, values = read.ids, read.values
    if mask is not None:
        ids = ids[mask]
        values = list(compress(values, mask.tolist()))
    if not len(ids):
        return np.zeros(0, _IDS)
    words, sizes, starts = _layout(values)
    head = at // 4
    if head:
        keep = np.ones(len(words), dtype=bool)
        for k in range(head):
            keep[starts + k] = False
        words = words[keep]
    return (np.repeat(ids, sizes - head) << 32) | words.astype(_IDS)


def _shifted(keys: np.ndarray, shift: int) -> np.ndarray:
    """Sorted ``document << 32 | position`` keys with ``shift`` taken from each position
    (those before ``shift`` left out): where the phrase's anchor stands when this word
    is ``shift`` places after it."""
    if shift > 0:
        keys = keys[(keys & 0xFFFFFFFF) >= shift]
    return keys - shift if shift else keys


def _gram_counts(read: _Read, slot: int, docs: np.ndarray) -> np.ndarray:
    """How often the gram's word ``slot`` (0 or 1) occurs in each of ``docs``, from the
    counts at the start of the gram's posting values (see :class:`.grams.GramPositions`)."""
    return _pick(read.ids, read.heads()[:, slot].astype(np.float64), docs)


def _keys_of(seg: _Segment, key: tuple[str, bytes], read: _Read,
             mask: np.ndarray) -> np.ndarray:
    """:func:`_keys`, for any positions format (those without a fixed layout decoded
    document by document)."""
    fmt = seg.reader.schema[key[0]].format
    at = getattr(fmt, "POSITIONS_AT", None)
    if at is not None:
        return _keys(read, mask, at)
    out: list[int] = []
    for d, v in zip(read.ids[mask].tolist(), compress(read.values, mask.tolist())):
        out.extend((d << 32) | p for p in fmt.decode_positions(v))
    return np.array(sorted(out), dtype=_IDS)


def _docs_of(keys: np.ndarray) -> np.ndarray:
    """The documents of sorted ``(document, position)`` keys, each once."""
    docs = keys >> 32
    if len(docs) < 2:
        return docs
    first = np.empty(len(docs), dtype=bool)
    first[0] = True
    np.not_equal(docs[1:], docs[:-1], out=first[1:])
    return docs[first]


def _phrase(seg: _Segment, q: wq.Phrase) -> Matches:
    """Documents holding the phrase's words in order, scored as the words together.

    What is looked for are the words themselves or, in ``body``, common grams for
    each pair of adjacent common words (:func:`.grams.lookups`): ``"of the"`` is then
    one posting list. The terms' document lists are intersected first, and positions
    are compared only in the documents holding them all, starting from the rarest
    term (the anchor): its ``(document, position)`` keys are kept where every other
    term has a key at the same place shifted by its offset in the phrase. Terms in
    most documents are read last and only in the blocks holding candidates.
    """
    fieldname, words = q.fieldname, list(q.words)
    btexts = {w: seg._btext(fieldname, w) for w in words}
    if any(b is None or not seg.has(fieldname, b) for b in btexts.values()):
        return NONE
    # Terms to find, each with its offsets in the phrase.
    offsets: dict[tuple[str, bytes], list[int]] = {}
    if fieldname == grams.SOURCE and seg.has_grams:
        for field, text, at in grams.lookups(words):
            offsets.setdefault((field, seg._btext(field, text)), []).append(at)
    else:
        for at, w in enumerate(words):
            offsets.setdefault((fieldname, btexts[w]), []).append(at)
    if any(not seg.has(*key) for key in offsets):
        return NONE  # (a gram missing: no entry of the segment has those two words together)
    df = {key: seg.df(*key) for key in offsets}
    order = sorted(df, key=df.__getitem__)
    common = {key for key in order[1:] if df[key] > seg.bulk.doc_count // 2}
    read = {key: seg.postings(*key, values=True) for key in order if key not in common}
    if any(not len(p.ids) for p in read.values()):
        return NONE
    if any(not p.values for p in read.values()):
        return seg.fallback(q)  # a field without positions
    anchor = order[0]
    if len(order) == 1 and len(offsets[anchor]) == 1:
        docs_found = read[anchor].ids  # one term: every entry holding it has the phrase
    else:
        docs = read[anchor].ids
        for key in order[1:]:
            if key not in common:
                docs = docs[within(docs, read[key].ids)]
        if not len(docs):
            return NONE
        at = offsets[anchor][0]  # offsets are counted from the anchor's first place
        found: np.ndarray | None = None  # the anchor's keys still possible
        for key in order:  # the anchor first, then rarer before more common
            shifts = [k - at for k in offsets[key]]
            if key in common:
                p = read[key] = seg.postings(*key, values=True,
                                             within=_docs_of(found).tolist())
            else:
                p = read[key]
            keys = _keys_of(seg, key, p,
                            within(p.ids, docs if found is None else _docs_of(found)))
            if found is None:
                found = keys
                shifts = [k for k in shifts if k != 0]
            for k in shifts:
                found = found[within(found, _shifted(keys, k))]
            if not len(found):
                return NONE
        assert found is not None
        docs_found = _docs_of(found)
    # Scored as whoosh scores the words together: each word's BM25F in ``fieldname``,
    # added in the order of the words' document frequency (as they always were). A word
    # read only through a gram takes its count from the gram's posting.
    word_df = {w: seg.df(fieldname, btexts[w]) for w in btexts}
    total: np.ndarray | None = None
    for w in sorted(word_df, key=word_df.__getitem__):
        key = (fieldname, btexts[w])
        if key in read:
            p = read[key]
            weights = _pick(p.ids, p.weights, docs_found)
        else:
            weights = _gram_weights(seg, read, w, words, docs_found)
        scores = seg.scores(fieldname, btexts[w], q.boost, docs_found, weights)
        # (0.0 + s is s: the first word's scores start the sums.)
        total = scores if total is None else total + scores
    assert total is not None
    return Matches(docs_found, total)


def _gram_weights(seg: _Segment, read: dict, word: str, words: list[str],
                  docs: np.ndarray) -> np.ndarray:
    """How often ``word`` occurs in each of ``docs``, from a gram of the phrase that
    holds it (read already: every gram of the phrase was)."""
    for field, text, at in grams.lookups(words):
        if field == grams.FIELD and word in (words[at], words[at + 1]):
            slot = 0 if words[at] == word else 1
            return _gram_counts(read[(field, seg._btext(field, text))], slot, docs)
    raise AssertionError(f"{word!r} is in no gram of {words!r}")


def _add(parts: list[Matches]) -> Matches:
    """Every document of ``parts`` with its scores added part by part, in the order of
    the parts (as ``out[d] = out.get(d, 0.0) + s`` would add them; 0.0 + s is s)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return NONE
    if len(parts) == 1:
        return parts[0]
    ids = np.unique(np.concatenate([p.ids for p in parts]))
    total = np.zeros(len(ids), dtype=np.float64)
    for p in parts:
        total[np.searchsorted(ids, p.ids)] += p.scores
    return Matches(ids, total)


def _boosted(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 or not len(m) else Matches(m.ids, m.scores * boost)


def _evaluate(seg: _Segment, q: wq.Query) -> Matches:
    kind = type(q)
    if kind is wq.Term:
        return seg.term(q.fieldname, q.text, q.boost)
    if kind is ExactPhrase or kind is wq.Phrase:
        if len(q.words) > 1 and q.slop == 1:
            return _phrase(seg, q)
        return seg.fallback(q)
    if kind is wq.And:
        positive = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        negative = [s.query for s in q.subqueries if isinstance(s, wq.Not)]
        if not positive:
            return seg.fallback(q)
        parts = []
        for sub in positive:
            found = _evaluate(seg, sub)
            if not len(found):
                return NONE
            parts.append(found)
        parts.sort(key=len)
        docs = parts[0].ids
        for p in parts[1:]:
            docs = docs[within(docs, p.ids)]
        for sub in negative:
            if len(docs):
                docs = docs[~within(docs, _evaluate(seg, sub).ids)]
        if not len(docs):
            return NONE
        # Each match's scores added part by part, as sum() adds them.
        total = _pick(parts[0].ids, parts[0].scores, docs)
        for p in parts[1:]:
            total = total + _pick(p.ids, p.scores, docs)
        return _boosted(Matches(docs, total), q.boost)
    if kind is wq.AndNot:
        found = _evaluate(seg, q.a)
        if not len(found):
            return NONE
        keep = ~within(found.ids, _evaluate(seg, q.b).ids)
        return Matches(found.ids[keep], found.scores[keep])
    if kind is wq.Or and not q.scale:
        return _boosted(_add([_evaluate(seg, sub) for sub in q.subqueries]), q.boost)
    if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)) and not isinstance(
            q, wq.Variations):
        btexts = [t for t in q._btexts(seg.reader) if t]
        # Scored as whoosh scores them in practice: its "constant score" setting for
        # prefixes does not reach the term scorers, so the words' scores add up.
        return _boosted(_add([seg.term(q.fieldname, b) for b in btexts]), q.boost)
    if kind is type(wq.NullQuery):
        return NONE
    if kind is DayRange and q.fieldname == DAY_FIELD:
        return seg.day_range(q)
    return seg.fallback(q)


def evaluate(searcher: Searcher, q: wq.Query, *, use_grams: bool = True) -> Scores:
    """Every entry matching ``q`` (index-wide document number) and its score.

    ``use_grams=False`` matches phrases word by word only (the tests compare the two)."""
    out: Scores = {}
    for _reader, offset, found in by_segment(searcher, q, use_grams=use_grams):
        out.update(found.as_dict(offset))
    return out


def by_segment(searcher: Searcher, q: wq.Query, *,
               use_grams: bool = True) -> list[tuple[object, int, Matches]]:
    """:func:`evaluate`, segment by segment: ``(segment reader, offset, matches by the
    segment's own document numbers)``. A search counts its facets from these directly
    (see :mod:`.searching`), without merging the segments' matches first."""
    leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
    if type(searcher.weighting) is not BM25F or compat.problem(searcher):
        found = _by_whoosh(searcher, q)
        out = []
        for n, (reader, offset) in enumerate(leaves):
            end = leaves[n + 1][1] if n + 1 < len(leaves) else float("inf")
            out.append((reader, offset, Matches.of(
                {d - offset: s for d, s in found.items() if offset <= d < end})))
        return out
    shared: dict = {}
    return [(leaf.reader(), offset,
             _evaluate(_Segment(searcher, leaf, offset, use_grams=use_grams,
                                shared=shared), q))
            for leaf, offset in searcher.leaf_searchers()]


def _by_whoosh(searcher: Searcher, q: wq.Query) -> Scores:
    results = searcher.search(q, limit=None)
    return {hit.docnum: hit.score for hit in results}


def top(scores: Scores, count: int) -> list[tuple[int, float]]:
    """The ``count`` best ``(docnum, score)``, ties in index order (as whoosh ranks)."""
    if count <= 0 or not scores:
        return []
    ids = np.fromiter(scores, dtype=_IDS, count=len(scores))
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    return _best(ids, values, count)


def _best(ids: np.ndarray, scores: np.ndarray, count: int) -> list[tuple[int, float]]:
    order = np.lexsort((ids, -scores))[:count]
    return list(zip(ids[order].tolist(), scores[order].tolist()))


def top_of(parts: list[tuple[object, int, Matches]], count: int) -> list[tuple[int, float]]:
    """:func:`top` of the segments' matches together (index-wide document numbers).

    Each segment's best ``count`` (with ties) are chosen first: the best ``count``
    overall are among them, and only they are renumbered and ranked together."""
    if count <= 0:
        return []
    ids, scores = [], []
    for _reader, offset, found in parts:
        if not len(found):
            continue
        if len(found) > count:
            cut = np.partition(found.scores, len(found) - count)[len(found) - count]
            keep = found.scores >= cut
            ids.append(found.ids[keep] + offset)
            scores.append(found.scores[keep])
        else:
            ids.append(found.ids + offset)
            scores.append(found.scores)
    if not ids:
        return []
    return _best(np.concatenate(ids), np.concatenate(scores), count)
