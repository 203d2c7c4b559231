"""The reader: one document, one page at a time.

PDFs show the original page (rendered off the GUI thread, see :mod:`.page_rendering`) beside
the page's text; emails show their headers with links to their thread and attachments;
everything else shows its text. Page navigation, zoom, and find in document with the
hits highlighted. Excerpts are made from a selection in the page text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QScrollArea, QSizePolicy,
                               QSpinBox, QSplitter, QToolButton, QVBoxLayout, QWidget)

from workbench.core import browse, documents, excerpts
from workbench.core.casefile import Case
from workbench.core.errors import WorkbenchError
from workbench.ui.reading.page_text import (EXCERPT_COLOUR, FIND_COLOUR, FOCUS_COLOUR, TERM_COLOUR,
                                    PageTextView, occurrences, term_ranges)

BASE_SCALE = 1.4  # pixels per PDF point at 100 %
PAGE_EXCERPT_COLOUR = QColor("#fde047")  # multiplied into the page: a highlighter's yellow
PAGE_FOCUS_COLOUR = QColor("#d97706")


class ReaderWidget(QWidget):
    """Shows a document. Signals name what the user asked for; the window acts on them."""

    excerpt_requested = Signal(int, int, int, int)  # document, page, start, end
    excerpt_clicked = Signal(int)  # an excerpt's highlight clicked on the page image
    document_requested = Signal(int)
    page_shown = Signal(int, int)  # document, page

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.renderer = None
        self.document: documents.Document | None = None
        self.page_no = 0
        self.zoom = 1.0
        self.fit_width = True
        self.terms: tuple[str, ...] = ()
        self.focus: tuple[int, int] | None = None
        self._find_pages: list[tuple[int, int]] = []
        self._find_index = -1
        self._request_no = 0
        self._build()

    # -- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.title_label = QLabel("No document open")
        self.title_label.setObjectName("readerTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                       QSizePolicy.Policy.Preferred)

        def button(text: str, tip: str, slot) -> QToolButton:
            b = QToolButton(self)
            b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _checked=False: slot())
            return b

        self.prev_button = button("◀", "Previous page (Ctrl+PgUp)", self.previous_page)
        self.next_button = button("▶", "Next page (Ctrl+PgDown)", self.next_page)
        self.page_spin = QSpinBox(self)
        self.page_spin.setMinimum(1)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.valueChanged.connect(self.show_page)
        self.page_count_label = QLabel("of 0")
        self.zoom_label = QLabel("Fit")
        self.zoom_label.setMinimumWidth(38)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find in document")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMaximumWidth(220)
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_label = QLabel("")
        self.find_label.setStyleSheet("color: palette(mid);")
        self._find_timer = QTimer(self, singleShot=True, interval=200)
        self._find_timer.timeout.connect(self._run_find)
        self.find_edit.textChanged.connect(lambda _: self._find_timer.start())

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 2)
        for w in (self.prev_button, self.page_spin, self.page_count_label, self.next_button,
                  button("−", "Zoom out (Ctrl+-)", self.zoom_out), self.zoom_label,
                  button("+", "Zoom in (Ctrl++)", self.zoom_in),
                  button("↔", "Fit width (Ctrl+0)", self.zoom_fit),
                  self.find_edit, button("↑", "Previous hit (Shift+F3)", self.find_previous),
                  button("↓", "Next hit (F3)", self.find_next), self.find_label):
            bar.addWidget(w)
        bar.insertStretch(8, 1)  # page and zoom controls left, find right
        self.text_button = button("¶", "Show or hide the page's text beside the image (F8): "
                                  "hidden, the page fills the reader", self.toggle_text)
        self.text_button.setCheckable(True)
        self.text_button.setChecked(True)
        bar.addWidget(self.text_button)

        self.header = QLabel(self)
        self.header.setObjectName("readerHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.header.linkActivated.connect(self._link)
        self.header.setContentsMargins(8, 2, 8, 4)

        self.image_label = QLabel(self)
        self.image_label.setObjectName("pageImage")
        self.image_label.installEventFilter(self)
        self.image_label.setMouseTracking(True)
        self._page_boxes: list[tuple[int, QRectF]] = []  # excerpt id, where on the image
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image_label.setStyleSheet("background: #e5e7eb;")
        self.image_area = QScrollArea(self)
        self.image_area.setWidget(self.image_label)
        self.image_area.setWidgetResizable(True)
        self.image_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.image_area.viewport().installEventFilter(self)
        self.text_view = PageTextView(self)
        self.text_view.excerpt_requested.connect(self._excerpt)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("readerSplitter")
        self.splitter.addWidget(self.image_area)
        self.splitter.addWidget(self.text_view)
        self.splitter.setChildrenCollapsible(False)
        # The page image takes most of the width (at Fit it fills it); the text beside it
        # keeps enough to select a passage.
        self.image_area.setMinimumWidth(300)
        self.text_view.setMinimumWidth(220)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 380])
        # Panels opening around it (docks, the side panel) never squeeze it below this.
        self.setMinimumWidth(540)
        self.setMinimumHeight(260)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.title_label.setContentsMargins(8, 4, 8, 0)
        layout.addWidget(self.title_label)
        layout.addLayout(bar)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)

        for keys, slot in (("Ctrl+PgDown", self.next_page), ("Ctrl+PgUp", self.previous_page),
                           (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
                           ("Ctrl+0", self.zoom_fit),
                           (QKeySequence.StandardKey.FindNext, self.find_next),
                           (QKeySequence.StandardKey.FindPrevious, self.find_previous),
                           ("F8", self.toggle_text)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.addAction(action)
        self.show_nothing()

    # -- what is shown ---------------------------------------------------------------------
    def set_case(self, case: Case | None, renderer=None) -> None:
        if self.renderer is not None:
            self.renderer.page_rendered.disconnect(self._rendered)
            self.renderer.render_failed.disconnect(self._render_failed)
        self.case, self.renderer = case, renderer
        if renderer is not None:
            renderer.page_rendered.connect(self._rendered)
            renderer.render_failed.connect(self._render_failed)
        self.show_nothing()

    def show_nothing(self) -> None:
        self.document = None
        self.page_no = 0
        self.title_label.setText("No document open")
        self.header.setText('<span style="color:#6b7280">Choose a document in the list, '
                            "or a result of a search, to read it here.</span>")
        self.text_view.set_page_text("")
        self.image_area.hide()
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(1)
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.page_count_label.setText("of 0")
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.prev_button, self.next_button, self.page_spin, self.find_edit):
            w.setEnabled(on)

    def show_document(self, document_id: int, page: int = 1, *,
                      focus: tuple[int, int] | None = None, terms=()) -> None:
        """Open a document at ``page``; ``focus`` is a character range to highlight."""
        if self.case is None:
            return
        doc = documents.get(self.case, document_id)
        changed = self.document is None or self.document.id != doc.id
        self.document = doc
        self.terms = tuple(terms)
        self.title_label.setText(doc.title)
        self.title_label.setToolTip(doc.title)
        self.header.setText(self._header_html(doc))
        self.page_count_label.setText(f"of {doc.page_count}")
        self.image_area.setVisible(doc.kind in ("pdf", "image"))
        self._set_enabled(doc.page_count > 0)
        if changed:
            self._find_pages, self._find_index = [], -1
            if self.find_edit.text():
                self._run_find()
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(max(1, doc.page_count))
        self.page_spin.blockSignals(False)
        self._open_page(max(1, min(page, doc.page_count or 1)), focus=focus)

    def reload_header(self) -> None:
        """The open document's description changed (title, origin, confidential)."""
        if self.document is None or self.case is None:
            return
        try:
            self.document = documents.get(self.case, self.document.id)
        except WorkbenchError:  # deleted: nothing left to show
            self.show_nothing()
            return
        self.title_label.setText(self.document.title)
        self.title_label.setToolTip(self.document.title)
        self.header.setText(self._header_html(self.document))

    def show_page(self, page: int) -> None:
        if self.document is not None and page != self.page_no:
            self._open_page(page)

    def next_page(self) -> None:
        if self.document and self.page_no < self.document.page_count:
            self._open_page(self.page_no + 1)

    def previous_page(self) -> None:
        if self.document and self.page_no > 1:
            self._open_page(self.page_no - 1)

    def _open_page(self, page: int, *, focus: tuple[int, int] | None = None) -> None:
        doc = self.document
        assert doc is not None and self.case is not None
        if page != self.page_no:
            self._page_boxes = []  # the old page's highlights are not on this one
        self.page_no = page
        self.focus = focus
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page)
        self.page_spin.blockSignals(False)
        try:
            text = documents.page(self.case, doc.id, page).text if doc.page_count else ""
        except WorkbenchError as exc:
            text = f"[{exc}]"
        self.text_view.set_page_text(text)
        self.refresh_highlights()
        if focus is not None:
            self.text_view.scroll_to(focus[0])
        self._request_image()
        self.page_shown.emit(doc.id, page)

    def refresh_highlights(self) -> None:
        """Re-read this page's excerpts and redraw every highlight layer."""
        if self.document is None or self.case is None:
            return
        view = self.text_view
        marks = excerpts.list_all(self.case, document_id=self.document.id, page=self.page_no)
        view.set_layer("excerpts", [(e.start, e.end) for e in marks], EXCERPT_COLOUR)
        view.set_layer("terms", term_ranges(view.text, self.terms), TERM_COLOUR)
        view.set_layer("find", occurrences(view.text, self.find_edit.text()), FIND_COLOUR)
        view.set_layer("focus", [self.focus] if self.focus else [], FOCUS_COLOUR, bold=True)
        if self.image_area.isVisible() and self.document.kind == "pdf":
            self._request_image()  # the page image carries the excerpts too

    # -- header --------------------------------------------------------------------------
    def _header_html(self, doc: documents.Document) -> str:
        esc = html.escape
        grey = 'style="color:#6b7280"'
        parts = []
        mail = documents.email(self.case, doc.id) if doc.kind == "email" else None
        if mail is not None:
            rows = [(k, v) for k, v in (("From", mail.from_addr), ("To", mail.to_addrs),
                                        ("Cc", mail.cc_addrs), ("Date", mail.date),
                                        ("Subject", mail.subject)) if v]
            parts.append("<table cellspacing=0 cellpadding=1>" + "".join(
                f"<tr><td {grey}>{k}:&nbsp;</td><td>{esc(v)}</td></tr>" for k, v in rows)
                + "</table>")
            thread = browse.email_thread(self.case, doc.id)
            if thread:
                parts.append(f"<span {grey}>Thread:</span> " + " · ".join(
                    f'<a href="doc:{d}">{esc(t)}</a>' for d, t in thread))
        else:
            bits = [doc.date, doc.kind,
                    f"{doc.page_count} page{'s' if doc.page_count != 1 else ''}",
                    doc.origin, doc.file_name, doc.received, f"SHA-256 {doc.short_hash}…"]
            parts.append(f"<span {grey}>" + " · ".join(esc(b) for b in bits if b) + "</span>")
        attached = browse.attachments(self.case, doc.id)
        if attached:
            parts.append(f"<span {grey}>Attachments:</span> " + " · ".join(
                f'<a href="doc:{d}">{esc(t)}</a>' for d, t in attached))
        if doc.parent_id is not None:
            parent = documents.get(self.case, doc.parent_id)
            parts.append(f'<span {grey}>Attached to:</span> '
                         f'<a href="doc:{parent.id}">{esc(parent.title)}</a>')
        if doc.confidential:
            parts.append('<b style="color:#9b1c1c">Confidential</b>')
        return "<br>".join(parts)

    def _link(self, href: str) -> None:
        if href.startswith("doc:"):
            self.document_requested.emit(int(href[4:]))

    # -- page image ------------------------------------------------------------------------
    def _request_image(self) -> None:
        doc = self.document
        if doc is None or not self.image_area.isVisible():
            return
        if doc.kind == "image":
            image = QImage.fromData(documents.data(self.case, doc.id))
            self._rendered(self._request_no, image)
            return
        if self.renderer is None:
            return
        self._request_no += 1
        pixmap = self.image_label.pixmap()
        if pixmap is None or pixmap.isNull():
            # Otherwise the page stays until its new rendering arrives (no flicker when
            # only the highlights or the zoom change).
            self.image_label.setText("Rendering page…")
        # A negative scale asks the renderer to fit that many pixels of width.
        scale = (-max(200, self.image_area.viewport().width() - 16) if self.fit_width
                 else BASE_SCALE * self.zoom)
        marks = [(e.id, e.start, e.end) for e in excerpts.list_all(
            self.case, document_id=doc.id, page=self.page_no)]
        if self.focus is not None:
            marks.append((0, *self.focus))  # key 0: the range being looked at
        self.renderer.request(self._request_no, doc.id, self.page_no, scale, marks,
                              self.text_view.text)

    def _rendered(self, request_no: int, image: QImage, boxes=()) -> None:
        if request_no != self._request_no:
            return
        if image.isNull():
            self.image_label.setText("This page cannot be shown.")
            return
        self._page_boxes = []
        if boxes:
            image = self._paint_highlights(image, boxes)
        if self.document is not None and self.document.kind == "image" and self.fit_width:
            width = max(200, self.image_area.viewport().width() - 16)
            if image.width() > width:
                image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(QPixmap.fromImage(image))

    def _paint_highlights(self, image: QImage, boxes) -> QImage:
        """Excerpts as a highlighter would mark paper: yellow multiplied into the page, so
        the print stays black and readable whatever the window's palette; the range being
        looked at is outlined."""
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        painter = QPainter(image)
        try:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            for key, rects in boxes:
                if key == 0:
                    continue
                for x, y, w, h in rects:
                    rect = QRectF(x - 1, y - 1, w + 2, h + 2)
                    painter.fillRect(rect, PAGE_EXCERPT_COLOUR)
                    self._page_boxes.append((key, rect))
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            pen = QPen(PAGE_FOCUS_COLOUR)
            pen.setWidthF(2.0)
            painter.setPen(pen)
            for key, rects in boxes:
                if key == 0:
                    for x, y, w, h in rects:
                        painter.drawRect(QRectF(x - 2, y - 2, w + 4, h + 4))
        finally:
            painter.end()
        return image

    def excerpt_at(self, pos) -> int | None:
        """The excerpt whose highlight is under ``pos`` (image label coordinates)."""
        pixmap = self.image_label.pixmap()
        if pixmap is None or pixmap.isNull():
            return None
        left = (self.image_label.width() - pixmap.width()) / 2
        point = QPointF(pos.x() - left, pos.y())
        for key, rect in self._page_boxes:
            if rect.contains(point):
                return key
        return None

    def eventFilter(self, obj, event) -> bool:
        area = getattr(self, "image_area", None)  # events come while it is being built
        if (area is not None and obj is area.viewport()
                and event.type() == QEvent.Type.Resize
                and event.size().width() != event.oldSize().width()
                and self.fit_width and self.document is not None):
            # The splitter or a panel changed the page's room: fit it again.
            QTimer.singleShot(0, self._request_image)
        if obj is self.image_label and event.type() == QEvent.Type.MouseButtonPress:
            key = self.excerpt_at(event.position())
            if key is not None:
                self.excerpt_clicked.emit(key)
                return True
        if obj is self.image_label and event.type() == QEvent.Type.MouseMove:
            over = self.excerpt_at(event.position()) is not None
            self.image_label.setCursor(Qt.CursorShape.PointingHandCursor if over
                                       else Qt.CursorShape.ArrowCursor)
        return super().eventFilter(obj, event)

    def _render_failed(self, request_no: int, message: str) -> None:
        if request_no == self._request_no:
            self.image_label.setText(message)

    def zoom_in(self) -> None:
        self._set_zoom(self.zoom * 1.25)

    def zoom_out(self) -> None:
        self._set_zoom(self.zoom / 1.25)

    def toggle_text(self) -> None:
        """Hide the page text so the page image has the reader's whole width, or show it
        again; at Fit the page is fitted to the new width."""
        shown = not self.text_view.isVisible()
        self.text_view.setVisible(shown)
        self.text_button.setChecked(shown)
        if self.fit_width:
            self._request_image()

    def zoom_fit(self) -> None:
        self.fit_width = True
        self.zoom_label.setText("Fit")
        self._apply_text_zoom(1.0)
        self._request_image()

    def _set_zoom(self, zoom: float) -> None:
        self.fit_width = False
        self.zoom = max(0.25, min(6.0, zoom))
        self.zoom_label.setText(f"{round(self.zoom * 100)}%")
        self._apply_text_zoom(self.zoom)
        self._request_image()

    def _apply_text_zoom(self, zoom: float) -> None:
        font = self.text_view.font()
        base = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 10.0
        font.setPointSizeF(max(6.0, base * zoom))
        self.text_view.setFont(font)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit_width and self.document is not None:
            QTimer.singleShot(0, self._request_image)

    # -- find in document ------------------------------------------------------------------
    def _run_find(self) -> None:
        needle = self.find_edit.text()
        if self.document is None or self.case is None:
            return
        self._find_pages = browse.find_in_document(self.case, self.document.id, needle)
        self._find_index = -1
        total = sum(n for _, n in self._find_pages)
        here = dict(self._find_pages).get(self.page_no, 0)
        if not needle:
            self.find_label.setText("")
        elif not total:
            self.find_label.setText("no hits")
        else:
            pages = len(self._find_pages)
            self.find_label.setText(f"{here} here · {total} on {pages} page"
                                    f"{'s' if pages != 1 else ''}")
        self.refresh_highlights()

    def find_next(self) -> None:
        self._find_step(+1)

    def find_previous(self) -> None:
        self._find_step(-1)

    def _find_step(self, step: int) -> None:
        """Move to the next (or previous) hit, across pages."""
        if self.document is None or not self.find_edit.text():
            return
        hits = occurrences(self.text_view.text, self.find_edit.text())
        index = self._find_index + step
        if 0 <= index < len(hits):
            self._focus_hit(hits, index)
            return
        pages = [p for p, _ in self._find_pages]
        later = [p for p in pages if (p > self.page_no if step > 0 else p < self.page_no)]
        if not later and pages:
            later = [pages[0]] if step > 0 else [pages[-1]]  # wrap around
        if not later:
            return
        self._open_page(later[0] if step > 0 else later[-1])
        hits = occurrences(self.text_view.text, self.find_edit.text())
        if hits:
            self._focus_hit(hits, 0 if step > 0 else len(hits) - 1)

    def _focus_hit(self, hits: list[tuple[int, int]], index: int) -> None:
        self._find_index = index
        self.focus = hits[index]
        self.refresh_highlights()
        self.text_view.scroll_to(hits[index][0])

    # -- excerpting ------------------------------------------------------------------------
    def _excerpt(self) -> None:
        selected = self.text_view.selection_range()
        if self.document is not None and selected is not None:
            self.excerpt_requested.emit(self.document.id, self.page_no, *selected)

    def request_excerpt(self) -> None:
        """The window's Ctrl+E: excerpt the current selection, if any."""
        self._excerpt()
