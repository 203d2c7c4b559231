"""The window and its cases: open, refuse with a dialog, recent cases, copies, layout."""

from __future__ import annotations

import shutil
import sqlite3

from PySide6.QtWidgets import QMessageBox

from tests.ui.helpers import wait_idle
from workbench.core import documents, overview
from workbench.core.casefile import Case
from workbench.launcher import _gui_target
from workbench.ui.shell.app import start_case
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.models import IdRole


def _error_box(window) -> QMessageBox | None:
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    return boxes[-1] if boxes else None


def test_open_sample_case(sample_window):
    w = sample_window
    case = w.session.reader
    assert w.windowTitle().startswith(case.info.title)
    assert w.documents_model.rowCount() == len(documents.ids(case))
    counts = overview.counts(case)
    assert f"{counts['documents']} documents" in w.counts_label.text()
    assert w.stack.currentWidget() is w.main_splitter
    # Choosing a row shows the document in the reader and its details beside it.
    w.documents_view.selectRow(1)
    doc_id = w.documents_proxy.index(1, 0).data(IdRole)
    assert w.reader.document.id == doc_id
    assert w.reader.text_view.text == documents.page(case, doc_id, 1).text
    assert w.side_panel.document_details.title_edit.text() == w.reader.document.title


def test_shortcuts(window):
    keys = {a.text().replace("&", ""): a.shortcut().toString()
            for a in (window.open_action, window.import_action, window.search_action,
                      window.excerpt_action, window.undo_action, window.redo_action)}
    assert keys == {"Open case…": "Ctrl+O", "Import…": "Ctrl+I", "Search": "Ctrl+F",
                    "Excerpt selection…": "Ctrl+E", "Undo": "Ctrl+Z",
                    "Redo": "Ctrl+Shift+Z"}


def test_refused_files_are_shown_in_a_dialog(window, tmp_path, qtbot, case_path):
    not_a_case = tmp_path / "notes.wbcase"
    not_a_case.write_text("hello", encoding="utf-8")
    assert not window.open_case(not_a_case)
    box = _error_box(window)
    assert box is not None and "not a case file" in box.text()
    box.close()
    newer = tmp_path / "newer.wbcase"
    shutil.copy2(case_path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 999")
    before = newer.read_bytes()
    assert not window.open_case(newer)
    assert "newer Workbench" in _error_box(window).text()
    assert newer.read_bytes() == before  # refused files are left as they were
    _error_box(window).close()
    damaged = tmp_path / "damaged.wbcase"
    data = case_path.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    assert not window.open_case(damaged)
    assert "damaged" in _error_box(window).text()
    _error_box(window).close()
    # The window is still usable.
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    assert window.session is not None


def test_reopen_recent_and_last_case(qtbot, settings, sample_path, case_path):
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    assert first.open_case(case_path)
    assert first.open_case(sample_path)
    wait_idle(qtbot, first)
    first.close()  # remembers the last case
    assert settings.recent[:2] == [str(sample_path.resolve()), str(case_path.resolve())]
    assert start_case(settings, None) == str(sample_path.resolve())
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    assert second.welcome.recent_list.count() == 2
    # File > Open recent lists both; choosing one opens it.
    second._fill_recent_menu()
    actions = second.recent_menu.actions()
    assert [a.text() for a in actions] == settings.recent
    actions[1].trigger()
    assert second.session is not None and second.session.path == case_path.resolve()
    wait_idle(qtbot, second)
    second.close_case()
    # Double-clicking in the welcome page's list opens a case too (sample is now second).
    item = second.welcome.recent_list.item(1)
    second.welcome.recent_list.itemActivated.emit(item)
    assert second.session.path == sample_path.resolve()
    wait_idle(qtbot, second)
    second.close()


def test_missing_last_case_is_not_reopened(settings, tmp_path):
    settings.last_case = tmp_path / "gone.wbcase"
    assert start_case(settings, None) is None
    assert start_case(settings, "x.wbcase") == "x.wbcase"


def test_save_a_copy_while_open(sample_window, qtbot, tmp_path):
    target = tmp_path / "copy.wbcase"
    job = sample_window.save_copy_to(target)
    with qtbot.waitSignal(job.ended, timeout=10000):
        pass
    assert job.error is None
    with Case.open(target) as copy:
        assert overview.counts(copy)["documents"] == overview.counts(
            sample_window.session.reader)["documents"]


def test_close_case_shows_welcome(sample_window):
    sample_window.close_case()
    assert sample_window.session is None
    assert sample_window.stack.currentWidget() is sample_window.welcome
    assert not sample_window.import_action.isEnabled()


def test_layout_is_remembered(qtbot, settings):
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    first.main_splitter.setSizes([300, 700, 280])
    sizes = first.main_splitter.sizes()
    first.close()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    assert second.main_splitter.sizes() == sizes


def test_launcher_arguments():
    assert _gui_target([]) == (True, None)
    assert _gui_target(["gui"]) == (True, None)
    assert _gui_target(["gui", "a.wbcase"]) == (True, "a.wbcase")
    assert _gui_target(["b.wbcase"]) == (True, "b.wbcase")
    assert _gui_target(["info", "b.wbcase"]) == (False, None)
    assert _gui_target(["--help"]) == (False, None)



def test_launcher_without_a_display_says_so(tmp_path, sample_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run([sys.executable, "-m", "workbench", "gui", str(sample_path)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "no display" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    # Everything else is the command line, which needs no display.
    run = subprocess.run([sys.executable, "-m", "workbench", "info", str(sample_path)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "documents" in run.stdout


def test_f6_moves_between_panes(sample_window, qtbot):
    w = sample_window
    w.activateWindow()
    w.documents_view.setFocus()
    order = []
    for _ in range(4):
        w.next_pane_action.trigger()
        order.append(w.focusWidget())
    assert order == [w.reader.text_view, w.side_panel.excerpts_view, w.navigator,
                     w.documents_view]
    w.previous_pane_action.trigger()
    assert w.focusWidget() is w.navigator


def test_closing_while_a_case_opens_waits_for_it(window, sample_path, qtbot, monkeypatch):
    """A close that arrives while the case is being opened (the opening runs off the GUI
    thread under a nested event loop) takes effect once the case is open, so no thread
    of the case starts in a window that has already gone."""
    import time

    from PySide6.QtCore import QTimer

    from workbench.ui.shell.session import CaseSession

    slow = CaseSession.open_files

    def open_slowly(path):
        time.sleep(0.4)
        return slow(path)
    monkeypatch.setattr(CaseSession, "open_files", staticmethod(open_slowly))
    # If the search index is still being prepared, the user agrees to stop it and quit.
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    QTimer.singleShot(100, window.close)
    assert window.open_case(sample_path)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert window.session is None, "the case was closed with the window"
    assert window.settings.last_case == str(sample_path.resolve())


def test_launcher_on_a_dead_display_says_so_in_one_line(sample_path):
    """DISPLAY names an X server that does not answer: one line and exit 1, not Qt's
    abort (exit 134, "Reinstalling the application may fix this problem")."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = ":99999"
    run = subprocess.run([sys.executable, "-m", "workbench", "gui", str(sample_path)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert ":99999" in lines[0] and "does not answer" in lines[0]
    assert "QT_QPA_PLATFORM=offscreen" in lines[0] and "workbench export" in lines[0]
    assert "Reinstalling" not in run.stderr
