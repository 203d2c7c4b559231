"""The main window: the reader in the middle; navigator, documents, search and the side
panel as docks around it (:mod:`.layout`); the status bar.

Every write goes through the session's writer thread, slow reads through its reader
(:mod:`.jobs`); the window reads small things through the session's reading connection
and refreshes what the session's change batcher says changed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QFileDialog, QHeaderView,
                               QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox,
                               QProgressBar, QStackedWidget, QTableView, QVBoxLayout,
                               QWidget)

from workbench import __version__
from workbench.core import browse, claims, excerpts, overview
from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError
from workbench.ui import context_menus, dialogs
from workbench.ui.shell.settings import Settings
from workbench.ui.shell.jobs import Job, breathe
from workbench.ui.publish import aleph_export
from workbench.ui.shell.layout import READER_MIN_HEIGHT, READER_MIN_WIDTH, DockLayoutMixin
from workbench.ui.shell.menus import MenusMixin
from workbench.ui.models import DocumentsFilterProxy, DocumentsModel, IdRole
from workbench.ui.shell.navigator import NavigatorView, read_tree
from workbench.ui.reading.reader import ReaderWidget
from workbench.ui.reading.page_rendering import PageRenderer
from workbench.ui.search.search_panel import SearchPanel
from workbench.ui.shell.session import CaseSession
from workbench.ui.reading.side_panel import SidePanel
from workbench.ui.reconcile.timeline import install_timeline
from workbench.ui.shell.welcome import WelcomePage
from workbench.ui.shell.writes import WritesMixin


class MainWindow(WritesMixin, MenusMixin, DockLayoutMixin, QMainWindow):
    case_opened = Signal(str)
    case_closed = Signal()

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.session: CaseSession | None = None
        self.renderer: PageRenderer | None = None
        self.last_job: Job | None = None
        # A close asked for while a case is being opened waits for the opening to end:
        # the nested event loop of _off_thread lets it through, and closing then would
        # leave the case's threads starting in a quitting application.
        self._opening = False
        self._close_requested = False
        self.setWindowTitle("Workbench")
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._init_docking()
        self._build_widgets()
        self._build_actions()
        self._build_view_menu()
        install_timeline(self)  # the chronology's dock and actions
        aleph_export.install(self)  # File > Export > For Aleph (FollowTheMoney)…
        self._build_status_bar()
        self.restore_layout()
        self._counts_timer = QTimer(self, singleShot=True, interval=500)
        self._counts_timer.timeout.connect(self._refresh_counts)
        self._set_case_actions(False)

    # -- construction ------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.navigator = NavigatorView(self)
        self.navigator.scope_chosen.connect(self._scope_chosen)
        self.navigator.record_chosen.connect(self._record_chosen)

        self.documents_model = DocumentsModel(self)
        self.documents_model.edit_requested.connect(self.edit_document)
        self.documents_proxy = DocumentsFilterProxy(self)
        self.documents_proxy.setSourceModel(self.documents_model)
        self.documents_view = QTableView(self)
        self.documents_view.setObjectName("documentsView")
        self.documents_view.setModel(self.documents_proxy)
        self.documents_view.setSortingEnabled(True)
        self.documents_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.documents_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.documents_view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                            | QAbstractItemView.EditTrigger.DoubleClicked)
        self.documents_view.verticalHeader().hide()
        self.documents_view.verticalHeader().setDefaultSectionSize(22)
        self.documents_view.setAlternatingRowColors(True)
        header = self.documents_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in ((1, 52), (2, 130), (3, 82), (4, 46), (5, 48), (6, 80), (7, 40)):
            header.resizeSection(col, width)
        # The title takes the room left, but never less than TITLE_MIN: when panels make
        # the list narrow, it scrolls sideways instead of cutting titles to "acl…".
        self.documents_view.viewport().installEventFilter(self)
        header.sectionResized.connect(lambda col, _old, _new: col and self._fit_title_column())
        self.documents_view.selectionModel().currentRowChanged.connect(self._document_chosen)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by title, origin, file name or tag")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.documents_proxy.set_text)
        documents_tab = QWidget(self)
        layout = QVBoxLayout(documents_tab)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.documents_view, 1)

        self.search_panel = SearchPanel(self)
        self.search_panel.hit_opened.connect(self._hit_opened)
        self.search_panel.record_opened.connect(self._record_chosen)
        self._build_list_menus()

        self.reader = ReaderWidget(self)
        self.reader.excerpt_requested.connect(self._excerpt_requested)
        self.reader.document_requested.connect(lambda d: self.open_document(d))
        self.reader.excerpt_clicked.connect(self._page_excerpt_clicked)
        # Docks opening around it never squeeze it below this.
        self.reader.setMinimumSize(READER_MIN_WIDTH, READER_MIN_HEIGHT)
        self.side_panel = SidePanel(self)
        self.side_panel.excerpt_chosen.connect(self._excerpt_chosen)
        self.side_panel.edit_requested.connect(self.edit_document)

        # Squeezed by other docks, the navigator and the side panel keep readable widths,
        # and the lists show a few rows (a search hit is two lines of snippet).
        self.navigator.setMinimumWidth(150)
        self.side_panel.setMinimumWidth(260)
        documents_tab.setMinimumHeight(120)
        self.search_panel.view.setMinimumHeight(
            self.search_panel.view.horizontalHeader().sizeHint().height() + 3 * 42 + 4)
        self.navigator_dock = self._make_dock("Navigator", "navigatorDock", self.navigator)
        self.documents_dock = self._make_dock("Documents", "documentsDock", documents_tab)
        self.search_dock = self._make_dock("Search", "searchDock", self.search_panel)
        self.side_dock = self._make_dock("Excerpts and details", "sidePanelDock",
                                         self.side_panel)
        self.add_dock(self.navigator_dock, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock(self.documents_dock, Qt.DockWidgetArea.TopDockWidgetArea)
        self.add_dock(self.search_dock, Qt.DockWidgetArea.TopDockWidgetArea)
        self.add_dock(self.side_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        self.documents_dock.raise_()

        self.welcome = WelcomePage(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.reader)
        self.setCentralWidget(self.stack)

    def _make_dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        return dock

    def _build_list_menus(self) -> None:
        """Right-click in the documents and search lists (the views' own actions)."""
        docs = self.documents_view

        def current_document() -> int | None:
            index = docs.currentIndex()
            return index.data(IdRole) if index.isValid() else None
        open_doc = context_menus.action(
            docs, "&Open", lambda: (lambda d: d is not None and self.open_document(d))(
                current_document()))
        rename = context_menus.action(
            docs, "&Rename…\tF2", lambda: docs.edit(docs.currentIndex().siblingAtColumn(0)))
        details = context_menus.action(docs, "Show &details", lambda: self._show_details())
        context_menus.set_menu(docs, [open_doc, rename, details])
        context_menus.follow_current(docs, [open_doc, rename, details])
        hits = self.search_panel.view
        open_hit = context_menus.action(hits, "&Open at its page",
                                        lambda: self.search_panel._open(hits.currentIndex()))
        context_menus.set_menu(hits, [open_hit])
        context_menus.follow_current(hits, [open_hit])

    def _show_details(self) -> None:
        self.side_dock.show()
        self.side_dock.raise_()
        self.side_panel.setCurrentWidget(self.side_panel.details)

    def show_list(self, which: str) -> None:
        """Bring the documents or the search list to the front (shown if closed)."""
        dock = self.search_dock if which == "search" else self.documents_dock
        dock.show()
        dock.raise_()

    def current_list(self) -> QTableView:
        """The list a person is looking at: search results when the search dock is in
        front, else the documents."""
        search = self.search_dock
        if search.isVisible() and not search.visibleRegion().isEmpty():
            return self.search_panel.view
        return self.documents_view

    TITLE_MIN = 240

    def _fit_title_column(self) -> None:
        view = self.documents_view
        header = view.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(1, header.count())
                     if not header.isSectionHidden(c))
        want = max(self.TITLE_MIN, view.viewport().width() - others)
        if header.sectionSize(0) != want:
            header.blockSignals(True)
            header.resizeSection(0, want)
            header.blockSignals(False)
            view.updateGeometries()
            view.viewport().update()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.documents_view.viewport() and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_title_column)
        if (obj is getattr(self, "search_box", None) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)):
            self._go_to_hits()  # from the box down into its results, as in a mail client
            return True
        return super().eventFilter(obj, event)

    def _go_to_hits(self) -> None:
        view = self.search_panel.view
        if not view.model().rowCount():
            return
        self.show_list("search")
        if not view.currentIndex().isValid():
            view.setCurrentIndex(view.model().index(0, 0))
        view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_status_bar(self) -> None:
        self.counts_label = QLabel("")
        self.job_label = QLabel("")
        self.job_bar = QProgressBar(self)
        self.job_bar.setRange(0, 1000)
        self.job_bar.setMaximumWidth(160)
        self.job_bar.setTextVisible(False)
        self.job_bar.hide()
        bar = self.statusBar()
        bar.addWidget(self.counts_label, 1)
        bar.addPermanentWidget(self.job_label)
        bar.addPermanentWidget(self.job_bar)

    def _set_case_actions(self, on: bool) -> None:
        for action in (self.save_copy_action, self.close_action, self.import_action,
                       self.search_action, self.find_action, self.excerpt_action,
                       self.next_pane_action, self.previous_pane_action):
            action.setEnabled(on)
        self.search_box.setEnabled(on)
        self.stack.setCurrentWidget(self.reader if on else self.welcome)
        self._set_layout_actions(on)
        self._show_docks(on)
        if not on:
            self.welcome.set_recent(self.settings.recent)

    # -- opening and closing cases ----------------------------------------------------------
    def open_case(self, path: str | Path) -> bool:
        """Open a case file; a refusal is shown in a dialog and the window stays as it was."""
        path = Path(path)
        self._opening = True
        try:
            try:
                session = CaseSession.open(path, self, run=self._off_thread)
            except (WorkbenchError, OSError) as exc:
                if isinstance(exc, OSError):
                    exc = WorkbenchError(f"{path}: {exc.strerror or exc}")
                if not path.exists():  # a refused file stays listed: it may open later
                    self.settings.remove_recent(str(path.resolve()))
                dialogs.show_error(self, "Cannot open case", str(exc))
                self.welcome.set_recent(self.settings.recent)
                return False
            except Exception as exc:  # sqlite3 errors on a damaged file, among others
                dialogs.show_error(self, "Cannot open case", f"{path}: {exc}")
                return False
            self.close_case()
            self._attach(session)  # its first reads turn the event loop too
            return True
        finally:
            self._opening = False
            if self._close_requested:
                self._close_requested = False
                QTimer.singleShot(0, self.close)

    def _off_thread(self, fn):
        """Run ``fn`` on a helper thread; the window keeps painting (but takes no input)
        until it returns, and its result or exception comes back here."""
        box: dict = {}

        def work() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed back to the caller below
                box["error"] = exc
        thread = threading.Thread(target=work, name="open-case", daemon=True)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            thread.start()
            loop = QEventLoop()
            while thread.is_alive():
                QTimer.singleShot(15, loop.quit)
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            QGuiApplication.restoreOverrideCursor()
        if "error" in box:
            raise box["error"]
        return box["value"]

    def _attach(self, session: CaseSession) -> None:
        self.session = session
        session.jobs.dialog_parent = self
        session.batcher.batched.connect(self._apply_changes)
        session.jobs.busy_changed.connect(self._busy_changed)
        session.jobs.job_progressed.connect(self._job_progressed)
        session.jobs.job_completed.connect(lambda _job: self._catch_up())
        self.renderer = PageRenderer(session.queries, self)
        reader = session.reader
        # What grows with the case (every document's id, the navigator's counts) is read
        # on the session's reader while the window keeps painting.
        def first_reads(case):
            ids = browse.document_ids(case)
            return (ids, {d: n for n, d in enumerate(ids)}), read_tree(case), \
                overview.counts(case)
        try:
            ids, tree, counts = session.queries.call(first_reads)
        except WorkbenchError:  # read here instead (the same error will show there)
            ids, tree, counts = None, None, None
        # The steps below each take a little time: the window paints between them.
        self.documents_model.set_case(reader, ids)
        self.documents_model.queries = session.queries
        breathe()
        self.navigator.set_case(reader, tree, session.queries)
        self.side_panel.set_case(reader)
        self.reader.set_case(reader, self.renderer)
        self.search_panel.set_session(session)
        # A search made while the index was prepared is run again once it is ready.
        session.start_indexing().ended.connect(self.search_panel.index_ready)
        self.settings.add_recent(session.path)
        self.settings.last_case = session.path
        read_only = session.reader.read_only
        self.setWindowTitle(f"{session.title}{' (read-only)' if read_only else ''}"
                            " — Workbench")
        breathe()
        self._set_case_actions(True)
        breathe()
        if read_only:
            self.statusBar().showMessage(
                f"Read-only: {session.reader.read_only_why}. You can read and search; "
                "to edit, copy the case to a writable folder.")
        session.changed_elsewhere.connect(lambda changes: self.statusBar().showMessage(
            f"Updated with changes another program made ({changes.summary_line()})", 8000))
        if counts is not None:
            self._show_counts(counts)
        else:
            self._refresh_counts()
        if self.documents_proxy.rowCount():  # something to read straight away
            self.documents_view.selectRow(0)
        breathe()
        self.case_opened.emit(str(session.path))

    def close_case(self) -> None:
        if self.session is None:
            return
        session, self.session = self.session, None
        self.search_panel.set_session(None)
        self.reader.set_case(None)
        self.documents_model.set_case(None)
        self.documents_model.queries = None
        self.navigator.set_case(None)
        self.side_panel.set_case(None)
        if self.renderer is not None:
            self.renderer.deleteLater()
            self.renderer = None
        session.close()
        session.deleteLater()
        self.setWindowTitle("Workbench")
        self.counts_label.setText("")
        self._set_case_actions(False)
        self.case_closed.emit()

    def new_case(self) -> None:
        folder = str(Path(self.settings.last_case or Path.home()).parent)
        path = dialogs.ask_new_case_path(self, folder)
        if path is None:
            return
        title, ok = QInputDialog.getText(self, "New case", "Title of the investigation:",
                                         text=path.stem.replace("-", " ").replace("_", " "))
        if not ok:
            return
        try:
            session = CaseSession.create(path, title or path.stem, self)
        except WorkbenchError as exc:
            dialogs.show_error(self, "Cannot create case", str(exc))
            return
        self.close_case()
        self._attach(session)

    def open_case_dialog(self) -> None:
        folder = str(Path(self.settings.last_case or Path.home()).parent)
        path, _ = QFileDialog.getOpenFileName(self, "Open case", folder,
                                              "Case files (*.wbcase);;All files (*)")
        if path:
            self.open_case(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_case(p))
        if not self.settings.recent:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def save_copy(self) -> None:
        if self.session is None:
            return
        suggested = str(self.session.path.with_name(self.session.path.stem + " copy.wbcase"))
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy", suggested,
                                              "Case files (*.wbcase)")
        if path:
            self.save_copy_to(path)

    def save_copy_to(self, path: str | Path) -> Job | None:
        """Back the case up on the writer thread (SQLite's backup API)."""
        if self.session is None:
            return None
        job = self.session.jobs.run("Saving a copy", lambda case, _p: case.backup(path))
        job.finished.connect(lambda dest: self.statusBar().showMessage(
            f"Copy saved: {dest}", 8000))
        job.failed.connect(lambda msg: dialogs.show_error(self, "Cannot save a copy", msg))
        self.last_job = job
        return job

    def closeEvent(self, event) -> None:
        if self._opening:
            self._close_requested = True
            event.ignore()
            return
        if self.session is not None and self.session.jobs.busy:
            answer = QMessageBox.question(
                self, "Work is running", "An import or another job is still running. "
                "Stop it and quit? (Files already imported are kept.)")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_layout()
        last = str(self.session.path) if self.session else None
        self.close_case()
        self.settings.last_case = last
        self.settings.sync()
        event.accept()

    # -- documents and reading --------------------------------------------------------------
    def _scope_chosen(self, scope: dict) -> None:
        self.documents_model.set_scope(**scope)
        self.show_list("documents")

    def _record_chosen(self, kind: str, record_id: int) -> None:
        docks = getattr(self, "verification", None)
        if kind in ("statement", "evidence", "verdict") and docks is not None:
            if kind == "verdict":  # shown with its claim on the board
                kind, record_id = "claim", self._claim_of_verdict(record_id)
            if record_id is not None:
                docks.go_to(kind, record_id)
            return
        try:
            self.side_panel.show_record(kind, record_id)
        except WorkbenchError as exc:
            self.statusBar().showMessage(str(exc), 5000)
            return
        # Its details are in the side panel: bring it forward (readiness may be over it).
        self.side_dock.show()
        self.side_dock.raise_()

    def _claim_of_verdict(self, verdict_id: int) -> int | None:
        if self.session is None:
            return None
        case = self.session.reader
        return next((c.id for c in claims.list_all(case)
                     if any(v.id == verdict_id for v in claims.verdict_history(case, c.id))),
                    None)

    def _document_chosen(self, current, _previous=None) -> None:
        doc_id = current.data(IdRole) if current.isValid() else None
        if doc_id is not None and (self.reader.document is None
                                   or self.reader.document.id != doc_id):
            self.open_document(doc_id, select=False)

    def open_document(self, document_id: int, page: int = 1, *, focus=None, terms=(),
                      select: bool = True) -> None:
        try:
            self.reader.show_document(document_id, page, focus=focus, terms=terms)
        except WorkbenchError as exc:
            dialogs.show_error(self, "Cannot show document", str(exc))
            return
        self.side_panel.show_document(document_id)
        if select:
            row = self.documents_model.row_of(document_id)
            if row >= 0:
                index = self.documents_proxy.mapFromSource(self.documents_model.index(row, 0))
                if index.isValid():
                    self.documents_view.selectionModel().blockSignals(True)
                    self.documents_view.setCurrentIndex(index)
                    self.documents_view.selectionModel().blockSignals(False)
                    self.documents_view.scrollTo(index)

    def _excerpt_chosen(self, excerpt) -> None:
        self.open_document(excerpt.document_id, excerpt.page_no,
                           focus=(excerpt.start, excerpt.end))

    def _page_excerpt_clicked(self, excerpt_id: int) -> None:
        """An excerpt's highlight clicked on the page: look at it, and choose it in the
        excerpts list."""
        if self.session is None:
            return
        try:
            ex = excerpts.get(self.session.reader, excerpt_id)
        except WorkbenchError:
            return
        self.reader.focus = (ex.start, ex.end)
        self.reader.refresh_highlights()
        self.reader.text_view.scroll_to(ex.start)
        self.side_panel.setCurrentIndex(0)
        model = self.side_panel.excerpts_model
        row = next((n for n, e in enumerate(model.rows) if e.id == excerpt_id), -1)
        if row >= 0:
            self.side_panel.excerpts_view.selectRow(row)
            self.side_panel.excerpts_view.scrollTo(model.index(row, 0))

    def _hit_opened(self, document_id: int, page: int, terms: tuple) -> None:
        self.open_document(document_id, page, terms=terms)
        hits = self.reader.text_view.layer_ranges("terms")
        if hits:
            self.reader.text_view.scroll_to(hits[0][0])

    # -- search -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def focus_find(self) -> None:
        self.reader.find_edit.setFocus()
        self.reader.find_edit.selectAll()

    def _search_typed(self, *_args) -> None:
        text = self.search_box.text()
        self.search_panel.search(text)
        if text.strip():
            self.show_list("search")

    # -- changes and status -------------------------------------------------------------------
    def _catch_up(self) -> None:
        """A job ended (the batcher has just delivered its changes): bring the navigator
        and the counts up to date now, not at their next tick."""
        if self.navigator._timer.isActive():
            self.navigator._timer.stop()
            self.navigator.refresh()
        if self._counts_timer.isActive():
            self._counts_timer.stop()
            self._refresh_counts()

    def _apply_changes(self, changes: Changes) -> None:
        """What the session's change batcher delivers: refresh the rows concerned."""
        if self.session is None:
            return
        self.documents_model.apply_changes(changes)
        self.navigator.apply_changes(changes)
        self.side_panel.apply_changes(changes)
        self.search_panel.apply_changes(changes)
        doc = self.reader.document
        if doc is not None and doc.id in changes.touched("documents"):
            self.reader.reload_header()
        if self.reader.document is not None and (
                "excerpts" in changes.tables() or doc.id in changes.touched("documents")):
            self.reader.refresh_highlights()
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    def _refresh_counts(self) -> None:
        """Count on the session's reader (counting pages grows with the case)."""
        if self.session is None:
            return
        session = self.session
        session.queries.run(overview.counts,
                            lambda c: self.session is session and self._show_counts(c),
                            key="counts")

    def _show_counts(self, c: dict) -> None:
        self.counts_label.setText(
            f"{c['documents']:,} documents · {c['pages']:,} pages · {c['excerpts']} excerpts · "
            f"{c['actors']} actors · {c['claims']} claims · {c['findings']} findings"
            + (f" · {c['pages needing OCR']} pages need OCR" if c["pages needing OCR"] else ""))

    def _busy_changed(self, busy: bool) -> None:
        self.job_bar.setVisible(busy)
        if not busy:
            self.job_label.setText("Ready")
            self.job_bar.setValue(0)

    def _job_progressed(self, job: Job) -> None:
        self.job_label.setText(f"{job.label}: {Path(job.status).name or job.status}"[:80])
        self.job_bar.setValue(int(job.fraction * 1000))

    def _about(self) -> None:
        QMessageBox.about(self, "About Workbench",
                          f"<b>Workbench {__version__}</b><br>An offline case workbench for "
                          "investigative journalists and fact-checkers.")
