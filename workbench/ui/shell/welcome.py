"""What the window shows when no case is open: start a case, open one, or a recent one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("welcome")
        self.window_ = window
        title = QLabel("<h2>Workbench</h2><p>An offline case workbench: documents, "
                       "excerpts, actors, claims and findings in one case file.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        new = QPushButton("New case…")
        new.clicked.connect(lambda: window.new_case())
        open_ = QPushButton("Open case…")
        open_.clicked.connect(lambda: window.open_case_dialog())
        self.recent_list = QListWidget(self)
        self.recent_list.setObjectName("recentList")
        self.recent_list.setMinimumWidth(480)
        self.recent_list.setMaximumSize(640, 200)
        self.recent_list.itemActivated.connect(lambda item: window.open_case(
            item.data(Qt.ItemDataRole.UserRole) or item.text()))
        self.recent_label = QLabel("Recent cases (double-click to open):")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        for w in (new, open_):
            w.setMinimumWidth(220)
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addWidget(self.recent_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.recent_list, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def set_recent(self, paths: list[str]) -> None:
        self.recent_list.clear()
        for p in paths:
            self.recent_list.addItem(p)
            if not Path(p).exists():
                item = self.recent_list.item(self.recent_list.count() - 1)
                item.setText(f"{p}  (missing)")
                item.setData(Qt.ItemDataRole.UserRole, p)
                item.setForeground(Qt.GlobalColor.gray)
                item.setToolTip("This file is no longer there")
        self.recent_label.setVisible(bool(paths))
        self.recent_list.setVisible(bool(paths))
