"""Small checks shared by the modules of core; each raises ValidationError in one line."""

from __future__ import annotations

import re
from datetime import date

from workbench.core.errors import NotFound, ValidationError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValidationError(f"{what} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def optional_one_of(value: str | None, allowed: tuple[str, ...], what: str) -> str | None:
    return None if value in (None, "") else one_of(value, allowed, what)


def iso_date(value: str | None, what: str) -> str | None:
    """Accept ``YYYY-MM-DD`` (a real calendar date) or nothing."""
    if value in (None, ""):
        return None
    if not _DATE.match(value):
        raise ValidationError(f"{what} must be a date as YYYY-MM-DD (got {value!r})")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{what} is not a real date (got {value!r})") from None
    return value


def text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise ValidationError(f"{what} must not be empty")
    return value.strip()


def optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def exists(case, table: str, row_id: int | None, kind: str) -> int | None:
    """Raise NotFound unless ``row_id`` is None or a row of ``table``."""
    if row_id is None:
        return None
    if case.row(f"SELECT 1 FROM [{table}] WHERE id = ?", (row_id,)) is None:
        raise NotFound(kind, row_id)
    return row_id
