"""The ``workbench`` entry point: the window, or the command line.

``workbench`` alone opens the window (on the last case); ``workbench gui [CASE]`` and
``workbench CASE.wbcase`` open a case in it. Everything else is the click command line,
which never imports Qt (so commands start fast and run on machines without a display).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workbench.core.casefile import SUFFIX

USAGE_GUI = "Usage: workbench gui [CASE]"


def _gui_target(argv: list[str]) -> tuple[bool, str | None]:
    """(open the window?, case path) for these arguments."""
    if not argv:
        return True, None
    if argv[0] == "gui":
        rest = [a for a in argv[1:]]
        if any(a in ("-h", "--help") for a in rest):
            return False, None  # the command line's help for `gui`
        if len(rest) > 1 or any(a.startswith("-") for a in rest):
            print(USAGE_GUI, file=sys.stderr)
            raise SystemExit(2)
        return True, rest[0] if rest else None
    if len(argv) == 1 and argv[0].endswith(SUFFIX) and not argv[0].startswith("-"):
        return True, argv[0]
    return False, None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    gui, path = _gui_target(argv)
    if not gui:
        from workbench.cli.main import main as cli_main
        cli_main(argv)
        return
    if _no_display():
        print("workbench: no display to open the window on (DISPLAY and WAYLAND_DISPLAY "
              "are unset); QT_QPA_PLATFORM=offscreen runs the window without one, and the "
              "command line needs none (workbench export, workbench --help)",
              file=sys.stderr)
        raise SystemExit(1)
    from workbench.ui.shell.app import display_problem, run
    problem = display_problem()  # a dead X server: Qt would abort with a core dump
    if problem:
        print(f"workbench: {problem}", file=sys.stderr)
        raise SystemExit(1)
    raise SystemExit(run(str(Path(path)) if path else None))


def _no_display() -> bool:
    """True on Linux without X11 or Wayland (Qt would abort with a core dump)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


if __name__ == "__main__":
    main()
