"""File > Export report: title, byline, date, draft or final, format; in the background.

The export runs as a job on the writer thread (reads a consistent snapshot, never blocks
the window) with progress. A final export runs the publication gate on the same snapshot
first and is refused, with the reasons listed, while any problem remains. When it is
done the dialog offers to open the file, and shows the first pages of a PDF, rendered
with pypdfium2 (off the GUI thread, as QImages).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFileDialog, QFormLayout, QFrame,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QProgressBar,
                               QPushButton, QRadioButton, QScrollArea, QVBoxLayout, QWidget)
from PySide6.QtWidgets import QCheckBox  # the chronology option

from workbench.core import gate, snapshot
from workbench.core.casefile import Case
from workbench.core.errors import ValidationError
from workbench.core.progress import Progress

FORMATS = (("pdf", "PDF report", ".pdf"), ("md", "Markdown", ".md"),
           ("claimreview", "ClaimReview (JSON-LD)", ".jsonld"))
PREVIEW_PAGES = 3
PREVIEW_WIDTH = 230  # pixels per page in the preview


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    fmt: str  # pdf | md | claimreview
    title: str | None
    byline: str | None
    date: str | None
    draft: bool
    chronology: bool = False  # the optional Chronology section
    publisher: str | None = None  # ClaimReview's author (default: the case's setting)
    url: str | None = None  # where the fact-check is published (ClaimReview's url)


@dataclass(frozen=True)
class ExportResult:
    path: Path | None
    refused: tuple[gate.Problem, ...]
    findings: int = 0
    citations: int = 0
    sources: int = 0
    preview: tuple[QImage, ...] = ()
    text_preview: str = ""


def export(case: Case, request: ExportRequest, progress: Progress) -> ExportResult:
    """Build the snapshot, check the gate for a final export, render, read back, write
    (all in :func:`workbench.report.export.export`, as the command line does). Any
    thread."""
    from workbench.report import export as report_export

    if request.fmt == "claimreview" and not request.draft and not (
            request.publisher and request.url):
        raise ValidationError("a final ClaimReview names who publishes the fact-check and "
                              "where: fill in Publisher and Published at (URL)")

    try:
        done = report_export.export(case, report_export.ExportRequest(
            fmt=request.fmt, output=request.path, title=request.title,
            byline=request.byline, date=request.date, draft=request.draft,
            chronology=request.chronology, publisher=request.publisher, url=request.url),
            progress=progress.child(0.0, 0.9))
    except OSError as exc:  # a folder, no permission, a full disk: say so in one line
        raise ValidationError(f"cannot write {request.path}: "
                              f"{exc.strerror or exc}") from exc
    if done.refused:
        return ExportResult(None, done.problems)
    snap = done.snapshot
    preview: tuple[QImage, ...] = ()
    if request.fmt == "pdf":
        progress.update(0.9, "Rendering a preview")
        preview = render_preview(request.path)
    progress.update(1.0, "Done")
    return ExportResult(request.path, (), len(snap.findings), len(snap.notes),
                        len(snap.sources), preview, (done.text or "")[:6000])


def render_preview(path: Path, pages: int = PREVIEW_PAGES,
                   width: int = PREVIEW_WIDTH * 2) -> tuple[QImage, ...]:
    """The first ``pages`` pages as QImages ``width`` pixels wide (pypdfium2; any thread:
    it holds the process's PDFium lock, as every PDFium call does)."""
    import pypdfium2 as pdfium

    from workbench.core.importing.pdf import PDFIUM_LOCK

    out = []
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for n in range(min(pages, len(pdf))):
                page = pdf[n]
                scale = width / page.get_width()
                bitmap = page.render(scale=scale, rev_byteorder=True)
                w, h = bitmap.width, bitmap.height
                fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 \
                    else QImage.Format.Format_RGBA8888
                out.append(QImage(bytes(bitmap.buffer), w, h, bitmap.stride, fmt).copy())
                bitmap.close()  # freed here, under the lock, not by a finaliser later
                page.close()
        finally:
            pdf.close()
    return tuple(out)


def in_window_terms(p: gate.Problem) -> tuple[str, str]:
    """A refusal as a window user reads it (what is wrong, where to click), and the label
    of the button that opens the record. The gate's own ``fix`` names commands."""
    title = _quoted_title(p.message)
    if p.kind == "no-citation":
        return (f"Finding {p.subject_id}{title} cites nothing: open it and cite an excerpt "
                "or a statement (Ctrl+K).", f"Open finding {p.subject_id}")
    if p.kind == "draft":
        return (f"Finding {p.subject_id}{title} is still a draft: open it and set its "
                "status to checked.", f"Open finding {p.subject_id}")
    if p.kind == "no-verdict":
        what = "a verdict without a rationale" if "rationale" in p.message else "no verdict"
        return (f"Claim {p.subject_id} has {what}, and finding {p.finding_id} relies on it: "
                "open it on the board and set the verdict with its reasons.",
                f"Open claim {p.subject_id}")
    if p.kind == "no-response":
        name = p.message.split(" (actor ")[0]
        return (f"{name} is named in finding {p.finding_id} but has no response on "
                "record: open the actor and record a statement, or that they did not "
                "respond (Ctrl+Shift+T).", f"Open actor {p.subject_id}")
    if p.kind == "quote-mismatch":
        return (f"Excerpt {p.subject_id} no longer matches its page: open it, select the "
                "passage again and make a new excerpt (Ctrl+E), then cite that one.",
                f"Open excerpt {p.subject_id}")
    if p.kind == "confidential":
        if "not cleared for publication" in p.message:
            return (f"{_capital(p.where)} quotes a confidential source that is not cleared "
                    "for publication: open it and cite something else, or clear the "
                    "excerpt for publication.", f"Open {p.where}")
        target = f"{p.subject} {p.subject_id}" if p.subject_id is not None else p.subject
        return (f"{_capital(p.message)}: open {target} and rewrite it without that.",
                f"Open {target}")
    return _capital(p.message) + ".", f"Open {p.subject}"


def _quoted_title(message: str) -> str:
    m = re.search(r'"(.*)"', message)
    return f" “{m.group(1)}”" if m else ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-")
    return slug[:60] or "report"


class ExportDialog(QDialog):
    """Export the report; the dialog stays open to show progress, refusal or result."""

    export_finished = Signal(object)  # ExportResult
    export_failed = Signal(str)
    location_requested = Signal(str, int)  # a refusal's record: "finding", 2

    def __init__(self, session, parent: QWidget | None = None, *,
                 folder: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export report")
        self.session = session
        self.job = None
        self.result: ExportResult | None = None
        self.open_requested_path: Path | None = None
        self.running: ExportRequest | None = None
        title = session.reader.info.title
        folder = Path(folder) if folder else session.path.parent
        self.title_edit = QLineEdit(title, self)
        self.title_edit.setToolTip("The report's title (checked for confidential names)")
        self.byline_edit = QLineEdit(self)
        self.byline_edit.setPlaceholderText("e.g. By A. Reporter and B. Checker")
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setToolTip("The date printed on the report")
        self.draft_radio = QRadioButton("&Draft (marked DRAFT on every page)", self)
        self.final_radio = QRadioButton("&Final (only when every check passes)", self)
        self.draft_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.draft_radio)
        group.addButton(self.final_radio)
        self.format_combo = QComboBox(self)
        for key, text, _ext in FORMATS:
            self.format_combo.addItem(text, key)
        self.format_combo.setToolTip("PDF to publish; Markdown to edit; ClaimReview "
                                     "JSON-LD for fact-check aggregators")
        publisher, url = snapshot.publication(session.reader)
        self.publisher_edit = QLineEdit(publisher or "", self)
        self.publisher_edit.setPlaceholderText("The organisation publishing the fact-check")
        self.publisher_edit.setToolTip("ClaimReview's author: the publishing organisation, "
                                       "not the byline (needed for a final ClaimReview)")
        self.url_edit = QLineEdit(url or "", self)
        self.url_edit.setPlaceholderText("https://…")
        self.url_edit.setToolTip("Where the fact-check is published (needed for a final "
                                 "ClaimReview)")
        self.path_edit = QLineEdit(str(folder / f"{_slug(title)}.pdf"), self)
        self.browse_button = QPushButton("&Browse…", self)
        self.browse_button.clicked.connect(lambda: self._browse())
        self.format_combo.currentIndexChanged.connect(self._format_changed)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The refusals, one a row; Enter, a double-click or the button opens the record.
        self.problems_view = QListWidget(self)
        self.problems_view.setObjectName("exportProblems")
        self.problems_view.setWordWrap(True)
        self.problems_view.setMaximumHeight(170)
        self.problems_view.itemActivated.connect(lambda _item: self.open_problem())
        self.problems_view.currentRowChanged.connect(self._problem_chosen)
        self.problems_view.hide()
        self.open_problem_button = QPushButton("Open", self)
        self.open_problem_button.setObjectName("openProblem")
        self.open_problem_button.setToolTip("Show where this is fixed (Enter)")
        self.open_problem_button.clicked.connect(lambda: self.open_problem())
        self.open_problem_button.hide()
        self.preview_row = QHBoxLayout()
        self.preview_row.setSpacing(10)
        preview_host = QWidget(self)
        preview_host.setLayout(self.preview_row)
        self.preview_area = QScrollArea(self)
        self.preview_area.setObjectName("exportPreview")
        self.preview_area.setWidget(preview_host)
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setMinimumHeight(260)  # scrolls on a small screen
        self.preview_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_area.hide()
        self.text_preview = QPlainTextEdit(self)
        self.text_preview.setReadOnly(True)
        self.text_preview.setMinimumHeight(240)
        self.text_preview.hide()

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("&Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.open_button = self.buttons.addButton("&Open file",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setToolTip("Open the exported file with the system's viewer")
        self.open_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(lambda: self.start())
        self.open_button.clicked.connect(lambda: self.open_file())
        self.close_button.clicked.connect(lambda: self._close())

        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("B&yline:", self.byline_edit)
        form.addRow("D&ate:", self.date_edit)
        kind = QVBoxLayout()
        kind.addWidget(self.draft_radio)
        kind.addWidget(self.final_radio)
        form.addRow(QLabel("Kind:", self), kind)
        form.addRow("&Format:", self.format_combo)
        form.addRow("&Publisher:", self.publisher_edit)
        form.addRow("Published at (&URL):", self.url_edit)
        self.form = form
        self.chronology_check = QCheckBox("Add a &chronology of what the findings rely on",
                                          self)
        form.addRow("", self.chronology_check)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.browse_button)
        save_label = QLabel("&Save as:", self)
        save_label.setBuddy(self.path_edit)
        form.addRow(save_label, where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems_view)
        layout.addWidget(self.open_problem_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.preview_area, 1)
        layout.addWidget(self.text_preview, 1)
        layout.addWidget(self.buttons)
        order = [self.title_edit, self.byline_edit, self.date_edit, self.draft_radio,
                 self.final_radio, self.format_combo, self.path_edit, self.browse_button]
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)
        self.resize(780, 360)
        self._format_changed()

    # -- fields --------------------------------------------------------------------------
    @property
    def fmt(self) -> str:
        return self.format_combo.currentData()

    def _format_changed(self, *_args) -> None:
        ext = next(e for k, _t, e in FORMATS if k == self.fmt)
        path = Path(self.path_edit.text() or "report")
        self.path_edit.setText(str(path.with_suffix(ext)))
        for field in (self.publisher_edit, self.url_edit):  # ClaimReview's own fields
            self.form.setRowVisible(field, self.fmt == "claimreview")

    def _browse(self) -> None:
        ext = next(e for k, _t, e in FORMATS if k == self.fmt)
        path, _ = QFileDialog.getSaveFileName(self, "Export report to", self.path_edit.text(),
                                              f"{self.format_combo.currentText()} (*{ext})")
        if path:
            self.path_edit.setText(path)

    def request(self) -> ExportRequest:
        return ExportRequest(
            path=Path(self.path_edit.text()).expanduser(), fmt=self.fmt,
            title=self.title_edit.text().strip() or None,
            byline=self.byline_edit.text().strip() or None,
            date=self.date_edit.date().toString("yyyy-MM-dd"),
            draft=self.draft_radio.isChecked(),
            chronology=self.chronology_check.isChecked(),
            publisher=self.publisher_edit.text().strip() or None,
            url=self.url_edit.text().strip() or None)

    # -- running ---------------------------------------------------------------------------
    def start(self):
        """Export in the background; returns the Job (None when already running)."""
        if self.job is not None:
            return None
        request = self.request()
        self.running = request
        if not self.path_edit.text().strip():
            self._say("Choose where to save the report.")
            return None
        self.result = None
        self.problems_view.hide()
        self.open_problem_button.hide()
        self.open_button.hide()
        self._clear_preview()
        self.progress.setValue(0)
        self.progress.show()
        self._say("Exporting…")
        self.export_button.setEnabled(False)
        job = self.session.jobs.run("Exporting report",
                                    lambda case, progress: export(case, request, progress),
                                    cancellable=True)
        job.progressed.connect(self._progressed)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.ended.connect(self._ended)
        self.job = job
        return job

    def _progressed(self, fraction: float, status: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if status:
            self._say(status + "…")

    def _ended(self) -> None:
        self.job = None
        self.progress.hide()
        self.export_button.setEnabled(True)

    def _failed(self, message: str) -> None:
        if self.job is not None and self.job.was_cancelled:
            self._say("Export cancelled; no file was written.")
        else:
            self._say(f"The export failed: {message}", problem=True)
        self.export_failed.emit(message)

    def _finished(self, result: ExportResult) -> None:
        self.result = result
        if result.refused:
            n = len(result.refused)
            self._say(f"Not exported: a final report needs every publication check to pass, "
                      f"and {n} problem{'s remain' if n != 1 else ' remains'}. Open "
                      f"{'each' if n != 1 else 'it'} below to fix it, or choose Draft.",
                      problem=True)
            self.problems_view.clear()
            for p in result.refused:
                text, _button = in_window_terms(p)
                item = QListWidgetItem(text)
                item.setToolTip(text)
                self.problems_view.addItem(item)
            self.problems_view.show()
            self.open_problem_button.show()
            self.problems_view.setCurrentRow(0)
            self.problems_view.setFocus()
        else:
            kind = "Draft report" if self.running.draft else "Final report"
            self._say(f"{kind} written to {result.path} ({result.findings} findings, "
                      f"{result.citations} citations, {result.sources} sources). "
                      "Open it?")
            self.open_button.show()
            self.open_button.setFocus()
            self._show_preview(result)
        self.export_finished.emit(result)

    def _problem_chosen(self, row: int) -> None:
        refused = self.result.refused if self.result is not None else ()
        if 0 <= row < len(refused):
            self.open_problem_button.setText(in_window_terms(refused[row])[1])

    def open_problem(self) -> None:
        """Open the record of the chosen refusal (the window shows where to fix it)."""
        refused = self.result.refused if self.result is not None else ()
        row = self.problems_view.currentRow()
        if 0 <= row < len(refused):
            p = refused[row]
            self.location_requested.emit(p.subject, p.subject_id
                                         if p.subject_id is not None else 0)

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.status_label.setText(text)
        if problem:
            from workbench.ui.style import PROBLEM_HUE, strong
            self.status_label.setStyleSheet(f"color: {strong(PROBLEM_HUE, self).name()};")
        else:
            self.status_label.setStyleSheet("")

    def _clear_preview(self) -> None:
        while self.preview_row.count():
            item = self.preview_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.preview_area.hide()
        self.text_preview.hide()

    def _show_preview(self, result: ExportResult) -> None:
        self._clear_preview()
        if result.preview:
            for n, image in enumerate(result.preview, start=1):
                label = QLabel(self)
                pixmap = QPixmap.fromImage(image)
                ratio = image.width() / PREVIEW_WIDTH
                pixmap.setDevicePixelRatio(ratio)
                label.setPixmap(pixmap)
                label.setFixedSize(PREVIEW_WIDTH + 2, int(image.height() / ratio) + 2)
                label.setToolTip(f"Page {n}")
                label.setFrameShape(QFrame.Shape.Box)
                self.preview_row.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
            self.preview_row.addStretch(1)
            self.preview_area.show()
            self.resize(max(self.width(), 80 + len(result.preview) * (PREVIEW_WIDTH + 14)),
                        max(self.height(), 660))
        elif result.text_preview:
            self.text_preview.setPlainText(result.text_preview)
            self.text_preview.show()
            self.resize(self.width(), max(self.height(), 600))
        self._keep_on_screen()

    def _keep_on_screen(self) -> None:
        """Grown to show the preview, the dialog stays on the screen (on a 768-pixel
        laptop screen its buttons had gone below the edge)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        extra = self.frameGeometry().height() - self.height()  # the title bar, if any
        self.resize(min(self.width(), room.width()),
                    min(self.height(), room.height() - extra))
        frame = self.frameGeometry()
        self.move(max(room.left(), min(frame.left(), room.right() + 1 - frame.width())),
                  max(room.top(), min(frame.top(), room.bottom() + 1 - frame.height())))

    def open_file(self) -> None:
        if self.result is not None and self.result.path is not None:
            self.open_requested_path = self.result.path
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path)))

    def _close(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.reject()


def today() -> str:
    return _dt.date.today().isoformat()
