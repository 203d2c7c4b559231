"""The window on a large case: longest event-loop stall while it opens, lists, searches.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/window_scale.py CASE [--actor ID]
        [--claims 500] [--copy DIR]

A 10 ms heartbeat timer runs throughout (as tests/ui/test_responsive.py does); each
step prints its wall time and the longest gap between two ticks (target: 100 ms):
opening the case (and its index), the navigator, the documents list scrolled to its
end, sorted by title and narrowed from the navigator, an edit of a document's title (the
screens catch up when the job ends), a search with most pages as hits (its list
scrolled), an actor's dossier, the
board with ``--claims`` claims (added first, about the actor, with evidence and
verdicts, when the case has fewer). ``--copy DIR`` first copies the case and its index
folder into DIR and works on the copy (for a case that is not yours to change).
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
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--copy", type=Path, default=None)
    parser.add_argument("--source-index-root", type=Path, default=None,
                        help="with --copy: the index folder of the case copied, when it "
                             "is not WORKBENCH_INDEX_DIR (the copy's goes there)")
    args = parser.parse_args()
    if args.copy is not None:
        args.case = copy_case(args.case, args.copy, args.source_index_root)
    if args.claims:
        add_claims(args.case, args.claims, args.actor)

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
        ticks.append(started)  # work done inside ``action`` itself is a stall too
        action()
        ok = wait(until)
        seconds = time.perf_counter() - started
        pump(0.1)
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        worst = max(gaps) * 1000 if gaps else float("nan")
        print(f"{name:44} {seconds:7.2f} s   longest stall {worst:6.0f} ms"
              f"{'' if ok else '   (did not finish)'}", flush=True)

    def idle() -> bool:
        session = window.session
        return (session is not None and not session.jobs.busy
                and not getattr(getattr(session, "queries", None), "pending", 0))

    step("open the case (and its index)", lambda: window.open_case(args.case), idle)
    docs = window.documents_model
    print(f"  documents model: {docs.rowCount():,} rows")
    step("the navigator refreshed (as after a change)",
         lambda: window.navigator.refresh_in_background(), idle)

    def scroll_documents() -> None:
        views = [v for v in window.findChildren(__import__(
            "PySide6.QtWidgets", fromlist=["QAbstractItemView"]).QAbstractItemView)
            if v.model() is docs]
        for view in views[:1]:
            view.scrollToBottom()
    step("documents list scrolled to the end", scroll_documents)

    from PySide6.QtCore import Qt
    step("documents list sorted by title", lambda: window.documents_view.sortByColumn(
        0, Qt.SortOrder.AscendingOrder), idle)
    step("navigator: all documents chosen (import order)",
         lambda: window.navigator.scope_chosen.emit({}), idle)

    first = docs.ids[0] if docs.ids else None
    step("a title edited (the screens catch up)",
         lambda: first is not None and window.edit_document(
             first, {"title": f"Edited {time.time():.0f}"}), idle)

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
        board = docks.board
        step("the board", lambda: docks.show_actions["board"].trigger(), idle)
        print(f"  board: {board.claims_model.rowCount():,} claims")
        step("the board: a claim chosen", lambda: board.select_claim(
            board.claims_model.rows[-1].claim.id
            if board.claims_model.rowCount() else 0), idle)
    heartbeat.stop()
    window.close_case()
    window.close()


def copy_case(case: Path, folder: Path, source_root: Path | None = None) -> Path:
    """Copy ``case`` and its index folder into ``folder`` (kept: a second run reuses it).

    The source is read with SQLite's backup API, never opened as a case: a case made by
    an older Workbench stays as it is (the copy is migrated when the window opens it).
    """
    import hashlib
    import os
    import shutil
    import sqlite3

    from workbench.core.search.store import index_root
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / case.name
    if target.exists():
        return target
    print(f"copying {case} into {folder}...", flush=True)
    source = sqlite3.connect(f"file:{case.resolve()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    source.backup(copy)
    case_id = copy.execute("SELECT value FROM case_info WHERE key = 'case_id'").fetchone()[0]
    copy.close()
    source.close()

    def index_of(path: Path, root: Path) -> Path:  # as store.index_dir names it
        where = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        return root / f"{case_id}-{where}"
    source_index = index_of(case, source_root or index_root())
    if source_index.is_dir():  # the index's record names the case by id, not by path
        shutil.rmtree(index_of(target, index_root()), ignore_errors=True)  # an old copy's
        shutil.copytree(source_index, index_of(target, index_root()))
    os.sync()
    return target


def add_claims(case_path: Path, wanted: int, actor_id: int) -> None:
    """Claims about ``actor_id`` up to ``wanted``, each with evidence (the case's excerpts,
    round robin) and every third with a verdict; the search index kept in step."""
    from workbench.core import claims, excerpts, search
    from workbench.core.casefile import Case

    with Case.open(case_path) as case:
        have = len(claims.list_all(case))
        if have >= wanted:
            return
        print(f"adding {wanted - have} claims...", flush=True)
        quotes = [e.id for e in excerpts.list_all(case)]
        index = search.open_index(case)
        with index.batched():
            for n in range(have, wanted):
                c = claims.add(case, f"Claim {n + 1}: the vendor shared plate scans "
                                     f"with agency {n % 37}.", about=[actor_id]).id
                if quotes:
                    claims.add_evidence(case, claim_id=c, excerpt_id=quotes[n % len(quotes)],
                                        relation=("supports", "contradicts")[n % 2])
                if n % 3 == 0:
                    claims.set_verdict(case, claim_id=c, status="mixed",
                                       rationale="Both sides have records.")
        search.close_index(case)


if __name__ == "__main__":
    main()
