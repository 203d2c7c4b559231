"""Finding actors' names and aliases in text, word for word.

A name matches where its words (as the index splits them: case and accents ignored)
occur in order, with only spaces or punctuation between them: "Brookfield PD" matches
"brookfield pd" and "Brookfield\\nPD", never "Brookfield PDX". That is exactly what a
phrase search for the name finds in the index, so a page is tagged with an actor when
a phrase search would find one of its names. Where names overlap, the longest wins
("Dunmore County Sheriff's Office" over "Dunmore County").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from itertools import islice

from workbench.core.search.analysis import WORD, terms


#: Up to this many distinct first words of names, :meth:`ActorMatcher._scan` looks
#: them up with ``list.index`` instead of visiting every word.
FEW_FIRST_WORDS = 8


class ActorMatcher:
    """Locates the names of a set of actors in text."""

    def __init__(self, names: Mapping[int, tuple[str, ...]]) -> None:
        self._actors: dict[tuple[str, ...], frozenset[int]] = {}
        for actor_id, actor_names in names.items():
            for name in actor_names:
                key = tuple(terms(name))
                if key:
                    self._actors[key] = self._actors.get(key, frozenset()) | {actor_id}
        # Names by their first word, longest first, so a scan tries each word once.
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(self._actors, key=len, reverse=True):
            self._by_first.setdefault(key[0], []).append(key)

    def _scan(self, words: Sequence[str]) -> Iterator[tuple[frozenset[int], int, int]]:
        """``(actor ids, first word, word after last)`` of each name in ``words``.

        Left to right, the longest name first where several start at a word, a word
        never part of two names. With few first words (one actor's names) the places to
        try are found by ``list.index`` (in C) rather than by visiting every word.
        """
        by_first = self._by_first
        if len(by_first) <= FEW_FIRST_WORDS and isinstance(words, list):
            found: list[int] = []
            for word in by_first:
                at = -1
                try:
                    while True:
                        at = words.index(word, at + 1)
                        found.append(at)
                except ValueError:
                    pass
            found.sort()
            places: list[int] | range = found
        else:
            places = range(len(words))
        after = 0
        for i in places:
            if i < after:
                continue  # inside a name already found
            keys = by_first.get(words[i])
            if keys:
                for key in keys:
                    size = len(key)
                    if tuple(words[i:i + size]) == key:
                        yield self._actors[key], i, i + size
                        after = i + size
                        break

    def actors_in(self, text: str) -> set[int]:
        """Ids of the actors named in ``text`` (used for every page when indexing)."""
        if not self._by_first:
            return set()
        found: set[int] = set()
        for ids, _, _ in self._scan(terms(text)):
            found |= ids
        return found

    def find(self, text: str) -> Iterator[tuple[frozenset[int], int, int]]:
        """``(actor ids, start, end)`` of every name in ``text``, as character offsets.

        The names are looked for in the page's terms (split in C, see :func:`terms`);
        character offsets are then read only for the words of the names found, the
        words before them skipped in C too: a page of 400 words naming an actor once
        took 2 ms word by word."""
        if not self._by_first:
            return
        found = list(self._scan(terms(text)))
        if not found:
            return
        # The same words as terms(): ASCII text lower-cased whole keeps its offsets.
        words = WORD.finditer(text.lower() if text.isascii() else text)
        at = 0  # index of the word ``words`` gives next
        for ids, first, after in found:
            match = next(islice(words, first - at, None))
            start, end = match.span()
            at = first + 1
            if after - 1 > first:
                end = next(islice(words, after - 1 - at, None)).end()
                at = after
            yield ids, start, end

    def spans_of(self, text: str, actor_id: int) -> list[tuple[int, int]]:
        """Where ``actor_id``'s names occur in ``text``."""
        return [(s, e) for ids, s, e in self.find(text) if actor_id in ids]
