"""A search racing another writer's merge: whoosh opens a segment's column files only
when first read, and reads a column whose file is gone as empty. A search must not give
blank facets or zero lengths then; it runs again on the newest index."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from workbench.core import documents, search
from workbench.core.casefile import Case
from workbench.core.search import searching
from workbench.core.search.evaluation import by_segment
from workbench.core.search.postings import SegmentGone
from workbench.core.search.query import parse
from workbench.core.search.store import CaseIndex


def _merge_everything(directory) -> None:
    """What another program's merge does: the old segments' files are deleted."""
    ix = whoosh_index.open_dir(str(directory))
    ix.writer().commit(optimize=True)


@pytest.fixture
def reader_and_writer(sample_path):
    writer = Case.open(sample_path)
    index = search.open_index(writer)
    for n in range(3):  # small segments of their own, as updates write them
        documents.add(writer, data=f"plate reader note {n}".encode(), title=f"note {n}",
                      kind="text", pages=[f"licence plate scans, note {n}"],
                      file_name=f"note-{n}.txt")
    reader = Case.open(sample_path, read_only=True)
    view = CaseIndex(reader, viewer=True)
    # Nothing of these segments has been read in this process yet (the writer searching
    # first would cache their columns): what the case holds is counted at the end.
    yield view, index.directory, lambda: searching.run(index, "plate", limit=50)
    view.close()
    reader.close()
    search.close_index(writer)
    writer.close()


def test_facets_of_a_segment_merged_away_are_not_counted_as_blank(reader_and_writer):
    view, directory, expected = reader_and_writer
    parts = by_segment(view.searcher(), parse("plate"))
    _merge_everything(directory)
    with pytest.raises(SegmentGone):
        searching.facets_or_note(view, parts)
    assert not view.fault_seen  # a merge is not damage
    assert searching.run(view, "plate", limit=50).facets == expected().facets


def test_a_search_that_races_a_merge_gives_what_the_case_holds(reader_and_writer,
                                                              monkeypatch):
    view, directory, expected = reader_and_writer
    # The window's reader has searched before (without facets: their columns are not
    # opened yet, while the stored fields and lengths are).
    assert searching.run(view, "plate", limit=50, facets=False).total
    merged = []
    real = searching.by_segment

    def merge_after_matching(searcher, q):
        parts = real(searcher, q)
        if not merged:  # the other program merges between matching and counting
            _merge_everything(directory)
            merged.append(True)
        return parts
    monkeypatch.setattr(searching, "by_segment", merge_after_matching)
    results = searching.run(view, "plate", limit=50)
    assert merged
    expected = expected()
    assert results.total == expected.total
    assert results.facets == expected.facets and results.facets.skipped is None
    assert [h.uid for h in results.hits] == [h.uid for h in expected.hits]
