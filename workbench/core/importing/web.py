"""Saved web pages (.html, .htm, .xhtml): their text only.

Scripts, styles and other non-text elements are dropped and nothing is ever fetched:
the parser sees only the saved bytes. The character set comes from a byte order mark,
then a ``<meta charset>`` declaration, then detection.
"""

from __future__ import annotations

import re

from workbench.core.documents import PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)
from workbench.core.importing.markup import html_to_text_and_title
from workbench.core.importing.text import decode, split_long

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes) -> str:
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration: fall back to detection
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    text, _ = decode(data)
    return text


@register(".html", ".htm", ".xhtml")
def extract_html(data: bytes, name: str, options: ImportOptions) -> Extracted:
    html = decode_html(data)
    if "<" not in html:
        raise ExtractionError("not an HTML page (no markup)")
    text, title = html_to_text_and_title(html)
    return Extracted(kind="html", title=title or title_from_name(name),
                     pages=[PageText(p) for p in split_long(text)], media_type="text/html")
