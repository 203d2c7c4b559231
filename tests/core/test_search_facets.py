"""Facet counts read from cached segment columns equal counts from each hit's stored
fields, over an index of several segments (the sample case, then edits)."""

from __future__ import annotations

from collections import Counter

import pytest

from workbench.core import actors, claims, search
from workbench.core.search.evaluation import evaluate
from workbench.core.search.query import parse


@pytest.fixture(autouse=True)
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "indexes"))


def _stored_counts(case, query: str):
    """The reference: kinds, years and actors counted from every hit's stored fields."""
    index = search.open_index(case)
    searcher = index.searcher()
    kinds, years, by_actor = Counter(), Counter(), Counter()
    for docnum in evaluate(searcher, parse(query)):
        fields = searcher.stored_fields(docnum)
        kinds[fields["kind"]] += 1
        if fields.get("year"):
            years[fields["year"]] += 1
        for a in (fields.get("actor_id") or "").split(","):
            if a:
                by_actor[int(a)] += 1
    return kinds, years, by_actor


@pytest.mark.parametrize("query", ["police", "plate OR data", "the", "kind:page",
                                   "sheriff NOT camera", "agency*"])
def test_facets_equal_counts_from_stored_fields(sample_case, query):
    # Edits after the first index write new segments (and hide replaced documents).
    search.open_index(sample_case)
    claims.add(sample_case, "The police shared plate data with the agency")
    agency = actors.list_all(sample_case)[0]
    actors.add_alias(sample_case, agency.id, "the plate people")
    index = search.open_index(sample_case)
    assert len(index.searcher().reader().leaf_readers()) > 1

    facets = search.search(sample_case, query).facets
    kinds, years, by_actor = _stored_counts(sample_case, query)
    assert dict(facets.kinds) == dict(kinds)
    assert dict(facets.years) == dict(years)
    assert {a.actor_id: a.count for a in facets.actors} == dict(by_actor)
    assert sum(n for _, n in facets.kinds) == search.search(sample_case, query).total


def test_many_segments_give_the_hits_and_counts_of_the_whole_index(tmp_path):
    """Per-segment counting and ranking (searching._facets, evaluation.top_of) against
    the whole index's matches ranked at once and counted from stored fields: a case
    written in many commits (many segments), with deletions, two actors of the same
    name, dated and undated pages."""
    import random

    from workbench.core import deletion, documents
    from workbench.core.casefile import Case
    from workbench.core.search.evaluation import top

    rnd = random.Random(4)
    words = ["plate", "camera", "vendor", "the", "of", "sheriff", "contract", "data"]
    with Case.create(tmp_path / "many.wbcase", title="Many segments") as case:
        for name in ("Kestrel Ridge", "Alder Creek", "Alder Creek"):
            actors.add(case, name=name, type="company")
        index = search.open_index(case)
        added = []
        for batch in range(14):
            with index.batched():
                for n in range(25):
                    text = " ".join(rnd.choices(words, k=30))
                    if rnd.random() < 0.3:
                        text += rnd.choice([" Kestrel Ridge", " Alder Creek"])
                    added.append(documents.add(
                        case, data=f"{batch}-{n}".encode(), title=f"Doc {batch}-{n}",
                        kind="text", pages=[text, "the vendor " + text[:40]],
                        received=f"{2015 + n % 6}-03-01" if n % 4 else None).id)
            if batch % 5 == 4:
                deletion.delete(case, "document", added.pop(rnd.randrange(len(added))),
                                cascade=True)
        searcher = index.searcher()
        assert len(searcher.reader().leaf_readers()) > 5
        for query in ("plate", "the", "vendor OR sheriff", '"the vendor"', "kestrel",
                      "alder creek", "data -camera", "zzz"):
            for offset, limit in ((0, 20), (15, 40), (0, 2000)):
                r = search.search(case, query, offset=offset, limit=limit)
                scores = evaluate(searcher, parse(query))
                window = top(scores, offset + limit)[offset:]
                assert r.total == len(scores), query
                assert [(h.uid, h.score) for h in r.hits] == [
                    (searcher.stored_fields(d)["uid"], s) for d, s in window], query
            kinds, years, by_actor = _stored_counts(case, query)
            facets = search.search(case, query).facets
            assert dict(facets.kinds) == dict(kinds)
            assert dict(facets.years) == dict(years)
            assert {a.actor_id: a.count for a in facets.actors} == dict(by_actor)
        search.close_index(case)


def test_date_ranges_match_the_dates_of_the_entries(tmp_path):
    """Date ranges read from each segment's sorted days (query.segment_days), in the
    bulk evaluation and through whoosh's searcher, against the entries' stored dates,
    on several segments with deletions. (whoosh's own numeric range got open and wide
    ranges wrong: ``date:[TO 2018]`` matched every dated entry.)"""
    import random

    from workbench.core import deletion, documents
    from workbench.core.casefile import Case
    from workbench.core.search.query import day_number

    rnd = random.Random(9)
    with Case.create(tmp_path / "dates.wbcase", title="Dates") as case:
        index = search.open_index(case)
        ids = []
        for batch in range(6):
            with index.batched():
                for n in range(30):
                    day = f"{rnd.randint(2017, 2020)}-{rnd.randint(1, 12):02d}-" \
                          f"{rnd.randint(1, 28):02d}"
                    ids.append(documents.add(
                        case, data=f"{batch}-{n}".encode(), title=f"D {batch}-{n}",
                        kind="text", pages=["plate data"],
                        received=day if n % 5 else None).id)
            deletion.delete(case, "document", ids.pop(rnd.randrange(len(ids))), cascade=True)
        searcher = index.searcher()
        assert len(searcher.leaf_searchers()) > 3
        live = [d for d in range(searcher.reader().doc_count_all())
                if not searcher.reader().is_deleted(d)]
        stored = {d: searcher.stored_fields(d) for d in live}
        for text, lo, hi in (
                ("date:2019", 20190101, 20191231), ("date:2018-02", 20180201, 20180229),
                ("date:[2018-03-01 TO 2019-06-30]", 20180301, 20190630),
                ("date:[2019-06 TO]", 20190601, None), ("date:[TO 2018]", None, 20181231),
                ("date:[2018-06-10 TO 9999]", 20180610, 99991231),
                ("date:{2018-01-01 TO 2019-01-01}", 20180102, 20181231),
                ("date:1990", 19900101, 19901231)):
            expected = {d for d, f in stored.items() if f.get("date")
                        and (lo is None or day_number(f["date"]) >= lo)
                        and (hi is None or day_number(f["date"]) <= hi)}
            q = parse(text)
            assert set(evaluate(searcher, q)) == expected, text
            assert {h.docnum for h in searcher.search(q, limit=None)} == expected, text
            assert search.search(case, text).total == len(expected), text
        before = search.search(case, "date:[TO 2018]").total
        assert 0 < before < search.search(case, "date:[TO 2019]").total
        search.close_index(case)
