"""Every QAction of the window, found by walking it, used the way a person does: through
the action itself (menu, toolbar, context menu) and through its shortcut, with a case
open and without one. Any exception in a Qt callback (pytest-qt captures them) or any Qt
warning fails the test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDockWidget, QMenu, QToolBar,
                               QWidget)

from tests.ui.routes import (all_actions, bring_forward, close_popups,
                             context_menu_widgets, describe, right_click, settle)

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              # The offscreen platform's own notice, not the window's.
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def full_window(full_window):
    """The shared window (tests/ui/conftest.py), at a desktop size and active, so that
    shortcuts reach it."""
    full_window.resize(1440, 900)
    full_window.activateWindow()
    return full_window


def _skip(window, action: QAction) -> bool:
    # Quit ends the window: it has its own test below.
    return action is window.quit_action


def _ensure_case(qtbot, window, path) -> None:
    if window.session is None:
        assert window.open_case(path)
        settle(qtbot, window)
        # A claim and a finding chosen, as a person would click them, so the board's
        # and the editor's own actions have something to act on.
        window.verification.board.select_claim(1)
        window.verification.findings.select_finding(1)
    settle(qtbot, window)


def _shortcut_target(window, action: QAction) -> QWidget | None:
    """Where the key goes: the window for a window-wide shortcut, else the widget the
    action belongs to."""
    if action.shortcutContext() in (Qt.ShortcutContext.WindowShortcut,
                                    Qt.ShortcutContext.ApplicationShortcut):
        return window
    for obj in action.associatedObjects():
        if isinstance(obj, QWidget) and not isinstance(obj, QMenu) and obj.window() is window:
            return obj
    return None


def _press(qtbot, window, action: QAction) -> bool:
    """Press the action's shortcut where a person would: in the window, or in the widget
    the action belongs to, clicked into first (its panel brought to the front).
    Returns whether a person could press it there (the widget shown and enabled)."""
    target = _shortcut_target(window, action)
    if target is None:
        return False
    parent = target
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    if parent is not None and window.session is not None:
        parent.show()
        parent.raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    if target is not window:
        if not target.isVisible():
            return False
        target.setFocus(Qt.FocusReason.MouseFocusReason)
        model = target.model() if isinstance(target, QAbstractItemView) else None
        if model is not None and model.rowCount() and not target.currentIndex().isValid():
            target.setCurrentIndex(model.index(0, 0))  # a person clicks a row first
    elif window.session is not None:
        # Nothing focused inside a panel that owns the same key (Delete, Ctrl+S).
        window.documents_view.setFocus()
    QTest.keySequence(target, action.shortcut())
    QApplication.processEvents()
    return target.isEnabled()


def test_without_a_case_only_case_free_actions_are_enabled(full_window, qtbot,
                                                           platform_dialogs):
    window = full_window
    free = {window.new_action, window.open_action, window.quit_action}
    for bar in window.findChildren(QToolBar):
        enabled = [a for a in bar.actions() if a.isEnabled() and not a.isSeparator()
                   and a.text()]
        assert set(enabled) <= free, [describe(a) for a in enabled if a not in free]
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:  # a submenu greys out when all it offers does
                if not any(a.isEnabled() for a in action.menu().actions()
                           if not a.isSeparator()) and action.menu().actions():
                    assert not action.isEnabled(), describe(action)
                continue
            needs_case = action not in free and action.text().replace("&", "") not in (
                "About Workbench",)
            if needs_case:
                assert not action.isEnabled(), describe(action)


def test_every_action_triggered_with_and_without_a_case(full_window, qtbot, sample_path,
                                                        platform_dialogs):
    window = full_window
    actions = all_actions(window)
    assert len(actions) > 40, "the walk found too few actions"
    for action in actions:  # no case open
        if not _skip(window, action):
            action.trigger()
            close_popups(window)
    assert window.session is None
    _ensure_case(qtbot, window, sample_path)
    for attr in window.verification.show_actions:
        window.verification.show_panel(attr)
    for action in all_actions(window):
        if _skip(window, action):
            continue
        _ensure_case(qtbot, window, sample_path)
        action.trigger()
        settle(qtbot, window)
        close_popups(window)
    _ensure_case(qtbot, window, sample_path)


def test_every_shortcut_reaches_its_action(full_window, qtbot, sample_path,
                                           platform_dialogs):
    window = full_window
    fired: list[QAction] = []
    with_keys = [a for a in all_actions(window)
                 if not a.shortcut().isEmpty() and not _skip(window, a)]
    assert len(with_keys) > 20
    for action in with_keys:  # no case open
        _press(qtbot, window, action)
        close_popups(window)
    assert window.session is None

    missed = []
    for action in with_keys:
        _ensure_case(qtbot, window, sample_path)
        action.triggered.connect(lambda *_a, a=action: fired.append(a))
        could = _press(qtbot, window, action) and action.isEnabled()
        settle(qtbot, window)
        close_popups(window)
        if could and action not in fired:
            missed.append(describe(action))
    assert not missed, f"shortcuts that did not reach their action: {missed}"
    assert len(set(fired)) > 40, "too few shortcuts could be pressed"


def test_quit_from_its_action_and_its_key(full_window, qtbot, sample_path, platform_dialogs):
    window = full_window
    _ensure_case(qtbot, window, sample_path)
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert _press(qtbot, window, window.quit_action)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.session is None
    assert window.settings.last_case == str(sample_path.resolve())


def test_close_case_by_both_platform_keys(full_window, qtbot, sample_path, platform_dialogs):
    window = full_window
    keys = [k.toString() for k in window.close_action.shortcuts()]
    assert "Ctrl+W" in keys
    for key in window.close_action.shortcuts():
        if key.toString() not in ("Ctrl+W", "Ctrl+F4"):
            continue  # the keyboard's own Close key: QTest cannot type it
        _ensure_case(qtbot, window, sample_path)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        QTest.keySequence(window, key)
        qtbot.waitUntil(lambda: window.session is None)


def _defines_context_menu_event(widget: QWidget) -> bool:
    """A class of ours that builds its own menu on right-click (out of the walk's sight)."""
    return any("contextMenuEvent" in vars(cls) for cls in type(widget).__mro__
               if cls.__module__.startswith("workbench"))


def test_no_context_menu_is_built_on_demand(full_window, qtbot, sample_path,
                                            platform_dialogs):
    """Every right-click menu is the widget's own actions, which the walks above find."""
    window = full_window
    _ensure_case(qtbot, window, sample_path)
    for attr in window.verification.show_actions:
        window.verification.show_panel(attr)
    window.timeline.show()
    on_demand = [f"{type(w).__name__} {w.objectName()}" for w in window.findChildren(QWidget)
                 if w.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
                 or _defines_context_menu_event(w)]
    assert not on_demand
    names = {w.objectName() for w in context_menu_widgets(window)}
    assert {"pageText", "sourcesView", "citationsList"} <= names
    found = set(all_actions(window))
    for widget in context_menu_widgets(window):
        assert set(widget.actions()) <= found, widget.objectName()


# A popup menu asks the offscreen platform for things it does not do (its notices).
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                           "This plugin does not support raise",
                           "This plugin does not support grabbing the keyboard")
def test_every_context_menu_entry_from_a_right_click(full_window, qtbot, sample_path,
                                                     platform_dialogs):
    """Right-click each widget that has a menu, check the menu shows its actions, and pick
    every entry from it, with a case open (and the menus still open without trouble)."""
    window = full_window
    _ensure_case(qtbot, window, sample_path)
    for attr in window.verification.show_actions:
        window.verification.show_panel(attr)
    window.reader.text_view.select_range(0, 12)  # something to excerpt and copy
    picked = 0
    for widget in context_menu_widgets(window):
        if widget.window() is not window:
            continue
        bring_forward(widget)
        settle(qtbot, window)
        entries = right_click(widget)
        shown = [a for a in widget.actions() if a.isVisible()]
        assert entries == shown, widget.objectName()
        close_popups(window)
        for entry in shown:
            if entry.isSeparator() or not entry.isEnabled():
                continue
            _ensure_case(qtbot, window, sample_path)
            bring_forward(widget)
            right_click(widget, choose=entry.text().split("\t")[0].replace("&", ""))
            settle(qtbot, window)
            close_popups(window)
            picked += 1
    assert picked >= 15, "too few context-menu entries could be picked"
