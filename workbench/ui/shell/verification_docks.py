"""The verification docks of the window: actors, responses, the reconciliation board,
findings, readiness, export, and undo/redo, installed into a QMainWindow by
:func:`install_verification_docks`.

The widgets are docks (tabbed together at the bottom; readiness on the right), opened
from the Reconcile menu. Requests to open a source go to the window's
``open_document(document_id, page, focus=(start, end))`` when it has one; otherwise they
are emitted as :attr:`VerificationDocks.page_requested` for whoever wants them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from workbench.core import claims, excerpts, statements
from workbench.core.errors import WorkbenchError
from workbench.ui import menu_lookup, style, writing
from workbench.ui.reconcile.actors_panel import ActorsPanel, add_actor_from_text
from workbench.ui.reconcile.board import BoardPanel
from workbench.ui.publish.export_dialog import ExportDialog
from workbench.ui.reconcile.findings_editor import FindingsEditor
from workbench.ui.reconcile.readiness import ReadinessPanel
from workbench.ui.reconcile.responses import ResponsesPanel, record_statement
from workbench.ui.shell.jobs import breathe
from workbench.ui.shell.undo_actions import UndoActions

#: (attribute, title, object name, shortcut); readiness docks on the right, the rest
#: tabbed together at the bottom.
DOCKS = (("board", "Reconciliation board", "boardDock", "Ctrl+Shift+B"),
         ("findings", "Findings", "findingsDock", "Ctrl+Shift+N"),
         ("actors", "Actors", "actorsDock", "Ctrl+Shift+A"),
         ("responses", "Responses", "responsesDock", "Ctrl+Shift+R"),
         ("readiness", "Readiness", "readinessDock", "Ctrl+Shift+G"))


ICONS = {"board": "board", "findings": "findings", "actors": "actors",
         "responses": "statement", "readiness": "readiness"}


class VerificationDocks(QObject):
    """Everything the verification docks add to a window, and the routing between them."""

    page_requested = Signal(int, int, object)  # document, page, focus (start, end) or None

    def __init__(self, window: QMainWindow, session=None) -> None:
        super().__init__(window)
        self.window = window
        self.session = None
        self.reporter = writing.WriteReporter(window)
        self.actors = ActorsPanel(None, window)
        self.responses = ResponsesPanel(None, window)
        self.board = BoardPanel(None, window)
        self.findings = FindingsEditor(None, window)
        self.readiness = ReadinessPanel(None, window)
        self.export_dialog: ExportDialog | None = None
        self.last_source: tuple | None = None  # what was last asked to open (for tests)
        self.docks: dict[str, QDockWidget] = {}
        self._shown_docks: set[str] = set()
        self.show_actions: dict[str, QAction] = {}
        self._build_docks()
        self._build_actions()
        self._route()
        # Take over the window's own Undo/Redo actions when it has them.
        self.undo = UndoActions(None, window,
                                undo_action=getattr(window, "undo_action", None),
                                redo_action=getattr(window, "redo_action", None))
        if getattr(window, "undo_action", None) is None:
            self.edit_menu.insertActions(self.edit_menu.actions()[0] if self.edit_menu.actions()
                                         else None, [self.undo.undo_action,
                                                     self.undo.redo_action])
            window.addAction(self.undo.undo_action)
            window.addAction(self.undo.redo_action)
        self.undo.undo_action.setIcon(style.icon("undo", window))
        self.undo.redo_action.setIcon(style.icon("redo", window))
        self._build_toolbar()
        self._restore_docks()
        for signal, slot in (("case_opened", self._case_opened),
                             ("case_closed", self._case_closed)):
            if hasattr(window, signal):
                getattr(window, signal).connect(slot)
        self.set_session(session)

    # -- construction -----------------------------------------------------------------
    def _build_docks(self) -> None:
        first = None
        for attr, title, name, _key in DOCKS:
            dock = QDockWidget(title, self.window)
            dock.setObjectName(name)
            dock.setWidget(getattr(self, attr))
            dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
            self.docks[attr] = dock
            add_dock = getattr(self.window, "add_dock", None)
            if add_dock is not None:  # tabbed with the window's docks, listed under View
                add_dock(dock, Qt.DockWidgetArea.RightDockWidgetArea if attr == "readiness"
                         else Qt.DockWidgetArea.BottomDockWidgetArea, shown=False)
                continue
            if attr == "readiness":
                self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            else:
                self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
                if first is None:
                    first = dock
                else:
                    self.window.tabifyDockWidget(first, dock)
            dock.hide()

    def _menu(self, title: str) -> QMenu:
        return menu_lookup.menu_named(self.window, title)

    def _action(self, text: str, slot, shortcut: str | None, tip: str,
                icon: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if icon:
            action.setIcon(style.icon(icon, self.window))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())  # never ``checked``
        self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.export_action = self._action(
            "&Export report…", self.open_export, "Ctrl+Shift+E",
            "Export the report of findings as PDF, Markdown or ClaimReview", "export")
        self.statement_action = self._action(
            "Record &statement…", self.record_statement, "Ctrl+Shift+T",
            "Record what an actor said on the record, or that it did not respond", "statement")
        self.actor_from_selection_action = self._action(
            "Add &actor from selection…", self.add_actor_from_selection, "Ctrl+Shift+Y",
            "Add an actor named by the text selected in the reader")
        text_view = getattr(getattr(self.window, "reader", None), "text_view", None)
        if hasattr(text_view, "add_menu_action"):  # right-click on a selected name
            text_view.add_menu_action(self.actor_from_selection_action)
        file_menu = self._menu("&File")
        close = getattr(self.window, "close_action", None)
        if close is not None and close in file_menu.actions():
            file_menu.insertAction(close, self.export_action)
            file_menu.insertSeparator(close)
        else:
            file_menu.addAction(self.export_action)
        self.edit_menu = self._menu("&Edit")
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.statement_action)
        self.edit_menu.addAction(self.actor_from_selection_action)
        self.reconcile_menu = self._menu("&Reconcile")
        for attr, title, _name, key in DOCKS:
            action = self._action(title, lambda _=False, a=attr: self.show_panel(a), key,
                                  f"Show the {title.lower()}", ICONS[attr])
            self.show_actions[attr] = action
            self.reconcile_menu.addAction(action)
        self.reconcile_menu.addSeparator()
        self.reconcile_menu.addAction(self.export_action)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Reconcile", self.window)
        bar.setObjectName("reconcileToolbar")
        bar.setMovable(False)
        for action in (self.undo.undo_action, self.undo.redo_action):
            bar.addAction(action)
        bar.addSeparator()
        for attr in ("board", "findings", "readiness"):
            bar.addAction(self.show_actions[attr])
        bar.addAction(self.export_action)
        self.window.addToolBar(bar)
        self.toolbar = bar

    def _restore_docks(self) -> None:
        """Put the docks back where they were last time (the window saved its state, docks
        included, but restored it before these docks existed)."""
        from PySide6.QtCore import QByteArray
        restore = getattr(self.window, "restore_layout", None)
        if restore is not None:
            restore()
            return
        settings = getattr(self.window, "settings", None)
        value = settings.value("window_state") if hasattr(settings, "value") else None
        if isinstance(value, QByteArray) and not value.isEmpty():
            self.window.restoreState(value)

    def _route(self) -> None:
        for widget in (self.actors, self.responses, self.board, self.findings):
            widget.source_requested.connect(self.open_source)
        self.actors.page_requested.connect(lambda d, p: self.open_page(d, p))
        self.actors.statement_requested.connect(
            lambda actor_id: self.record_statement(actor_id=actor_id))
        self.readiness.location_requested.connect(self.go_to)

    # -- session ------------------------------------------------------------------------
    def set_session(self, session) -> None:
        self.session = session
        for widget in (self.actors, self.responses, self.board, self.findings,
                       self.readiness):
            widget.set_session(session)
            if session is not None:
                breathe()  # each panel reads a little: the window paints in between
        self.undo.set_session(session)
        for action in (self.export_action, self.statement_action,
                       self.actor_from_selection_action, *self.show_actions.values()):
            action.setEnabled(session is not None)
        # Without a case the docks step aside (the window shows its welcome page); they
        # come back as they were when a case opens.
        if session is None:
            shown = {a for a, d in self.docks.items() if not d.isHidden()}
            if shown:
                self._shown_docks = shown
            for dock in self.docks.values():
                dock.hide()
        else:
            for attr in self._shown_docks:
                self.docks[attr].show()

    def _case_opened(self, *_args) -> None:
        self.set_session(getattr(self.window, "session", None))

    def _case_closed(self) -> None:
        self.set_session(None)

    # -- showing -----------------------------------------------------------------------
    def show_panel(self, attr: str) -> QWidget:
        dock = self.docks[attr]
        dock.show()
        dock.raise_()
        open_bottom = getattr(self.window, "open_bottom_dock", None)
        if open_bottom is not None:
            open_bottom(dock)  # a height that leaves the reader and the lists theirs
        elif not dock.isFloating() and attr != "readiness":
            # A bottom dock opens at about 40 % of the window's height: the reader keeps the rest.
            want = int(self.window.height() * 0.4)
            if dock.height() < want:
                self.window.resizeDocks([dock], [want], Qt.Orientation.Vertical)
        widget = getattr(self, attr)
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        focus = {"board": self.board.claims_view, "findings": self.findings.list_view,
                 "actors": self.actors.view, "responses": self.responses.view,
                 "readiness": self.readiness.view}[attr]
        focus.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return widget

    def open_page(self, document_id: int, page: int, focus=None) -> None:
        self.last_source = ("document", document_id, page, focus)
        opener = getattr(self.window, "open_document", None)
        if opener is not None:
            opener(document_id, page, focus=focus)
        self.page_requested.emit(document_id, page, focus)

    def open_source(self, kind: str, ref_id: int) -> None:
        """Open what an excerpt or statement quotes, at its page (a claim, finding or actor
        opens its panel)."""
        if self.session is None:
            return
        case = self.session.reader
        try:
            if kind == "statement":
                st = statements.get(case, ref_id)
                if st.excerpt_id is not None:
                    kind, ref_id = "excerpt", st.excerpt_id
                elif st.document_id is not None:
                    self.open_page(st.document_id, 1)
                    return
                else:
                    self.show_panel("responses")
                    self.responses.select_statement(ref_id)
                    self._status("This statement is not recorded in a document of the case")
                    return
            if kind == "excerpt":
                ex = excerpts.get(case, ref_id)
                self.open_page(ex.document_id, ex.page_no, (ex.start, ex.end))
                return
            if kind == "document":
                self.open_page(ref_id, 1)
                return
        except WorkbenchError as exc:
            self._status(str(exc))
            return
        self.go_to(kind, ref_id)

    def go_to(self, subject: str, subject_id: int) -> None:
        """Show where a record is edited: a readiness problem's "go there"."""
        if subject == "finding":
            self.show_panel("findings")
            self.findings.select_finding(subject_id)
        elif subject == "claim":
            self.show_panel("board")
            self.board.select_claim(subject_id)
        elif subject == "evidence" and self.session is not None:
            try:
                link = claims.get_evidence(self.session.reader, subject_id)
            except WorkbenchError as exc:
                self._status(str(exc))
                return
            self.show_panel("board")
            self.board.select_claim(link.claim_id)
        elif subject == "actor":
            self.show_panel("actors")
            self.actors.select_actor(subject_id)
        elif subject == "statement":
            self.show_panel("responses")
            self.responses.select_statement(subject_id)
        elif subject in ("excerpt", "document"):
            self.open_source(subject, subject_id)
        elif subject == "report":
            self.open_export()

    def _status(self, message: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(message, 6000)

    # -- actions -------------------------------------------------------------------------
    def open_export(self) -> ExportDialog | None:
        if self.session is None:
            return None
        if self.export_dialog is not None and self.export_dialog.session is self.session:
            self.export_dialog.show()
            self.export_dialog.raise_()
            return self.export_dialog
        self.export_dialog = ExportDialog(self.session, self.window)
        self.export_dialog.location_requested.connect(self.go_to)
        self.export_dialog.show()
        return self.export_dialog

    def record_statement(self, *_args, actor_id: int | None = None):
        if self.session is None:
            return None
        return record_statement(self.session, self.window, actor_id=actor_id,
                                reporter=self.reporter)

    def add_actor_from_selection(self):
        """The reader's selected text as a new actor's name (the dialog lets one edit)."""
        if self.session is None:
            return None
        text = selected_reader_text(self.window)
        if not text:
            self._status("Select a name in the page text first")
            return None
        return add_actor_from_text(self.session, text, self.window, reporter=self.reporter)


def selected_reader_text(window) -> str:
    reader = getattr(window, "reader", None)
    view = getattr(reader, "text_view", None)
    if view is None:
        return ""
    return view.textCursor().selectedText().replace("\u2029", " ").strip()


def install_verification_docks(window: QMainWindow, session=None) -> VerificationDocks:
    """Add the verification docks to ``window`` (docks, menus, actions) and return it.

    ``session`` is the open CaseSession, if any; when the window has ``case_opened`` /
    ``case_closed`` signals the widgets follow the window's session from then on.
    """
    if session is None:
        session = getattr(window, "session", None)
    docks = VerificationDocks(window, session)
    window.verification = docks  # type: ignore[attr-defined]
    return docks
