"""The installed PySide6 does not corrupt reference counts when signals are emitted.

PySide6 6.12.0 dropped one reference to ``True`` on every ``Signal.emit`` from Python
(pyproject.toml excludes it): after a few thousand emits, e.g. the progress of one
import, CPython 3.11 aborts with "bool_dealloc: deallocating True or False".
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    carrying = Signal(object)


def test_emitting_signals_keeps_the_reference_count_of_true():
    emitter = _Emitter()
    emitter.carrying.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.plain.emit()
        emitter.carrying.emit(True)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after[0] >= before[0] - 10 and after[1] >= before[1] - 10, (before, after)
