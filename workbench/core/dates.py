"""Dates as investigations know them: a day, a month, a year or a range, perhaps "circa".

An :class:`EventDate` is written the ISO 8601 way: ``2019-03-04`` (a day), ``2019-03``
(a month), ``2019`` (a year), ``2019-03-01/2019-04`` (a range whose ends have their own
precision). ``c. 2019`` or ``circa 2019-03`` marks it approximate. Each date covers a
span of days, from :attr:`EventDate.start` to :attr:`EventDate.end`; a chronology sorts
by the start and puts a wider span before the narrower ones that start on the same day,
so "March 2019" comes before "1 March 2019" (and the entry says it is month-precise).

:func:`find_dates` finds dates written out in page text (English and Spanish), for the
chronology to *suggest* as events; nothing here writes to a case.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from workbench.core.errors import ValidationError

PRECISIONS = ("day", "month", "year", "range")

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_CIRCA = re.compile(r"^\s*(?:c\.|ca\.|circa|approx\.?|~)\s*", re.IGNORECASE)
_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _part(text: str, what: str) -> tuple[str, date, date]:
    """One ISO date of day, month or year precision -> (precision, first day, last day)."""
    m = _PART.match(text.strip())
    if not m:
        raise ValidationError(f"{what} must be YYYY, YYYY-MM, YYYY-MM-DD or a range "
                              f"FROM/TO of those, optionally 'c.' before it (got {text!r})")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return "year", date(year, 1, 1), date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, int(month))[1]
            return "month", date(year, int(month), 1), date(year, int(month), last)
        d = date(year, int(month), int(day))
        return "day", d, d
    except ValueError:
        raise ValidationError(f"{what} is not a real date (got {text!r})") from None


@dataclass(frozen=True)
class EventDate:
    """A date with its precision. Build one with :func:`parse`."""

    value: str  # normalised, without the circa mark: "2019-03", "2019-03-01/2019-04"
    precision: str  # day | month | year | range
    start: date
    end: date
    circa: bool = False

    @property
    def text(self) -> str:
        """As stored and typed: ``c. 2019-03`` for an approximate month."""
        return ("c. " if self.circa else "") + self.value

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def sort_key(self) -> tuple:
        # Wider spans first among those starting the same day: a month before its days.
        return (self.start, -self.days, self.circa)

    def label(self) -> str:
        """For people: "4 March 2019", "March 2019", "2019", "March – April 2019"."""
        if self.precision == "range":
            first, last = self.value.split("/")
            text = f"{_label_part(first)} \u2013 {_label_part(last)}"
        else:
            text = _label_part(self.value)
        return ("circa " if self.circa else "") + text

    def precision_note(self) -> str | None:
        """Why this entry stands where it does, for anything less exact than a day."""
        if self.precision == "day" and not self.circa:
            return None
        spans = {"month": "month", "year": "year", "range": "range", "day": "day"}
        what = f"{'approximate ' if self.circa else ''}{spans[self.precision]}"
        if self.precision == "day":
            return "approximate date: the day may be off"
        plain = EventDate(self.value, self.precision, self.start, self.end).label()
        return (f"{what} precision: placed at the start of {plain}, before the dated "
                "days it covers")

    def contains(self, other: "EventDate") -> bool:
        """True when ``other`` falls within this span (so their order is uncertain)."""
        return self.start <= other.start and other.end <= self.end and self.days > other.days


def _label_part(value: str) -> str:
    precision, first, _last = _part(value, "date")
    if precision == "year":
        return str(first.year)
    if precision == "month":
        return f"{_MONTHS_EN[first.month - 1]} {first.year}"
    return f"{first.day} {_MONTHS_EN[first.month - 1]} {first.year}"


def parse(text: str | None, *, circa: bool = False, what: str = "the date") -> EventDate:
    """Read a date as :class:`EventDate`; a one-line :class:`ValidationError` otherwise."""
    if text is None or not text.strip():
        raise ValidationError(f"{what} must not be empty")
    m = _CIRCA.match(text)
    if m:
        circa = True
        text = text[m.end():]
    text = text.strip()
    if "/" in text:
        first, _sep, last = text.partition("/")
        _p1, start, _e1 = _part(first, what)
        _p2, _s2, end = _part(last, what)
        if end < start:
            raise ValidationError(f"{what}: the range ends before it starts (got {text!r})")
        return EventDate(f"{first.strip()}/{last.strip()}", "range", start, end, circa)
    precision, start, end = _part(text, what)
    return EventDate(text, precision, start, end, circa)


def from_timestamp(text: str | None) -> EventDate | None:
    """A day from an ISO timestamp or date (``2019-04-03T10:00:00Z``); None if unreadable."""
    if not text or len(text) < 10:
        return None
    try:
        return parse(text[:10])
    except ValidationError:
        return None


# -- dates written in text ---------------------------------------------------------------

_EN = {name.lower(): n for n, name in enumerate(_MONTHS_EN, start=1)}
_EN.update({name[:3].lower(): n for n, name in enumerate(_MONTHS_EN, start=1)})
_EN["sept"] = 9
_ES = {name: n for n, name in enumerate(
    ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
     "octubre", "noviembre", "diciembre"), start=1)}
_ES["setiembre"] = 9
_MONTH_WORDS = {**_EN, **_ES}
_MONTH_RE = "|".join(sorted((re.escape(k) for k in _MONTH_WORDS), key=len, reverse=True))

_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # 2019-03-04
    ("iso", "day", re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")),
    # March 4, 2019 / Mar. 4 2019 / March 4th, 2019
    ("en", "day", re.compile(
        rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        rf"(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)),
    # 4 de marzo de 2019 / 1.º de marzo del 2019
    ("es", "day", re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:\.?º|\.?°|o)?\s+de\s+(?P<mon>{_MONTH_RE})\s+del?\s+"
        rf"(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)),
    # 4 March 2019 / 4 Mar. 2019 / 4th March, 2019
    ("en", "day", re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_RE})\.?,?\s+"
        rf"(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)),
    # marzo de 2019
    ("es", "month", re.compile(
        rf"\b(?P<mon>{_MONTH_RE})\s+del?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)),
    # March 2019
    ("en", "month", re.compile(
        rf"\b(?P<mon>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)),
)


@dataclass(frozen=True)
class DateMention:
    """A date written in text: where it is, what it says, and the date it means."""

    start: int
    end: int
    written: str
    date: EventDate
    language: str  # en | es | iso


def find_dates(text: str) -> list[DateMention]:
    """Every explicit date written in ``text``, in order, none overlapping another.

    Forms: ``2019-03-04``; ``March 4, 2019``, ``4 March 2019`` (and abbreviated months);
    ``4 de marzo de 2019``; and months alone (``March 2019``, ``marzo de 2019``). A
    month name of the wrong language in a form (``4 de March de 2019``) is still read.
    Impossible dates (31 February) are skipped.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for language, precision, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            month = (int(m.group("m")) if language == "iso"
                     else _MONTH_WORDS.get(m.group("mon").lower()))
            if month is None:
                continue
            if language != "iso" and m.group("mon").lower() == "may" and precision == "month":
                continue  # "may 2019" is too often the verb
            value = f"{m.group('y')}-{month:02d}"
            if precision == "day":
                value += f"-{int(m.group('d')):02d}"
            try:
                when = parse(value)
            except ValidationError:
                taken.append((m.start(), m.end()))  # "31 February 2019" is no month either
                continue
            lang = language
            if language != "iso":
                lang = "es" if m.group("mon").lower() in _ES else language
            found.append(DateMention(m.start(), m.end(), m.group(0), when, lang))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def sentence_around(text: str, start: int, end: int, *, limit: int = 240) -> tuple[int, int]:
    """The span of the sentence (or line) holding ``text[start:end]``, at most ``limit``
    characters, for an excerpt that gives the date its context."""
    lo = start
    while lo > 0 and text[lo - 1] not in ".!?\n" and start - lo < limit // 2:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in "!?\n" and hi - end < limit // 2:
        if text[hi] == "." and (hi + 1 >= len(text) or text[hi + 1].isspace()):
            hi += 1
            break
        hi += 1
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return lo, hi
