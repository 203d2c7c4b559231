"""Every model passes qtmodeltester; the documents model stays fast on 10,000 rows."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from workbench.core import browse, documents, importing
from workbench.core.search import searching
from workbench.core.search.store import CaseIndex
from workbench.ui.models import (DocumentsFilterProxy, DocumentsModel, ExcerptsModel,
                                 IdRole, ImportItemsModel, sorted_in_runs)
from workbench.ui.shell.navigator import NavigatorModel
from workbench.ui.search.search_panel import SearchHitsModel


def test_documents_model(qtmodeltester, sample_case):
    model = DocumentsModel()
    model.set_case(sample_case)
    assert model.rowCount() == len(documents.ids(sample_case))
    qtmodeltester.check(model, force_py=True)
    proxy = DocumentsFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(DocumentsModel.PAGES, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    assert proxy.index(0, DocumentsModel.PAGES).data() == max(
        d.page_count for d in documents.list_all(sample_case))
    proxy.set_text("email")
    assert proxy.rowCount() == 2
    assert all(proxy.index(r, DocumentsModel.KIND).data() == "email"
               for r in range(proxy.rowCount()))


def test_documents_sorted_by_each_column_as_their_rows_say(sample_case):
    model = DocumentsModel()
    model.set_case(sample_case)
    rows = {r.id: r for r in browse.document_rows(sample_case, model.ids)}
    for column in range(len(DocumentsModel.COLUMNS)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            before = list(model.ids)
            model.sort(column, order)
            # As a stable sort of the rows on the column's key (ties keep their order).
            assert model.ids == sorted(
                before, key=lambda d: model._sort_key(rows[d], column),
                reverse=order == Qt.SortOrder.DescendingOrder), (column, order)
            assert [model.row_of(d) for d in model.ids] == list(range(len(model.ids)))


def test_documents_model_scope_and_changes(qtbot, sample_case, tmp_path):
    model = DocumentsModel()
    model.set_case(sample_case)
    origin = documents.list_all(sample_case)[0].origin
    model.set_scope(origin=origin)
    assert {model.index(r, 0).data(IdRole) for r in range(model.rowCount())} == {
        d.id for d in documents.list_all(sample_case, origin=origin)}
    before = model.rowCount()
    f = tmp_path / "new.txt"
    f.write_text("a new document", encoding="utf-8")
    with qtbot.waitSignal(model.rowsInserted):
        sample_case.add_listener(model.apply_changes)
        importing.import_paths(sample_case, [f], origin=origin)
    assert model.rowCount() == before + 1
    doc_id = model.ids[-1]
    model.index(model.rowCount() - 1, 0).data()  # cached
    with qtbot.waitSignal(model.dataChanged):
        documents.update(sample_case, doc_id, title="Renamed")
    assert model.index(model.row_of(doc_id), 0).data() == "Renamed"


def test_documents_model_edits_are_requests(qtbot, sample_case):
    model = DocumentsModel()
    model.set_case(sample_case)
    index = model.index(0, DocumentsModel.TITLE)
    with qtbot.waitSignal(model.edit_requested) as blocker:
        assert model.setData(index, "A better title")
    assert blocker.args == [model.ids[0], {"title": "A better title"}]
    # Nothing is written by the model itself: the window writes on the writer thread.
    assert documents.get(sample_case, model.ids[0]).title != "A better title"
    with qtbot.waitSignal(model.edit_requested) as blocker:
        model.setData(model.index(0, DocumentsModel.CONFIDENTIAL), Qt.CheckState.Checked.value,
                      Qt.ItemDataRole.CheckStateRole)
    assert blocker.args[1] == {"confidential": True}


@pytest.mark.slow
def test_documents_model_10000_rows_is_fast(qtmodeltester, case, tmp_path):
    # 10,000 small documents written straight through core (import would be slower).
    with case.action("bulk"):
        for n in range(10_000):
            documents.add(case, data=f"doc {n}".encode(), title=f"Document {n:05d}",
                          kind="text", pages=[f"text {n}"], origin=f"batch {n % 7}")
    model = DocumentsModel()
    started = time.perf_counter()
    model.set_case(case)
    first = model.index(0, 0).data()
    opened = time.perf_counter() - started
    assert first == "Document 00000"
    assert opened < 0.5, f"opening 10,000 documents took {opened:.2f} s"
    proxy = DocumentsFilterProxy()
    proxy.setSourceModel(model)
    started = time.perf_counter()
    proxy.sort(DocumentsModel.TITLE, Qt.SortOrder.DescendingOrder)
    sorted_in = time.perf_counter() - started
    assert proxy.index(0, 0).data() == "Document 09999"
    assert sorted_in < 1.0, f"sorting 10,000 documents took {sorted_in:.2f} s"
    # Sorting keeps only keys: rows read for it are not all kept in the row cache (at
    # 245,000 documents the collector's passes over them stalled the window).
    assert len(model._cache) < 10_000
    print(f"\n10,000 documents: opened in {opened * 1000:.0f} ms, sorted in "
          f"{sorted_in * 1000:.0f} ms")
    started = time.perf_counter()
    proxy.set_text("document 0999")
    assert proxy.rowCount() == 10
    assert time.perf_counter() - started < 1.0


def test_sorted_in_runs_is_sorted_stably_in_both_directions():
    import random
    rnd = random.Random(7)
    for _ in range(60):
        items = list(range(rnd.randint(0, 2500)))
        rnd.shuffle(items)
        keys = {i: (rnd.randint(0, 1), rnd.randint(0, 30)) for i in items}  # many ties
        for reverse in (False, True):
            for run in (1, 3, 64, 4096):
                assert sorted_in_runs(items, keys.__getitem__, reverse=reverse, run=run) \
                    == sorted(items, key=keys.__getitem__, reverse=reverse)


def test_excerpts_model(qtmodeltester, sample_case):
    model = ExcerptsModel()
    model.set_case(sample_case)
    assert model.rowCount() == 12
    qtmodeltester.check(model, force_py=True)
    doc_id = model.excerpt(0).document_id
    model.set_document(doc_id)
    assert {model.excerpt(r).document_id for r in range(model.rowCount())} == {doc_id}
    qtmodeltester.check(model, force_py=True)


def test_import_items_model(qtmodeltester, case, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "in" / "bad.xyz").write_bytes(b"what")
    report = importing.import_paths(case, [tmp_path / "in"])
    model = ImportItemsModel(report.items)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2
    assert {model.index(r, 1).data() for r in range(2)} == {"imported", "unsupported"}


def test_navigator_model(qtmodeltester, sample_case):
    model = NavigatorModel()
    model.rebuild(sample_case)
    qtmodeltester.check(model, force_py=True)
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert [label.split(" (")[0] for label in labels] == [
        "Documents", "Actors", "Claims", "Findings", "Imports"]
    groups = browse.document_groups(sample_case)
    assert labels[0] == f"Documents ({sum(n for _, n in groups['kind'])})"


def test_search_hits_model(qtmodeltester, sample_case, tmp_path):
    index = CaseIndex(sample_case, tmp_path / "ix")
    index.ensure()
    results = searching.run(index, "plate", limit=50)
    model = SearchHitsModel()
    model.set_hits(results.hits)
    assert model.rowCount() == len(results.hits) > 0
    qtmodeltester.check(model, force_py=True)
    markup = model.index(0, 3).data(Qt.ItemDataRole.UserRole)
    assert "<b" in markup
    index.close()


class _ReaderWhileAnImportGoesOn:
    """The session's reader as the documents list sees it, with an import storing a file
    (and the window applying its change) while the list's read runs, as happens when a
    person sorts or picks a scope during an import."""

    def __init__(self, case, model, during) -> None:
        self.case, self.model, self.during = case, model, during

    def call(self, read):
        result = read(self.case)
        for changes in self.during(self.case):
            self.model.apply_changes(changes)
        return result


def _add(case, title: str):
    return documents.add(case, data=title.encode(), title=title, kind="text",
                         pages=[title], file_name=f"{title}.txt")


def test_a_document_stored_while_the_list_sorts_stays_in_it(sample_case, qtmodeltester):
    model = DocumentsModel()
    model.set_case(sample_case)
    first = model.ids[0]
    model.queries = _ReaderWhileAnImportGoesOn(sample_case, model,
                                               lambda case: [_add(case, "Aaa arrived")])
    current = model.index(0, 0)
    from PySide6.QtCore import QPersistentModelIndex
    kept = QPersistentModelIndex(current)
    model.sort(model.TITLE, Qt.SortOrder.AscendingOrder)
    assert sorted(model.ids) == documents.ids(sample_case)  # the newcomer is listed
    assert model.ids[kept.row()] == first  # the chosen row still names its document
    qtmodeltester.check(model)


def test_a_document_removed_or_added_while_a_scope_is_read_is_as_the_case_is(sample_case):
    from workbench.core import deletion
    model = DocumentsModel()
    model.set_case(sample_case)
    gone = model.ids[-1]

    def meanwhile(case):
        return [_add(case, "During the read"),
                deletion.delete(case, "document", gone, cascade=True)]
    model.queries = _ReaderWhileAnImportGoesOn(sample_case, model, meanwhile)
    model.set_scope()
    assert sorted(model.ids) == documents.ids(sample_case)
    assert gone not in model.ids
