"""Full-text search on the sample case: every query form, snippets, facets, paging."""

from __future__ import annotations

import pytest

from workbench.core import actors, search
from workbench.core.search import analysis
from workbench.core.search.query import QueryError


@pytest.fixture(autouse=True)
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "indexes"))
    return tmp_path / "indexes"


def doc_id(case, title_start: str) -> int:
    row = case.row("SELECT id FROM documents WHERE title LIKE ?", (title_start + "%",))
    return row[0]


def pages_of(results) -> set[tuple[int, int]]:
    return {(h.doc_id, h.page) for h in results.hits if h.kind == "page"}


def assert_highlighted(results, *, contains: str) -> None:
    """Every hit with highlights marks text containing ``contains`` (case-insensitive)."""
    marked = [m.lower() for h in results.hits for m in h.snippet.matched]
    assert marked, "no highlights at all"
    assert all(contains.lower() in m for m in marked), marked


def test_a_word_finds_pages_and_records_with_highlights(sample_case):
    results = search.search(sample_case, "Kessler")
    press = doc_id(sample_case, "Email: OFBA agent")
    assert (press, 1) in pages_of(results)
    assert_highlighted(results, contains="kessler")
    hit = next(h for h in results.hits if h.kind == "page")
    assert hit.title.startswith("Email: OFBA agent")
    assert hit.date == "2019-02-12"


def test_phrase_matches_words_in_order_across_punctuation(sample_case):
    results = search.search(sample_case, '"read only"')
    assert results.total >= 3
    assert_highlighted(results, contains="read")
    assert all(m.lower() in ("read-only", "read only") for h in results.hits
               for m in h.snippet.matched)
    # The reversed phrase occurs nowhere.
    assert search.search(sample_case, '"only read"').total == 0


def test_plate_numbers_and_email_addresses_are_findable(sample_case):
    email = doc_id(sample_case, "Email: OFBA agent")
    plate = search.search(sample_case, "7XKD-214")
    assert (email, 1) in pages_of(plate)
    assert {h.kind for h in plate.hits} == {"page", "excerpt"}
    assert_highlighted(plate, contains="7XKD-214")
    assert search.search(sample_case, "7XKD").total == plate.total
    assert search.search(sample_case, "7XKD-215").total == 0
    address = search.search(sample_case, "rkessler@ofba.example.gov")
    assert (email, 1) in pages_of(address)


def test_and_or_not(sample_case):
    def uids(q: str) -> set[str]:
        return {h.uid for h in search.search(sample_case, q, limit=500).hits}

    cameras, sheriff = uids("cameras"), uids("sheriff")
    assert uids("cameras AND sheriff") == cameras & sheriff
    assert uids("cameras sheriff") == cameras & sheriff  # words are ANDed
    assert uids("cameras OR sheriff") == cameras | sheriff
    assert uids("cameras AND NOT sheriff") == cameras - sheriff
    assert uids("cameras -sheriff") == cameras - sheriff
    assert cameras - sheriff and cameras & sheriff


def test_prefix_highlights_the_whole_words(sample_case):
    results = search.search(sample_case, "detect*")
    assert results.total > 0
    assert all(m.lower().startswith("detect") for h in results.hits for m in h.snippet.matched)
    assert {"detections"} <= {m.lower() for h in results.hits for m in h.snippet.matched}


def test_fuzzy_finds_misspellings(sample_case):
    assert search.search(sample_case, "Kesler").total == 0
    results = search.search(sample_case, "Kesler~")
    assert results.total >= 1
    assert_highlighted(results, contains="kessler")
    assert search.search(sample_case, "Kesslerr~2").total >= 1


@pytest.mark.parametrize("query, kinds", [
    ("from:kessler", {"page"}),
    ("from:rkessler@ofba.example.gov", {"page"}),
    ("to:amundsen", {"page"}),
    ('subject:"plate lookup"', {"page"}),
    ("kind:statement", {"statement"}),
    ("kind:verdict", {"verdict"}),
])
def test_field_filters(sample_case, query, kinds):
    results = search.search(sample_case, query, limit=100)
    assert results.total > 0
    assert {h.kind for h in results.hits} == kinds


def test_email_fields_point_at_the_email(sample_case):
    email = doc_id(sample_case, "Email: OFBA agent")
    for q in ("from:kessler", "to:amundsen", 'subject:"plate lookup"', "From:Kessler"):
        assert pages_of(search.search(sample_case, q)) == {(email, 1)}, q


def test_actor_filter_uses_names_and_aliases(sample_case):
    brookfield = actors.find(sample_case, "BPD")[0].id
    by_alias = search.search(sample_case, "actor:BPD", limit=100)
    by_name = search.search(sample_case, 'actor:"Brookfield Police Department"', limit=100)
    assert {h.uid for h in by_alias.hits} == {h.uid for h in by_name.hits}
    assert all(brookfield in h.actor_ids for h in by_alias.hits)
    assert {"statement", "claim", "verdict", "page", "actor"} <= {h.kind for h in by_alias.hits}


def test_tag_and_origin_filters(sample_case):
    vendor_docs = {doc_id(sample_case, "PlateStream customer"),
                   doc_id(sample_case, "PlateStream account")}
    tagged = search.search(sample_case, "tag:vendor", limit=100)
    assert {h.doc_id for h in tagged.hits} == vendor_docs
    contested = search.search(sample_case, "tag:contested kind:claim")
    assert contested.total == 2
    reporting = search.search(sample_case, 'origin:"Reporting, 2019-04" kind:page', limit=100)
    assert reporting.total == 4
    assert all(h.origin == "Reporting, 2019-04" for h in reporting.hits)


def test_date_ranges(sample_case):
    february = search.search(sample_case, "date:[2019-02-01 TO 2019-02-28]", limit=100)
    assert february.total >= 2
    assert all("2019-02-01" <= h.date <= "2019-02-28" for h in february.hits)
    april = search.search(sample_case, "date:[2019-04 TO 2019-04]", limit=100)
    assert april.total > 0 and all(h.date.startswith("2019-04") for h in april.hits)
    assert search.search(sample_case, "date:2019-04").total == april.total
    since = search.search(sample_case, "kind:page date:[2019-04-04 TO]", limit=100)
    assert since.total > 0 and all(h.date >= "2019-04-04" for h in since.hits)
    combined = search.search(sample_case, "plate date:[2019-01-01 TO 2019-03-31]", limit=100)
    assert combined.total > 0 and all(h.date < "2019-04" for h in combined.hits)


@pytest.mark.parametrize("query, says", [
    ("", "empty"),
    ('"read only', "closing quote"),
    ("(plate OR camera", "not closed"),
    ("plate)", "no opening"),
    ("foo:bar", 'unknown field "foo:"'),
    ("from: kessler", "needs a value"),
    ("date:[2019-01-01 TO", "not closed"),
    ("date:[yesterday TO today]", "not a date"),
    ("date:soon", "not a date"),
    ("title:[a TO b]", "dates only"),
    ("plate AND", "both sides"),
    ("OR plate", "both sides"),
])
def test_malformed_queries_raise_one_line_errors(sample_case, query, says):
    with pytest.raises(QueryError) as err:
        search.search(sample_case, query)
    message = str(err.value)
    assert says in message
    assert "\n" not in message


def test_ranking_is_by_score(sample_case):
    results = search.search(sample_case, "plate OR sharing", limit=50)
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


def test_paging_with_limit_and_offset(sample_case):
    everything = search.search(sample_case, "plate", limit=100)
    assert everything.total == len(everything.hits) > 6
    first = search.search(sample_case, "plate", limit=3)
    second = search.search(sample_case, "plate", limit=3, offset=3)
    assert first.total == second.total == everything.total
    assert [h.uid for h in first.hits + second.hits] == [h.uid for h in everything.hits[:6]]
    beyond = search.search(sample_case, "plate", limit=5, offset=1000)
    assert beyond.hits == () and beyond.total == everything.total


def test_facets_count_every_hit(sample_case):
    results = search.search(sample_case, "plate", limit=2)
    facets = results.facets
    assert sum(n for _, n in facets.kinds) == results.total
    assert dict(facets.kinds)["page"] >= 4
    assert sum(n for _, n in facets.years) <= results.total
    assert "2019" in dict(facets.years)
    brookfield = actors.find(sample_case, "BPD")[0].id
    counted = {a.actor_id: a for a in facets.actors}
    assert counted[brookfield].name == "Brookfield Police Department"
    assert counted[brookfield].count >= 1


def test_confidential_documents_are_marked(sample_case):
    results = search.search(sample_case, '"courtesy share"')
    assert results.total >= 2
    assert all(h.confidential for h in results.hits)
    open_hits = search.search(sample_case, "7XKD-214")
    assert not any(h.confidential for h in open_hits.hits)
    assert search.search(sample_case, "confidential:yes kind:page").total == 1


def test_everything_in_the_case_is_indexed(sample_case):
    def count(table: str) -> int:
        return sample_case.row(f"SELECT count(*) FROM {table}")[0]

    expected = {"page": count("pages"), "excerpt": count("excerpts"),
                "statement": count("statements"), "claim": count("claims"),
                "verdict": count("verdicts"), "finding": count("findings"),
                "actor": count("actors")}
    for kind, n in expected.items():
        assert search.search(sample_case, f"kind:{kind}", limit=0).total == n, kind
    notes = (count("excerpts WHERE note IS NOT NULL") + count("evidence WHERE note IS NOT NULL")
             + count("claims WHERE origin_note IS NOT NULL")
             + count("actors WHERE note IS NOT NULL"))
    assert search.search(sample_case, "kind:note", limit=0).total == notes > 0
    finding = search.search(sample_case, '"did not respond" kind:finding')
    assert finding.total == 1 and finding.hits[0].title.startswith("The vendor and its parent")
    rationale = search.search(sample_case, '"read-only subscription" kind:verdict')
    assert rationale.total == 1


def test_mentions_find_names_and_aliases(sample_case):
    brookfield = actors.find(sample_case, "BPD")[0]
    found = search.mentions(sample_case, brookfield.id)
    assert len(found) >= 3
    export = doc_id(sample_case, "PlateStream account")
    page = next(m for m in found if m.document_id == export and m.page_no == 1)
    assert set(page.names) == {"Brookfield Police Department", "BPD"}
    assert page.count == 2
    assert set(page.snippet.matched) == {"Brookfield Police Department", "BPD"}
    assert [(m.document_id, m.page_no) for m in found] == sorted(
        (m.document_id, m.page_no) for m in found)
    sheriff = actors.find(sample_case, "the county sheriff")[0]
    names = {n for m in search.mentions(sample_case, sheriff.id) for n in m.names}
    assert "the county sheriff" in names
    assert "Dunmore County Sheriff's Office" in names


def test_mentions_mark_confidential_pages(sample_case):
    cedar = actors.find(sample_case, "Cedar Falls PD")[0]
    tip = doc_id(sample_case, "Source notes")
    # The source's notes say only "Cedar Falls": not yet a name of the department.
    assert tip not in {m.document_id for m in search.mentions(sample_case, cedar.id)}
    actors.add_alias(sample_case, cedar.id, "Cedar Falls")
    found = search.mentions(sample_case, cedar.id)
    assert any(m.document_id == tip and m.confidential for m in found)
    assert all(not m.confidential for m in found if m.document_id != tip)


def test_batch_search_reports_every_hit_and_bad_queries(sample_case, tmp_path):
    rows = search.search_batch(sample_case, ["7XKD-214", "foo:bar", "zzzzqx"])
    plate = [r for r in rows if r.query == "7XKD-214"]
    assert [r.rank for r in plate] == [1, 2]
    assert all("«7XKD-214»" in r.snippet for r in plate)
    assert [r.error is not None for r in rows if r.query == "foo:bar"] == [True]
    assert [r.rank for r in rows if r.query == "zzzzqx"] == [0]


@pytest.mark.parametrize("text", [
    "Plate 7XKD-214 seen at 09:14 by Det. Amundsen", "Café NÚÑEZ  read_only\nBPD's",
    "", "İstanbul ﬁle", "page text\x1eIts title\x1efrom@example.org",
])
def test_fast_indexing_path_matches_the_tokenizer(text):
    from whoosh.formats import Positions

    ours = analysis.WordPositions()
    fast = {w: (n, ours.decode_positions(v)) for w, n, _, v in ours.word_values(
        text, analysis.ANALYZER)}
    plain = Positions()
    slow = {w: (n, plain.decode_positions(v))
            for w, n, _, v in plain.word_values(text, analysis.ANALYZER)}
    assert fast == slow  # same words, counts and positions
    assert all(ours.decode_frequency(v) == n
               for _, n, _, v in ours.word_values(text, analysis.ANALYZER))
    assert list(fast) == list(dict.fromkeys(analysis.terms(text)))


def test_exact_phrases_agree_with_whooshs_phrase_query(sample_case):
    from whoosh import query as wq

    from workbench.core.search.evaluation import evaluate
    from workbench.core.search.phrases import ExactPhrase

    actors.add_alias(sample_case, actors.find(sample_case, "BPD")[0].id, "the B police")
    searcher = search.open_index(sample_case).searcher()  # two segments now
    for words in (["read", "only"], ["police", "department"], ["the", "county", "sheriff"],
                  ["we", "have", "no"], ["7xkd", "214"], ["of", "the"], ["the", "the"],
                  ["sharing", "nv"], ["nv", "sharing"], ["the", "sheriff", "the"],
                  ["of", "the", "county"], ["plate", "reader", "data", "the"]):
        plain = {searcher.stored_fields(d)["uid"]
                 for d in searcher.docs_for_query(wq.Phrase("body", words))}
        ours = {searcher.stored_fields(d)["uid"]
                for d in searcher.docs_for_query(ExactPhrase("body", words))}
        bulk = {searcher.stored_fields(d)["uid"]
                for d in evaluate(searcher, ExactPhrase("body", words))}
        assert ours == plain == bulk, words


@pytest.mark.parametrize("query", ["plate", "shar*", "kesler~", "plate reader", '"read only"',
                                   "date:[2019-01-01 TO 2019-12-31]", "cameras -sheriff",
                                   "(vendor OR sheriff) plate"])
def test_totals_count_every_match(sample_case, query):
    from workbench.core.search.query import parse

    results = search.search(sample_case, query, limit=1, facets=False)
    searcher = search.open_index(sample_case).searcher()
    assert results.total == len(list(searcher.docs_for_query(parse(query)))) > 0
    assert search.search(sample_case, query, limit=1).total == results.total


@pytest.mark.parametrize("query", [
    "plate", "Kessler", "plate reader", '"read only"', '"the county sheriff"', '"of the"',
    "7XKD-214", "cameras -sheriff", "sheriff AND NOT camera", "(vendor OR sheriff) plate",
    "vendor OR broker OR sheriff", "shar*", "pol*", "kesler~", "from:kessler",
    "kind:page", "tag:key", "date:[2019-01-01 TO 2019-12-31]", "plate date:2019",
    "title:email", "confidential:true"])
def test_bulk_evaluation_agrees_with_whoosh(sample_case, query):
    """Our bulk evaluation finds exactly whoosh's matches, ranked by the same scores
    (up to a constant: whoosh adds 1 for a phrase or a NOT), over several segments and
    with deleted entries. Prefix and fuzzy words are compared by matches only: whoosh
    scores them as the sum of their words' scores on large indexes but with a constant
    on small ones (its choice of union matcher); ours always add up the words."""
    from workbench.core import documents
    from workbench.core.search.evaluation import evaluate, top
    from workbench.core.search.query import parse

    search.open_index(sample_case)
    doc = doc_id(sample_case, "Email: OFBA agent")
    documents.update(sample_case, doc, title="Email: OFBA agent, retitled")  # delete + add
    searcher = search.open_index(sample_case).searcher()
    assert len(searcher.reader().leaf_readers()) > 1 and searcher.reader().has_deletions()
    q = parse(query)
    ours = evaluate(searcher, q)
    theirs = {h.docnum: h.score for h in searcher.search(q, limit=None)}
    assert set(ours) == theirs.keys() == set(searcher.docs_for_query(q))
    if not any(c in query for c in "*~"):
        assert len({round(ours[d] - theirs[d], 6) for d in ours}) <= 1
    assert [d for d, _ in top(ours, 5)] == sorted(ours, key=lambda d: (-ours[d], d))[:5]
