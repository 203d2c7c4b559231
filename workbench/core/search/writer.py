"""A whoosh segment writer that keeps postings by term and writes them in one pass.

whoosh's :class:`~whoosh.writing.SegmentWriter` puts every posting into a sorting
pool as a ``(field, term, doc, weight, value)`` tuple, sorts them all at commit, then
hands them one at a time to the codec's writer, which looks up the document's field
length for each one and encodes each term's blocks posting by posting. On page text
that was most of the indexing time.

:class:`TermOrderWriter` keeps each term's postings in one flat list while documents
are added (``[doc, weight, value, doc, weight, value, ...]``), and at commit writes
each field's terms in sorted order, a whole posting list at a time, in whoosh's own
``W3`` layout: the ``W3Bl`` magic, then blocks of up to 128 postings, each a pickled
header ``(count, last id, max weight, compression, min length, max length)`` and a
pickled ``(id deltas, weights, values)`` body; the term index is whoosh's ordered hash
file with the usual term info. The result is an ordinary whoosh index, read by
whoosh's own searcher (and by :mod:`.postings`) unchanged; the tests compare it with
what whoosh's writer makes of the same documents.

One difference in what is written: a block body is compressed only when it is at
least :data:`COMPRESS_FROM` bytes long (whoosh compresses every block; a reader
decides by the compression flag in each block's header). Most terms occur in a single
document, and starting zlib for a body of a few dozen bytes cost more than the rest of
writing the term.

Stored fields, field lengths and columns still go through whoosh's per-document writer.
Deleting, merging segments (``add_reader``) and committing are whoosh's; the postings
of merged segments come into the same per-term lists.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from itertools import repeat

from whoosh import fields as wfields
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.fields import UnknownFieldError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from workbench.core.search.analysis import SINGLE_VALUES, WordPositions, WordTokenizer
from workbench.core.search.postings import block_weights, blocks

#: Postings per block, as whoosh's W3 codec writes them.
BLOCK = 128
#: Block bodies shorter than this are stored uncompressed.
COMPRESS_FROM = 512
#: zlib level for the bodies that are compressed (whoosh's default).
COMPRESS_LEVEL = 3
#: Pickle protocol of block headers and bodies. whoosh uses 2, which has no opcode for
#: bytes and pickles each position value through ``_codecs.encode``; 5 was about ten
#: times quicker both ways on a block of positions, and half the size.
PROTOCOL = 5
_MAGIC = b"W3Bl"
_INT = struct.Struct("!i")
#: W3TermInfo's fixed part, then the posting file offset (long) and length (int).
_TERMINFO = struct.Struct("!BfIBBfIIqi")
_FIELD_ID = struct.Struct("!H")
#: Lengths of a key and its value before them in whoosh's hash file.
_KEY_VALUE = struct.Struct("!ii")


def _uses_word_values(field) -> bool:
    """Whether the field indexes through ``format.word_values`` (terms as text)."""
    return type(field).index is wfields.FieldType.index


def read_posting_list(data: bytes, fixed: int | None) -> tuple[list, list, list]:
    """Every posting of one term (deleted documents included) from its bytes in a
    ``W3`` posting file, as whoosh's matcher reads them: ids, weights (1.0 where a
    block stores none) and values (``None`` for a format without values, slices of
    ``fixed`` bytes for a fixed size)."""
    ids: list[int] = []
    weights: list = []
    values: list = []
    if data[:4] != _MAGIC:
        raise ValueError("not a W3 posting list")
    for count, block_ids, stored, block_values in blocks(data):
        ids += block_ids
        weights += block_weights(count, stored)
        if fixed is None or fixed < 0:
            values += block_values
        elif fixed == 0:
            values += repeat(None, count)
        else:
            values += [block_values[i:i + fixed] for i in range(0, count * fixed, fixed)]
    return ids, weights, values


class TermOrderWriter(SegmentWriter):
    """A :class:`SegmentWriter` that skips the sorting pool (see the module notes).

    ``compress_from`` and ``compress_level`` choose which block bodies are compressed;
    with ``compress_from=0, compress_level=3, protocol=2`` the posting file is exactly
    what whoosh writes.
    """

    def __init__(self, ix, *, compress_from: int = COMPRESS_FROM,
                 compress_level: int = COMPRESS_LEVEL, protocol: int = PROTOCOL,
                 **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.compress_from = compress_from
        self.compress_level = compress_level
        self.protocol = protocol
        #: field name -> term (str for text fields, else bytes) -> flat posting list
        self._postings: dict[str, dict] = {}
        self._plan: dict[str, tuple] = {}
        for name, field in self.schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"TermOrderWriter cannot write field {name!r} "
                                 "(spelling or vectors)")

    # -- adding documents ---------------------------------------------------------
    def _field_plan(self, name: str):
        plan = self._plan.get(name)
        if plan is None:
            if name not in self.schema:
                raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
            field = self.schema[name]
            fused = (isinstance(field.format, WordPositions)
                     and isinstance(field.analyzer, WordTokenizer))
            plan = self._plan[name] = (
                field, field.indexed, field.scorable, field.stored, field.column_type,
                _uses_word_values(field), self._postings.setdefault(name, {}), fused)
        return plan

    def add_document(self, **fields) -> None:
        self._check_state()
        pdw = self.perdocwriter
        docnum = self.docnum
        docboost = fields.get("_boost", 1.0)
        names = sorted(n for n in fields if not n.startswith("_"))
        plans = [self._field_plan(n) for n in names]  # unknown fields fail before writing
        pdw.start_doc(docnum)
        try:
            for name, (field, indexed, scorable, stored, column, by_words,
                       terms, fused) in zip(names, plans):
                value = fields[name]
                if value is None:
                    continue
                length = 0
                if indexed:
                    boost = fields.get(f"_{name}_boost", docboost)
                    if fused and boost == 1.0 and isinstance(value, str):
                        length = self._add_words(field.format, value, docnum, terms)
                    else:
                        if not by_words:
                            items = field.index(value)
                        elif isinstance(value, (str, list, tuple)):
                            items = field.format.word_values(value, field.analyzer,
                                                             mode="index")
                        else:
                            raise ValueError(f"{value!r} is not unicode or sequence")
                        length = self._add_items(items, boost, docnum, terms)
                    if not scorable:
                        length = 0
                stored_value = fields.get(f"_stored_{name}", value)
                pdw.add_field(name, field, stored_value if stored else None, length)
                if column and stored_value is not None:
                    pdw.add_column_value(name, column, field.to_column_value(stored_value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    @staticmethod
    def _add_words(fmt: WordPositions, value: str, docnum: int, terms: dict) -> int:
        """Page text and the like: what ``fmt.word_values`` gives, added directly."""
        get = terms.get
        cached = SINGLE_VALUES.get
        value_of = fmt.value_of
        encode = fmt.encode
        boost = fmt.field_boost
        positions = fmt.positions(value)
        for word, poslist in positions.items():
            if len(poslist) == 1:
                weight = boost
                vbytes = cached(poslist[0]) or value_of(poslist)
            else:
                weight = len(poslist) * boost
                vbytes = encode(poslist)
            found = get(word)
            if found is None:
                terms[word] = [docnum, weight, vbytes]
            else:
                found += (docnum, weight, vbytes)
        return sum(map(len, positions.values()))

    @staticmethod
    def _add_items(items, boost: float, docnum: int, terms: dict) -> int:
        """``(term, frequency, weight, value)`` items of one field of one document."""
        get = terms.get
        length = 0
        for word, freq, weight, vbytes in items:
            if boost != 1.0:
                weight *= boost
            found = get(word)
            if found is None:
                terms[word] = [docnum, weight, vbytes]
            else:
                found += (docnum, weight, vbytes)
            length += freq
        return length

    def add_postings_to_pool(self, reader, startdoc, docmap) -> None:
        """Postings of a segment being merged into this one (``add_reader``).

        Each term's posting list is read whole from the segment's posting file (whoosh's
        ``W3`` layout, see :func:`read_posting_list`), not posting by posting through a
        matcher: whoosh's ``iter_postings`` was three quarters of a merge. ``docmap``
        (old number -> new, live documents only) is given when the segment has
        deletions; otherwise documents move up by ``startdoc``."""
        terms_reader = getattr(reader, "_terms", None)
        postfile = getattr(terms_reader, "_postfile", None)
        if postfile is None or not hasattr(terms_reader, "items"):
            self._add_postings_one_by_one(reader, startdoc, docmap)
            return
        schema = self.schema
        plans: dict = {}
        for (name, btext), info in terms_reader.items():
            plan = plans.get(name)
            if plan is None:
                if name not in schema:
                    continue
                fmt = schema[name].format
                plan = plans[name] = (self._field_plan(name)[5], self._postings[name],
                                      fmt.fixed_value_size() if fmt else None)
            by_words, terms, fixed = plan
            if info.is_inlined():  # (whoosh 2.7.5 fails to write one; read it anyway)
                ids, weights, values = info.inlined_postings()
            else:
                offset, length = info.extent()
                if isinstance(length, tuple):  # whoosh reads it back as a 1-tuple
                    length = length[0]
                ids, weights, values = read_posting_list(postfile.get(offset, length), fixed)
            flat: list = []
            if docmap is None:
                for docnum, weight, value in zip(ids, weights, values):
                    flat += (startdoc + docnum, weight, value)
            else:
                get = docmap.get
                for docnum, weight, value in zip(ids, weights, values):
                    moved = get(docnum)
                    if moved is not None:
                        flat += (moved, weight, value)
            if not flat:
                continue
            word = btext.decode("utf-8") if by_words else btext
            found = terms.get(word)
            if found is None:
                terms[word] = flat
            else:
                found += flat
        self._added = True

    def _add_postings_one_by_one(self, reader, startdoc, docmap) -> None:
        """:meth:`add_postings_to_pool` for a reader of another layout."""
        schema = self.schema
        by_words: dict = {}
        for name, btext, docnum, weight, vbytes in reader.iter_postings():
            if name not in schema:
                continue
            flag = by_words.get(name)
            if flag is None:
                flag = by_words[name] = self._field_plan(name)[5]
            word = btext.decode("utf-8") if flag else btext
            docnum = docmap[docnum] if docmap is not None else startdoc + docnum
            terms = self._postings[name]
            found = terms.get(word)
            if found is None:
                terms[word] = [docnum, weight, vbytes]
            else:
                found += (docnum, weight, vbytes)
        self._added = True

    # -- writing ------------------------------------------------------------------------
    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            self._write_postings(pdr)
        finally:
            pdr.close()
        self.fieldwriter.close()

    def _length_bytes(self, pdr, name: str) -> bytes:
        """One length byte per document for field ``name`` (0: no length)."""
        count = self.docnum
        column = pdr._cached_reader(f"_{name}_len", LENGTHS_COLUMN)
        if column is None:
            return bytes(count)
        raw = column._dbfile.get(column._basepos, column._count)
        return raw + bytes(count - len(raw))

    def _write_postings(self, pdr) -> None:
        """Every field's terms in order: posting lists to the posting file, term infos to
        the term index (whoosh's ordered hash file, filled as its ``add`` would)."""
        fw = self.fieldwriter
        tindex = fw._tindex
        termfile, postfile = tindex.dbfile, fw._postfile
        buckets, hashfn, key_positions = tindex.buckets, tindex.hashfn, tindex.index
        fieldmap = fw._fieldmap
        key = b""
        for name in sorted(n for n, terms in self._postings.items() if terms):
            field = self.schema[name]
            fieldmap[name] = fieldid = len(fieldmap)
            prefix = _FIELD_ID.pack(fieldid)
            lengths = self._length_bytes(pdr, name)
            fixed = field.format.fixed_value_size()
            terms = self._postings[name]
            by_words = self._plan[name][5]
            term_bytes = self._term_bytes
            posts: list[bytes] = []
            offset = postfile.tell()
            entries = bytearray()
            entry_at = termfile.tell()
            for word in sorted(terms):
                data, info = term_bytes(terms[word], lengths, fixed, offset)
                posts.append(data)
                offset += len(data)
                key = prefix + (word.encode("utf-8") if by_words else word)
                at = entry_at + len(entries)
                key_positions.append(at)
                h = hashfn(key)
                buckets[h & 255].append((h, at))
                entries += _KEY_VALUE.pack(len(key), len(info))
                entries += key
                entries += info
            postfile.write(b"".join(posts))
            termfile.write(bytes(entries))
            terms.clear()
        if key:
            tindex.lastkey = key

    def _term_bytes(self, flat: list, lengths: bytes, fixed: int | None,
                    offset: int) -> tuple[bytes, bytes]:
        """The posting bytes of one term and its term info."""
        ids = flat[0::3]
        weights = flat[1::3]
        values = flat[2::3]
        count = len(ids)
        out = [_MAGIC]
        dumps = pickle.dumps
        compress_from, level = self.compress_from, self.compress_level
        protocol = self.protocol
        total_weight = 0.0
        max_weight = 0.0
        min_len = 255
        max_len = 0
        for start in range(0, count, BLOCK):
            end = start + BLOCK
            bids = ids[start:end]
            n = len(bids)
            bweights = weights[start:end]
            if bweights.count(1.0) == n:
                wmini = None
                block_weight = float(n)
                block_max = 1.0
            else:
                farray = array("f", bweights)  # whoosh stores weights as 32-bit floats
                block_weight = sum(farray)
                block_max = float(max(bweights))
                wmini = farray[0] if farray.count(farray[0]) == n else tuple(farray)
            vmini: tuple | bytes | None
            if fixed is None or fixed < 0:
                vmini = tuple(values[start:end])
            elif fixed == 0:
                vmini = None
            else:
                vmini = b"".join(values[start:end])
            if n == 1:
                deltas = (bids[0],)
            else:
                deltas = (bids[0], *[b - a for a, b in zip(bids, bids[1:])])
            body = dumps((deltas, wmini, vmini), protocol)
            comp = 0
            if level and len(body) >= compress_from:
                body = zlib.compress(body, level)
                comp = level
            blens = bytes(map(lengths.__getitem__, bids)) if n > 1 else lengths[bids[0]:bids[0] + 1]
            low = min(blens)
            if not low:
                low = min((b for b in blens if b), default=0)
            high = max(blens)
            head = dumps((n, bids[-1], block_max, comp, low, high), protocol)
            size = len(head) + len(body)
            out.append(_INT.pack(-size if end >= count else size))
            out.append(head)
            out.append(body)
            total_weight += block_weight
            if block_max > max_weight:
                max_weight = block_max
            if low and low < min_len:
                min_len = low
            if high > max_len:
                max_len = high
        data = b"".join(out)
        info = _TERMINFO.pack(0, total_weight, count, min_len if max_len else 0, max_len,
                              max_weight, ids[0], ids[-1], offset, len(data))
        return data, info


class _TermOrderTask(SubWriterTask):
    """whoosh's writer sub-process, writing its segment with :class:`TermOrderWriter`."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = TermOrderWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, set(writer._postings), segment), timeout=5)


class TermOrderMpWriter(MpWriter):
    """whoosh's multi-process writer (``multisegment``), each process writing its own
    segment with :class:`TermOrderWriter`."""

    def __init__(self, ix, procs: int, **kwargs) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _commit_toc(self, segments) -> None:
        """Commit without the empty segments of processes that got no documents.

        whoosh hands out batches of documents through one queue, so a process may get
        none (a small index, or a process that started late while the other took every
        batch); whoosh would still list its empty segment in the index.
        """
        super()._commit_toc([s for s in segments if s.doc_count_all()])

    def _new_task(self):
        task = _TermOrderTask(self.storage, self.indexname, self.jobqueue,
                              self.resultqueue, self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task

