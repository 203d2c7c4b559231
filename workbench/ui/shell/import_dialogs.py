"""Starting an import (what and how), and the import's summary."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QCompleter,
                               QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from workbench.core.importing import ImportReport
from workbench.ui.models import ImportItemsModel


class ImportDialog(QDialog):
    """What to import and how: files or folders, origin label, confidential, OCR mode."""

    OCR_MODES = (("auto", "Only pages without text"), ("force", "Every page"),
                 ("off", "Never"))

    def __init__(self, paths: list[str] = (), origins: list[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents")
        self.setMinimumWidth(560)
        self.paths_list = QListWidget(self)
        self.paths_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.paths_list.setMinimumHeight(110)
        add_files = QPushButton("Add files…", self)
        add_files.clicked.connect(lambda: self._add_files())
        add_folder = QPushButton("Add folder…", self)
        add_folder.clicked.connect(lambda: self._add_folder())
        remove = QPushButton("Remove", self)
        remove.clicked.connect(lambda: self._remove())
        row = QHBoxLayout()
        for b in (add_files, add_folder, remove):
            row.addWidget(b)
        row.addStretch(1)
        self.origin_edit = QLineEdit(self)
        self.origin_edit.setPlaceholderText('e.g. "FOIA release 2026-03", "Tip from source"')
        self.origin_edit.setCompleter(QCompleter(list(origins), self))
        self.confidential_check = QCheckBox("Confidential: never name these documents "
                                            "in a report", self)
        self.ocr_combo = QComboBox(self)
        for key, label in self.OCR_MODES:
            self.ocr_combo.addItem(label, key)
        form = QFormLayout()
        form.addRow("Files and folders:", self.paths_list)
        form.addRow("", row)
        form.addRow("Origin:", self.origin_edit)
        form.addRow("", self.confidential_check)
        form.addRow("Recognise text (OCR):", self.ocr_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.add_paths(paths)

    def add_paths(self, paths) -> None:
        known = set(self.paths)
        for p in paths:
            if str(p) not in known:
                self.paths_list.addItem(str(p))
                known.add(str(p))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(known))

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add files to import")
        self.add_paths(files)

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to import")
        if folder:
            self.add_paths([folder])

    def _remove(self) -> None:
        for item in self.paths_list.selectedItems():
            self.paths_list.takeItem(self.paths_list.row(item))
        self.add_paths([])

    @property
    def paths(self) -> list[str]:
        return [self.paths_list.item(i).text() for i in range(self.paths_list.count())]

    @property
    def origin(self) -> str | None:
        return self.origin_edit.text().strip() or None

    @property
    def confidential(self) -> bool:
        return self.confidential_check.isChecked()

    @property
    def ocr(self) -> str:
        return self.ocr_combo.currentData()


class ImportSummaryDialog(QDialog):
    """The end of an import: counts, and every file that failed with its reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = ("Import finished" if report.status == "done"
                   else f"Import {report.status}")
        self.setWindowTitle(heading)
        self.setMinimumWidth(640)
        if report.problems:
            self.setMinimumHeight(300)
        lines = [f"<h3>{heading}{f' ({report.origin})' if report.origin else ''}</h3>"
                 f"<b>{report.imported}</b> imported ({report.pages} pages"
                 + (f", {report.ocr_pages} by OCR" if report.ocr_pages else "") + ")",
                 f"<b>{report.duplicates}</b> already in the case",
                 f"<b>{report.failed}</b> could not be imported"]
        if report.status == "cancelled":
            lines.append("Cancelled: the files imported before you cancelled are kept.")
        self.summary = QLabel("<br>".join(lines), self)
        self.model = ImportItemsModel(report.problems, self)
        table = QTableView(self)
        table.setModel(self.model)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setVisible(bool(report.problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(table, 1)
        if not report.problems:
            layout.addStretch(0)
        layout.addWidget(buttons)
