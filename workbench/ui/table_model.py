"""The Qt plumbing every list-backed table model repeats, written once.

A :class:`ListTableModel` shows ``self.rows`` (a list of frozen core records) in the
columns named by ``COLUMNS``; subclasses add ``data`` and how they load and refresh.
Models over ids with a lazy row cache (DocumentsModel) keep their own row count but
share the headers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    #: Column titles, in order.
    COLUMNS: tuple[str, ...] = ()
    #: Tooltips of column headers, by column number.
    HEADER_TIPS: dict[int, str] = {}
    #: Whether rows can be dragged (onto the board, into a finding).
    DRAGGABLE = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list = []

    def row_item(self, row: int) -> Any | None:
        """The record shown at ``row``, or None outside the table."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def item_at(self, index: _Index) -> Any | None:
        """The record of a valid index, or None (for ``data``)."""
        return self.row_item(index.row()) if index.isValid() else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS.get(section)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsDragEnabled if self.DRAGGABLE else flags
