"""Show the verification docks on the sample case in the real window, for screenshots.

    Xvfb :98 -screen 0 1280x800x24 -nolisten tcp &
    DISPLAY=:98 .venv/bin/python tests/ui/show_verification_docks.py board 9000 &
    sleep 7; DISPLAY=:98 import -window root /tmp/board.png

The first argument picks what to show: board, findings, export, window, actors,
statement, hover (a citation mark's tooltip); the second is how long to stay open (ms).
DARK=1 uses a dark palette.
"""
import os
import sys
import tempfile
from pathlib import Path
from PySide6.QtCore import QTimer
from workbench.core import sample
from workbench.ui.shell.app import application
from workbench.ui.shell.settings import Settings
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.shell.verification_docks import install_verification_docks

which = sys.argv[1]
d = Path(tempfile.mkdtemp())
os.environ["WORKBENCH_INDEX_DIR"] = str(d / "index")
path = d / "sample.wbcase"
sample.build(path).close()
app = application()
if os.environ.get("DARK"):
    from PySide6.QtGui import QPalette, QColor
    pal = QPalette()
    R = QPalette.ColorRole
    for role, c in ((R.Window, "#2b2b2b"), (R.WindowText, "#e6e6e6"),
                    (R.Base, "#1f1f1f"), (R.AlternateBase, "#272727"),
                    (R.Text, "#e6e6e6"), (R.Button, "#353535"),
                    (R.ButtonText, "#e6e6e6"), (R.Highlight, "#2f6fb5"),
                    (R.HighlightedText, "#ffffff"), (R.Link, "#7fb2ff"),
                    (R.PlaceholderText, "#8a8a8a"), (R.ToolTipBase, "#333333"),
                    (R.ToolTipText, "#e6e6e6")):
        pal.setColor(role, QColor(c))
    app.setPalette(pal)
win = MainWindow(Settings(d / "settings.ini"))
win.resize(1280, 800)
win.move(0, 0)
win.show()
win.open_case(path)
p = install_verification_docks(win, win.session)

def stage():
    if which == "board":
        p.show_panel("board")
        p.docks["board"].setFloating(True)
        p.docks["board"].setGeometry(0, 0, 1280, 800)
        p.board.select_claim(2)
    elif which == "findings":
        p.show_panel("findings")
        p.docks["findings"].setFloating(True)
        p.docks["findings"].setGeometry(0, 0, 1280, 800)
        p.findings.select_finding(1)
        p.findings.text_edit.setPlainText(
            "PlateStream's report for OFBA lists Brookfield and Cedar Falls among agencies "
            "sharing plate scans.[1] Neither department runs cameras;[2] Brookfield holds a "
            "read-only account,[3] and the detections in the Cedar Falls account come from "
            "the county sheriff.[4]")
    elif which == "export":
        dlg = p.open_export()
        dlg.move(250, 20)
        dlg.path_edit.setText(str(d / "report.pdf"))
        dlg.byline_edit.setText("By A. Reporter")
        dlg.start()
    elif which == "window":
        p.show_panel("board")
        p.show_panel("readiness")
        p.board.select_claim(1)
    elif which == "actors":
        p.show_panel("actors")
        p.docks["actors"].setFloating(True)
        p.docks["actors"].setGeometry(0, 0, 1280, 800)
        p.actors.select_actor(6)
    elif which == "statement":
        dlg = p.record_statement(actor_id=2)
        dlg.move(300, 60)
        dlg.no_response_check.setChecked(True)
    elif which == "hover":
        p.show_panel("findings")
        p.docks["findings"].setFloating(True)
        p.docks["findings"].setGeometry(0, 0, 1280, 800)
        p.findings.select_finding(2)
        ed = p.findings.text_edit
        ed.setPlainText("In February 2019 an OFBA special agent asked a Cedar Falls detective "
                        "to run a plate.[1] OFBA says it is not building a national database.[2]")
        def tip():
            from PySide6.QtWidgets import QToolTip
            text = ed.toPlainText()
            cur = ed.textCursor()
            cur.setPosition(text.index("[1]") + 1)
            pt = ed.viewport().mapToGlobal(ed.cursorRect(cur).center())
            QToolTip.showText(pt, p.findings.quote_for(ed.mark_at(ed.cursorRect(cur).center())), ed)
        QTimer.singleShot(800, tip)

QTimer.singleShot(1500, stage)
QTimer.singleShot(int(sys.argv[2]) if len(sys.argv) > 2 else 6000, app.quit)
app.exec()
