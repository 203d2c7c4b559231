"""Small dialogs every part of the window uses: errors, a confirmation before a source
becomes publishable, and where to save a new case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A one-line problem the user can act on, in a dialog; the window stays usable."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()


def confirm_publishable(parent: QWidget | None, kind: str, name: str) -> bool:
    """Ask before a document or actor stops being confidential (one stray click on a check
    box must not make a source publishable). True when the user confirms."""
    if kind == "document":
        what = ("its title, file name and text may then be quoted and named in a report "
                "or a hand-off, and the gate no longer flags them")
    else:
        what = ("its name, aliases, email addresses and phone numbers may then appear in a "
                "report or a hand-off, and the gate no longer flags them")
    answer = QMessageBox.question(
        parent, "Make publishable?",
        f"Mark the {kind} “{name}” as not confidential?\n\nThen {what}. "
        "(Edit > Undo reverts this.)",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_new_case_path(parent: QWidget | None, folder: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "New case", folder,
                                          "Case files (*.wbcase)")
    if not path:
        return None
    p = Path(path)
    return p if p.suffix == ".wbcase" else p.with_name(p.name + ".wbcase")
