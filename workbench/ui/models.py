"""Table models: one ``QAbstractTableModel`` per kind of row.

Models read through the session's reading connection on the GUI thread (cheap, indexed
queries) and never write: an edit is announced with :attr:`DocumentsModel.edit_requested`
and the window runs it on the writer thread; the change then comes back through
:meth:`apply_changes`, which refreshes only the rows it names.
"""

from __future__ import annotations

import heapq

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QBrush, QColor

from workbench.core import actors, browse, documents, excerpts
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.ui.table_model import IdRole, ListTableModel
SortRole = Qt.ItemDataRole.UserRole + 2
FilterRole = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


class DocumentsModel(QAbstractTableModel):
    """Documents of the case (or of a navigator scope): ids plus a lazy row cache.

    Only ids are loaded up front; rows are fetched in chunks the first time a view asks
    for them (Anki's browser ``DataModel``), so 10,000 documents open instantly.
    """

    COLUMNS = ("Title", "Kind", "Origin", "Date", "Pages", "OCR", "Tags", "Conf.")
    TITLE, KIND, ORIGIN, DATE, PAGES, OCR, TAGS, CONFIDENTIAL = range(8)
    #: The field of :class:`browse.DocumentRow` each column shows.
    FIELDS = ("title", "kind", "origin", "date", "page_count", "ocr", "tags", "confidential")
    CHUNK = 256
    #: Rows read at a time when sorting (each slice is turned into sort keys, then dropped).
    SORT_SLICE = 2000

    #: (document id, {column: value}) - the user edited a cell; the window writes it.
    edit_requested = Signal(int, dict)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.scope: dict = {}
        self.ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._cache: dict[int, browse.DocumentRow] = {}
        #: The session's reader (``QueryRunner``), for sorting off the GUI thread.
        self.queries = None
        #: Documents changes touched while a read of the list was on the reader (the
        #: window keeps handling changes while it waits): None when no read is.
        self._touched_meanwhile: set[int] | None = None

    # -- loading -------------------------------------------------------------------
    def set_case(self, case: Case | None,
                 ids: tuple[list[int], dict[int, int]] | None = None) -> None:
        """Show ``case``; ``ids`` are its document ids and each one's row, when already
        read elsewhere (off the GUI thread: a leak-sized case has 250,000)."""
        self.case = case
        self.scope = {}
        if ids is not None and case is not None:
            self._set_ids(*ids)
        else:
            self.reload()

    def set_scope(self, **scope) -> None:
        """Show only documents with this origin / kind / import (navigator choice)."""
        self.scope = {k: v for k, v in scope.items() if v is not None}
        self.reload()

    def reload(self) -> None:
        if self.case is None:
            self._set_ids([])
            return
        scope = dict(self.scope)

        def read(case: Case):
            return browse.document_ids(case, **scope)
        # On the session's reader when there is one (250,000 ids), else here.
        ids = self._read_meanwhile(read)
        touched = self._touched_meanwhile or set()
        self._touched_meanwhile = None
        if touched:  # what changed while the ids were read: as the case is now
            present = set(browse.document_ids(self.case, **scope, among=touched))
            known = set(ids)
            ids = [d for d in ids if d not in touched or d in present]
            ids += [d for d in sorted(present) if d not in known]
        self._set_ids(ids)

    def _read_meanwhile(self, read):
        """``read(case)`` on the session's reader (else here), noting which documents
        changes touch while it runs (:attr:`_touched_meanwhile`)."""
        if self.queries is None:
            return read(self.case)
        self._touched_meanwhile = set()
        try:
            return self.queries.call(read)
        except BaseException:
            self._touched_meanwhile = None
            raise

    def _set_ids(self, ids: list[int], row_of: dict[int, int] | None = None) -> None:
        self.beginResetModel()
        self.ids = ids
        self._row_of = row_of if row_of is not None else {d: n for n, d in enumerate(ids)}
        self._cache.clear()
        self.endResetModel()

    def row_data(self, row: int) -> browse.DocumentRow | None:
        if not 0 <= row < len(self.ids):
            return None
        doc_id = self.ids[row]
        found = self._cache.get(doc_id)
        if found is None and self.case is not None:
            start = row - row % self.CHUNK
            wanted = [d for d in self.ids[start:start + self.CHUNK] if d not in self._cache]
            for r in browse.document_rows(self.case, wanted):
                self._cache[r.id] = r
            found = self._cache.get(doc_id)
        return found

    def row_of(self, document_id: int) -> int:
        return self._row_of.get(document_id, -1)

    def apply_changes(self, changes: Changes) -> None:
        """Refresh the rows a change touched; add and remove rows without a reset."""
        touched = changes.touched("documents")
        if not touched or self.case is None:
            return
        if self._touched_meanwhile is not None:
            self._touched_meanwhile |= touched
        # Only the touched documents are looked up (not every id of a large case).
        current = browse.document_ids(self.case, **self.scope, among=touched)
        present = set(current)
        gone = [d for d in touched if d in self._row_of and d not in present]
        for doc_id in gone:
            row = self._row_of[doc_id]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.ids[row]
            self._cache.pop(doc_id, None)
            self._row_of = {d: n for n, d in enumerate(self.ids)}
            self.endRemoveRows()
        new = [d for d in current if d not in self._row_of]
        if new:
            first = len(self.ids)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self.ids.extend(new)
            for n, d in enumerate(new, start=first):
                self._row_of[d] = n
            self.endInsertRows()
        for doc_id in touched:
            if doc_id in self._cache and doc_id in self._row_of:
                del self._cache[doc_id]
                row = self._row_of[doc_id]
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(self.COLUMNS) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python on the raw values, in one pass, on the session's reader.

        A ``QSortFilterProxyModel`` would call :meth:`data` twice per comparison (about
        300,000 calls for 10,000 rows, seconds of frozen window); this reads the rows once
        and sorts the ids. Two things on the reader would still stop the window, because
        each holds the interpreter in one piece (profiled with py-spy at 245,000
        documents): a full garbage collection, which ran again and again (60-170 ms each)
        while every row read was kept; and one ``sorted`` of all the keys (80 ms and
        more). So rows are read a slice at a time and only their sort keys (plain tuples,
        which the collector stops tracking) are kept, not put in the row cache; and the
        keys are sorted in runs merged by :func:`sorted_in_runs` (the same order).
        """
        if self.case is None or not 0 <= column < len(self.COLUMNS):
            return
        ids = list(self.ids)
        descending = order == Qt.SortOrder.DescendingOrder
        sort_key = self._sort_key

        field = self.FIELDS[column]
        key_of = self._key

        def read(case: Case):
            keys = dict.fromkeys(ids, sort_key(None, column))  # a missing row sorts last
            if field in browse.PLAIN_FIELDS:  # just that field (title: 10x faster)
                for doc_id, value in browse.document_field(case, ids, field):
                    keys[doc_id] = key_of(column, value, doc_id)
            else:  # OCR and tags: whole rows, a slice at a time
                for n in range(0, len(ids), self.SORT_SLICE):
                    for r in browse.document_rows(case, ids[n:n + self.SORT_SLICE]):
                        keys[r.id] = sort_key(r, column)
            ordered = sorted_in_runs(ids, keys.__getitem__, reverse=descending)
            return ordered, {d: n for n, d in enumerate(ordered)}
        # On the session's reader when there is one (seconds for 250,000 documents; the
        # window paints meanwhile), else here.
        ordered, row_of = self._read_meanwhile(read)
        touched, self._touched_meanwhile = self._touched_meanwhile, None
        if touched:
            # Rows came and went while the keys were read (an import goes on): keep the
            # list as it is now, the newcomers after the sorted rows.
            present = set(self.ids)
            ordered = [d for d in ordered if d in present]
            known = set(ordered)
            ordered += [d for d in self.ids if d not in known]
            row_of = {d: n for n, d in enumerate(ordered)}
        self.layoutAboutToBeChanged.emit()
        before = self.ids
        self.ids, self._row_of = ordered, row_of
        old = self.persistentIndexList()
        new = [self.index(self._row_of[before[i.row()]], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _sort_key(self, row: browse.DocumentRow | None, column: int):
        if row is None:
            return (1, "")
        return self._key(column, getattr(row, self.FIELDS[column]), row.id)

    def _key(self, column: int, value, doc_id: int):
        """The sort key of a row whose ``column`` holds ``value`` (its row's field)."""
        if column == self.PAGES:
            return (0, value)
        if column == self.CONFIDENTIAL:
            return (0, int(value))
        if column == self.DATE:
            return (0 if value else 1, value or "")
        return (0, str(self._shown(column, value) or "").lower(), doc_id)

    # -- Qt model interface ----------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section]
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole
                and section == self.CONFIDENTIAL):
            return "Confidential"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.TITLE, self.ORIGIN, self.DATE, self.TAGS):
            flags |= Qt.ItemFlag.ItemIsEditable
        if index.column() == self.CONFIDENTIAL:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        col = index.column()
        if role == IdRole:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(row, col, edit=role == Qt.ItemDataRole.EditRole)
        if role == SortRole:
            if col == self.PAGES:
                return row.page_count
            if col == self.CONFIDENTIAL:
                return int(row.confidential)
            if col == self.DATE:
                return row.date or ""
            return (self._display(row, col) or "").lower()
        if role == FilterRole:
            return " ".join(filter(None, (row.title, row.origin, row.file_name, row.kind,
                                          *row.tags))).lower()
        if role == Qt.ItemDataRole.CheckStateRole and col == self.CONFIDENTIAL:
            return (Qt.CheckState.Checked if row.confidential
                    else Qt.CheckState.Unchecked).value
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.CONFIDENTIAL:
                return "Confidential: never named in a report"
            return row.file_name or row.title if col == self.TITLE else None
        if role == Qt.ItemDataRole.ForegroundRole and row.confidential and col == self.TITLE:
            return QBrush(QColor("#9b1c1c"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.PAGES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: browse.DocumentRow, col: int, edit: bool = False):
        if not 0 <= col < len(self.FIELDS):
            return None
        return self._shown(col, getattr(row, self.FIELDS[col]))

    def _shown(self, col: int, value):
        """What ``col`` shows for its field's ``value``."""
        if col in (self.TITLE, self.KIND, self.PAGES):
            return value
        if col == self.ORIGIN:
            return value or ""
        if col == self.DATE:
            return (value or "")[:10]
        if col == self.OCR:
            return "" if value == "none" else value
        if col == self.TAGS:
            return ", ".join(value)
        if col == self.CONFIDENTIAL:
            return ""  # shown by the check box
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Announce the edit (the window writes it in the background); change nothing."""
        row = self.row_data(index.row()) if index.isValid() else None
        if row is None:
            return False
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == self.CONFIDENTIAL:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.edit_requested.emit(row.id, {"confidential": checked})
            return True
        if role != Qt.ItemDataRole.EditRole:
            return False
        if col == self.TITLE and str(value).strip() and value != row.title:
            self.edit_requested.emit(row.id, {"title": str(value)})
            return True
        if col == self.DATE and str(value).strip() != (row.date or ""):
            self.edit_requested.emit(row.id, {"date": str(value).strip() or None})
            return True
        if col == self.ORIGIN and value != (row.origin or ""):
            self.edit_requested.emit(row.id, {"origin": str(value) or None})
            return True
        if col == self.TAGS:
            wanted = tuple(t.strip() for t in str(value).split(",") if t.strip())
            if set(wanted) != set(row.tags):
                self.edit_requested.emit(row.id, {"tags": wanted})
                return True
        return False


def sorted_in_runs(items: list, key, *, reverse: bool = False, run: int = 4096) -> list:
    """``sorted(items, key=key, reverse=reverse)``, the same list (stable, ties in their
    order), made so that no single step holds the interpreter for long.

    ``sorted`` of 250,000 keys is one call into C that keeps every other thread (the
    window's) waiting until it ends. Here runs of ``run`` items are sorted (milliseconds
    each) and merged by :func:`heapq.merge`, which is Python between items. The merge
    is stable: on equal keys it takes the earlier run first, in either direction.
    """
    runs = [sorted(items[n:n + run], key=key, reverse=reverse)
            for n in range(0, len(items), run)]
    if len(runs) <= 1:
        return runs[0] if runs else []
    return list(heapq.merge(*runs, key=key, reverse=reverse))


class DocumentsFilterProxy(QSortFilterProxyModel):
    """Filters on title, origin, file name, kind and tags; sorting is the model's own
    (:meth:`DocumentsModel.sort`, fast on 10,000 rows), passed through."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, DocumentsModel):
            source.sort(column, order)
        else:
            super().sort(column, order)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterRole(FilterRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)

    def set_text(self, text: str) -> None:
        # Qt's own fixed-string filter on FilterRole (title, origin, file name, kind,
        # tags): with no text it accepts every row without asking Python, which keeps
        # a reset of 250,000 rows in C++.
        self.setFilterFixedString(text.strip())


class ExcerptsModel(ListTableModel):
    """Excerpts of the case, or of one document.

    Excerpts are made by hand, so a case holds hundreds, not millions: the rows are
    loaded whole, which keeps this model simple.
    """

    COLUMNS = ("Quote", "Document", "Page", "Note", "Actor")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.document_id: int | None = None
        self.rows: list[excerpts.Excerpt] = []
        self._titles: dict[int, str] = {}
        self._actors: dict[int, str] = {}

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.document_id = None
        self.reload()

    def set_document(self, document_id: int | None) -> None:
        if document_id != self.document_id:
            self.document_id = document_id
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        if self.case is None:
            self.rows = []
        else:
            self.rows = excerpts.list_all(self.case, document_id=self.document_id)
            self._titles = documents.titles(self.case, {r.document_id for r in self.rows})
            self._actors = {a.id: a.name for a in actors.list_all(self.case)}
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & {"excerpts", "actors", "documents"}:
            self.reload()

    def excerpt(self, row: int) -> excerpts.Excerpt | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def cell(self, ex: excerpts.Excerpt, col: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"“{ex.quote}”", self._titles.get(ex.document_id, ""), ex.page_no,
                    ex.note or "", self._actors.get(ex.actor_id, "") if ex.actor_id else ""
                    )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return ex.quote + (f"\n\nNote: {ex.note}" if ex.note else "")
        return None


class ImportItemsModel(ListTableModel):
    """The per-file outcomes of one import (the summary at its end)."""

    COLUMNS = ("File", "Outcome", "Reason")

    def __init__(self, items=(), parent=None) -> None:
        super().__init__(parent)
        self.rows = list(items)

    def key_of(self, item) -> str:
        return item.path

    def cell(self, item, col: int, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (item.path, item.outcome, item.reason or "")[col]
        return None
