"""Screenshots of the window in every state a person sees, run by hand under Xvfb:

    Xvfb :31 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:31 .venv/bin/python tests/ui/screens.py /tmp/shots 1366x768 [dark]

Builds the sample case plus a two-page PDF with excerpts in a temporary folder, then
shows: welcome, the sample case, a PDF page with excerpts, search with hits, the board,
the findings editor, readiness, export; each is saved as ``<folder>/<size>-<palette>-
<state>.png`` from the screen (so dialogs are in it too).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, c in (("Window", "#2b2b2b"), ("WindowText", "#e6e6e6"), ("Base", "#1f1f1f"),
                    ("AlternateBase", "#272727"), ("Text", "#e6e6e6"), ("Button", "#353535"),
                    ("ButtonText", "#e6e6e6"), ("Highlight", "#2f6fb5"),
                    ("HighlightedText", "#ffffff"), ("Link", "#7fb2ff"),
                    ("PlaceholderText", "#8a8a8a"), ("ToolTipBase", "#333333"),
                    ("ToolTipText", "#e6e6e6"), ("Mid", "#8a8a8a")):
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(c))
    for role in ("WindowText", "ButtonText", "Text"):  # as a desktop's dark theme does
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                     QColor("#6f6f6f"))
    return pal


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    lines = [
        "Office of Federal Border Analytics - Memorandum",
        "",
        "Subject: License plate reader data obtained through PlateStream",
        "",
        "1. The agency does not operate its own network of plate readers. Analysts",
        "query the PlateStream commercial service, which aggregates scans from",
        "participating local agencies and private camera operators.",
        "2. According to the vendor, more than 80 local police agencies share their",
        "plate scans with federal users through the service.",
        "3. Queries are logged by the vendor, not by the agency. No audit of the",
        "searches run by agents has been conducted since the contract began.",
        "4. Local agencies were not told which federal users could see their data.",
    ]
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setTitle("Microsoft Word - memo_final.doc")
    for page in range(2):
        y = 720
        c.setFont("Helvetica", 11)
        for line in lines:
            c.drawString(72, y, line)
            y -= 18
        c.drawString(72, 80, f"Page {page + 1} of 2")
        c.showPage()
    c.save()


def main() -> None:
    out = Path(sys.argv[1])
    size = sys.argv[2] if len(sys.argv) > 2 else "1366x768"
    dark = len(sys.argv) > 3 and sys.argv[3] == "dark"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    os.environ["WORKBENCH_INDEX_DIR"] = str(work / "index")

    from workbench.core import documents, excerpts, importing, sample
    from workbench.ui.shell.app import application
    from workbench.ui.shell.settings import Settings
    from workbench.ui.shell.main_window import MainWindow
    from workbench.ui.shell.verification_docks import install_verification_docks

    case_path = work / "sample.wbcase"
    case = sample.build(case_path)
    make_pdf(work / "ofba-memo.pdf")
    report = importing.import_paths(case, [str(work / "ofba-memo.pdf")],
                                    origin="Records release, NCLP v. OFBA")
    pdf_id = report.items[0].document_id
    text = documents.page(case, pdf_id, 1).text
    for phrase in ("more than 80 local police agencies share their",
                   "No audit of the"):
        start = text.index(phrase)
        excerpts.add_range(case, document_id=pdf_id, page=1, start=start,
                           end=start + len(phrase))
    case.close()

    app = application()
    if dark:
        app.setPalette(dark_palette())
    width, height = (int(n) for n in size.split("x"))
    window = MainWindow(Settings(work / "settings.ini"))
    verification = install_verification_docks(window)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    name = f"{size}-{'dark' if dark else 'light'}"

    def shot(state: str) -> None:
        wait(700)
        QGuiApplication.primaryScreen().grabWindow(0).save(str(out / f"{name}-{state}.png"))

    shot("welcome")
    window.open_case(case_path)
    while window.session.jobs.busy:
        wait(100)
    shot("case")
    window.open_document(pdf_id, 1)
    wait(600)
    shot("pdf")
    window.search_box.setText("plate reader")
    window._search_typed()
    wait(800)
    if window.search_panel.view.model().rowCount():
        window.search_panel.view.setCurrentIndex(window.search_panel.view.model().index(0, 0))
        window.search_panel._open(window.search_panel.view.model().index(0, 0))
    shot("search")
    verification.show_panel("board")
    verification.board.select_claim(1)
    shot("board")
    verification.show_panel("findings")
    verification.findings.select_finding(1)
    shot("findings")
    verification.show_panel("readiness")
    wait(1500)
    shot("readiness")
    dialog = verification.open_export()
    dialog.move(80, 60)
    dialog.final_radio.setChecked(True)
    dialog.path_edit.setText(str(work / "final.pdf"))
    dialog.start()
    while dialog.job is not None:
        wait(100)
    shot("export")
    dialog.reject()
    window.close()


if __name__ == "__main__":
    main()
