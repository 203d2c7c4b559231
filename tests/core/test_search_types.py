"""Issue 15: a document's type is a search field of its own (``type:email``), as in
Aleph and Datashare; ``kind:`` stays what a hit is, and ``kind:email`` means
``type:email``. An index made before the field existed is rebuilt when opened."""

from __future__ import annotations

import json

import pytest

from workbench.core import documents, search
from workbench.core.search import store
from workbench.core.search.query import QueryError


def doc_kinds(case) -> dict[int, str]:
    return {d.id: d.kind for d in documents.list_all(case)}


def test_type_finds_the_pages_and_excerpts_of_documents_of_that_type(sample_case):
    kinds = doc_kinds(sample_case)
    emails = search.search(sample_case, "type:email", limit=1000)
    assert emails.total > 0 and emails.total == len(emails.hits)
    assert {h.kind for h in emails.hits} == {"page", "excerpt"}
    assert all(kinds[h.doc_id] == "email" for h in emails.hits)
    pages = sum(d.page_count for d in documents.list_all(sample_case) if d.kind == "email")
    assert sum(1 for h in emails.hits if h.kind == "page") == pages
    texts = search.search(sample_case, "plate type:text", limit=1000)
    assert texts.hits and all(kinds[h.doc_id] == "text" for h in texts.hits)
    everything = search.search(sample_case, "plate", limit=1000)
    assert {h.uid for h in texts.hits} | {h.uid for h in search.search(
        sample_case, "plate NOT type:text", limit=1000).hits} == {h.uid for h in everything.hits}


@pytest.mark.parametrize("query", ["kind:email", "type:mail", "type:EMAIL", "(type:eml)"])
def test_other_ways_of_asking_for_emails_give_the_same_hits(sample_case, query):
    expected = {h.uid for h in search.search(sample_case, "type:email", limit=1000).hits}
    assert {h.uid for h in search.search(sample_case, query, limit=1000).hits} == expected


def test_kind_keeps_meaning_what_a_hit_is(sample_case):
    hits = search.search(sample_case, "plate kind:excerpt", limit=1000).hits
    assert hits and {h.kind for h in hits} == {"excerpt"}
    assert search.search(sample_case, '"kind:email"', limit=5).total == 0  # a phrase


@pytest.mark.parametrize("query,message", [
    ("type:spreadsheet", '"type:spreadsheet" is not a type of document (types: pdf, email'),
    ("type:page", "for a kind of hit write kind:"),
    ("kind:mailbox", "for a type of document write type: (pdf, email"),
])
def test_unknown_types_and_kinds_say_which_exist_in_one_line(sample_case, query, message):
    with pytest.raises(QueryError) as caught:
        search.search(sample_case, query)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_an_index_from_before_the_type_field_is_rebuilt_when_opened(sample_path):
    from workbench.core.casefile import Case
    with Case.open(sample_path) as case:
        index = search.open_index(case)
        directory = index.directory
        search.close_index(case)
    meta_path = directory / store.META
    meta = json.loads(meta_path.read_text())
    meta["format"] = 6  # what the previous release wrote
    meta_path.write_text(json.dumps(meta))
    with Case.open(sample_path) as case:
        index = search.CaseIndex(case)
        assert index.check().reason == "made by another version of Workbench"
        hits = search.search(case, "type:email", limit=1000).hits
        assert hits and all(doc_kinds(case)[h.doc_id] == "email" for h in hits)
        assert json.loads(meta_path.read_text())["format"] == store.FORMAT
        search.close_index(case)
