"""How text becomes index terms: one tokeniser shared by indexing, queries and snippets.

Words are runs of letters and digits, as SQLite FTS5's ``unicode61`` tokenizer splits
them (so the two agree in the benchmark, and ``_`` separates words in both). Terms are
lower-cased and stripped of accents. Anything with punctuation inside, such as a plate
number ``7XKD-214`` or an address ``rkessler@ofba.example.gov``, becomes several
adjacent terms; the query parser turns such a word into a phrase of those terms
(``multitoken_query="phrase"``), so it is found exactly and never confused with
``7XKD`` near an unrelated ``214``.

No stemming and no stop words: reporters search for exact wording ("read only",
"the county sheriff"), and a stop list would make such phrases match loosely.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator
from functools import lru_cache

from whoosh import formats
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.analysis import Token, Tokenizer

#: One word: letters and digits, nothing else (``_`` is a separator, as in FTS5).
WORD = re.compile(r"[^\W_]+")
#: Joins the parts of a combined field (page text, title, email headers). Positions
#: jump by :data:`GAP_SIZE` there, so a phrase never matches across two parts.
GAP = "\x1e"
GAP_SIZE = 100


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def term(word: str) -> str:
    """The index term of one word: lower case, without accents."""
    word = word.lower()
    # Most words are ASCII; folding only the others keeps indexing fast.
    return word if word.isascii() else _fold(word)


#: The last few texts split, with their terms (newest first).
_recent: tuple[tuple[str, list[str]], ...] = ()
_RECENT = 4


def terms(text: str) -> list[str]:
    """Every term of ``text`` in order (positions are list indexes).

    The last few results are remembered: indexing a page splits its text several
    times in a row (to find the actors it names, to index ``body``, then its common
    grams). Callers must not change the list.
    """
    global _recent
    recent = _recent  # one read and one write of the tuple keep this safe across threads
    for seen, found in recent:
        if seen is text or seen == text:
            return found
    if text.isascii():
        # Lower-casing ASCII text whole gives the same words as word by word.
        found = WORD.findall(text.lower())
    else:
        found = [term(w) for w in WORD.findall(text)]
    _recent = ((text, found), *recent[:_RECENT - 1])
    return found


def spans(text: str) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` of every word of ``text``, offsets into ``text``."""
    for m in WORD.finditer(text):
        yield term(m.group()), m.start(), m.end()


def positioned(text: str) -> Iterator[tuple[int, str, int, int]]:
    """``(position, term, start, end)`` of every word, positions jumping at :data:`GAP`."""
    pos = 0
    offset = 0
    for part in text.split(GAP):
        for m in WORD.finditer(part):
            yield pos, term(m.group()), offset + m.start(), offset + m.end()
            pos += 1
        pos += GAP_SIZE
        offset += len(part) + 1


class WordTokenizer(Tokenizer):
    """whoosh's view of :func:`spans`, used for queries and short fields."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Prefix and fuzzy words of a query arrive whole; normalise them the same way.
            t.original = value
            t.text = term(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, text, start, end in positioned(value):
            pos += start_pos
            t.text = text
            t.boost = 1.0
            if keeporiginal:
                t.original = value[start:end]
            t.stopped = False
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


ANALYZER = WordTokenizer()


class WordPositions(formats.Positions):
    """Positions format that indexes with :func:`terms` directly.

    whoosh's generic path builds a Token object per word and runs it through the
    analyzer chain; for page text that loop is most of the indexing time. The result is
    identical to what :class:`WordTokenizer` produces (the tests check that).

    Positions are stored as a count and an array of 32-bit positions rather than
    whoosh's pickled list of deltas: both directions are then single C calls, which
    matters when a phrase with a common word checks thousands of documents.
    """

    #: Where the positions start in a value (after the count).
    POSITIONS_AT = _INT_SIZE

    def encode(self, poslist: list[int]) -> bytes:
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return array("I", valuestring[_INT_SIZE:]).tolist()

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions, as :class:`WordTokenizer` numbers them."""
        positions: dict[str, list[int]] = {}
        get = positions.get
        pos = 0
        for part in value.split(GAP):
            words = terms(part)
            for i, word in enumerate(words, pos):
                found = get(word)
                if found is None:
                    positions[word] = [i]
                else:
                    found.append(i)
            pos += len(words) + GAP_SIZE
        return positions

    def value_of(self, poslist: list[int]) -> bytes:
        """The encoded value of one posting (cached for a single position)."""
        if len(poslist) == 1:
            # Most words occur once on a page; their encoding depends only on the
            # position, so it is computed once per position and reused.
            pos = poslist[0]
            value = SINGLE_VALUES.get(pos)
            if value is None:
                value = SINGLE_VALUES[pos] = self.encode(poslist)
            return value
        return self.encode(poslist)

    def word_values(self, value: object, analyzer: object, **kwargs: object):
        if not isinstance(value, str) or not isinstance(analyzer, WordTokenizer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        value_of = self.value_of
        for word, poslist in self.positions(value).items():
            yield word, len(poslist), len(poslist) * boost, value_of(poslist)


#: Encoded value of a word found once, by its position (see WordPositions.value_of).
SINGLE_VALUES: dict[int, bytes] = {}
