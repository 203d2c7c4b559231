"""What Workbench remembers between runs (recent cases, the last case, window state).

Settings live in an INI file (``WORKBENCH_SETTINGS`` overrides where, for tests).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

RECENT_MAX = 10


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
