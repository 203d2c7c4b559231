"""The query language: whoosh's parser, configured, with one-line errors.

Words, "exact phrases", AND / OR / NOT (and ``-word``), ``prefix*``, ``fuzzy~`` (``~2``
for two edits), ``field:value`` for the fields in :data:`~.fields.QUERY_FIELDS`, and
date ranges ``date:[2019-01-01 TO 2019-06-30]`` (either end may be left open and may be
a year or a month). Words without a field search the text and titles; words are ANDed.

whoosh's parser accepts anything and quietly guesses; a reporter who mistypes a
field name or forgets a quote should be told instead, so :func:`parse` checks the
query first and raises :class:`QueryError` with the reason.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import qparser
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from workbench.core.errors import WorkbenchError
from workbench.core.search.analysis import term
from workbench.core.search.fields import (DEFAULT_FIELD, KINDS, QUERY_FIELDS, TYPE_ALIASES,
                                          TYPES, schema)
from workbench.core.search.phrases import exact_phrases
from workbench.core.search.postings import segment_key

_FIELD = re.compile(r"(?<![\w@.])([A-Za-z_][\w]*):")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?$")
_RANGE = re.compile(r"(\w+):([\[{])(.*?)([\]}])")
_MINUS = re.compile(r"(?:(?<=^)|(?<=[\s(]))-(?=[^\s-])")
_OPERATOR = re.compile(r"^(AND|OR)\b|\b(AND|OR|NOT)$")


#: Longest query accepted, in characters. whoosh's parser takes time growing with the
#: square of a word's length (20,000 characters: 8 s), so a query is capped; a search
#: of a whole pasted paragraph is better written as a phrase of its telling words.
MAX_QUERY_CHARS = 1_000
_KIND_VALUE = re.compile(r"(?<![\w@.])(kind|type):([^\s)]+)", re.IGNORECASE)


def document_type(value: str) -> str | None:
    """The document type ``value`` names (``mail`` -> ``email``), or None."""
    value = value.lower()
    return value if value in TYPES else TYPE_ALIASES.get(value)


class QueryError(WorkbenchError):
    """A search query that cannot be understood; the message says why, in one line."""


@dataclass
class Highlight:
    """What a snippet should mark: words, word prefixes and phrases of the query."""

    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.words or self.prefixes or self.phrases)


def _parser() -> qparser.QueryParser:
    parser = qparser.QueryParser(DEFAULT_FIELD, _SCHEMA)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({v: [k] for k, v in QUERY_FIELDS.items()
                                                if k != v}))
    return parser


_SCHEMA = schema()
_PARSER = _parser()


def _outside_quotes(text: str) -> str:
    """``text`` with the inside of every quoted phrase blanked out (length kept)."""
    return re.sub(r'"[^"]*"', lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)


def _check(text: str) -> None:
    if not text.strip():
        raise QueryError("the search is empty: type a word, a phrase or field:value")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the search is too long ({len(text):,} characters; at most "
                         f"{MAX_QUERY_CHARS:,}): search for its telling words or a phrase")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError("the search holds bytes that are not text (not valid UTF-8)") from None
    if text.count('"') % 2:
        raise QueryError('a phrase is missing its closing quote (")')
    bare = _outside_quotes(text)
    depth = 0
    for ch in bare:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError("a closing parenthesis ) has no opening one")
    if depth:
        raise QueryError("a parenthesis ( is not closed")
    if bare.count("[") + bare.count("{") != bare.count("]") + bare.count("}"):
        raise QueryError("a range is not closed: write date:[2019-01-01 TO 2019-06-30]")
    for m in _FIELD.finditer(bare):
        name = m.group(1).lower()
        if name not in QUERY_FIELDS:
            known = ", ".join(sorted(k for k in QUERY_FIELDS if k not in ("body", "text")))
            raise QueryError(f'unknown field "{m.group(1)}:" (fields: {known}; put the '
                             'words in quotes to search for them as text)')
        rest = bare[m.end():]
        if not rest or rest[0].isspace() or rest[0] == ")":
            raise QueryError(f'"{m.group(1)}:" needs a value, e.g. {m.group(1)}:word')
    for m in _KIND_VALUE.finditer(bare):
        name, value = m.group(1).lower(), m.group(2).lower()
        if value.endswith("*") or (value in KINDS if name == "kind" else False) \
                or document_type(value):
            continue  # kind:email means type:email (see parse)
        if name == "kind":
            raise QueryError(f'"kind:{m.group(2)}" is not a kind of hit (kinds: '
                             f'{", ".join(KINDS)}); for a type of document write type: '
                             f'({", ".join(TYPES)})')
        raise QueryError(f'"type:{m.group(2)}" is not a type of document (types: '
                         f'{", ".join(TYPES)}); for a kind of hit write kind: '
                         f'({", ".join(KINDS)})')
    for m in _RANGE.finditer(bare):
        if m.group(1).lower() != "date":
            raise QueryError(f"ranges work on dates only (date:[... TO ...]), "
                             f"not on {m.group(1)}:")
        parts = [p.strip() for p in re.split(r"\bTO\b", m.group(3))]
        if len(parts) != 2 or not any(parts):
            raise QueryError("a date range is written date:[2019-01-01 TO 2019-06-30]")
        for p in parts:
            if p:
                _check_date(p)
        if all(parts) and day_number(parts[0]) > day_number(parts[1], last=True):
            raise QueryError(f"the date range ends ({parts[1]}) before it starts "
                             f"({parts[0]})")
    stripped = bare.strip()
    if _OPERATOR.search(stripped):
        raise QueryError("AND, OR and NOT need words on both sides "
                         "(write them in lower case to search for the words)")


def _check_date(text: str) -> None:
    """A QueryError unless ``text`` is a real day, month or year (YYYY[-MM[-DD]])."""
    if not _DATE.match(text):
        raise QueryError(f'"{text}" is not a date: use YYYY, YYYY-MM or YYYY-MM-DD')
    parts = [int(p) for p in text.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1,
                      parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise QueryError(f'"{text}" is not a date that exists (YYYY-MM-DD)') from None


def day_number(date: str, *, last: bool = False) -> int:
    """``2019-04-03`` -> 20190403; a year or month is its first (or ``last``) day."""
    parts = date.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
    day = int(parts[2]) if len(parts) > 2 else (31 if last else 1)
    return year * 10000 + month * 100 + day


#: Each recently searched segment's day numbers in order, with their entries.
_DAYS: dict[tuple, tuple[list[int], list[int]]] = {}
_DAYS_KEPT = 256


def segment_days(reader) -> tuple[list[int], list[int]]:
    """The day numbers of one segment's entries, sorted, and the entry of each (deleted
    entries included), read from the ``day`` field's full-precision terms. Kept by
    segment (:func:`.postings.segment_key`): a segment never changes once written."""
    key = segment_key(reader)
    found = _DAYS.get(key) if key else None
    if found is None:
        field = reader.schema["day"]
        pairs: list[tuple[int, int]] = []
        for token in field.sortable_terms(reader, "day"):
            day = field.from_bytes(token)
            pairs.extend((day, d) for d in reader.postings("day", token).all_ids())
        pairs.sort()
        found = ([p[0] for p in pairs], [p[1] for p in pairs])
        if key:
            if len(_DAYS) >= _DAYS_KEPT:
                _DAYS.clear()
            _DAYS[key] = found
    return found


class DayRange(wq.NumericRange):
    """A range of day numbers matched as one set of documents.

    whoosh matches a numeric range through its trie terms, and got wide ranges wrong:
    ``date:[TO 2018]`` or ``date:[2018-06 TO 9999]`` matched entries of any date
    (whoosh-reloaded 2.7.5 splits such ranges into tiers that cover too much). It was
    also slow on an index of many segments (each segment expands each tier). Here each
    segment's days are read once, in order (:func:`segment_days`), and a range is two
    bisections.
    """

    def ids(self, reader) -> list[int]:
        """The matching entries of one segment reader (deleted entries included)."""
        days, docs = segment_days(reader)
        start, end = self.start, self.end
        lo = 0 if start is None else (bisect_right if self.startexcl else bisect_left)(
            days, start)
        hi = len(days) if end is None else (bisect_left if self.endexcl else bisect_right)(
            days, end)
        return docs[lo:hi]

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        if reader.is_atomic():
            ids = set(self.ids(reader))
        else:
            ids = {d + base for leaf, base in reader.leaf_readers() for d in self.ids(leaf)}
        deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
        ids = sorted(d for d in ids if d not in deleted) if deleted else sorted(ids)
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, all_weights=self.boost)


def _dates(q: wq.Query) -> wq.Query:
    """Dates as ranges of day numbers: ``date:2019`` is the whole year, and a range
    ending ``2019-06`` includes all of June. A numeric range is a handful of trie
    terms, where a range over date strings was an OR of one term per day."""
    if isinstance(q, (wq.Term, wq.Prefix)) and q.fieldname == "date":
        text = q.text.rstrip("-")
        _check_date(text)
        return DayRange("day", day_number(text), day_number(text, last=True),
                        boost=q.boost, constantscore=True)
    if isinstance(q, wq.TermRange) and q.fieldname == "date":
        start = day_number(q.start) if q.start else None
        end = day_number(q.end, last=True) if q.end else None
        return DayRange("day", start, end, q.startexcl, q.endexcl, boost=q.boost,
                        constantscore=True)
    if q.is_leaf():
        return q
    return q.apply(_dates)


def parse(text: str) -> wq.Query:
    """The whoosh query for ``text``; :class:`QueryError` when it is malformed."""
    text = unicodedata.normalize("NFC", text)
    _check(text)
    # whoosh's field names are case-sensitive; a reporter's "From:" is meant as "from:".
    bare = _outside_quotes(text)
    for m in _FIELD.finditer(bare):
        text = text[:m.start(1)] + m.group(1).lower() + text[m.end(1):]
    # Document types by their one name; kind:email (no kind of hit) is type:email.
    for m in reversed(list(_KIND_VALUE.finditer(_outside_quotes(text)))):
        name, value = m.group(1).lower(), m.group(2)
        if value.endswith("*") or (name == "kind" and value.lower() in KINDS):
            continue
        text = text[:m.start()] + f"type:{document_type(value)}" + text[m.end():]
    # "-word" excludes a word, as in web search engines ("7XKD-214" is left alone).
    for m in reversed(list(_MINUS.finditer(_outside_quotes(text)))):
        text = text[:m.start()] + "NOT " + text[m.end():]
    try:
        q = _PARSER.parse(text)
    except Exception:  # the parser's own errors are rare and unhelpful
        raise QueryError("cannot understand the search: check that AND, OR and NOT "
                         "each stand between words") from None
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        raise QueryError("the search has no words to look for")
    return exact_phrases(_dates(q))


def highlights(q: wq.Query, reader=None, *, fields: tuple[str, ...] = ("body",)) -> Highlight:
    """The terms a snippet should mark, skipping negated parts of the query.

    Fuzzy and wildcard terms are expanded against ``reader`` to the words the index
    holds; prefixes are kept as prefixes.
    """
    out = Highlight()

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, wq.Phrase):
            if node.fieldname in fields:
                out.phrases.append(tuple(node.words))
            return
        if isinstance(node, wq.Prefix):
            if node.fieldname in fields:
                out.prefixes.add(term(node.text))
            return
        if isinstance(node, (wq.FuzzyTerm, wq.Wildcard)):
            if node.fieldname in fields and reader is not None:
                for _field, btext in node.existing_terms(reader, expand=True):
                    word = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                    out.words.add(word)
            return
        if isinstance(node, wq.Term):
            if node.fieldname in fields:
                out.words.add(node.text)
            return
        for child in node.children():
            walk(child)

    walk(q)
    return out
