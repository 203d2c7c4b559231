"""Evaluating a query in bulk: every matching entry and its BM25F score at once.

whoosh evaluates a query document by document through a tree of matcher objects,
scoring each match with several Python calls; on 20,000 pages a common word or a
phrase of common words cost 50-600 ms, most of it in those calls. A search here
needs the top hits *and* the total (and the facets, which need every match), so it
has to visit every match anyway. This module does that visit in bulk: each word's
postings are read whole (:mod:`.postings`), scored with one list comprehension, and
combined with dict and set operations (AND intersects, OR sums, NOT removes).

Scores are whoosh's BM25F, computed the same way (global idf and average field
length, the segment's one-byte field lengths), so the ranking matches whoosh's own;
the tests compare the two. Query nodes not handled here (rare in this app's queries)
are evaluated through whoosh's matcher for that node only.
"""

from __future__ import annotations

import heapq
import struct
from collections.abc import Set
from itertools import compress, repeat
from operator import add, itemgetter, mul, sub

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
        self._norms: dict[str, list[float]] = {} if shared is None else shared
        #: Term infos looked up in this segment (None: not there), by (field, bytes).
        self._infos: dict[tuple[str, bytes], object] = {}
        field = self.reader.schema[grams.FIELD] if grams.FIELD in self.reader.schema else None
        #: Whether ``body`` phrases may be matched through common grams here.
        self.has_grams = (use_grams and field is not None
                          and isinstance(field.format, grams.GramPositions))

    def norms(self, fieldname: str) -> list[float]:
        """BM25's length normalisation ``K1 * (1 - B + B * length / avg)`` per length byte."""
        found = self._norms.get(fieldname)
        if found is None:
            w = self.weighting
            b = w._field_B.get(fieldname, w.B)
            avg = self.top.avg_field_length(fieldname) or 1
            found = self._norms[fieldname] = [w.K1 * ((1 - b) + b * n / avg) for n in LENGTHS]
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

    def postings(self, fieldname: str, btext: bytes, **kwargs):
        return self.bulk.postings(fieldname, btext, info=self.info(fieldname, btext),
                                  **kwargs)

    def _btext(self, fieldname: str, text) -> bytes | None:
        schema = self.reader.schema
        if fieldname not in schema:
            return None
        try:
            return text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def scores(self, fieldname: str, btext: bytes, boost: float, ids: list[int],
               weights: list[float]) -> Scores:
        """BM25F scores of one term in the documents ``ids`` (whoosh's formula)."""
        return dict(zip(ids, self.score_list(fieldname, btext, boost, ids, weights)))

    def score_list(self, fieldname: str, btext: bytes, boost: float, ids: list[int],
                   weights: list[float]) -> list[float]:
        """:meth:`scores` as a list, in the order of ``ids``."""
        if self.reader.schema[fieldname].scorable:
            k1 = self.weighting.K1
            factor = self.top.idf(fieldname, btext) * (k1 + 1) * boost
            norms = self.norms(fieldname)
            lengths = self.bulk.lengths(fieldname)
            return [factor * w / (w + norms[lengths[d]]) for d, w in zip(ids, weights)]
        if boost == 1.0:
            return list(weights)
        return [w * boost for w in weights]

    def term(self, fieldname: str, text, boost: float = 1.0) -> Scores:
        """Scores of the documents holding one term."""
        btext = self._btext(fieldname, text)
        if btext is None:
            return {}
        p = self.postings(fieldname, btext)
        return self.scores(fieldname, btext, boost, p.ids, p.weights) if p.ids else {}

    def day_range(self, q: DayRange) -> Scores:
        """The entries whose day number is in the range, each scored the range's boost
        (as its whoosh matcher scores them; whoosh's ListMatcher weighs 0 as 1)."""
        found = q.ids(self.reader)
        deleted = self.bulk.deleted
        if deleted:
            found = [d for d in found if d not in deleted]
        return dict.fromkeys(found, q.boost or 1.0)

    def fallback(self, q: wq.Query) -> Scores:
        """Every match of ``q`` in this segment through whoosh's own matcher."""
        m = q.matcher(self.sub)
        deleted = self.bulk.deleted or ()
        out: Scores = {}
        while m.is_active():
            d = m.id()
            if d not in deleted:
                out[d] = m.score()
            m.next()
        return out


def _narrow(anchors: dict[int, set[int]] | None, ids: list[int], vals: list[bytes],
            deltas: list[int], decode, *, last: bool,
            at: int | None = None) -> dict[int, set[int]]:
    """Positions of the phrase's anchor word (the first word read) that remain possible
    after one more word, per document; that word stands ``deltas`` after the anchor.

    The work per document is C calls (set building, ``isdisjoint``), not a loop over
    positions; documents without an anchor are skipped in C (``compress``). The
    ``last`` word only has to be found once per document, so its check stops at the
    first fit and builds nothing: with ``at`` (where the 32-bit positions start in a
    posting's value, native byte order) it looks for the wanted position's four bytes
    in the value itself, at a position boundary, without decoding the value.
    """
    found: dict[int, set[int]] = {}
    if anchors is None:  # the anchor word itself: its positions, unshifted
        for d, v in zip(ids, vals):
            decoded = decode(v)
            positions = set(decoded)
            for k in deltas:  # the anchor word again, elsewhere in the phrase
                positions.intersection_update(map(sub, decoded, repeat(k)))
            if positions:
                found[d] = positions
        return found
    wanted = compress(zip(ids, vals), map(anchors.__contains__, ids))
    if last and len(deltas) == 1 and at is not None:
        k = deltas[0]
        pack = _POSITION.pack
        for d, v in wanted:
            s = anchors[d]
            for p in s:
                if p + k < 0:
                    continue
                pattern = pack(p + k)
                i = v.find(pattern, at)
                while i != -1 and (i - at) & 3:  # inside a position, not at its start
                    i = v.find(pattern, i + 1)
                if i != -1:
                    found[d] = s
                    break
        return found
    for d, v in wanted:
        s = anchors[d]
        positions = decode(v)
        if last and len(deltas) == 1:
            if not s.isdisjoint(map(sub, positions, repeat(deltas[0]))):
                found[d] = s
            continue
        for k in deltas:
            s = s.intersection(map(sub, positions, repeat(k)))
            if not s:
                break
        if s:
            found[d] = s
    return found


#: One position as a posting value stores it (see WordPositions and GramPositions).
_POSITION = struct.Struct("=I")


def _phrase(seg: _Segment, q: wq.Phrase) -> Scores:
    """Documents holding the phrase's words in order, scored as the words together.

    What is looked for are the words themselves or, in ``body``, common grams for
    each pair of adjacent common words (:func:`.grams.lookups`): ``"of the"`` is then
    one posting list. The terms' document lists are intersected first (set
    operations), and positions are compared only in the documents holding them all,
    starting from the rarest term (the anchor). Terms in most documents are read last
    and only in the blocks holding candidates.
    """
    fieldname, words = q.fieldname, list(q.words)
    btexts = {w: seg._btext(fieldname, w) for w in words}
    reader = seg.reader
    if any(b is None or not seg.has(fieldname, b) for b in btexts.values()):
        return {}
    # Terms to find, each with its offsets in the phrase.
    offsets: dict[tuple[str, bytes], list[int]] = {}
    if fieldname == grams.SOURCE and seg.has_grams:
        for field, text, at in grams.lookups(words):
            offsets.setdefault((field, seg._btext(field, text)), []).append(at)
    else:
        for at, w in enumerate(words):
            offsets.setdefault((fieldname, btexts[w]), []).append(at)
    if any(not seg.has(*key) for key in offsets):
        return {}  # (a gram missing: no entry of the segment has those two words together)
    df = {key: seg.df(*key) for key in offsets}
    order = sorted(df, key=df.__getitem__)
    common = {key for key in order[1:] if df[key] > seg.bulk.doc_count // 2}
    read = {key: seg.postings(*key, values=True) for key in order if key not in common}
    if any(not p.ids for p in read.values()):
        return {}
    if any(not p.values for p in read.values()):
        return seg.fallback(q)  # a field without positions
    anchor = order[0]
    if len(order) == 1 and len(offsets[anchor]) == 1:
        docs_found = read[anchor].ids  # one term: every entry holding it has the phrase
    else:
        docs = set(read[anchor].ids)
        for key in order[1:]:
            if key not in common:
                docs.intersection_update(read[key].ids)
        at = offsets[anchor][0]  # offsets are counted from the anchor's first place
        anchors: dict[int, set[int]] | None = None
        for n, key in enumerate(order):  # the anchor first, then rarer before more common
            deltas = [k - at for k in offsets[key]]
            if key == anchor:
                deltas = [k for k in deltas if k != 0]
            last = n == len(order) - 1
            if key in common:
                p = read[key] = seg.postings(*key, values=True, within=sorted(anchors))
                ids, vals = p.ids, p.values
            else:
                p = read[key]
                keep = [k for k, d in enumerate(p.ids) if d in docs]
                ids, vals = [p.ids[k] for k in keep], [p.values[k] for k in keep]
            fmt = reader.schema[key[0]].format
            anchors = _narrow(anchors, ids, vals, deltas, fmt.decode_positions, last=last,
                              at=getattr(fmt, "POSITIONS_AT", None))
            if not anchors:
                return {}
        docs_found = list(anchors)
    # Scored as whoosh scores the words together: each word's BM25F in ``fieldname``,
    # added in the order of the words' document frequency (as they always were). A word
    # read only through a gram takes its count from the gram's posting.
    word_df = {w: seg.df(fieldname, btexts[w]) for w in btexts}
    total: list[float] | None = None
    for w in sorted(word_df, key=word_df.__getitem__):
        key = (fieldname, btexts[w])
        if key in read:
            p = read[key]
            if p.ids is docs_found:
                weights = p.weights
            else:
                by_doc = dict(zip(p.ids, p.weights))
                weights = list(map(by_doc.__getitem__, docs_found))
        else:
            weights = _gram_counts(seg, read, w, words, docs_found)
        scores = seg.score_list(fieldname, btexts[w], q.boost, docs_found, weights)
        # (0.0 + s is s: the first word's scores start the sums.)
        total = scores if total is None else list(map(add, total, scores))
    return dict(zip(docs_found, total or ()))


def _gram_counts(seg: _Segment, read: dict, word: str, words: list[str],
                 docs: list[int]) -> list[float]:
    """How often ``word`` occurs in each of ``docs``, from a gram of the phrase that
    holds it (read already: every gram of the phrase was)."""
    for field, text, at in grams.lookups(words):
        if field == grams.FIELD and word in (words[at], words[at + 1]):
            slot = 0 if words[at] == word else 1
            p = read[(field, seg._btext(field, text))]
            values = p.values if p.ids is docs else list(map(
                dict(zip(p.ids, p.values)).__getitem__, docs))
            counts = map(itemgetter(slot), map(grams.unpack_counts, values))
            return list(map(float, counts))
    raise AssertionError(f"{word!r} is in no gram of {words!r}")


def _add_into(out: Scores, scores: Scores) -> None:
    """``out[d] = out.get(d, 0.0) + s`` for every ``(d, s)`` of ``scores``, done in C
    (set operations and ``map``): the same additions, without a Python loop per match."""
    if not out:
        out.update(scores)  # 0.0 + s is s
        return
    both = list(scores.keys() & out.keys())
    new = scores.keys() - out.keys()
    if both:
        out.update(zip(both, list(map(add, map(out.__getitem__, both),
                                      map(scores.__getitem__, both)))))
    if new:
        out.update(zip(new, map(scores.__getitem__, new)))


def _evaluate(seg: _Segment, q: wq.Query) -> Scores:
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
            scores = _evaluate(seg, sub)
            if not scores:
                return {}
            parts.append(scores)
        parts.sort(key=len)
        docs: Set[int] = parts[0].keys()
        for p in parts[1:]:
            docs = docs & p.keys()
        for sub in negative:
            docs = docs - _evaluate(seg, sub).keys()
        # Each match's scores added part by part, as sum() adds them, in C.
        found = list(docs)
        total = list(map(parts[0].__getitem__, found))
        for p in parts[1:]:
            total = list(map(add, total, map(p.__getitem__, found)))
        if q.boost != 1.0:
            total = list(map(mul, total, repeat(q.boost)))
        return dict(zip(found, total))
    if kind is wq.AndNot:
        scores = _evaluate(seg, q.a)
        for d in _evaluate(seg, q.b).keys() & scores.keys():
            del scores[d]
        return scores
    if kind is wq.Or and not q.scale:
        out: Scores = {}
        for sub in q.subqueries:
            _add_into(out, _evaluate(seg, sub))
        if q.boost != 1.0:
            out = {d: s * q.boost for d, s in out.items()}
        return out
    if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)) and not isinstance(
            q, wq.Variations):
        btexts = [t for t in q._btexts(seg.reader) if t]
        out = {}
        for btext in btexts:
            _add_into(out, seg.term(q.fieldname, btext))
        # Scored as whoosh scores them in practice: its "constant score" setting for
        # prefixes does not reach the term scorers, so the words' scores add up.
        return {d: s * q.boost for d, s in out.items()} if q.boost != 1.0 else out
    if kind is type(wq.NullQuery):
        return {}
    if kind is DayRange and q.fieldname == DAY_FIELD:
        return seg.day_range(q)
    return seg.fallback(q)


def evaluate(searcher: Searcher, q: wq.Query, *, use_grams: bool = True) -> Scores:
    """Every entry matching ``q`` (index-wide document number) and its score.

    ``use_grams=False`` matches phrases word by word only (the tests compare the two)."""
    out: Scores = {}
    for _reader, offset, scores in by_segment(searcher, q, use_grams=use_grams):
        if offset:
            out.update({d + offset: s for d, s in scores.items()})
        else:
            out.update(scores)
    return out


def by_segment(searcher: Searcher, q: wq.Query, *,
               use_grams: bool = True) -> list[tuple[object, int, Scores]]:
    """:func:`evaluate`, segment by segment: ``(segment reader, offset, scores by the
    segment's own document numbers)``. A search counts its facets from these directly
    (see :mod:`.searching`), without merging the segments' matches first."""
    leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
    if type(searcher.weighting) is not BM25F or compat.problem(searcher):
        found = _by_whoosh(searcher, q)
        out = []
        for n, (reader, offset) in enumerate(leaves):
            end = leaves[n + 1][1] if n + 1 < len(leaves) else float("inf")
            out.append((reader, offset, {d - offset: s for d, s in found.items()
                                         if offset <= d < end}))
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
    if len(scores) > count:
        cut = heapq.nlargest(count, scores.values())[-1]
        scores = {d: s for d, s in scores.items() if s >= cut}
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:count]


def top_of(parts: list[tuple[object, int, Scores]], count: int) -> list[tuple[int, float]]:
    """:func:`top` of the segments' matches together (index-wide document numbers).

    Each segment's best ``count`` (with ties) are chosen first: the best ``count``
    overall are among them, and only they are renumbered and ranked together."""
    if count <= 0:
        return []
    chosen: Scores = {}
    for _reader, offset, scores in parts:
        if len(scores) > count:
            cut = heapq.nlargest(count, scores.values())[-1]
            chosen.update((d + offset, s) for d, s in scores.items() if s >= cut)
        else:
            chosen.update((d + offset, s) for d, s in scores.items())
    return top(chosen, count)
