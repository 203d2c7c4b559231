"""Context menus made of the widget's own QActions.

A right-click menu built on demand in ``contextMenuEvent`` holds actions nobody else can
see: no test can find them, and their keys cannot be listed. Here the entries are built
once, as actions owned by the widget, and the widget's context menu shows exactly them
(``Qt.ActionsContextMenu``). The same actions carry the widget's keys (Del, F2, Ctrl+1),
so the menu and the keyboard can never disagree, and the action-discovery test walks
them like every other action of the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget


def action(owner: QWidget, text: str, slot: Callable[[], object], shortcut=None, *,
           tip: str = "") -> QAction:
    """An action of ``owner`` (its key works while ``owner`` has the focus)."""
    act = QAction(text, owner)
    if isinstance(shortcut, QKeySequence.StandardKey):
        act.setShortcuts(shortcut)
    elif shortcut:
        act.setShortcut(QKeySequence(shortcut))
    act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    act.triggered.connect(lambda _checked=False: slot())  # never ``checked``
    return act


def separator(owner: QWidget) -> QAction:
    sep = QAction(owner)
    sep.setSeparator(True)
    return sep


def set_menu(widget: QWidget, entries: Iterable[QAction | None]) -> list[QAction]:
    """Make ``entries`` (``None`` for a separator) the widget's context menu, in this
    order. Actions the widget already has move into place; others are added."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    placed = []
    for entry in entries:
        entry = separator(widget) if entry is None else entry
        widget.addAction(entry)  # an action the widget already has moves to the end
        placed.append(entry)
    return placed


def follow_current(view: QAbstractItemView, actions: Iterable[QAction],
                   wants: Callable[[], bool] | None = None) -> Callable[[], None]:
    """Enable ``actions`` only while the view has a current row (and ``wants()`` holds):
    they act on the row the menu was opened on."""
    actions = list(actions)

    def update(*_args) -> None:
        on = view.currentIndex().isValid() and (wants is None or bool(wants()))
        for act in actions:
            act.setEnabled(on)
    view.selectionModel().currentChanged.connect(update)
    model = view.model()
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                   model.layoutChanged):
        signal.connect(update)
    update()
    return update
