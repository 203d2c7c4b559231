"""Helpers for tests that use the window as a person does: the whole window (part 2
included, as ``workbench`` builds it), its actions found by walking its children, and
the file and question dialogs of the platform answered without a person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractItemView, QAbstractScrollArea, QApplication, QDialog,
                               QDockWidget, QFileDialog, QInputDialog, QMenu, QMessageBox,
                               QWidget)

from tests.ui.helpers import wait_idle


class PlatformDialogs:
    """Answers for the platform's modal file and question dialogs (which a test cannot
    click): each answer is taken from a queue, else "Cancel"."""

    def __init__(self, monkeypatch) -> None:
        self.files: list[list[str]] = []
        self.folders: list[str] = []
        self.save_paths: list[str] = []
        self.texts: list[str] = []
        self.answers: list[QMessageBox.StandardButton] = []
        self.asked: list[str] = []
        mp = monkeypatch
        mp.setattr(QFileDialog, "getOpenFileName", staticmethod(self._open_file))
        mp.setattr(QFileDialog, "getOpenFileNames", staticmethod(self._open_files))
        mp.setattr(QFileDialog, "getSaveFileName", staticmethod(self._save_file))
        mp.setattr(QFileDialog, "getExistingDirectory", staticmethod(self._folder))
        mp.setattr(QInputDialog, "getText", staticmethod(self._text))
        mp.setattr(QInputDialog, "getMultiLineText", staticmethod(self._text))
        mp.setattr(QMessageBox, "question", staticmethod(self._question))
        for name in ("about", "information", "warning", "critical"):
            mp.setattr(QMessageBox, name, staticmethod(self._told))

    def _told(self, _parent=None, title="", text="", *_a, **_k):
        self.asked.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok

    def _open_file(self, _parent=None, caption="", *_a, **_k):
        self.asked.append(caption)
        return ((self.files.pop(0) or [""])[0] if self.files else ""), ""

    def _open_files(self, _parent=None, caption="", *_a, **_k):
        self.asked.append(caption)
        return (self.files.pop(0) if self.files else []), ""

    def _save_file(self, _parent=None, caption="", *_a, **_k):
        self.asked.append(caption)
        return (self.save_paths.pop(0) if self.save_paths else ""), ""

    def _folder(self, _parent=None, caption="", *_a, **_k):
        self.asked.append(caption)
        return self.folders.pop(0) if self.folders else ""

    def _text(self, _parent=None, title="", _label="", *_a, **_k):
        self.asked.append(title)
        return (self.texts.pop(0), True) if self.texts else ("", False)

    def _question(self, _parent=None, title="", text="", *_a, **_k):
        self.asked.append(f"{title}: {text}")
        return self.answers.pop(0) if self.answers else QMessageBox.StandardButton.No


@pytest.fixture
def platform_dialogs(monkeypatch) -> PlatformDialogs:
    return PlatformDialogs(monkeypatch)


def build_window(settings):
    """The window exactly as ``workbench`` builds it (the verification docks installed)."""
    from workbench.ui.shell.main_window import MainWindow
    from workbench.ui.shell.verification_docks import install_verification_docks

    window = MainWindow(settings)
    install_verification_docks(window)
    return window


def all_actions(window) -> list[QAction]:
    """Every QAction of the window and of every widget in it (menus' own actions too),
    found by walking the object tree: a new action is covered without a new test."""
    found = []
    for action in window.findChildren(QAction):
        if action not in found:
            found.append(action)
    return found


def describe(action: QAction) -> str:
    owner = action.parent()
    owner_name = owner.objectName() or type(owner).__name__ if owner is not None else "-"
    return (f"{action.text().replace('&', '') or action.objectName() or '(no text)'}"
            f" [{action.shortcut().toString()}] of {owner_name}")


def close_popups(window) -> None:
    """Close every dialog and menu an action opened (as a person would press Escape)."""
    for _ in range(3):
        opened = [w for w in QApplication.topLevelWidgets()
                  if w is not window and w.isVisible()
                  and isinstance(w, (QDialog, QMenu))]
        if not opened:
            return
        for w in opened:
            if isinstance(w, QDialog):
                w.reject()
            else:
                w.close()
        QApplication.processEvents()


def settle(qtbot, window) -> None:
    if window.session is not None:
        wait_idle(qtbot, window)
    qtbot.wait(20)


def context_menu_widgets(window) -> list[QWidget]:
    """Every widget of the window whose right-click menu is made of its actions."""
    return [w for w in window.findChildren(QWidget)
            if w.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu]


def bring_forward(widget: QWidget) -> None:
    """Show the dock that holds ``widget`` and put it in front of its tabs."""
    parent = widget
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    if parent is not None:
        parent.show()
        parent.raise_()


def right_click(widget: QWidget, pos: QPoint | None = None, choose: str | None = None
                ) -> list[QAction]:
    """Right-click ``widget`` as a person does (on its first row for a list): returns
    the entries of the menu that opened, and with ``choose`` picks the entry whose text
    starts with it (mnemonics aside), once the menu has closed."""
    target = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    if pos is None:
        pos = target.rect().center()
        if isinstance(widget, QAbstractItemView) and widget.model() is not None \
                and widget.model().rowCount():
            index = widget.model().index(0, getattr(widget, "modelColumn", lambda: 0)())
            pos = widget.visualRect(index).center()
    seen: list[QAction] = []
    picked: list[QAction] = []

    def read_menu(tries: int = 20) -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            if tries:
                QTimer.singleShot(10, lambda: read_menu(tries - 1))
            return
        seen.extend(menu.actions())
        if choose is not None:
            picked.extend(a for a in menu.actions()
                          if a.text().replace("&", "").startswith(choose))
        menu.close()

    QTest.mouseClick(target, Qt.MouseButton.RightButton, pos=pos)  # the row under it
    QTimer.singleShot(0, read_menu)
    QApplication.sendEvent(target, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                     target.mapToGlobal(pos)))
    QApplication.processEvents()
    if picked and picked[0].isEnabled():
        picked[0].trigger()
    return seen
