"""Finding a menu of the window's menu bar by its title, or adding it before Help."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu


def menu_named(window: QMainWindow, title: str) -> QMenu:
    """The window's menu called ``title`` (mnemonics aside), added before Help if the
    menu bar has none yet."""
    bar = window.menuBar()
    plain = title.replace("&", "")
    for action in bar.actions():
        if action.menu() is not None and action.text().replace("&", "") == plain:
            return action.menu()
    help_action = next((a for a in bar.actions()
                        if a.text().replace("&", "") == "Help"), None)
    menu = QMenu(title, window)
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)
    return menu
