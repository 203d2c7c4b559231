"""Making user text safe for reportlab's ``Paragraph`` markup, and small wording helpers."""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

STANCES = {"confirms": "Confirms", "denies": "Denies", "disputes": "Disputes",
           "declined": "Declined to comment", "no-response": "Did not respond"}
VERDICTS = {"unverified": "No verdict yet", "confirmed": "Confirmed", "refuted": "Refuted",
            "mixed": "Mixed", "unresolved": "Unresolved", "unverifiable": "Unverifiable"}
CHANNELS = {"email": "email", "phone": "phone", "press-release": "press release",
            "document": "document", "in-person": "in person"}


def clean(text: str | None) -> str:
    """Drop control characters (they have no glyph) and keep line breaks."""
    if not text:
        return ""
    return "".join(ch for ch in text
                   if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def esc(text: str | None) -> str:
    """User text as Paragraph markup: ``&``, ``<`` and ``>`` escaped, lines kept."""
    return escape(clean(text)).replace("\n", "<br/>")


def quoted(text: str | None) -> str:
    """A verbatim quotation in typographic quotes, escaped."""
    return f"\u201c{esc(text)}\u201d"


def join(parts: list[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)
