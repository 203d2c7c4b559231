"""The bundle's entry point: exactly the ``workbench`` command (``workbench.launcher:main``).

No arguments opens the window, ``gui [CASE]`` or ``CASE.wbcase`` opens a case in it, and
anything else is the click command line, so ``dist/workbench/workbench export ...`` works
headless like the installed ``workbench``. PyInstaller needs a script, not an entry point,
hence this file; it also calls ``multiprocessing.freeze_support()`` (see ``main``).

One addition, for ``make installer-test`` only: with ``WORKBENCH_QUIT_AFTER_MS=N`` set, the
window is closed (as if by the user, so it saves its settings) N ms after the event loop
starts; see ``_close_window_later``. It lives here rather than in ``workbench/ui``
because only the bundle's smoke test needs it; unset, this file is a plain call of the
launcher.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _close_window_later(delay_ms: int) -> None:
    """Close the window ``delay_ms`` after the event loop starts, as a user would.

    A close the window refuses (it asks first while an import or other job runs) is
    answered "no" and tried again every half second, as a user would wait for the job;
    after 30 s more the program exits with status 3 so a hang fails the smoke test.
    """
    from PySide6.QtCore import QTimer

    from workbench.ui.shell.app import application

    app = application()  # the same configured instance that ui.app.run() will use

    def dismiss_question() -> None:
        modal = app.activeModalWidget()
        if modal is not None and hasattr(modal, "reject"):
            print(f"auto-quit: answered no to {modal.windowTitle()!r}", file=sys.stderr)
            modal.reject()

    def close() -> None:
        app.closeAllWindows()  # returns once the question (if any) is answered
        if app.topLevelWindows() and any(w.isVisible() for w in app.topLevelWindows()):
            QTimer.singleShot(500, close)

    # A timer does not fire again while its own slot runs, so the question asked inside
    # close() is dismissed by a second timer.
    dismisser = QTimer(app)
    dismisser.timeout.connect(dismiss_question)
    QTimer.singleShot(delay_ms, lambda: (dismisser.start(250), close()))
    QTimer.singleShot(delay_ms + 30_000, lambda: app.exit(3))


def main() -> None:
    # Import workers are started with "spawn": in the bundle each one is this executable
    # again, and freeze_support() turns it into the worker instead of a second Workbench.
    multiprocessing.freeze_support()
    delay = os.environ.get("WORKBENCH_QUIT_AFTER_MS", "").strip()
    if delay:
        _close_window_later(int(delay))
    from workbench.launcher import main as workbench_main

    workbench_main(sys.argv[1:])


if __name__ == "__main__":
    main()
