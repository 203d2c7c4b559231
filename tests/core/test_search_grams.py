"""Common grams (:mod:`workbench.core.search.grams`): phrases of common words matched
through the ``grams`` field give exactly what matching the words one by one gives
(same entries, same scores to the last bit), on random texts and on the bench's
queries; the gram postings hold exactly the pairs, positions and counts of the text."""

from __future__ import annotations

import random
from array import array
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from workbench.core import documents, search
from workbench.core.search import grams, store
from workbench.core.search.analysis import GAP, GAP_SIZE, terms
from workbench.core.search.entries import _entry
from workbench.core.search.evaluation import evaluate
from workbench.core.search.fields import FORMAT, schema
from workbench.core.search.phrases import ExactPhrase
from workbench.core.search.query import parse
from workbench.core.search.writer import TermOrderWriter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def index_root(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "indexes"))


def build(directory: Path, batches: list[tuple[list[dict], list[str]]]):
    """One commit per batch (uids to delete first, then entries to add)."""
    directory.mkdir(parents=True)
    whoosh_index.create_in(str(directory), schema())
    for docs, deletions in batches:
        writer = TermOrderWriter(whoosh_index.open_dir(str(directory)), compound=False)
        for uid in deletions:
            writer.delete_by_term("uid", uid)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit(merge=False)
    return whoosh_index.open_dir(str(directory))


def words_of(entry: dict) -> list[str | None]:
    """The body's terms by position (None in the gaps between its parts)."""
    out: list[str | None] = []
    for n, part in enumerate(entry["body"].split(GAP)):
        if n:
            out += [None] * GAP_SIZE
        out += terms(part)
    return out


def scan(entries: dict[str, dict], words: list[str]) -> set[str]:
    n = len(words)
    return {uid for uid, e in entries.items()
            if any(w[i:i + n] == words for w in [words_of(e)] for i in range(len(w) - n + 1))}


def same_both_ways(ix, entries: dict[str, dict], words: list[str]) -> int:
    """Grams and word-by-word agree exactly (matches and scores), and with a scan."""
    q = ExactPhrase("body", words)
    with ix.searcher() as s:
        fast = evaluate(s, q)
        plain = evaluate(s, q, use_grams=False)
        assert fast == plain, words  # float equality: the same sums in the same order
        assert {s.stored_fields(d)["uid"] for d in fast} == scan(entries, words), words
    return len(fast)


# -- random texts -----------------------------------------------------------------------
COMMON = ["the", "of", "a", "to", "in", "and", "is", "not"]
RARE = ["vendor", "plate", "sheriff"]
word_ = st.sampled_from(COMMON + RARE)
text_ = st.lists(st.one_of(word_, word_, word_, st.sampled_from(["The", "OF", "of."])),
                 min_size=0, max_size=30).map(" ".join)
page_ = st.tuples(text_, st.one_of(st.none(), text_))  # body text, title


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages=st.lists(page_, min_size=1, max_size=30),
       deleted=st.sets(st.integers(0, 29), max_size=6), split=st.integers(0, 30),
       phrases=st.lists(st.lists(st.sampled_from(COMMON + RARE[:1]), min_size=2, max_size=5),
                        min_size=1, max_size=6))
# A phrase that runs from the end of the text into the title (the gap stops it), and a
# repeated word.
@example(pages=[("to the", "of the sheriff")], deleted=set(), split=0,
         phrases=[["the", "of"], ["the", "of", "the"], ["to", "the"]])
@example(pages=[("the the the of", None), ("the", "the")], deleted=set(), split=1,
         phrases=[["the", "the"], ["the", "the", "of"], ["the", "the", "the"]])
def test_phrases_through_grams_equal_word_by_word(pages, deleted, split, phrases):
    """Random pages (text and title: two parts of ``body``) in one or two segments,
    some deleted by the second commit; random phrases mostly of common words."""
    entries = {}
    for i, (text, title) in enumerate(pages):
        entries[f"page:{i}"] = _entry(uid=f"page:{i}", kind="page", body=text, title=title)
    uids = list(entries)
    split = split if 0 < split < len(uids) else len(uids)
    gone = [u for i, u in enumerate(uids) if i in deleted and i < split]
    docs = list(entries.values())
    live = {u: e for u, e in entries.items() if u not in gone and "body" in e}
    with tempfile.TemporaryDirectory() as tmp:
        ix = build(Path(tmp) / "ix", [(docs[:split], []), (docs[split:], gone)])
        for words in phrases:
            same_both_ways(ix, live, words)


def test_gram_postings_hold_every_pair_its_positions_and_the_word_counts(tmp_path):
    rnd = random.Random(3)
    vocab = COMMON + ["plate", "vendor"]
    entries = {}
    for i in range(400):
        text = " ".join(rnd.choices(vocab, k=rnd.randint(0, 60)))
        entries[f"page:{i}"] = _entry(uid=f"page:{i}", kind="page", body=text,
                                      title=" ".join(rnd.choices(vocab, k=3)))
    ix = build(tmp_path / "ix", [(list(entries.values()), [])])
    expected: dict[str, dict[str, tuple]] = {}
    for uid, e in entries.items():
        w = words_of(e)
        counts = Counter(x for x in w if x)
        for i in range(len(w) - 1):
            if w[i] in grams.COMMON_WORDS and w[i + 1] in grams.COMMON_WORDS:
                key = grams.gram(w[i], w[i + 1])
                per = expected.setdefault(key, {})
                _, _, where = per.get(uid, (0, 0, []))
                per[uid] = (counts[w[i]], counts[w[i + 1]], [*where, i])
    with ix.searcher() as s:
        reader = s.reader()
        found_terms = {t.decode() for f, t in reader.all_terms() if f == grams.FIELD}
        assert found_terms == set(expected)
        fmt = reader.schema[grams.FIELD].format
        for key, per in expected.items():
            m = reader.postings(grams.FIELD, key)
            got = {}
            while m.is_active():
                v = m.value()
                got[s.stored_fields(m.id())["uid"]] = (*grams.unpack_counts(v),
                                                       fmt.decode_positions(v))
                m.next()
            assert got == per, key
        # Never scored: no field lengths, so body's statistics are what they were.
        assert reader.field_length(grams.FIELD) == 0


def test_only_adjacent_common_words_make_grams():
    assert grams.lookups(["of", "the"]) == [("grams", "of the", 0)]
    assert grams.lookups(["one", "of", "the", "vendor"]) == [
        ("grams", "of the", 1), ("body", "one", 0), ("body", "vendor", 3)]
    assert grams.lookups(["the", "vendor", "of", "the"]) == [
        ("grams", "of the", 2), ("body", "the", 0), ("body", "vendor", 1)]
    assert grams.lookups(["plate", "reader"]) == [("body", "plate", 0),
                                                   ("body", "reader", 1)]


# -- the bench's pages and queries --------------------------------------------------------
@pytest.fixture(scope="module")
def bench_case(tmp_path_factory):
    """1,500 pages of the search bench's generated text, in a real case."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import search_bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from workbench.core.casefile import Case

    root = tmp_path_factory.mktemp("bench")
    case = Case.create(root / "bench.wbcase", title="Bench pages")
    for n, doc in enumerate(search_bench.make_corpus(1500, seed=5)):
        documents.add(case, data=f"doc {n}".encode(), title=doc["title"], kind="text",
                      pages=doc["pages"], received=doc["date"])
    yield case, search_bench.QUERIES
    case.close()


def test_bench_queries_give_the_same_with_and_without_grams(bench_case, tmp_path,
                                                            monkeypatch):
    case, queries = bench_case
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "ix"))
    index = search.open_index(case)
    searcher = index.searcher()
    phrases = 0
    for text, _fts, _where in queries:
        q = parse(text)
        assert evaluate(searcher, q) == evaluate(searcher, q, use_grams=False), text
        phrases += text.startswith('"')
    # And phrases of common words, longer ones too, that the text does hold.
    for text in ('"of the"', '"in the"', '"to the"', '"and the"', '"it is not"',
                 '"one of the"', '"the vendor of the"', '"by the"', '"of a"'):
        q = parse(text)
        fast = evaluate(searcher, q)
        assert fast == evaluate(searcher, q, use_grams=False), text
        assert fast or text in ('"it is not"', '"the vendor of the"'), text
    assert phrases == 10
    search.close_index(case)


def test_an_index_of_the_previous_format_is_rebuilt_with_grams(sample_case):
    index = search.open_index(sample_case)
    before = search.search(sample_case, '"does not"').total
    meta = index._read_meta()
    meta["format"] = FORMAT - 1
    (index.directory / store.META).write_text(__import__("json").dumps(meta))
    search.close_index(sample_case)
    again = store.CaseIndex(sample_case)
    assert again.check().reason == "made by another version of Workbench"
    again.ensure()
    assert again.last_repair == "rebuilt"
    assert grams.FIELD in again.searcher().schema
    again.close()
    assert search.search(sample_case, '"does not"').total == before > 0


def test_position_keys_read_as_arrays_equal_decoding_each_value():
    """evaluation._keys (every posting value joined and read as one array of 32-bit
    words, the header words left out) against decoding each value's positions one by
    one, for both position formats, some documents masked out, and shifts either way
    (a word before or after the phrase's anchor); and _gram_counts against the counts
    each gram value starts with."""
    import numpy as np

    from workbench.core.search.analysis import WordPositions
    from workbench.core.search.evaluation import _gram_counts, _keys, _Read, _shifted

    rnd = random.Random(8)
    for fmt in (WordPositions(), grams.GramPositions()):
        ids, vals, counts = [], [], []
        for d in range(0, 9000, 3):
            where = sorted(rnd.sample(range(0, 1 << 18, rnd.choice((1, 255, 256))),
                                      rnd.randint(1, 14)))
            pair = (rnd.randint(1, 9), rnd.randint(1, 9))
            value = (fmt.encode(where) if isinstance(fmt, WordPositions)
                     else array("I", [*pair, *where]).tobytes())
            ids.append(d)
            vals.append(value)
            counts.append(pair)
        read = _Read(np.array(ids, dtype=np.int64), np.ones(len(ids)), vals)
        mask = np.array([rnd.random() < 0.6 for _ in ids])
        for shift in (0, 1, 2, -1, 300):
            keys = _shifted(_keys(read, mask, fmt.POSITIONS_AT), shift)
            plain = sorted((d << 32) | (p - shift)
                           for d, v, m in zip(ids, vals, mask) if m
                           for p in fmt.decode_positions(v) if p >= shift)
            assert keys.tolist() == plain and plain, (type(fmt).__name__, shift)
        if isinstance(fmt, grams.GramPositions):
            some = read.ids[mask]
            for slot in (0, 1):
                assert _gram_counts(read, slot, some).tolist() == [
                    float(c[slot]) for c, m in zip(counts, mask) if m]
