"""Search: the results list with snippets and facets.

Queries run on the session's reader (``session.queries``, see
:mod:`workbench.ui.shell.jobs`) against its read-only view of the case's whoosh index,
so typing never waits for a search, and a search never waits for an import: the writer
thread keeps the index in step, the reader only reads it. Typing is debounced, and a
result that arrives after a newer query was sent is dropped.

Hits arrive a page at a time: scrolling to the end of the list asks for the next page
(Qt's ``canFetchMore``/``fetchMore``), so a search with thousands of hits shows its
first page at once and every later one on demand.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView,
                               QLabel, QStyle, QStyledItemDelegate, QTableView, QVBoxLayout,
                               QWidget)

from workbench.ui.table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200


def run_search(queries, text: str, limit: int, offset: int):
    """Hits ``offset`` to ``offset + limit`` of ``text`` (facets with the first page only),
    on the session's reader thread, through its read-only view of the index."""
    from workbench.core.errors import WorkbenchError
    from workbench.core.search import searching

    def read(_case):
        try:
            return searching.run(queries.search_index(), text, limit=limit, offset=offset,
                                 facets=offset == 0)
        except WorkbenchError:  # QueryError says what is wrong with the query
            raise
        except Exception as exc:
            queries.forget_index()  # reopened on the next search
            raise WorkbenchError(f"the search index is not ready yet "
                                 f"({type(exc).__name__})") from None
    return read


class SearchHitsModel(ListTableModel):
    """The hits of one search, as many pages of them as were fetched so far."""

    COLUMNS = ("Title", "Page", "Kind", "Snippet")
    #: The view scrolled to the end and more hits exist: the panel fetches from ``offset``.
    more_wanted = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        #: How many hits the search has in all.
        self.total = 0
        self._fetching = False

    def set_hits(self, hits, total: int | None = None) -> None:
        self.beginResetModel()
        self.rows = list(hits)
        self.total = len(self.rows) if total is None else total
        self._fetching = False
        self.endResetModel()

    def append_hits(self, hits) -> None:
        """Add the next page of hits after the ones shown."""
        hits = list(hits)
        self._fetching = False
        if not hits:
            self.total = len(self.rows)  # the index holds fewer than it said (it changed)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
        self.rows.extend(hits)
        self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and len(self.rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_wanted.emit(len(self.rows))

    def hit(self, row: int):
        return self.row_item(row)

    def key_of(self, hit) -> int:
        return hit.doc_id

    def cell(self, hit, col: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return hit.title
            if col == 1:
                return hit.page if hit.page is not None else ""
            if col == 2:
                return hit.kind
            return hit.snippet.marked("", "")
        if role == Qt.ItemDataRole.UserRole and col == 3:
            marked = html.escape(hit.snippet.marked("\x01", "\x02"))
            # Dark text on the light mark in either palette.
            return marked.replace("\x01", '<b style="background:#bbf7d0; color:#111827">'
                                  ).replace("\x02", "</b>")
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.snippet.marked("«", "»")
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Draws a snippet with its hits highlighted (HTML from ``UserRole``)."""

    def paint(self, painter, option, index) -> None:
        markup = index.data(Qt.ItemDataRole.UserRole)
        if markup is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(markup)
        doc.setTextWidth(option.rect.width())
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), 40))


class SearchPanel(QWidget):
    """Results of the search box, narrowed by facets; opening a hit opens its page."""

    hit_opened = Signal(int, int, tuple)  # document, page, words to highlight
    record_opened = Signal(str, int)      # an actor, claim or finding without a page
    results_shown = Signal(int)           # how many hits in all

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.session = None
        self.text = ""
        self.results = None
        #: Whether the last search failed (the index not ready, say): run again when it is.
        self._last_failed = False
        self._query_sent = ""
        self._request_no = 0
        self._timer = QTimer(self, singleShot=True, interval=250)  # typing
        self._timer.timeout.connect(self._send)
        self._refresh_timer = QTimer(self, singleShot=True, interval=1500)  # case changed
        self._refresh_timer.timeout.connect(self._refresh)
        self.status = QLabel("Type in the search box (Ctrl+F): words, \"exact phrases\", "
                             "AND / OR / NOT, prefix*, from:name, kind:page, "
                             "date:[2024-01 TO 2024-06]")
        self.status.setWordWrap(True)
        self.kind_combo, self.actor_combo, self.year_combo = (QComboBox(self) for _ in range(3))
        facets = QHBoxLayout()
        for label, combo in (("Kind:", self.kind_combo), ("Actor:", self.actor_combo),
                             ("Year:", self.year_combo)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.activated.connect(lambda _=0: self._send())
            facets.addWidget(QLabel(label))
            facets.addWidget(combo)
        facets.addStretch(1)
        self.model = SearchHitsModel(self)
        self.model.more_wanted.connect(self._send_more)
        self.view = QTableView(self)
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(3, SnippetDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(42)
        header = self.view.horizontalHeader()
        header.resizeSection(0, 220)
        header.resizeSection(1, 44)
        header.resizeSection(2, 70)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._open)
        self.view.clicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        # The count and the facets share one row: on a small screen the rows of hits
        # need the height more.
        facets.insertWidget(0, self.status, 1)
        facets.insertSpacing(1, 8)
        facets.takeAt(facets.count() - 1)  # the stretch: the status takes the room
        layout.addLayout(facets)
        layout.addWidget(self.view, 1)
        self._reset_facets()

    # -- session ---------------------------------------------------------------------------
    def set_session(self, session) -> None:
        self._request_no += 1  # whatever the last session still answers is dropped
        self.session = session
        self.model.set_hits([])
        self._reset_facets()
        self.text = ""

    def _request(self, text: str, limit: int, offset: int = 0) -> None:
        self._request_no += 1
        request_no, session = self._request_no, self.session
        session.queries.run(run_search(session.queries, text, limit, offset),
                            lambda results: self._shown(request_no, results),
                            lambda message: self._failed(request_no, message),
                            key="search")

    def apply_changes(self, changes) -> None:
        """Run the current search again after the case changed (throttled: an import
        changes the case constantly, and must not hold back what the user types)."""
        if self.text.strip() and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _refresh(self) -> None:
        if not self._timer.isActive():
            self._send()

    # -- querying -------------------------------------------------------------------------
    def search(self, text: str) -> None:
        self.text = text
        if not text.strip():
            self._request_no += 1
            self.model.set_hits([])
            self._reset_facets()
            self.status.setText("")
            return
        self._timer.start(250)

    def query(self) -> str:
        """The text of the search box plus the facets chosen."""
        parts = [f"({self.text.strip()})"]
        kind = self.kind_combo.currentData()
        if kind:
            parts.append(f"kind:{kind}")
        actor = self.actor_combo.currentData()
        if actor:
            parts.append('actor:"{}"'.format(actor.replace('"', " ")))
        year = self.year_combo.currentData()
        if year:
            parts.append(f"year:{year}")
        return " AND ".join(parts) if len(parts) > 1 else self.text.strip()

    def _send(self) -> None:
        if self.session is None or not self.text.strip():
            return
        self.status.setText("Searching…")
        self._query_sent = self.query()
        self._request(self._query_sent, PAGE_SIZE)

    def _send_more(self, offset: int) -> None:
        """The next page of the search shown (the list was scrolled to its end)."""
        if self.session is None or self.results is None:
            self.model.fetch_failed()
            return
        self._request(self._query_sent, PAGE_SIZE, offset)

    def _shown(self, request_no: int, results) -> None:
        if request_no != self._request_no:
            return
        self._last_failed = False
        if results.offset:
            if results.offset == len(self.model.rows):
                self.model.append_hits(results.hits)
            else:
                self.model.fetch_failed()
        else:
            self.results = results
            self.model.set_hits(results.hits, results.total)
            self._fill_facets(results.facets)
            self.results_shown.emit(results.total)
        self._show_count()

    def _show_count(self) -> None:
        total, shown = self.model.total, len(self.model.rows)
        text = f"{total:,} result{'s' if total != 1 else ''}"
        if total > shown:
            text += f" (showing {shown:,}; scroll down for more)"
        skipped = self.results.facets.skipped if self.results is not None else None
        if skipped:  # the hits came without their counts (see core search)
            text += f"; {skipped}"
        self.status.setText(text)

    def index_ready(self) -> None:
        """The session's index is ready: a search that found it still being prepared is
        run again (its answer could not be trusted before)."""
        if self.session is not None and self.text.strip() and self._last_failed:
            self._send()

    def _failed(self, request_no: int, message: str) -> None:
        if request_no != self._request_no:
            return
        self._last_failed = True
        self.model.set_hits([])
        self.status.setText(f'<span style="color:#b91c1c">{html.escape(message)}</span>')

    # -- facets -----------------------------------------------------------------------------
    def _reset_facets(self) -> None:
        for combo, label in ((self.kind_combo, "all kinds"), (self.actor_combo, "all actors"),
                             (self.year_combo, "all years")):
            combo.clear()
            combo.addItem(label, None)

    def _fill_facets(self, facets) -> None:
        entries = ((self.kind_combo, "all kinds", [(k, f"{k} ({n})") for k, n in facets.kinds]),
                   (self.actor_combo, "all actors",
                    [(a.name, f"{a.name} ({a.count})") for a in facets.actors]),
                   (self.year_combo, "all years", [(y, f"{y} ({n})") for y, n in facets.years]))
        for combo, everything, items in entries:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value, label in items:
                combo.addItem(label, value)
            if chosen is not None:
                found = combo.findData(chosen)
                if found < 0:
                    combo.addItem(str(chosen), chosen)
                    found = combo.count() - 1
                combo.setCurrentIndex(found)
            combo.blockSignals(False)

    # -- opening ----------------------------------------------------------------------------
    def _open(self, index) -> None:
        hit = self.model.hit(index.row())
        if hit is None:
            return
        if hit.doc_id is None:
            # A note on evidence, a verdict or a statement recorded in no document is
            # opened where it is edited (Return on them used to do nothing).
            kind = {"actors": "actor", "claims": "claim", "findings": "finding",
                    "statements": "statement", "evidence": "evidence",
                    "verdicts": "verdict"}.get(hit.table)
            if kind:
                self.record_opened.emit(kind, hit.id)
            return
        self.hit_opened.emit(hit.doc_id, hit.page or 1, tuple(dict.fromkeys(hit.snippet.matched)))
