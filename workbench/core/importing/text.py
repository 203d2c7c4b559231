"""Plain text (.txt, .md, .csv), with the encoding detected by charset-normalizer."""

from __future__ import annotations

from charset_normalizer import from_bytes

from workbench.core.documents import PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)

_MEDIA = {".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv"}


#: Longest page cut from a text file, in characters (about 30 printed pages).
MAX_PAGE_CHARS = 64_000


def split_long(text: str, limit: int = MAX_PAGE_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut after a line break where
    there is one in the second half of the piece, else after a space, else anywhere.
    Joined again they are ``text`` exactly."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > limit:
        end = start + limit
        cut = text.rfind("\n", start + limit // 2, end)
        if cut < 0:
            cut = text.rfind(" ", start + limit // 2, end)
        cut = end if cut < 0 else cut + 1
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _utf8_pieces(data: bytes) -> list[str] | None:
    """A long UTF-8 file decoded piece by piece, each at most :data:`MAX_PAGE_CHARS`
    bytes and cut after a line break where there is one (a line break byte is never
    inside a UTF-8 sequence), so that the whole text never sits in memory beside its
    pages; None when the bytes are not UTF-8."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    pieces: list[str] = []
    limit = MAX_PAGE_CHARS
    while start < len(data):
        end = min(start + limit, len(data))
        if end < len(data):
            cut = data.rfind(b"\n", start + limit // 2, end)
            if cut < 0:
                cut = data.rfind(b" ", start + limit // 2, end)
            if cut >= 0:
                end = cut + 1
            else:  # no break: back off to the start of a UTF-8 sequence
                while end > start and (data[end] & 0xC0) == 0x80:
                    end -= 1
        try:
            pieces.append(data[start:end].decode("utf-8"))
        except UnicodeDecodeError:
            return None
        start = end
    return pieces


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


@register(".txt", ".md", ".csv", ".text", ".markdown")
def extract_text(data: bytes, name: str, options: ImportOptions) -> Extracted:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary data in a text file")
    # Form feeds separate pages in text exported from page-based sources; a long text
    # is cut into pages of bounded size so that reading and indexing stay bounded too.
    pieces = _utf8_pieces(data) if len(data) > MAX_PAGE_CHARS else None
    if pieces is not None:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    else:
        text, encoding = decode(data)
        pieces = split_long(text)
        del text
    pages = [PageText(p) for piece in pieces for p in piece.split("\f")]
    del pieces
    notes = []
    if len(pages) > options.max_pages:
        notes.append(f"{len(pages):,} pages; only the first {options.max_pages:,} kept "
                     "(the page limit)")
        pages = pages[:options.max_pages]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Extracted(kind="text", title=title_from_name(name), pages=pages,
                     media_type=_MEDIA.get(suffix, "text/plain"),
                     metadata={"encoding": encoding}, notes=notes)
