"""The application: QApplication, settings, recent cases, and the start-up rules.

``run(path)`` opens the window. With a path it opens that case; without one it reopens
the last case that was open when the window closed (if it still opens).
Settings are kept by :mod:`workbench.ui.shell.settings`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from workbench import __version__
from workbench.ui.shell.settings import Settings

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
    from workbench.ui.shell.main_window import MainWindow
    from workbench.ui.shell.verification_docks import install_verification_docks

    app = application()
    settings = settings or Settings()
    window = MainWindow(settings)
    install_verification_docks(window)  # reconciliation, findings, export, undo
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
