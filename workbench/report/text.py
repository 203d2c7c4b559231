"""Making user text safe for reportlab's ``Paragraph`` markup, and small wording helpers."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

STANCES = {"confirms": "Confirms", "denies": "Denies", "disputes": "Disputes",
           "declined": "Declined to comment", "no-response": "Did not respond"}
VERDICTS = {"unverified": "No verdict yet", "confirmed": "Confirmed", "refuted": "Refuted",
            "mixed": "Mixed", "unresolved": "Unresolved", "unverifiable": "Unverifiable"}
#: Before a statement's text that narrates who said it: printed as recorded, unquoted.
NARRATED = "As recorded (the reporter\u2019s account, not the speaker\u2019s words): "
#: The report's section of every claim checked, with its verdict.
CLAIMS_TITLE = "Claims checked and verdicts"
CHANNELS = {"email": "email", "phone": "phone", "press-release": "press release",
            "document": "document", "in-person": "in person"}


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Drop control characters (they have no glyph) and keep line breaks and tabs."""
    if not text:
        return ""
    return _CONTROL.sub("", text)


def esc(text: str | None) -> str:
    """User text as Paragraph markup: ``&``, ``<`` and ``>`` escaped, lines kept."""
    return escape(clean(text)).replace("\n", "<br/>")


def quoted(text: str | None) -> str:
    """A verbatim quotation in typographic quotes, escaped."""
    return f"\u201c{esc(text)}\u201d"


def join(parts: list[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)
