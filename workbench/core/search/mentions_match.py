"""Finding actors' names and aliases in text, word for word.

A name matches where its words occur in order with only spaces or punctuation between
them, ignoring case: "Brookfield PD" matches "brookfield pd" and "Brookfield\\nPD",
never "Brookfield PDX". That is what a phrase search for the name finds in the index,
so a page is tagged with an actor exactly when a phrase search would find the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from workbench.core.search.analysis import WORD, terms


class ActorMatcher:
    """Locates the names of a set of actors in text."""

    def __init__(self, names: Mapping[int, tuple[str, ...]]) -> None:
        self._actors: dict[tuple[str, ...], set[int]] = {}
        patterns: dict[tuple[str, ...], str] = {}
        for actor_id, actor_names in names.items():
            for name in actor_names:
                key = tuple(terms(name))
                if not key:
                    continue
                self._actors.setdefault(key, set()).add(actor_id)
                words = WORD.findall(name)
                patterns[key] = r"[\W_]+".join(re.escape(w) for w in words)
        # Longest first, so "Dunmore County Sheriff's Office" wins over "Dunmore County".
        ordered = sorted(patterns.values(), key=len, reverse=True)
        self._pattern = (re.compile(r"(?<![^\W_])(?:" + "|".join(ordered) + r")(?![^\W_])",
                                    re.IGNORECASE) if ordered else None)

    def find(self, text: str) -> Iterator[tuple[frozenset[int], int, int]]:
        """``(actor ids, start, end)`` of every name found in ``text``."""
        if self._pattern is None:
            return
        for m in self._pattern.finditer(text):
            ids = self._actors.get(tuple(terms(m.group())))
            if ids:
                yield frozenset(ids), m.start(), m.end()

    def actors_in(self, text: str) -> set[int]:
        found: set[int] = set()
        for ids, _, _ in self.find(text):
            found |= ids
        return found

    def spans_of(self, text: str, actor_id: int) -> list[tuple[int, int]]:
        """Where ``actor_id``'s names occur in ``text``."""
        return [(s, e) for ids, s, e in self.find(text) if actor_id in ids]
