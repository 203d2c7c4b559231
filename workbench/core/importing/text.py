"""Plain text (.txt, .md, .csv), with the encoding detected by charset-normalizer."""

from __future__ import annotations

from charset_normalizer import from_bytes

from workbench.core.documents import PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)

_MEDIA = {".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv"}


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
    # Form feeds separate pages in text exported from page-based sources.
    pages = [PageText(p) for p in text.split("\f")] if "\f" in text else [PageText(text)]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Extracted(kind="text", title=title_from_name(name), pages=pages,
                     media_type=_MEDIA.get(suffix, "text/plain"),
                     metadata={"encoding": encoding})
