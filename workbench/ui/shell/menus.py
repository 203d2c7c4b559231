"""The window's menus, toolbar and shortcuts (a mixin of :class:`MainWindow`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit


class MenusMixin:
    """Builds File, Edit and Help, the toolbar and its search box.

    Standard shortcuts: Ctrl+N, Ctrl+O, Ctrl+W, Ctrl+Q, Ctrl+I (import), Ctrl+F (search),
    Ctrl+Shift+F (find in document), Ctrl+E (excerpt), Ctrl+Z / Ctrl+Shift+Z, F6 and
    Shift+F6 (next and previous pane, as in mail clients).
    """

    def cycle_panes(self, step: int) -> None:
        """Move the keyboard focus to the next (or previous) pane."""
        list_view = (self.search_panel.view if self.tabs.currentWidget() is self.search_panel
                     else self.documents_view)
        panes = [self.navigator, list_view, self.reader.text_view,
                 self.side_panel.excerpts_view]
        focused = self.focusWidget()
        here = next((n for n, p in enumerate(panes)
                     if focused is not None and (focused is p or p.isAncestorOf(focused))), -1)
        panes[(here + step) % len(panes)].setFocus(Qt.FocusReason.TabFocusReason)

    def _action(self, text: str, slot, shortcut=None, *, tip: str = "") -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # Every binding of the platform (Close is Ctrl+W and Ctrl+F4), not only the first.
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        # Qt passes ``checked`` to a slot that takes an argument: never let it in.
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        a = self._action
        self.new_action = a("&New case…", self.new_case, K.New)
        self.open_action = a("&Open case…", self.open_case_dialog, K.Open)
        self.save_copy_action = a("Save a &copy…", self.save_copy, "Ctrl+Shift+S",
                                  tip="Write a consistent copy of the case (safe while open)")
        self.close_action = a("&Close case", self.close_case, K.Close)
        # Not K.Quit: outside KDE and GNOME Qt binds no key to it.
        self.quit_action = a("&Quit", self.close, "Ctrl+Q")
        self.import_action = a("&Import…", self.import_dialog, "Ctrl+I",
                               tip="Import files or folders (or drop them on the window)")
        self.search_action = a("&Search", self.focus_search, K.Find,
                               tip="Search the whole case")
        self.find_action = a("&Find in document", self.focus_find, "Ctrl+Shift+F")
        self.next_pane_action = a("Next pane", lambda: self.cycle_panes(+1), "F6",
                                  tip="Move between navigator, list, page text and excerpts")
        self.previous_pane_action = a("Previous pane", lambda: self.cycle_panes(-1),
                                      "Shift+F6")
        self.excerpt_action = a("&Excerpt selection…", self.reader.request_excerpt, "Ctrl+E",
                                tip="Make an excerpt of the text selected on the page")
        # Placeholders: the verification docks (workbench.ui.shell.undo_actions) take these
        # two actions over and wire them to the core undo stack.
        self.undo_action = a("&Undo", lambda: None, K.Undo)
        self.redo_action = a("&Redo", lambda: None, "Ctrl+Shift+Z")
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
            action.setToolTip("Undo and redo come with the verification docks")
        self.recent_menu = None

        menu = self.menuBar().addMenu("&File")
        for action in (self.new_action, self.open_action):
            menu.addAction(action)
        self.recent_menu = menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.addAction(self.save_copy_action)
        menu.addSeparator()
        menu.addAction(self.close_action)
        menu.addAction(self.quit_action)
        menu = self.menuBar().addMenu("&Edit")
        for action in (self.undo_action, self.redo_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.excerpt_action)
        menu.addSeparator()
        menu.addAction(self.search_action)
        menu.addAction(self.find_action)
        menu.addSeparator()
        menu.addAction(self.next_pane_action)
        menu.addAction(self.previous_pane_action)
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(self._action("&About Workbench", self._about))

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        for action in (self.open_action, self.import_action, self.excerpt_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search the case (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(280)
        self.search_box.setMaximumWidth(420)
        self.search_box.textChanged.connect(self._search_typed)
        self.search_box.returnPressed.connect(self._search_typed)
        toolbar.addWidget(self.search_box)

