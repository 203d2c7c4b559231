"""Plain text (.txt, .md, .csv): decoded and cut into pages in a stream.

A text file may be hundreds of MB (a leaked log, a database dump saved as text). It is
never held whole as text: its bytes are decoded piece by piece with an incremental
decoder and cut into pages of at most :data:`MAX_PAGE_CHARS` characters as they come,
and the pages are handed on one at a time (see :class:`TextPages`). A file on disk is
not even held as bytes: it is read twice in pieces (once to check its encoding and count
its pages, once while its pages are stored), and its bytes go into the case in pieces
(:class:`~workbench.core.documents.FileBytes`). The character set is UTF-8 when every
byte fits, else what charset-normalizer makes of a bounded sample of the file.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

from charset_normalizer import from_bytes

from workbench.core.documents import FileBytes, PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)

_MEDIA = {".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv"}
SUFFIXES = (".txt", ".md", ".csv", ".text", ".markdown")

#: Longest page cut from a text file, in characters (about 30 printed pages).
MAX_PAGE_CHARS = 64_000
#: Bytes read and decoded at a time.
PIECE_BYTES = 1024 * 1024
#: Bytes of a file charset-normalizer looks at: the start of the file, and as much
#: around the first byte that is not UTF-8.
SAMPLE_BYTES = 512 * 1024
#: Text files at least this large on disk are read from the disk in pieces, never whole.
STREAM_BYTES = 4 * 1024 * 1024

Chunks = Callable[[], Iterator[bytes]]


def split_long(text: str, limit: int = MAX_PAGE_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut after a line break where
    there is one in the second half of the piece, else after a space, else anywhere.
    Joined again they are ``text`` exactly."""
    return list(_cut(iter([text]), limit, form_feeds=False))


def _cut(chunks: Iterator[str], limit: int, *, form_feeds: bool = True) -> Iterator[str]:
    """Pages of the text arriving in ``chunks``: a form feed ends a page (and is dropped)
    when ``form_feeds``; a page longer than ``limit`` is cut as :func:`split_long` says.
    Always yields at least one page (an empty text is one empty page)."""
    buf, pos = "", 0
    for chunk in chunks:
        buf = buf[pos:] + chunk  # what is left is under ``limit``: a small copy
        pos = 0
        while True:
            ff = buf.find("\f", pos, pos + limit + 1) if form_feeds else -1
            if ff >= 0:
                yield buf[pos:ff]
                pos = ff + 1
                continue
            if len(buf) - pos <= limit:
                break
            end = pos + limit
            cut = buf.rfind("\n", pos + limit // 2, end)
            if cut < 0:
                cut = buf.rfind(" ", pos + limit // 2, end)
            if cut >= 0:
                end = cut + 1
            elif buf[end - 1] == "\r" and buf[end] == "\n":
                end -= 1  # never between the two halves of a Windows line break
            yield buf[pos:end]
            pos = end
    yield buf[pos:]


def _decoded(chunks: Iterator[bytes], encoding: str, errors: str = "strict") -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _pieces(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), PIECE_BYTES):
        yield bytes(view[start:start + PIECE_BYTES])


def _file_pieces(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while piece := f.read(PIECE_BYTES):
            yield piece


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding; return (text, encoding name).

    UTF-8 (with or without a byte order mark) is taken as it is; anything else goes to
    charset-normalizer, and bytes it cannot explain are refused rather than garbled.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("undecodable text (no character encoding fits)")
    return str(best), best.encoding


class TextPages(Sequence[PageText]):
    """The pages of one text file, produced again each time they are iterated.

    Made by :func:`read_text`, which has already read the whole file once to choose its
    encoding and count its pages, so ``len()`` is known. Iterating reads and decodes
    the file again, holding one piece and one page at a time; if the file is no longer
    what was counted (changed meanwhile), iterating raises :class:`ExtractionError`.
    """

    def __init__(self, chunks: Chunks, encoding: str, errors: str, count: int,
                 keep: int) -> None:
        self._chunks, self.encoding, self._errors = chunks, encoding, errors
        self._count, self._keep = count, keep
        #: The SHA-256 the bytes must have (the stored original's): a file edited after
        #: it was stored, keeping its length, must not give pages that differ from it.
        self.sha256: str | None = None

    def __len__(self) -> int:
        return min(self._count, self._keep)

    def __iter__(self) -> Iterator[PageText]:
        n = 0
        digest = hashlib.sha256() if self.sha256 else None

        def hashed() -> Iterator[bytes]:
            for piece in self._chunks():
                if digest is not None:
                    digest.update(piece)
                yield piece
        try:
            for n, page in enumerate(_cut(_decoded(hashed(), self.encoding,
                                                   self._errors), MAX_PAGE_CHARS), 1):
                if n > self._keep:
                    return
                yield PageText(page)
        except (UnicodeDecodeError, OSError) as exc:
            raise ExtractionError(f"the file changed while it was imported ({exc})") from None
        if n != self._count:
            raise ExtractionError("the file changed while it was imported "
                                  f"({n:,} pages, not {self._count:,})")
        if digest is not None and digest.hexdigest() != self.sha256:
            raise ExtractionError("the file changed while it was imported (its pages "
                                  "were read from other bytes than those stored)")

    @overload
    def __getitem__(self, index: int) -> PageText: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PageText]: ...

    def __getitem__(self, index):
        """Page ``index`` (or a slice), by reading up to it: for the odd caller, not
        for walking the pages (iterate instead)."""
        pages = range(len(self))[index]
        if isinstance(pages, range):
            wanted = set(pages)
            return [p for n, p in enumerate(self) if n in wanted]
        for n, page in enumerate(self):
            if n == pages:
                return page
        raise IndexError(index)


def _count(chunks: Chunks, encoding: str, errors: str = "strict") -> int:
    return sum(1 for _ in _cut(_decoded(chunks(), encoding, errors), MAX_PAGE_CHARS))


def _bom(head: bytes) -> str | None:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _sample(chunks: Chunks, around: int) -> bytes:
    """The first :data:`SAMPLE_BYTES` of the file and as many from ``around`` on."""
    head, near, at = bytearray(), bytearray(), 0
    for piece in chunks():
        if len(head) < SAMPLE_BYTES:
            head += piece[:SAMPLE_BYTES - len(head)]
        if at + len(piece) > around and len(near) < SAMPLE_BYTES:
            near += piece[max(0, around - at):][:SAMPLE_BYTES - len(near)]
        at += len(piece)
        if len(head) >= SAMPLE_BYTES and (len(near) >= SAMPLE_BYTES or at > around
                                          + SAMPLE_BYTES):
            break
    return bytes(head) if around < SAMPLE_BYTES else bytes(head + near)


def read_text(chunks: Chunks, *, head: bytes) -> tuple[TextPages, list[str]]:
    """The pages of the text whose bytes ``chunks()`` yields (``head``: its first bytes),
    and notes on how it was decoded. Raises :class:`ExtractionError` when it is binary
    or no character set fits."""
    if b"\x00" in head[:8192] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary data in a text file")
    encoding = _bom(head) or "utf-8"
    try:
        return TextPages(chunks, encoding, "strict", _count(chunks, encoding), 1 << 62), []
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise ExtractionError(f"undecodable text (not valid {encoding})") from None
        where = _failed_at(chunks, exc)
    best = from_bytes(_sample(chunks, where)).best()
    if best is None:
        raise ExtractionError("undecodable text (no character encoding fits)")
    encoding = best.encoding
    try:
        return TextPages(chunks, encoding, "strict", _count(chunks, encoding), 1 << 62), []
    except UnicodeDecodeError:
        # The sample fitted and a later part of the file does not: keep the text, with
        # the few bytes that do not fit shown as such, and say so.
        pages = TextPages(chunks, encoding, "replace",
                          _count(chunks, encoding, "replace"), 1 << 62)
        return pages, [f"some bytes are not {encoding} text; shown as \ufffd"]


def _failed_at(chunks: Chunks, error: UnicodeDecodeError) -> int:
    """Where in the file UTF-8 decoding failed, less a little (the sample around it
    starts a little before)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    at = 0
    for piece in chunks():
        try:
            decoder.decode(piece)
        except UnicodeDecodeError as exc:
            return max(0, at + exc.start - 4096)
        at += len(piece)
    return at


def _extracted(pages: TextPages, notes: list[str], name: str,
               options: ImportOptions) -> Extracted:
    if len(pages) > options.max_pages:
        notes.append(f"{len(pages):,} pages; only the first {options.max_pages:,} kept "
                     "(the page limit)")
        pages._keep = options.max_pages
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Extracted(kind="text", title=title_from_name(name), pages=pages,
                     media_type=_MEDIA.get(suffix, "text/plain"),
                     metadata={"encoding": pages.encoding}, notes=notes)


@register(*SUFFIXES)
def extract_text(data: bytes, name: str, options: ImportOptions) -> Extracted:
    """A text file's bytes (an archive member, a small file): decoded and cut in pieces,
    so that beside the bytes at most one page of text is held at a time."""
    pages, notes = read_text(lambda: _pieces(data), head=data[:8192])
    return _extracted(pages, notes, name, options)


def streams(file_name: str, path: Path | None, size: int) -> bool:
    """Whether a file should be imported with :func:`extract_text_file` (a large text
    file on disk), its bytes never read whole."""
    return (path is not None and size >= STREAM_BYTES
            and file_name.lower().endswith(SUFFIXES))


def file_bytes(path: Path) -> FileBytes:
    """The size and SHA-256 of a file on disk, read in pieces."""
    digest, size = hashlib.sha256(), 0
    for piece in _file_pieces(path):
        digest.update(piece)
        size += len(piece)
    return FileBytes(path=path, size=size, sha256=digest.hexdigest())


def extract_text_file(path: Path, name: str, options: ImportOptions,
                      sha256: str | None = None) -> Extracted:
    """A text file on disk, read in pieces (see the module docstring); with ``sha256``
    (the bytes being stored), its pages must come from exactly those bytes."""
    with open(path, "rb") as f:
        head = f.read(8192)
    pages, notes = read_text(lambda: _file_pieces(path), head=head)
    pages.sha256 = sha256
    return _extracted(pages, notes, name, options)
