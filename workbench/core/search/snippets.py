"""Snippets: a short passage of a hit's text around what matched, with the matches marked.

Cut from the text itself (page text comes from the case file), using the same word
splitting as the index, so a highlight is always a whole word or phrase the query
found. whoosh's own highlighter re-analyses whole documents and was the slowest part
of a query when page text was stored in the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from workbench.core.search.analysis import spans
from workbench.core.search.query import Highlight

#: Characters of text in a snippet (before the ellipses).
WIDTH = 200
#: How much text to show before the first match.
LEAD = 50
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """A passage and the character ranges in it that matched, as ``(start, end)``."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def marked(self, open: str = "«", close: str = "»") -> str:
        """The passage with each highlight wrapped, e.g. ``the «read only» account``."""
        out, last = [], 0
        for start, end in self.highlights:
            out += [self.text[last:start], open, self.text[start:end], close]
            last = end
        out.append(self.text[last:])
        return "".join(out)

    @property
    def matched(self) -> list[str]:
        """The highlighted words themselves."""
        return [self.text[s:e] for s, e in self.highlights]


def _pattern(hl: Highlight) -> re.Pattern | None:
    """One regular expression for everything in ``hl`` (ASCII only), built once."""
    cached = getattr(hl, "_pattern", False)
    if cached is not False:
        return cast("re.Pattern | None", cached)
    parts = [*hl.words, *(" ".join(p) for p in hl.phrases), *hl.prefixes]
    pattern = None
    if all(p.isascii() for p in parts):
        alternatives = [re.escape(w) for w in hl.words]
        alternatives += [r"[\W_]+".join(re.escape(w) for w in p) for p in hl.phrases]
        alternatives += [re.escape(p) + r"[^\W_]*" for p in hl.prefixes]
        alternatives.sort(key=len, reverse=True)  # a phrase before its first word
        pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])",
                             re.IGNORECASE)
    hl._pattern = pattern  # type: ignore[attr-defined]
    return pattern


def match_spans(text: str, hl: Highlight) -> list[tuple[int, int]]:
    """Character ranges in ``text`` of the words, prefixes and phrases in ``hl``."""
    if hl.empty:
        return []
    pattern = _pattern(hl)
    if pattern is not None and text.isascii():
        # For ASCII text, lower case is the whole of the index's normalisation, so a
        # regular expression finds the same words as splitting the page would, faster.
        return _merge([m.span() for m in pattern.finditer(text)])
    words = list(spans(text))
    found: list[tuple[int, int]] = []
    for word, start, end in words:
        if word in hl.words or any(word.startswith(p) for p in hl.prefixes):
            found.append((start, end))
    for phrase in hl.phrases:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if words[i][0] == phrase[0] and all(
                    words[i + k][0] == phrase[k] for k in range(1, n)):
                found.append((words[i][1], words[i + n - 1][2]))
    return _merge(found)


def _merge(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, with overlapping ranges joined (a word inside a matched phrase)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def around(text: str, found: list[tuple[int, int]], width: int = WIDTH) -> Snippet:
    """The passage of ``text`` holding the most of ``found`` (sorted ranges)."""
    if not found:
        return _cut(text, 0, width, [])
    best, best_count = 0, 0
    for i, (start, _) in enumerate(found):
        count = sum(1 for s, e in found[i:] if e <= start + width - LEAD)
        if count > best_count:
            best, best_count = i, count
    start = max(0, found[best][0] - LEAD)
    if start:
        # Begin at a word boundary rather than inside a word.
        space = text.rfind(" ", max(0, start - 20), found[best][0])
        start = space + 1 if space >= 0 else start
    return _cut(text, start, start + width, found)


def _cut(text: str, start: int, end: int, found: list[tuple[int, int]]) -> Snippet:
    end = min(len(text), end)
    if end < len(text):
        space = text.rfind(" ", start + 1, end)
        end = space if space > start + width_floor(end - start) else end
    piece = text[start:end]
    # Collapse runs of spaces and line breaks, remembering where each part moved.
    parts: list[tuple[int, int]] = []  # (offset in piece, offset in output)
    out: list[str] = []
    pos = 0
    cursor = 0
    for m in _SPACE.finditer(piece):
        out.append(piece[cursor:m.start()])
        parts.append((cursor, pos))
        pos += m.start() - cursor
        out.append(" ")
        pos += 1
        cursor = m.end()
    parts.append((cursor, pos))
    out.append(piece[cursor:])
    body = "".join(out)
    lead = body.startswith(" ")
    body = body.strip()
    shift = (1 if start > 0 else 0) - (1 if lead else 0)

    def moved(offset: int) -> int:
        base = max((p for p in parts if p[0] <= offset), default=(0, 0))
        return base[1] + (offset - base[0]) + shift

    marks = tuple((moved(s - start), moved(e - 1 - start) + 1)
                  for s, e in found if s >= start and e <= end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Snippet(prefix + body + suffix, marks)


def width_floor(width: int) -> int:
    """Cut at a space only if that keeps most of the passage."""
    return width * 2 // 3


def snippet(text: str, hl: Highlight, width: int = WIDTH) -> Snippet:
    """The best passage of ``text`` for the query terms in ``hl``."""
    return around(text, match_spans(text, hl), width)
