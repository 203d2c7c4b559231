"""The Qt plumbing every list-backed table model repeats, written once.

A :class:`ListTableModel` shows ``self.rows`` (a list of frozen core records) in the
columns named by ``COLUMNS``. It answers Qt's questions (row and column counts, headers,
flags, :data:`IdRole`, finding the row of a record); a subclass says what each cell shows
(:meth:`~ListTableModel.cell`), what identifies a record (:meth:`~ListTableModel.key_of`)
and how it loads and refreshes. Models over ids with a lazy row cache (DocumentsModel)
keep their own row count but share :data:`IdRole`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex

#: The role every model answers with the key of a row's record (its id; a citable's
#: reference): what views select by, drags carry and tests read.
IdRole = Qt.ItemDataRole.UserRole + 1


class ListTableModel(QAbstractTableModel):
    #: Column titles, in order.
    COLUMNS: tuple[str, ...] = ()
    #: Tooltips of column headers, by column number.
    HEADER_TIPS: dict[int, str] = {}
    #: Whether rows can be dragged (onto the board, into a finding).
    DRAGGABLE = False
    #: Whether things can be dropped on a row (evidence onto a claim).
    DROPPABLE = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list = []

    def row_item(self, row: int) -> Any | None:
        """The record shown at ``row``, or None outside the table."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def item_at(self, index: _Index) -> Any | None:
        """The record of a valid index, or None (for ``data``)."""
        return self.row_item(index.row()) if index.isValid() else None

    def key_of(self, item: Any) -> Any:
        """What identifies a row's record: its id, unless a subclass says otherwise."""
        return item.id

    def row_of(self, key: Any) -> int:
        """The row showing the record with this key (:meth:`key_of`), or -1."""
        return next((n for n, item in enumerate(self.rows) if self.key_of(item) == key), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        item = self.item_at(index)
        if item is None:
            return None
        if role == IdRole:
            return self.key_of(item)
        return self.cell(item, index.column(), role)

    def cell(self, item: Any, column: int, role: int) -> Any:
        """What ``column`` of ``item``'s row shows in ``role`` (None: nothing)."""
        return None

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
        if self.DRAGGABLE:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if self.DROPPABLE:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags
