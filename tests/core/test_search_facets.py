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
