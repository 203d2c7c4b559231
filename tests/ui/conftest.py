"""Fixtures for the window: isolated settings and search index, and an open window."""

from __future__ import annotations

import pytest

from tests.ui.docks_helpers import session  # noqa: F401 - a fixture for every ui test
from tests.ui.helpers import wait_idle
from tests.ui.routes import build_window, close_popups
from tests.ui.routes import platform_dialogs  # noqa: F401 - a fixture for every ui test

from workbench.ui.shell.settings import Settings


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Settings and search indexes of a test never touch the user's."""
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot, settings):
    """A main window, shown offscreen; its case is closed after the test."""
    from workbench.ui.shell.main_window import MainWindow

    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    if win.session is not None:
        win.session.jobs.cancel_all()
        win.session.jobs.wait_idle(30000)
    win.close_case()


@pytest.fixture
def sample_window(window, sample_path, qtbot):
    """The window with the sample case open and its search index ready."""
    assert window.open_case(sample_path)
    wait_idle(qtbot, window)
    return window



@pytest.fixture
def full_window(qtbot, settings):
    """The window as ``workbench`` builds it (every dock installed), shown; afterwards its
    work is cancelled and waited for, popups closed and the case closed."""
    window = build_window(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    if window.session is not None:
        window.session.jobs.cancel_all()
        window.session.jobs.wait_idle(30000)
    close_popups(window)
    window.close_case()


@pytest.fixture
def sample_full_window(full_window, sample_path, qtbot):
    """:func:`full_window` with the sample case open and its search index ready."""
    assert full_window.open_case(sample_path)
    wait_idle(qtbot, full_window)
    return full_window
