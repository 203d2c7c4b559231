"""Rows as tall as their wrapped text, measured for the rows on screen only.

A table whose vertical header is ``ResizeToContents`` measures every row's cells each
time it lays out (a delegate's Python called for each row): 500 claims on the board, or
a few hundred excerpts in the side panel, stopped the window for a tenth of a second or
more whenever it showed or resized. :class:`VisibleRowsFit` fits the rows in view, and
the others as they come into view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QTableView


class VisibleRowsFit(QObject):
    """Fits the height of a table's rows to their contents, only for the rows on screen,
    as they come into view (ResizeToContents measures every row, every time)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self._fitted: set[int] = set()
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.layoutChanged, model.dataChanged):
            signal.connect(self.refit)
        view.verticalScrollBar().valueChanged.connect(lambda _v: self._timer.start())
        view.horizontalHeader().sectionResized.connect(lambda *_a: self.refit())
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return False

    def refit(self, *_args) -> None:
        self._fitted.clear()
        self._timer.start()

    def fit(self) -> None:
        view = self.view
        if not view.isVisible():
            return  # fitted when shown
        rows = view.model().rowCount()
        for _round in range(4):  # fitting rows moves others into view
            top = view.rowAt(0)
            if top < 0:
                return
            bottom = view.rowAt(view.viewport().height() - 1)
            bottom = rows - 1 if bottom < 0 else bottom
            todo = [r for r in range(top, bottom + 1) if r not in self._fitted]
            if not todo:
                return
            for row in todo:
                view.resizeRowToContents(row)
                self._fitted.add(row)
