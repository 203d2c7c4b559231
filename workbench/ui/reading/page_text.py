"""The text of one page, selectable, with excerpts and hits highlighted.

Qt counts positions in UTF-16 code units; the case counts characters (Python ``str``
indices). :class:`PageTextView` converts between the two, so a selection becomes an
exact character range of the stored page text, whatever characters it holds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

EXCERPT_COLOUR = QColor("#fde68a")   # soft yellow: excerpts already made
FOCUS_COLOUR = QColor("#f59e0b")     # amber: the excerpt or hit being looked at
FIND_COLOUR = QColor("#fdba74")      # orange: find in document
TERM_COLOUR = QColor("#bbf7d0")      # green: search terms
HIGHLIGHT_TEXT = QColor("#111827")   # the text on any of them


class PageTextView(QPlainTextEdit):
    """Read-only page text. ``excerpt_requested`` fires on Ctrl+E or the context menu."""

    excerpt_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setObjectName("pageText")
        self.text = ""
        self._astral: list[int] = []  # str indices of characters outside the BMP
        # Ctrl+E itself belongs to the window's Edit menu (one owner, or Qt finds the
        # shortcut ambiguous); the menu entry only shows it.
        self.excerpt_action = QAction("Excerpt…\tCtrl+E", self)
        self.excerpt_action.triggered.connect(self.excerpt_requested)
        self._layers: dict[str, list[QTextEdit.ExtraSelection]] = {}

    #: The reader's keys, which a text edit would otherwise take for itself (Ctrl+PgDown
    #: moves its caret): pressed while reading the text, they turn the page or zoom.
    READER_KEYS = frozenset(("Ctrl+PgDown", "Ctrl+PgUp", "Ctrl++", "Ctrl+=", "Ctrl+-",
                             "Ctrl+0", "F3", "Shift+F3"))

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            keys = QKeySequence(event.keyCombination()).toString()
            if keys in self.READER_KEYS:
                event.ignore()
                return False
        return super().event(event)

    # -- text and positions ------------------------------------------------------------
    def set_page_text(self, text: str) -> None:
        self.text = text
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._layers.clear()
        self.setPlainText(text)

    def to_qt(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)

    def from_qt(self, position: int) -> int:
        # Each astral character before the index adds one extra code unit.
        index = position
        for n, a in enumerate(self._astral):
            if a + n < position:
                index -= 1
            else:
                break
        return index

    def selection_range(self) -> tuple[int, int] | None:
        """The selected characters as ``(start, end)`` of the page text, trimmed of space."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.from_qt(cursor.selectionStart())
        end = self.from_qt(cursor.selectionEnd())
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def scroll_to(self, index: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(min(index, len(self.text))))
        self.setTextCursor(cursor)
        self.centerCursor()

    # -- highlights ----------------------------------------------------------------------
    def set_layer(self, name: str, ranges: Iterable[tuple[int, int]], colour: QColor,
                  *, bold: bool = False) -> None:
        """Replace one layer of highlights (``excerpts``, ``find``, ``terms``, ``focus``)."""
        selections = []
        for start, end in ranges:
            if not 0 <= start < end <= len(self.text):
                continue
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(colour)
            # Dark text on the light highlight in any palette (light text on yellow, as a
            # dark palette would draw it, cannot be read).
            fmt.setForeground(HIGHLIGHT_TEXT)
            if bold:
                fmt.setFontUnderline(True)
            sel.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.to_qt(start))
            cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self._layers[name] = selections
        order = ("excerpts", "terms", "find", "focus")
        self.setExtraSelections([s for layer in order for s in self._layers.get(layer, [])])

    def layer_ranges(self, name: str) -> list[tuple[int, int]]:
        return [(self.from_qt(s.cursor.selectionStart()), self.from_qt(s.cursor.selectionEnd()))
                for s in self._layers.get(name, [])]

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        self.excerpt_action.setEnabled(self.selection_range() is not None)
        menu.insertAction(menu.actions()[0] if menu.actions() else None, self.excerpt_action)
        menu.insertSeparator(menu.actions()[1] if len(menu.actions()) > 1 else None)
        menu.exec(event.globalPos())
        self.excerpt_action.setEnabled(True)


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text``, ignoring case."""
    if not needle:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)]


def term_ranges(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where search terms occur as words (a trailing ``*`` matches any ending)."""
    out: list[tuple[int, int]] = []
    for term in terms:
        term = term.strip().strip('"')
        if not term:
            continue
        if term.endswith("*"):
            pattern = r"\b" + re.escape(term[:-1]) + r"\w*"
        else:
            pattern = r"\b" + r"\s+".join(re.escape(w) for w in term.split()) + r"\b"
        out.extend((m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE))
    return sorted(out)
