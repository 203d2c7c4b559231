"""Finding a quotation in page text, and checking that it is still there.

A quote matches when it equals the page text at the anchor after both are NFC-normalised,
every run of whitespace is read as one space (PDF text breaks lines where the quote
does not; a non-breaking space is a space) and typographic variants of the same mark are
read alike: ’ ' ‘ ʼ; “ ” "; – — -; … and ... (what a keyboard types for what a
typesetter printed). Nothing else is forgiven: case, other punctuation and spelling must
be exact. The stored quote is always the source's own characters.
"""

from __future__ import annotations

import unicodedata


#: Typographic variants read as the plain character (and nothing else).
TYPOGRAPHIC = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
               "\u2013": "-", "\u2014": "-", "\u2026": "..."}
_TYPO_TABLE = str.maketrans(TYPOGRAPHIC)


def equivalent(text: str) -> str:
    """What two quotes are compared on: :func:`collapse` with typographic variants plain."""
    return collapse(text).translate(_TYPO_TABLE)


def collapse(text: str) -> str:
    """NFC, whitespace runs as one space, no leading or trailing space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _collapsed_with_map(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace and keep, for each kept character, its index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    pending_space = -1
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and pending_space < 0:
                pending_space = i
            continue
        if pending_space >= 0:
            out.append(" ")
            index.append(pending_space)
            pending_space = -1
        for plain in TYPOGRAPHIC.get(ch, ch):
            out.append(plain)
            index.append(i)
    return "".join(out), index


def locate(text: str, quote: str, *, near: int | None = None) -> tuple[int, int] | None:
    """Return the ``(start, end)`` character range of ``quote`` in ``text``, or None.

    ``text`` must already be NFC (page text is stored so). When the quote occurs more
    than once, the occurrence starting closest to ``near`` wins (the first without it).
    """
    needle = equivalent(quote)
    if not needle:
        return None
    hay, index = _collapsed_with_map(text)
    best: tuple[int, int] | None = None
    pos = hay.find(needle)
    while pos >= 0:
        start = index[pos]
        end = index[pos + len(needle) - 1] + 1
        if near is None:
            return start, end
        if best is None or abs(start - near) < abs(best[0] - near):
            best = (start, end)
        pos = hay.find(needle, pos + 1)
    return best


def matches(text: str, start: int, end: int, quote: str) -> bool:
    """True when ``quote`` is still what ``text`` holds between ``start`` and ``end``."""
    if start < 0 or end > len(text) or start >= end:
        return False
    return equivalent(text[start:end]) == equivalent(quote)
