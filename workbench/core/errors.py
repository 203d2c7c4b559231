"""Errors a user can act on. ``str(error)`` is always one line."""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """Base class: a problem with the user's input or files, explained in one line."""


class CaseFileError(WorkbenchError):
    """A case file cannot be created or opened; the file is left as it was."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class CaseReadOnly(CaseFileError):
    """A write to a case that was opened read-only (read-only file, folder or mount)."""


class CaseBusy(CaseFileError):
    """Another connection held the case's write lock for longer than a write waits."""


class NotFound(WorkbenchError):
    """No row of that kind with that id."""

    def __init__(self, kind: str, row_id: object) -> None:
        self.kind = kind
        self.row_id = row_id
        super().__init__(f"no {kind} with id {row_id}")


class ValidationError(WorkbenchError):
    """Input that the case cannot accept (bad value, missing field)."""


class QuoteNotFound(ValidationError):
    """An excerpt's quote does not occur in its source page."""


class InUseError(WorkbenchError):
    """A row cannot be deleted because other rows still use it."""

    def __init__(self, message: str, users: list[tuple[str, int]]) -> None:
        self.users = users
        super().__init__(message)
