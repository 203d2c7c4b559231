"""What the part-2 widgets share: the drag-and-drop reference format, semantic colours,
writes through the session's writer, following the session's changes, and icons.

A *reference* names one excerpt or statement (or claim, finding, actor, document) as
``"kind:ID"``. Dragging carries references as :data:`MIME_REF` (one per line) and as
plain text, so a drop onto a text field gives something readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMessageBox, QWidget

from workbench.core.casefile import Case
from workbench.core.changes import Changes

MIME_REF = "application/x-workbench-ref"
REF_KINDS = ("excerpt", "statement", "claim", "finding", "actor", "document", "evidence")

Ref = tuple[str, int]

# -- references ------------------------------------------------------------------------


def format_ref(kind: str, ref_id: int) -> str:
    return f"{kind}:{ref_id}"


def parse_ref(text: str) -> Ref | None:
    kind, sep, raw = text.strip().partition(":")
    if not sep or kind not in REF_KINDS or not raw.strip().isdigit():
        return None
    return kind, int(raw)


def refs_mime(refs: Iterable[Ref], text: str | None = None) -> QMimeData:
    """MIME data carrying ``refs``; ``text`` (or the refs) as the plain-text form."""
    lines = "\n".join(format_ref(k, i) for k, i in refs)
    mime = QMimeData()
    mime.setData(MIME_REF, lines.encode("utf-8"))
    mime.setText(text if text is not None else lines)
    return mime


def mime_refs(mime: QMimeData, kinds: Iterable[str] = REF_KINDS) -> list[Ref]:
    """The references in ``mime`` whose kind is one of ``kinds``."""
    if mime is None or not mime.hasFormat(MIME_REF):
        return []
    wanted = set(kinds)
    raw = bytes(mime.data(MIME_REF).data()).decode("utf-8", "replace")
    out = []
    for line in raw.splitlines():
        ref = parse_ref(line)
        if ref is not None and ref[0] in wanted:
            out.append(ref)
    return out


# -- semantic colours ------------------------------------------------------------------
# Only meanings get colours (stance, relation, verdict); everything else follows the
# palette. Each colour is a hue used as a translucent tint over the palette's base, so
# it reads on a light and on a dark palette alike, with the palette's own text colour.

STANCE_HUES = {"confirms": "#2e9e44", "denies": "#d03b3b", "disputes": "#e07b00",
               "declined": "#7a62c4", "no-response": "#808080"}
STANCE_WORDS = {"confirms": "confirms", "denies": "denies", "disputes": "disputes",
                "declined": "declined to comment", "no-response": "did not respond"}
RELATION_HUES = {"supports": "#2e9e44", "contradicts": "#d03b3b", "context": "#3b7dd8"}
VERDICT_HUES = {"confirmed": "#2e9e44", "refuted": "#d03b3b", "mixed": "#e07b00",
                "unresolved": "#b08900", "unverifiable": "#808080", "unverified": "#808080"}
OK_HUE = "#2e9e44"
PROBLEM_HUE = "#d03b3b"


def tint(hue: str, alpha: int = 70) -> QColor:
    colour = QColor(hue)
    colour.setAlpha(alpha)
    return colour


def is_dark(widget: QWidget | None = None) -> bool:
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def strong(hue: str, widget: QWidget | None = None) -> QColor:
    """The hue made readable as text on the current palette."""
    colour = QColor(hue)
    return colour.lighter(140) if is_dark(widget) else colour.darker(115)


# -- writes ----------------------------------------------------------------------------


class WriteReporter(QObject):
    """Reports failed writes to the user, non-modally; remembers the last error."""

    failed = Signal(str, str)  # title, message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_error: str | None = None
        self.quiet = False  # tests set this to keep message boxes away

    def show(self, title: str, message: str) -> None:
        self.last_error = message
        self.failed.emit(title, message)
        if self.quiet:
            return
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("part2ErrorDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def write(session, label: str, fn: Callable[[Case], Any], *,
          reporter: WriteReporter | None = None,
          done: Callable[[Any], None] | None = None):
    """Run ``fn(case)`` on the writer thread as one job; returns the Job.

    ``done(result)`` runs on the GUI thread after success; a failure goes to
    ``reporter`` (one line, titled "Cannot <label>").
    """
    job = session.jobs.run(label, lambda case, _progress: fn(case))
    if done is not None:
        job.finished.connect(done)
    if reporter is not None:
        job.failed.connect(lambda message: reporter.show(f"Cannot {label.lower()}", message))
    return job


# -- following changes ----------------------------------------------------------------


class ChangeWatcher(QObject):
    """Hands ``slot`` what the session's one change batcher (``session.batcher``, see
    :mod:`workbench.ui.jobs`) delivers, while a session is set. Batches nothing itself."""

    def __init__(self, parent: QObject, slot: Callable[[Changes], None]) -> None:
        super().__init__(parent)
        self.slot = slot
        self.session = None

    def set_session(self, session) -> None:
        if self.session is not None:
            try:
                self.session.batcher.batched.disconnect(self._heard)
            except (RuntimeError, TypeError):
                pass
        self.session = session
        if session is not None:
            session.batcher.batched.connect(self._heard)

    def _heard(self, changes: Changes) -> None:
        self.slot(changes)


# -- icons -----------------------------------------------------------------------------


def icon(name: str, widget: QWidget | None = None):
    """An action icon from ``resources/icons/actions``, drawn in the palette's text colour
    (so it reads on a light and on a dark palette). An empty icon if it is missing."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QIcon, QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    from workbench.core.resources import resource_dir

    path = resource_dir() / "icons" / "actions" / f"{name}.svg"
    if not path.exists():
        return QIcon()
    palette = widget.palette() if widget is not None else QApplication.palette()
    out = QIcon()
    source = path.read_text(encoding="utf-8")
    # A disabled action's icon is drawn in the palette's disabled text colour: the style's
    # own greying left a dark icon looking enabled on the welcome page.
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if disabled == palette.color(QPalette.ColorRole.WindowText):
        disabled = palette.color(QPalette.ColorRole.Mid)
    for mode, colour in ((QIcon.Mode.Normal, palette.color(QPalette.ColorRole.WindowText)),
                         (QIcon.Mode.Disabled, disabled)):
        svg = source.replace("currentColor", colour.name())
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        for size in (16, 24, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            out.addPixmap(pixmap, mode)
    return out


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
