"""What the part-2 widgets share: the drag-and-drop reference format, semantic colours,
writes through the session's writer, and a background reader for slow reads.

A *reference* names one excerpt or statement (or claim, finding, actor, document) as
``"kind:ID"``. Dragging carries references as :data:`MIME_REF` (one per line) and as
plain text, so a drop onto a text field gives something readable.
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMessageBox, QWidget

from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError

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


# -- background reads -----------------------------------------------------------------


class BackgroundReader(QObject):
    """Runs slow reads (the publication gate, a dossier's mentions) off the GUI thread.

    One Python thread with its own connection to the case file, so reads never wait for
    the writer and never freeze the window. Requests run in order; a request submitted
    under a ``key`` replaces any older request with the same key that has not started.
    Results come back on the GUI thread through a queued signal.
    """

    _delivered = Signal(int, object, object)  # ticket, result, error

    def __init__(self, path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._queue: queue.Queue = queue.Queue()
        self._callbacks: dict[int, tuple[Callable, Callable | None]] = {}
        self._latest: dict[str, int] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._loop, name="part2-reader", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[Case], Any], done: Callable[[Any], None],
               failed: Callable[[str], None] | None = None, *, key: str | None = None) -> int:
        with self._lock:
            self._next += 1
            ticket = self._next
            if key is not None:
                self._latest[key] = ticket
        self._callbacks[ticket] = (done, failed)
        self._queue.put((ticket, key, fn))
        return ticket

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def stop(self) -> None:
        """Finish the current request, then close the connection (no more results)."""
        self._callbacks.clear()
        self._queue.put(None)

    def _loop(self) -> None:
        case: Case | None = None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                ticket, key, fn = item
                with self._lock:
                    stale = key is not None and self._latest.get(key) != ticket
                if stale:
                    self._delivered.emit(ticket, None, _Skipped())
                    continue
                try:
                    if case is None:
                        case = Case.open(self.path)
                    result, error = fn(case), None
                except WorkbenchError as exc:
                    result, error = None, str(exc)
                except Exception as exc:  # a bug: report it, keep the thread alive
                    traceback.print_exc()
                    result, error = None, f"internal error: {type(exc).__name__}: {exc}"
                try:
                    self._delivered.emit(ticket, result, error)
                except RuntimeError:  # the receiving object is gone
                    break
        finally:
            if case is not None:
                _close_quietly(case)

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result, error) -> None:
        done, failed = self._callbacks.pop(ticket, (None, None))
        if isinstance(error, _Skipped) or done is None:
            return
        if error is None:
            done(result)
        elif failed is not None:
            failed(error)


class _Skipped:
    """A request replaced by a newer one before it ran."""


def _close_quietly(case: Case) -> None:
    try:
        import sys
        search = sys.modules.get("workbench.core.search")
        if search is not None and hasattr(search, "close_index"):
            search.close_index(case)
    except Exception:  # noqa: BLE001 - the index is a cache; closing is best effort
        pass
    try:
        case.close()
    except Exception:  # noqa: BLE001
        pass


_readers: dict[int, BackgroundReader] = {}


def background_reader(session) -> BackgroundReader:
    """The session's one background reader (made on first use, stopped with the session)."""
    reader = _readers.get(id(session))
    if reader is None or reader.path != session.path:
        reader = BackgroundReader(session.path)
        _readers[id(session)] = reader

        def gone(*_args, key=id(session), r=reader) -> None:
            r.stop()
            if _readers.get(key) is r:
                del _readers[key]
        session.destroyed.connect(gone)
        reader._gone = gone  # type: ignore[attr-defined]
    return reader


def stop_background_reader(session) -> None:
    reader = _readers.get(id(session))
    if reader is not None:
        reader._gone()  # type: ignore[attr-defined]


# -- following changes ----------------------------------------------------------------


def merge_changes(batch: list[Changes]) -> Changes:
    return Changes(action=batch[-1].action, id=batch[-1].id,
                   created=frozenset().union(*(c.created for c in batch)),
                   updated=frozenset().union(*(c.updated for c in batch)),
                   deleted=frozenset().union(*(c.deleted for c in batch)),
                   action_id=batch[-1].action_id)


class ChangeWatcher(QObject):
    """Delivers a session's committed changes to ``slot``, merged.

    An import commits one action per file: refreshing a screen for each would keep the
    GUI thread busy, so changes arriving together are merged and delivered at most every
    ``interval`` ms, and at once when a job ends (so its ``finished`` handlers, and tests,
    see the screen up to date).
    """

    def __init__(self, parent: QObject, slot: Callable[[Changes], None],
                 interval: int = 120) -> None:
        super().__init__(parent)
        self.slot = slot
        self.session = None
        self._batch: list[Changes] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval)
        self._timer.timeout.connect(self.flush)

    def set_session(self, session) -> None:
        if self.session is not None:
            for signal, slot in self._connections():
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
        self.session = session
        self._batch.clear()
        if session is not None:
            for signal, slot in self._connections():
                signal.connect(slot)

    def _connections(self):
        jobs = self.session.jobs
        out = [(jobs.case_changed, self._heard)]
        # Flush before the job's own finished handlers (the window's runner has this
        # signal; without it, a job's end is still seen, just after its handlers).
        ended = getattr(jobs, "job_completed", None) or jobs.job_ended
        out.append((ended, self._job_done))
        return out

    def _heard(self, changes: Changes) -> None:
        self._batch.append(changes)
        if not self._timer.isActive():
            self._timer.start()

    def _job_done(self, _job) -> None:
        self.flush()

    def flush(self) -> None:
        self._timer.stop()
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        self.slot(merge_changes(batch))


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
