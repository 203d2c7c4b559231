"""The window open while other programs (a terminal import, a script) write the case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from tests.ui.helpers import wait_idle
from workbench.core import claims, documents
from workbench.core.casefile import Case

ROOT = Path(__file__).resolve().parents[2]


def _workbench(*args) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "workbench", *map(str, args)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env=dict(os.environ))
    assert run.returncode == 0, (args, run.stdout, run.stderr)
    return run


def _rename_in_table(window, qtbot, row: int, title: str) -> None:
    """Type a new title into the documents table, as a person does (F2, type, Enter)."""
    view = window.documents_view
    index = window.documents_proxy.index(row, window.documents_model.TITLE)
    view.setFocus()
    view.setCurrentIndex(index)
    QTest.keyClick(view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(view.focusWidget(), QLineEdit))
    editor = view.focusWidget()
    editor.selectAll()
    QTest.keyClicks(editor, title)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)


def test_window_edits_and_terminal_commands_all_land(sample_window, qtbot, tmp_path):
    window = sample_window
    case_path = window.session.path
    before_docs = window.documents_model.rowCount()

    _rename_in_table(window, qtbot, 0, "Renamed in the window first")
    qtbot.waitUntil(lambda: any(
        window.documents_model.row_data(r).title == "Renamed in the window first"
        for r in range(window.documents_model.rowCount())))

    folder = tmp_path / "from-terminal"
    folder.mkdir()
    (folder / "ledger.txt").write_text("The quokka ledger lists every transfer.\n")
    (folder / "notes.txt").write_text("Call notes: the spokesman declined.\n")
    _workbench("import", case_path, folder, "--ocr", "off")
    _workbench("claim", "add", case_path, "The agency shared quokka data")

    # The window notices without being told, and shows the new rows.
    qtbot.waitUntil(lambda: window.documents_model.rowCount() == before_docs + 2,
                    timeout=15000)
    qtbot.waitUntil(lambda: "another program" in window.statusBar().currentMessage())
    wait_idle(qtbot, window)  # the search index catches up on the writer thread

    _rename_in_table(window, qtbot, 1, "Renamed in the window after")
    qtbot.waitUntil(lambda: any(
        window.documents_model.row_data(r).title == "Renamed in the window after"
        for r in range(window.documents_model.rowCount())))
    window.close_case()

    with Case.open(case_path) as case:
        titles = {d.title for d in documents.list_all(case)}
        assert {"Renamed in the window first", "Renamed in the window after"} <= titles
        assert {"ledger.txt", "notes.txt"} <= {
            n.file_name for d in documents.list_all(case) for n in documents.names(case, d.id)}
        assert "The agency shared quokka data" in {c.text for c in claims.list_all(case)}
        labels = [r[0] for r in case.rows("SELECT label FROM actions")]
        assert {"Import ledger.txt", "Import notes.txt"} <= set(labels)
        renames = case.rows("SELECT json_extract(after, '$.title') FROM audit "
                            "WHERE table_name = 'documents' AND operation = 'update'")
        assert {"Renamed in the window first", "Renamed in the window after"} <= {
            r[0] for r in renames}
    # The window's search index took in the terminal's import.
    hits = json.loads(_workbench("search", case_path, "quokka", "--json").stdout)
    assert hits["total"] >= 2


def test_a_case_on_a_read_only_disk_opens_in_the_window_for_reading(window, qtbot, tmpfs):
    mount = tmpfs.mount("stick", "16m")
    path = mount / "case.wbcase"
    _workbench("demo", path)
    tmpfs.read_only(mount)
    assert window.open_case(path)
    wait_idle(qtbot, window)
    assert "(read-only)" in window.windowTitle()
    assert "Read-only" in window.statusBar().currentMessage()
    assert window.documents_model.rowCount() > 0
    window.close_case()
    assert sorted(p.name for p in mount.iterdir()) == ["case.wbcase"]
    # Closing the case lets go of every file on the disk (it can be unmounted).
    qtbot.waitUntil(lambda: not _open_under(mount), timeout=10000)


def _open_under(folder: Path) -> list[str]:
    """Files under ``folder`` that this process has open."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            out.append(target)
    return out
