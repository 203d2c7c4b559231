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

from workbench.core.search.analysis import spans, terms


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
        """``(actor ids, first word, word after last)`` of each name in ``words``."""
        by_first = self._by_first
        i, n = 0, len(words)
        while i < n:
            keys = by_first.get(words[i])
            if keys:
                for key in keys:
                    size = len(key)
                    if tuple(words[i:i + size]) == key:
                        yield self._actors[key], i, i + size
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1

    def actors_in(self, text: str) -> set[int]:
        """Ids of the actors named in ``text`` (used for every page when indexing)."""
        if not self._by_first:
            return set()
        found: set[int] = set()
        for ids, _, _ in self._scan(terms(text)):
            found |= ids
        return found

    def find(self, text: str) -> Iterator[tuple[frozenset[int], int, int]]:
        """``(actor ids, start, end)`` of every name in ``text``, as character offsets."""
        if not self._by_first:
            return
        located = list(spans(text))
        for ids, first, after in self._scan([w for w, _, _ in located]):
            yield ids, located[first][1], located[after - 1][2]

    def spans_of(self, text: str, actor_id: int) -> list[tuple[int, int]]:
        """Where ``actor_id``'s names occur in ``text``."""
        return [(s, e) for ids, s, e in self.find(text) if actor_id in ids]
