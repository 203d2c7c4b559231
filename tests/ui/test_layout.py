"""The panels as docks a person arranges: View menu, floating, closing, Reset layout, the
layout kept across restarts, and sizes that keep the reader and the lists usable on a
laptop screen with the board open (the real widgets, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from tests.ui.routes import build_window, settle
from workbench.ui.shell.layout import READER_MIN_HEIGHT, READER_MIN_WIDTH

Area = Qt.DockWidgetArea
HIT_ROW = 42  # a search hit is two lines of snippet


def _window(qtbot, settings, size=(1366, 768)):
    window = build_window(settings)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _open(qtbot, window, path) -> None:
    assert window.open_case(path)
    settle(qtbot, window)
    qtbot.wait(50)


def _view_action(window, dock: QDockWidget):
    """The dock's entry in the View menu, found in the menu as a person would."""
    for action in window.view_menu.actions():
        if action is dock.toggleViewAction():
            return action
    raise AssertionError(f"{dock.windowTitle()} is not in the View menu")


def _close(window) -> None:
    if window.session is not None:
        window.session.jobs.cancel_all()
        window.session.jobs.wait_idle(30000)
    window.close()


def test_panels_are_docks_listed_in_the_view_menu(qtbot, settings, sample_path):
    window = _window(qtbot, settings)
    assert window.centralWidget().currentWidget() is window.welcome
    assert not any(d.isVisible() for d in window.docks)  # the welcome page alone
    _open(qtbot, window, sample_path)
    assert window.centralWidget().currentWidget() is window.reader
    for dock, area in ((window.navigator_dock, Area.LeftDockWidgetArea),
                       (window.documents_dock, Area.TopDockWidgetArea),
                       (window.search_dock, Area.TopDockWidgetArea),
                       (window.side_dock, Area.RightDockWidgetArea)):
        assert window.dockWidgetArea(dock) == area, dock.windowTitle()
        assert not dock.isHidden()
    # Every dock of the window, the reconcile panels and the timeline included.
    titles = {a.text() for a in window.view_menu.actions() if a.isCheckable()}
    assert {"Navigator", "Documents", "Search", "Excerpts and details",
            "Reconciliation board", "Findings", "Readiness", "Timeline"} <= titles
    assert window.search_dock in window.tabifiedDockWidgets(window.documents_dock)

    # View > Navigator closes it and opens it again; a dock's own close button too.
    action = _view_action(window, window.navigator_dock)
    assert action.isChecked()
    action.trigger()
    assert window.navigator_dock.isHidden() and not action.isChecked()
    action.trigger()
    assert not window.navigator_dock.isHidden()
    window.side_dock.close()
    assert not _view_action(window, window.side_dock).isChecked()
    _view_action(window, window.side_dock).trigger()
    assert window.side_dock.isVisible()
    # Floating.
    window.search_dock.setFloating(True)
    settle(qtbot, window)
    assert window.search_dock.isFloating()
    _close(window)


def test_bottom_and_right_docks_are_tabbed_not_stacked(qtbot, settings, sample_path):
    window = _window(qtbot, settings)
    _open(qtbot, window, sample_path)
    panels = window.verification
    for attr in ("board", "findings", "actors", "responses"):
        panels.show_panel(attr)
    window.timeline.show()
    settle(qtbot, window)
    board = panels.docks["board"]
    tabbed = window.tabifiedDockWidgets(board)
    for other in ("findings", "actors", "responses"):
        assert panels.docks[other] in tabbed, other
    assert window.timeline.dock in tabbed
    # Readiness shares the right-hand side with the excerpts, as a tab.
    panels.show_panel("readiness")
    assert panels.docks["readiness"] in window.tabifiedDockWidgets(window.side_dock)
    assert window.reader.width() >= READER_MIN_WIDTH
    _close(window)


def test_layout_is_remembered_across_restarts_and_reset(qtbot, settings, sample_path):
    first = _window(qtbot, settings, (1440, 900))
    _open(qtbot, first, sample_path)
    # A person drags the search list to the left, floats the side panel, closes the
    # navigator and opens the board.
    first.addDockWidget(Area.LeftDockWidgetArea, first.search_dock)
    first.side_dock.setFloating(True)
    _view_action(first, first.navigator_dock).trigger()
    first.verification.show_panel("board")
    settle(qtbot, first)
    _close(first)  # quitting saves the layout

    second = _window(qtbot, settings, (1440, 900))
    assert not any(d.isVisible() for d in second.docks)  # no case yet: welcome page
    _open(qtbot, second, sample_path)
    assert second.dockWidgetArea(second.search_dock) == Area.LeftDockWidgetArea
    assert second.side_dock.isFloating()
    assert second.navigator_dock.isHidden()
    assert not second.verification.docks["board"].isHidden()
    # Closing the case and opening it again keeps the arrangement too.
    second.close_case()
    _open(qtbot, second, sample_path)
    assert second.dockWidgetArea(second.search_dock) == Area.LeftDockWidgetArea
    assert second.navigator_dock.isHidden()

    # View > Reset layout puts everything back.
    assert second.reset_layout_action in second.view_menu.actions()
    second.reset_layout_action.trigger()
    settle(qtbot, second)
    assert second.dockWidgetArea(second.search_dock) == Area.TopDockWidgetArea
    assert second.search_dock in second.tabifiedDockWidgets(second.documents_dock)
    assert not second.side_dock.isFloating()
    assert not second.navigator_dock.isHidden()
    assert second.verification.docks["board"].isHidden()
    _close(second)

    third = _window(qtbot, settings)
    _open(qtbot, third, sample_path)  # the reset layout is what was kept
    assert third.dockWidgetArea(third.search_dock) == Area.TopDockWidgetArea
    assert not third.navigator_dock.isHidden()
    _close(third)


def test_window_geometry_is_remembered(qtbot, settings):
    first = _window(qtbot, settings, (780, 560))  # within the offscreen screen
    first.move(30, 40)
    _close(first)
    second = _window(qtbot, settings, None)
    assert second.size().toTuple() == (780, 560)


def test_first_start_fits_a_small_screen(qtbot, settings):
    window = build_window(settings)  # no layout saved yet
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
    window.show()
    assert room.contains(window.frameGeometry())


def test_reset_layout_needs_a_case(qtbot, settings):
    window = _window(qtbot, settings)
    assert not window.reset_layout_action.isEnabled()
    assert not _view_action(window, window.navigator_dock).isEnabled()


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900)])
def test_laptop_screens_keep_the_reader_and_the_lists_usable(qtbot, settings, sample_path,
                                                            size):
    window = _window(qtbot, settings, size)
    _open(qtbot, window, sample_path)
    window.search_box.setText("plate")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() >= 3, timeout=20000)
    assert window.current_list() is window.search_panel.view
    window.open_document(1)
    panels = window.verification

    def check(what: str) -> None:
        settle(qtbot, window)
        qtbot.wait(50)
        assert window.size().toTuple() == size, f"{what}: the window grew"
        view = window.search_panel.view
        rows = view.viewport().height() / HIT_ROW
        assert rows >= 3, f"{what}: the search list shows {rows:.1f} rows"
        assert window.reader.width() >= READER_MIN_WIDTH, what
        assert window.reader.height() >= READER_MIN_HEIGHT, what
        assert window.reader.image_area.width() >= 300 or not window.reader.image_area \
            .isVisible(), what
        assert window.navigator.width() >= 150 and window.side_panel.width() >= 260, what

    check("no panel")
    panels.show_panel("board")
    board = panels.docks["board"]
    assert board.height() >= 180, "the board opens at a useful height"
    check("board")
    panels.show_panel("readiness")
    check("board and readiness")
    window.timeline.show()
    check("board, readiness and timeline")
    for attr in ("findings", "actors", "responses"):
        panels.show_panel(attr)
        check(attr)
    window.show_list("documents")
    settle(qtbot, window)
    rows = window.documents_view.viewport().height() / \
        window.documents_view.verticalHeader().defaultSectionSize()
    assert rows >= 4, f"the documents list shows {rows:.1f} rows"
    assert window.documents_view.columnWidth(0) >= window.TITLE_MIN
    _close(window)


def test_every_hit_without_a_page_opens_somewhere_visible(qtbot, settings, sample_path):
    """Return on a search hit that has no page (an actor, a claim, a note on evidence, a
    verdict) shows it where a person can see it: the side panel comes forward from behind
    the readiness tab, or the board opens at the claim."""
    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtTest import QTest

    window = _window(qtbot, settings)
    _open(qtbot, window, sample_path)
    hits = window.search_panel.view
    board = window.verification.board
    seen = set()
    for query in ("cameras", "sheriff", "PlateStream"):
        window.search_box.setText(query)
        qtbot.waitUntil(lambda: hits.model().rowCount() > 0, timeout=20000)
        qtbot.wait(300)
        for row in range(hits.model().rowCount()):
            hit = hits.model().hit(row)
            if hit.doc_id is not None or (hit.kind, hit.table) in seen:
                continue
            seen.add((hit.kind, hit.table))
            window.verification.show_panel("readiness")  # over the side panel
            window.verification.docks["board"].hide()
            window.search_box.setFocus()
            QTest.keyClick(window.search_box, _Qt.Key.Key_Down)  # into the hits
            hits.setCurrentIndex(hits.model().index(row, 0))
            QTest.keyClick(hits, _Qt.Key.Key_Return)
            settle(qtbot, window)
            if hit.table in ("evidence", "verdicts"):
                assert window.verification.docks["board"].isVisible(), hit.title
                claim = int(hit.title.split("claim ")[1].split(":")[0].split()[0])
                assert board.claim_id == claim, hit.title
            elif hit.table == "statements":
                assert window.verification.docks["responses"].isVisible(), hit.title
            else:
                assert not window.side_dock.visibleRegion().isEmpty(), hit.title
                assert window.side_panel.record_view.toPlainText().strip(), hit.title
    assert {("note", "evidence"), ("verdict", "verdicts"), ("actor", "actors")} <= seen
    _close(window)


def test_the_lists_have_right_click_menus(qtbot, settings, sample_path):
    from tests.ui.routes import right_click

    window = _window(qtbot, settings)
    _open(qtbot, window, sample_path)
    docs = window.documents_view
    texts = [a.text().split("\t")[0].replace("&", "") for a in right_click(docs)]
    assert texts == ["Open", "Rename…", "Show details"]
    window.side_panel.setCurrentIndex(0)
    right_click(docs, choose="Show details")
    assert window.side_panel.currentWidget() is window.side_panel.details
    right_click(docs, choose="Rename")
    assert docs.state() == docs.State.EditingState  # the title, edited in place
    assert docs.currentIndex().column() == 0
    _escape(docs)  # and left unchanged

    window.search_box.setText("courtesy")
    hits = window.search_panel.view
    qtbot.waitUntil(lambda: hits.model().rowCount() > 0, timeout=20000)
    row = next(r for r in range(hits.model().rowCount()) if hits.model().hit(r).doc_id)
    hit = hits.model().hit(row)
    pos = hits.visualRect(hits.model().index(row, 0)).center()
    right_click(hits, pos, choose="Open at its page")
    assert window.reader.document.id == hit.doc_id
    assert window.reader.page_no == (hit.page or 1)
    _close(window)


def _escape(widget) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClick(widget.focusWidget() or widget, Qt.Key.Key_Escape)
