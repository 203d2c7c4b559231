"""Whether whoosh is the one the fast paths were written for, checked before they run.

The writer (:mod:`.writer`), the bulk readers (:mod:`.postings`, :mod:`.evaluation`) and
the date ranges (:mod:`.query`) reach into whoosh's internals: private attributes of its
writers and readers, and the byte layout of its ``W3`` codec. They were written against
whoosh-reloaded :data:`WHOOSH_VERSION` and its ``W3`` codec. Another version may rename
an attribute or change the layout, and then a fast path could fail or, worse, read
wrongly. So each index is checked when it is opened (:func:`problem`): if whoosh is not
that version, if a private name the fast paths use is gone, or if a segment of the index
was written with another codec, the index is used through stock whoosh alone (same
results, slower) and one log line says why.

The check looks at names, not behaviour: that attribute names are still assigned in the
constructors that used to assign them (their code objects list them), that methods are
still there, and that the ``W3`` constants match the layout :mod:`.writer` writes.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import whoosh
from whoosh import query as wq
from whoosh.codec import default_codec, whoosh3
from whoosh.columns import NumericColumn
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

from workbench.core.search.writer import TermOrderMpWriter, TermOrderWriter

log = logging.getLogger(__name__)

#: The whoosh-reloaded release the fast paths were written and tested against.
WHOOSH_VERSION = (2, 7, 5)
#: The codec whose byte layout they read and write.
CODEC = whoosh3.W3Codec
#: Block magic, postings per block, term info layout (see :mod:`.writer`).
W3_MAGIC = b"W3Bl"
W3_BLOCK = 128
W3_TERMINFO = "!BfIBBfII"

# Attribute names each constructor must still assign, and methods that must still exist.
_ASSIGNED = {
    SegmentReader.__init__: ("_terms", "_perdoc", "_codec"),
    whoosh3.W3FieldWriter.__init__: ("_tindex", "_postfile", "_fieldmap"),
    whoosh3.W3TermsReader.__init__: ("_postfile",),
    HashWriter.__init__: ("dbfile", "hashfn", "buckets"),
    OrderedHashWriter.__init__: ("index", "lastkey"),
    NumericColumn.Reader.__init__: ("_dbfile", "_basepos", "_count"),
    BM25F.__init__: ("_field_B",),
    SegmentWriter.__init__: ("perdocwriter", "fieldwriter", "docnum", "_added"),
}
_METHODS = {
    SegmentWriter: ("_flush_segment", "_finalize_segment", "per_document_reader",
                    "_check_state", "add_postings_to_pool", "_commit_toc"),
    whoosh3.W3PerDocReader: ("_cached_reader",),
    wq.NumericRange: ("_compile_query",),
    wq.Prefix: ("_btexts",),
    MpWriter: ("_new_task",),
    SubWriterTask: ("_process_file",),
}


@lru_cache(maxsize=1)
def whoosh_problem() -> str | None:
    """Why the installed whoosh does not fit the fast paths, or None if it does."""
    version = tuple(getattr(whoosh, "__version__", ()))
    if version != WHOOSH_VERSION:
        found = ".".join(map(str, version)) or "unknown"
        wanted = ".".join(map(str, WHOOSH_VERSION))
        return f"whoosh {found} is installed; the fast paths were written for {wanted}"
    for function, names in _ASSIGNED.items():
        missing = [n for n in names if n not in function.__code__.co_names]
        if missing:
            return f"{function.__qualname__} no longer sets {', '.join(missing)}"
    for cls, names in _METHODS.items():
        missing = [n for n in names if not hasattr(cls, n)]
        if missing:
            return f"{cls.__qualname__} has no {', '.join(missing)}"
    if type(default_codec()) is not CODEC:
        return f"whoosh's default codec is {type(default_codec()).__name__}, not W3Codec"
    if getattr(whoosh3, "WHOOSH3_HEADER_MAGIC", None) != W3_MAGIC:
        return "the W3 codec's block magic changed"
    if whoosh3.W3TermInfo._struct.format != W3_TERMINFO:
        return "the W3 codec's term info layout changed"
    if whoosh3.W3Codec.__init__.__defaults__[:1] != (W3_BLOCK,):
        return "the W3 codec's block size changed"
    return None


def codec_problem(searcher) -> str | None:
    """Why the segments this searcher reads do not fit the fast paths, or None."""
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        if isinstance(reader, SegmentReader):
            codec = type(reader.codec())
            if codec is not CODEC:
                return f"a segment of the index was written with {codec.__name__}"
        elif reader.doc_count_all():
            return f"a part of the index is read by {type(reader).__name__}"
    return None


def problem(searcher) -> str | None:
    """Why the fast paths must not be used on this searcher's index, or None.

    Cheap enough to ask on every query: the whoosh check is made once per process, the
    codec check is a type test per segment.
    """
    return whoosh_problem() or codec_problem(searcher)


def writer(ix, *, stock: str | None, procs: int = 1, **kwargs):
    """A writer for ``ix``: the term-order writer, or whoosh's own when ``stock`` gives a
    reason not to use the fast paths. ``procs > 1``: one segment per process."""
    if stock:
        if procs > 1:
            return MpWriter(ix, procs=procs, multisegment=True, **kwargs)
        return SegmentWriter(ix, **kwargs)
    if procs > 1:
        return TermOrderMpWriter(ix, procs=procs, **kwargs)
    return TermOrderWriter(ix, **kwargs)


_told: set[tuple[str, str]] = set()


def tell(directory, reason: str) -> None:
    """The log line saying an index runs on stock whoosh (once per index, reason and
    process)."""
    key = (str(directory), reason)
    if key not in _told:
        _told.add(key)
        log.warning("search index %s: using stock whoosh (correct, slower): %s",
                    directory, reason)
