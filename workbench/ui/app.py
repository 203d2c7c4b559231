"""The application: QApplication, settings, recent cases, and the start-up rules.

``run(path)`` opens the window. With a path it opens that case; without one it reopens
the last case that was open when the window closed (if it still opens).
Settings live in an INI file (``WORKBENCH_SETTINGS`` overrides where, for tests).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from workbench import __version__

RECENT_MAX = 10

WITHOUT_A_DISPLAY = ("QT_QPA_PLATFORM=offscreen runs the window without one, and the "
                     "command line needs none (workbench export, workbench --help)")


def display_problem(environ=None) -> str | None:
    """Why the window cannot open here, in one line, or None.

    Qt aborts the process (a core dump, exit 134) when it cannot reach the display, so
    on Linux the display is tried first: unset, or an X server that does not answer.
    """
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb"):
        return None
    display = env.get("DISPLAY", "")
    if env.get("WAYLAND_DISPLAY") and platform != "xcb":
        return None
    if not display:
        return ("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
                f"unset); {WITHOUT_A_DISPLAY}")
    if not _x_server_answers(display):
        return (f"the display {display} (DISPLAY) does not answer, so the window cannot "
                f"open; {WITHOUT_A_DISPLAY}")
    return None


def _x_server_answers(display: str) -> bool:
    """Connect to the X server as Qt would (libxcb, with its authorisation), then leave."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("xcb")
    if name is None:  # no libxcb: Qt's xcb platform cannot load either; let it say so
        return True
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return True
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    if not conn:
        return False
    try:
        return xcb.xcb_connection_has_error(conn) == 0
    finally:
        xcb.xcb_disconnect(conn)


class Settings:
    """Typed access to the few things Workbench remembers between runs."""

    def __init__(self, path: str | Path | None = None) -> None:
        path = path or os.environ.get("WORKBENCH_SETTINGS")
        if path:
            self.qt = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self.qt = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                "Workbench", "workbench")

    @property
    def recent(self) -> list[str]:
        value = self.qt.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if v]

    def add_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self.qt.setValue("recent", [path] + [p for p in self.recent if p != path][:RECENT_MAX - 1])

    def remove_recent(self, path: str | Path) -> None:
        self.qt.setValue("recent", [p for p in self.recent if p != str(path)])

    @property
    def last_case(self) -> str | None:
        return self.qt.value("last_case") or None

    @last_case.setter
    def last_case(self, path: str | Path | None) -> None:
        self.qt.setValue("last_case", str(path) if path else "")

    def value(self, key: str, default=None):
        return self.qt.value(key, default)

    def set_value(self, key: str, value) -> None:
        self.qt.setValue(key, value)

    def sync(self) -> None:
        self.qt.sync()


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (created on first use)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("Workbench")
        app.setOrganizationName("Workbench")
        app.setApplicationVersion(__version__)
        app.setStyle("Fusion")
    return app


def run(path: str | None = None, *, settings: Settings | None = None) -> int:
    """Open the window (on ``path``, else on the last case) and run until it closes."""
    from workbench.ui.main_window import MainWindow

    app = application()
    settings = settings or Settings()
    window = MainWindow(settings)
    try:  # part 2 of the window (reconciliation, findings, export, undo), when present
        from workbench.ui.part2 import install_part2
    except ImportError:
        pass
    else:
        install_part2(window)
    # However the event loop ends, the case's threads stop before Python tears down.
    app.aboutToQuit.connect(window.close_case)
    window.show()
    target = start_case(settings, path)
    if target:
        window.open_case(target)
    return app.exec()


def start_case(settings: Settings, path: str | None) -> str | None:
    """The case to open on start: the one asked for, else the last one if still there."""
    if path:
        return path
    last = settings.last_case
    return last if last and Path(last).exists() else None
