"""Common grams: two adjacent very common words indexed as one term.

A phrase made of very common words (``"of the"``, ``"one of the"``) was the slowest
search there is: each of its words is on nearly every page, so checking the phrase
meant decoding the positions of both words on every page (2.2 s on 250,000 pages).
So each entry's ``body`` is also indexed in a second field, ``grams``, holding one
term for every place where two words of :data:`COMMON_WORDS` stand next to each other
(the term ``"of the"``, at the position of ``of``). A phrase whose words are common
then reads one posting list per pair of its words instead of the lists of both words,
and a two-word phrase of common words is exactly one posting list.

The results stay exactly those of matching the words themselves:

* a page has ``gram(a, b)`` at position ``p`` exactly when it has ``a`` at ``p`` and
  ``b`` at ``p + 1`` (the same positions as ``body``, jumps at :data:`GAP` included), so
  a run of common words ``w0 .. wn`` stands at ``p`` exactly when every
  ``gram(wi, wi+1)`` stands at ``p + i``;
* the phrase is scored from its words as before (BM25F of each word in ``body``). For
  that, a gram's posting value carries how often each of its two words occurs in the
  entry's body, so a phrase of common words never needs those words' long posting
  lists at all.

The list of common words is fixed, not drawn from each case: the index must agree
with it whatever was indexed when. The rule: **English closed-class words** (articles
and determiners, personal and relative pronouns, prepositions, conjunctions, the forms
of *be*, *have* and *do*, the modal verbs, and *not*) that are among the few hundred
most frequent words of general English. Together they are about half of running
English text; a phrase of other words has a rare word to start from and is fast
already. Words of other languages are not in the list: their phrases are matched
word by word (same results, as fast as before).
"""

from __future__ import annotations

import re
import struct
from array import array
from collections import Counter
from collections.abc import Iterator
from itertools import compress

from whoosh import formats

from workbench.core.search.analysis import GAP, GAP_SIZE, terms

#: The field holding the grams of ``body``.
FIELD = "grams"
#: The field whose phrases the grams serve.
SOURCE = "body"

COMMON_WORDS = frozenset("""
a an the this that these those some any each every no all both either neither
i me my mine you your yours he him his she her hers it its we us our ours they them
their theirs who whom whose which what
of in on at by for from to with without into onto about above below over under
between among through during before after against within upon off out up down than
and or but nor so yet if as because while although though unless whether then
be am is are was were been being have has had having do does did doing
will would shall should can could may might must
not
""".split())


def gram(a: str, b: str) -> str:
    """The term of two adjacent common words (a space never occurs inside a word)."""
    return f"{a} {b}"


#: Where two common words stand together, in a text's flags (see GramPositions.grams).
_PAIR = re.compile(b"(?=\x01\x01)").finditer

#: A gram posting's value: how often its first and its second word occur in the
#: entry's body, then the gram's positions (unsigned 32-bit, native order).
_COUNTS = struct.Struct("II")
unpack_counts = _COUNTS.unpack_from


class GramPositions(formats.Positions):
    """The ``grams`` field's format: terms and values made from the body text itself.

    Index with the body's text as the value: the words are split exactly as
    :class:`.analysis.WordPositions` splits them for ``body`` (same positions).
    """

    #: Where the positions start in a value (after the two counts).
    POSITIONS_AT = 8

    def grams(self, value: str) -> dict[str, tuple[int, int, list[int]]]:
        """Each gram of ``value``: the counts of its two words in ``value``, and its
        positions."""
        found: dict[str, list[int]] = {}
        counts: Counter[str] = Counter()
        is_common = COMMON_WORDS.__contains__
        pos = 0
        for part in value.split(GAP):
            words = terms(part)
            # One byte per word, 1 for a common word: pairs are found by a regex in C.
            flags = bytes(map(is_common, words))
            counts.update(compress(words, flags))
            for m in _PAIR(flags):
                i = m.start()
                key = f"{words[i]} {words[i + 1]}"
                where = found.get(key)
                if where is None:
                    found[key] = [pos + i]
                else:
                    where.append(pos + i)
            pos += len(words) + GAP_SIZE
        out = {}
        for key, where in found.items():
            a, b = key.split(" ")
            out[key] = (counts[a], counts[b], where)
        return out

    def word_values(self, value: object, analyzer: object,
                    **kwargs: object) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(value, str):
            raise ValueError(f"the {FIELD} field takes the body text, not {value!r}")
        for key, (a, b, where) in self.grams(value).items():
            yield key, len(where), float(len(where)), array("I", [a, b, *where]).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return array("I", valuestring)[2:].tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4 - 2

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring))

    def combine(self, vs):  # whoosh's multi-value merge; grams never need it
        raise NotImplementedError("gram postings are not combined")


def lookups(words: list[str]) -> list[tuple[str, str, int]]:
    """What to look for to match the phrase ``words`` of ``body``: ``(field, term,
    offset)`` triples, grams for each pair of adjacent common words and the word
    itself for any word not in such a pair. A page holds the phrase at ``p`` exactly
    when it holds every triple's term at ``p + offset``."""
    out: list[tuple[str, str, int]] = []
    covered = [False] * len(words)
    for i in range(len(words) - 1):
        if words[i] in COMMON_WORDS and words[i + 1] in COMMON_WORDS:
            out.append((FIELD, gram(words[i], words[i + 1]), i))
            covered[i] = covered[i + 1] = True
    out.extend((SOURCE, w, i) for i, w in enumerate(words) if not covered[i])
    return out
