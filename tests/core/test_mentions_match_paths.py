"""The quick paths of ActorMatcher (names looked up with list.index, offsets read only
for the names found) give exactly what visiting every word gives."""

from __future__ import annotations

import random

from workbench.core.search import mentions_match
from workbench.core.search.analysis import spans
from workbench.core.search.mentions_match import ActorMatcher

NAMES = {1: ("Dunmore County", "Dunmore County Sheriff's Office", "the county sheriff"),
         2: ("County Sheriff", "DCSO"), 3: ("Müller Bau", "Muller")}
WORDS = ("the county sheriff dunmore County Sheriff's Office DCSO Müller MULLER Bau bau "
         "of and plate\nreader, x_y naïve café").split(" ")


def slow_find(matcher: ActorMatcher, text: str):
    """Every word visited, offsets from spans(): what find() did before."""
    located = list(spans(text))
    words = [w for w, _, _ in located]
    found, i = [], 0
    while i < len(words):
        for key in matcher._by_first.get(words[i], ()):
            if tuple(words[i:i + len(key)]) == key:
                found.append((matcher._actors[key], located[i][1], located[i + len(key) - 1][2]))
                i += len(key)
                break
        else:
            i += 1
    return found


def test_quick_paths_match_the_word_by_word_scan(monkeypatch):
    rng = random.Random(3)
    for names in (NAMES, {1: NAMES[1]}, {3: NAMES[3]}):
        matcher = ActorMatcher(names)
        for _ in range(400):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 60)))
            if rng.random() < 0.3:
                text = text.upper()
            expected = slow_find(matcher, text)
            assert list(matcher.find(text)) == expected, text
            monkeypatch.setattr(mentions_match, "FEW_FIRST_WORDS", 0)  # the visiting loop
            assert list(matcher.find(text)) == expected, text
            monkeypatch.undo()
            for actor in names:
                assert matcher.spans_of(text, actor) == [
                    (s, e) for ids, s, e in expected if actor in ids]
