"""Reading a whole posting list at once, and a segment's field lengths.

whoosh reads postings one document at a time through a matcher object; a query that
matches thousands of pages spends most of its time in those calls. Here a term's
posting blocks are decoded in one go (each block is a zlib-compressed pickle, so the
work per block is a few C calls), giving plain lists the caller can intersect and
score in bulk. Only whoosh's standard ``W3`` codec is read this way; anything else
goes through whoosh's matcher (same result, slower).
"""

from __future__ import annotations

import contextlib
import io
from bisect import bisect_left
import pickle
import struct
import zlib
from collections.abc import Iterator
from typing import Any
from itertools import accumulate, repeat

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo
from whoosh.util.numeric import byte_to_length

_BLOCK_LENGTH = struct.Struct("!i")
_MAGIC = b"W3Bl"
#: Field length of each length byte (whoosh stores lengths lossily in one byte).
LENGTHS = tuple(byte_to_length(b) for b in range(256))


class Postings:
    """The postings of one term in one segment: parallel lists, deleted documents left out."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self, ids: list[int], weights: list[float], values: list | None) -> None:
        self.ids = ids
        self.weights = weights
        self.values = values


EMPTY = Postings([], [], [])


def blocks(data: bytes, within: list[int] | None = None) -> Iterator[tuple[int, list[int],
                                                                           Any, Any]]:
    """Each block of a ``W3`` posting list (``data`` after whoosh's magic): its posting
    count, its document ids, and its weights and values as the block stores them (see
    :func:`block_weights`). With ``within`` (sorted ids), only blocks that may hold one
    of those documents are decompressed and given."""
    low = 0
    pos = 4  # after the magic
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(data, pos)
        last = length < 0
        length = abs(length)
        start = pos + 4
        stream = io.BytesIO(data[start:start + length])
        count, maxid, _maxweight, compression, _mn, _mx = pickle.load(stream)
        wanted = True
        if within is not None:
            # Documents low..maxid are in this block: skip it if none is wanted.
            i = bisect_left(within, low)
            wanted = i < len(within) and within[i] <= maxid
            low = maxid + 1
        if wanted:
            body = stream.read()
            if compression:
                body = zlib.decompress(body)
            deltas, weights, values = pickle.loads(body)
            yield count, list(accumulate(deltas)), weights, values  # first id stored whole
        pos = start + length
        if last:
            return


def block_weights(count: int, stored) -> list[float] | Iterator[float]:
    """A block's weights from what it stores: none (each 1.0), one for all, or a list."""
    if stored is None:
        return repeat(1.0, count)
    if isinstance(stored, float):
        return repeat(stored, count)
    return stored


def _decode_blocks(data: bytes, within: list[int] | None = None) -> Postings:
    """The postings in ``data``; with ``within`` (sorted ids), only blocks that may
    hold one of those documents are decompressed."""
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    for count, block_ids, stored, block_values in blocks(data, within):
        ids += block_ids
        weights += block_weights(count, stored)
        if block_values is not None:
            values += block_values
    return Postings(ids, weights, values)


def segment_key(reader) -> tuple | None:
    """What identifies one segment's files for the caches of what a search reads from a
    segment (which never changes once written): the index folder, whoosh's segment id
    and the segment's size. (The id alone is 16 random characters from Python's global
    ``random``, which a program, or a test, may seed.) None for a reader that is not one
    segment's."""
    segment = getattr(reader, "segment", None)
    if segment is None:
        return None
    storage = getattr(reader, "_storage", None)
    return (getattr(storage, "folder", id(storage)), segment().segment_id(),
            reader.doc_count_all())


class SegmentGone(Exception):
    """Another writer merged a segment away after this searcher opened it and before it
    read the segment's column files (whoosh opens them on first use, and reads a
    missing column as empty, which would give blank facets and zero lengths): the
    search runs again on the newest index."""


@contextlib.contextmanager
def segment_files(reader) -> Iterator[None]:
    """Around a first read of one segment's column files: raise :class:`SegmentGone` if
    they are no longer on disk (every segment has a stored-fields column; its file goes
    when the segment is merged), before the read or because they went during it."""
    gone = "a segment of the index was merged away during the search"
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "has_column") \
            and not perdoc.has_column("_stored"):
        raise SegmentGone(gone)
    try:
        yield
    except OSError:  # removed between the look and the open
        raise SegmentGone(gone) from None


#: Length bytes of recently searched segments, by (segment key, field).
_LENGTHS: dict[tuple[tuple, str], bytes] = {}
_LENGTHS_KEPT = 512


class SegmentPostings:
    """Bulk reads from one segment reader; falls back to whoosh's matcher if unsure."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.deleted = None
        if reader.has_deletions():
            found = getattr(reader, "deleted_docs_set", None)
            if found is None:
                live = set(reader.all_doc_ids())
                found = frozenset(d for d in range(reader.doc_count_all()) if d not in live)
            self.deleted = found
        self.doc_count = reader.doc_count_all()
        self._lengths: dict[str, bytes] = {}
        terms = getattr(reader, "_terms", None)
        self._postfile = getattr(terms, "_postfile", None)

    def postings(self, fieldname: str, btext: bytes, *, values: bool = False,
                 within: list[int] | None = None, info: object = False) -> Postings:
        """The term's postings; with ``within`` (sorted ids) they may be limited to
        the blocks holding those documents (others may still be included). ``info``:
        the term's info if already looked up (None: the term is not there)."""
        reader = self.reader
        if info is False:
            info = reader.term_info(fieldname, btext) if (fieldname, btext) in reader \
                else None
        if info is None:
            return EMPTY
        found = None
        if self._postfile is not None and isinstance(info, W3TermInfo):
            if info.is_inlined():
                i, w, v = info.inlined_postings()
                found = Postings(list(i), list(w), list(v) if v else [])
            else:
                offset, length = info.extent()
                if isinstance(length, tuple):  # whoosh reads it back as a 1-tuple
                    length = length[0]
                data = self._postfile.get(offset, length)
                if data[:4] == _MAGIC:
                    found = _decode_blocks(data, within)
        if found is None:
            found = self._by_matcher(fieldname, btext, values)
        if self.deleted:
            deleted = self.deleted
            keep = [k for k, d in enumerate(found.ids) if d not in deleted]
            if len(keep) != len(found.ids):
                found = Postings([found.ids[k] for k in keep], [found.weights[k] for k in keep],
                                 [found.values[k] for k in keep] if found.values else [])
        return found

    def _by_matcher(self, fieldname: str, btext: bytes, values: bool) -> Postings:
        m = self.reader.postings(fieldname, btext)
        ids, weights, vals = [], [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if values:
                vals.append(m.value())
            m.next()
        return Postings(ids, weights, vals)

    def lengths(self, fieldname: str) -> bytes:
        """One length byte per document of the segment (0: the field is empty).

        Kept between searches by segment id: a segment's lengths never change."""
        found = self._lengths.get(fieldname)
        if found is None:
            segment = segment_key(self.reader)
            key = (segment, fieldname) if segment else None
            found = _LENGTHS.get(key) if key else None
            if found is None:
                found = self._read_lengths(fieldname)
                if key:
                    if len(_LENGTHS) >= _LENGTHS_KEPT:
                        _LENGTHS.clear()
                    _LENGTHS[key] = found
            self._lengths[fieldname] = found
        return found

    def _read_lengths(self, fieldname: str) -> bytes:
        perdoc = getattr(self.reader, "_perdoc", None)
        column = None
        if perdoc is not None and hasattr(perdoc, "_cached_reader"):
            with segment_files(self.reader):
                column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None:
            return bytes(self.doc_count)
        raw = column._dbfile.get(column._basepos, column._count)
        return raw + bytes(self.doc_count - len(raw))

