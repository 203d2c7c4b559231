"""Open the main window on a case offscreen, close it after a moment as a user would, and
exit 0 if it opened the case and closed cleanly. Run by .ci/wheel_test.sh with the
Python of a venv where only the built wheel is installed:

    python wheel_window.py CASE SETTINGS_INI
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402

from workbench.ui.shell.app import application, run  # noqa: E402
from workbench.ui.shell.settings import Settings  # noqa: E402


def main() -> int:
    case, ini = sys.argv[1], sys.argv[2]
    app = application()
    titles: list[str] = []

    def close() -> None:
        modal = app.activeModalWidget()
        if modal is not None and hasattr(modal, "reject"):
            modal.reject()  # "Work is running": wait for it, as a user would
        titles.extend(w.windowTitle() for w in app.topLevelWidgets() if w.isVisible())
        app.closeAllWindows()
        if any(w.isVisible() for w in app.topLevelWidgets()):
            QTimer.singleShot(500, close)

    QTimer.singleShot(1500, close)
    QTimer.singleShot(60_000, lambda: app.exit(3))  # a hang fails instead of waiting
    code = run(case, settings=Settings(ini))
    print("window titles:", titles)
    if code != 0:
        return code
    if not any(t.endswith("— Workbench") and len(t) > len(" — Workbench") for t in titles):
        print("the window did not show the case's title")
        return 1
    last = Settings(ini).last_case
    if last != case:
        print(f"closing did not record the case as the last one open: {last!r}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
