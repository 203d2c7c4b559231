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
    text, encoding = decode(data)
    # Form feeds separate pages in text exported from page-based sources; a long text
    # is cut into pages of bounded size so that reading and indexing stay bounded too.
    pages = [PageText(p) for part in text.split("\f") for p in split_long(part)]
    del text
    notes = []
    if len(pages) > options.max_pages:
        notes.append(f"{len(pages):,} pages; only the first {options.max_pages:,} kept "
                     "(the page limit)")
        pages = pages[:options.max_pages]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Extracted(kind="text", title=title_from_name(name), pages=pages,
                     media_type=_MEDIA.get(suffix, "text/plain"),
                     metadata={"encoding": encoding}, notes=notes)
