"""Locating quotations in page text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core import anchors


def test_whitespace_runs_match_line_breaks():
    text = "does not own or operate\nany   license plate"
    start, end = anchors.locate(text, "operate any license")
    assert text[start:end] == "operate\nany   license"
    assert anchors.matches(text, start, end, "operate any license")


def test_nothing_else_is_forgiven():
    text = "Agency B shares plate data."
    assert anchors.locate(text, "agency b shares") is None
    assert anchors.locate(text, "Agency B shares plate data!") is None
    assert anchors.locate(text, "   ") is None


def test_nearest_occurrence_wins():
    text = "x ABC y ABC z ABC"
    assert anchors.locate(text, "ABC") == (2, 5)
    assert anchors.locate(text, "ABC", near=13) == (14, 17)


def test_matches_rejects_ranges_off_the_page():
    assert not anchors.matches("short", 2, 99, "ort")
    assert not anchors.matches("short", 3, 3, "")


words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                min_size=1, max_size=8)
spaces = st.sampled_from([" ", "  ", "\n", " \n\t"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(words, spaces), min_size=1, max_size=30), st.data())
def test_any_slice_of_words_is_found_and_matches(parts, data):
    # Page text is stored NFC (documents.normalise_text); whitespace never composes.
    text = unicodedata.normalize("NFC", "".join(w + s for w, s in parts))
    i = data.draw(st.integers(0, len(parts) - 1))
    j = data.draw(st.integers(i, len(parts) - 1))
    quote = " ".join(w for w, _ in parts[i:j + 1])
    span = anchors.locate(text, quote)
    assert span is not None
    assert anchors.matches(text, span[0], span[1], quote)
