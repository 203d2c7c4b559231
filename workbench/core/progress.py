"""Progress and cancellation for long work, without any GUI dependency.

Core functions that take long accept a :class:`Progress`. They call
:meth:`Progress.update` with a fraction in [0, 1] and a status line, and
:meth:`Progress.check` between steps, which raises :class:`Cancelled` once the user
asked to stop. :meth:`Progress.child` hands a sub-step its own 0..1 range.
"""

from __future__ import annotations

from collections.abc import Callable


class Cancelled(Exception):
    """The user cancelled; work done so far is kept (each step is its own transaction)."""


class Progress:
    def __init__(self, report: Callable[[float, str], None] | None = None,
                 is_cancelled: Callable[[], bool] | None = None,
                 *, start: float = 0.0, end: float = 1.0) -> None:
        self._report = report
        self._is_cancelled = is_cancelled
        self._start = start
        self._end = end

    def update(self, fraction: float, status: str = "") -> None:
        fraction = min(1.0, max(0.0, fraction))
        if self._report is not None:
            self._report(self._start + (self._end - self._start) * fraction, status)

    @property
    def cancelled(self) -> bool:
        return bool(self._is_cancelled and self._is_cancelled())

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def child(self, start: float, end: float) -> "Progress":
        """A progress whose 0..1 maps onto ``start..end`` of this one."""
        span = self._end - self._start
        return Progress(self._report, self._is_cancelled,
                        start=self._start + span * start, end=self._start + span * end)


NO_PROGRESS = Progress()
