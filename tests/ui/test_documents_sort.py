"""Sorting the documents list as a person does: a click on a column's header in the real
window. The rows come out in the column's order (ties keep the order they had), and the
chosen document stays chosen, selected and shown."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from workbench.core import browse, documents
from workbench.ui.models import DocumentsModel, IdRole


def _click_header(window, column: int) -> None:
    header = window.documents_view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, QPoint(x, header.height() // 2))


def _shown_ids(window) -> list[int]:
    proxy = window.documents_proxy
    return [proxy.index(r, 0).data(IdRole) for r in range(proxy.rowCount())]


def _chosen(window) -> tuple[int | None, list[int]]:
    view = window.documents_view
    selected = [i.data(IdRole) for i in view.selectionModel().selectedRows()]
    return view.currentIndex().data(IdRole), selected


def test_a_click_on_a_header_sorts_and_keeps_the_chosen_document(sample_window, qtbot):
    w = sample_window
    case = w.session.reader
    rows = {r.id: r for r in browse.document_rows(case, documents.ids(case))}
    assert len(rows) >= 5
    header = w.documents_view.horizontalHeader()

    w.documents_view.selectRow(3)
    chosen = w.documents_proxy.index(3, 0).data(IdRole)
    assert w.reader.document.id == chosen

    _click_header(w, DocumentsModel.TITLE)
    assert header.sortIndicatorSection() == DocumentsModel.TITLE
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    by_title = sorted(rows, key=lambda d: (rows[d].title.lower(), d), reverse=descending)
    assert _shown_ids(w) == by_title
    assert _chosen(w) == (chosen, [chosen])
    assert w.reader.document.id == chosen
    assert w.documents_view.currentIndex().row() == by_title.index(chosen)

    _click_header(w, DocumentsModel.TITLE)  # the same header again: the other way round
    assert header.sortIndicatorOrder() != (Qt.SortOrder.DescendingOrder if descending
                                           else Qt.SortOrder.AscendingOrder)
    assert _shown_ids(w) == by_title[::-1]
    assert _chosen(w) == (chosen, [chosen])

    # Pages: many documents have as many pages; those keep the title order they had.
    before = _shown_ids(w)
    _click_header(w, DocumentsModel.PAGES)
    assert header.sortIndicatorSection() == DocumentsModel.PAGES
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    by_pages = sorted(before, key=lambda d: rows[d].page_count, reverse=descending)
    assert len({rows[d].page_count for d in rows}) < len(rows)  # there are ties
    assert _shown_ids(w) == by_pages
    assert _chosen(w) == (chosen, [chosen])
    assert w.reader.document.id == chosen
    # The shown cells follow their rows (no stale cache after the move).
    proxy = w.documents_proxy
    assert [proxy.index(r, DocumentsModel.TITLE).data() for r in range(proxy.rowCount())] \
        == [rows[d].title for d in by_pages]
