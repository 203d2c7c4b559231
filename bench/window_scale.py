"""The window on a large case: longest event-loop stall while it opens, lists, searches.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/window_scale.py CASE [--actor ID]

A 10 ms heartbeat timer runs throughout (as tests/ui/test_responsive.py does); each
step prints its wall time and the longest gap between two ticks (target: 100 ms):
opening the case (and its index), the documents list scrolled to its end, a search
with most pages as hits (its list scrolled), an actor's dossier, the board.
Set WORKBENCH_INDEX_DIR to the index folder the case was built with (scale_bench keeps
it in DIR/indexes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--actor", type=int, default=1)
    parser.add_argument("--query", default="the")
    args = parser.parse_args()

    import tempfile

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from workbench.ui.shell.settings import Settings
    from workbench.ui.shell.main_window import MainWindow

    settings = Settings(Path(tempfile.mkdtemp()) / "settings.ini")
    window = MainWindow(settings)
    from workbench.ui.shell.verification_docks import install_verification_docks
    install_verification_docks(window)  # as the app does: actors, board, findings
    window.resize(1280, 800)
    window.show()
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    def wait(condition, timeout: float = 600) -> bool:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            app.processEvents()
            if condition():
                return True
            time.sleep(0.002)
        return False

    def step(name: str, action, until=lambda: True) -> None:
        pump(0.1)
        ticks.clear()
        started = time.perf_counter()
        action()
        ok = wait(until)
        seconds = time.perf_counter() - started
        pump(0.1)
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        worst = max(gaps) * 1000 if gaps else float("nan")
        print(f"{name:44} {seconds:7.2f} s   longest stall {worst:6.0f} ms"
              f"{'' if ok else '   (did not finish)'}", flush=True)

    def idle() -> bool:
        return window.session is not None and not window.session.jobs.busy

    step("open the case (and its index)", lambda: window.open_case(args.case), idle)
    docs = window.documents_model
    print(f"  documents model: {docs.rowCount():,} rows")

    def scroll_documents() -> None:
        views = [v for v in window.findChildren(__import__(
            "PySide6.QtWidgets", fromlist=["QAbstractItemView"]).QAbstractItemView)
            if v.model() is docs]
        for view in views[:1]:
            view.scrollToBottom()
    step("documents list scrolled to the end", scroll_documents)

    panel = window.search_panel
    step(f"search {args.query!r} (all hits counted, facets)",
         lambda: panel.search(args.query),
         lambda: panel.results is not None and "result" in panel.status.text())
    print(f"  {panel.status.text()}")
    docks = getattr(window, "verification", None)
    if docks is not None:
        actors_panel = docks.actors
        step(f"dossier of actor {args.actor}", lambda: actors_panel.show_dossier(args.actor),
             lambda: "Reading the dossier" not in actors_panel.dossier.toPlainText()
             and bool(actors_panel.dossier.toPlainText()))
        step("the board", lambda: docks.show_actions["board"].trigger()
             if "board" in docks.show_actions else None)
    heartbeat.stop()
    window.close_case()
    window.close()


if __name__ == "__main__":
    main()
