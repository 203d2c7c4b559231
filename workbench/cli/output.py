"""Printing for the command line: JSON for machines, aligned tables for people."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from itertools import repeat
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click

from workbench.core.casefile import Case
from workbench.core.progress import NO_PROGRESS, Progress


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_plain(value: object) -> Any:
    """Dataclasses, tuples and sets as JSON-ready values."""
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(
                f.name for f in dataclasses.fields(value))
        return {name: to_plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain(v) for v in value]
    return value


def printable(text: object) -> str:
    """``text`` on one line whatever it holds: control characters (a newline in a file
    name, an escape sequence) are shown as ``\\n`` or ``\\x1b`` so that they can
    neither forge a line of a report nor drive the terminal."""
    text = str(text)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            escaped = repr(ch)[1:-1]
            out.append(escaped if escaped != ch else f"\\u{ord(ch):04x}")
    return "".join(out)


def emit_json(value: object) -> None:
    click.echo(json.dumps(to_plain(value), ensure_ascii=False, indent=2, sort_keys=False))


def emit_json_list(items: Iterable[object]) -> None:
    """:func:`emit_json` of a list, item by item: the same bytes, without holding the
    list or its text whole (a listing of 250,000 documents)."""
    dumps = json.dumps
    lines: list[str] = []
    first = True
    for item in items:
        # An item at the list's level is indented by two more spaces on every line (its
        # strings hold no raw line breaks: JSON escapes them).
        text = dumps(to_plain(item), ensure_ascii=False, indent=2, sort_keys=False)
        lines.append(("[\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
        first = False
        if len(lines) == 1000:
            click.echo("".join(lines), nl=False)
            lines = []
    lines.append("[]" if first else "\n]")
    click.echo("".join(lines))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *,
          widths: dict[int, int] | None = None) -> None:
    """Print rows under headers, each column as wide as its widest cell (capped).

    ``rows`` may be a generator: it is read once, and only each row's cells are kept
    (as one string) until the widths are known. (A cell is :func:`_cell` of its value;
    it is inlined here, as a listing of 250,000 documents has millions of cells.)"""
    widths = widths or {}
    count = len(headers)
    caps = [widths.get(i) or 60 for i in range(count)]
    sizes = [len(h) for h in headers]
    kept: list[str] = []
    join = _SEP.join
    for r in rows:
        cells = ["" if v is None else ("yes" if v else "") if v.__class__ is bool
                 else " ".join((v if v.__class__ is str else str(v)).split()) for v in r]
        cells = [c if len(c) <= cap else c[:cap - 1] + "…" for c, cap in zip(cells, caps)]
        if len(cells) == count:
            sizes = list(map(max, sizes, map(len, cells)))
        else:  # a short row (none is longer than the headers)
            for i, c in enumerate(cells):
                sizes[i] = max(sizes[i], len(c))
        kept.append(join(cells))
    line = "  ".join(h.ljust(sizes[i]) for i, h in enumerate(headers)).rstrip()
    click.echo(click.style(line, bold=True))
    # Each cell left-aligned in its column's width, as str.ljust pads.
    form = "  ".join(f"{{:<{s}}}" for s in sizes).format
    for start in range(0, len(kept), 1000):  # a long list: a thousand lines a write
        click.echo("\n".join(
            form(*cells).rstrip() if len(cells) == count else
            "  ".join(c.ljust(sizes[i]) for i, c in enumerate(cells)).rstrip()
            for cells in map(str.split, kept[start:start + 1000], repeat(_SEP))))
    if not kept:
        click.echo("(none)")


#: Joins a row's cells while a table is read (a cell never holds a line break).
_SEP = "\n"


def _cell(value: object, cap: int | None) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else ""
    else:
        text = " ".join(str(value).split())
    cap = cap or 60
    return text if len(text) <= cap else text[: cap - 1] + "…"


def fields(pairs: Sequence[tuple[str, object]]) -> None:
    """Print ``label: value`` lines, labels aligned."""
    width = max((len(k) for k, _ in pairs), default=0)
    for key, value in pairs:
        if value is None or value == "" or value == ():
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        click.echo(f"{click.style(key.ljust(width), bold=True)}  {value}")


@contextlib.contextmanager
def open_case(path: str) -> Iterator[Case]:
    case = Case.open(path)
    told: list[float] = []

    def waiting(seconds: float) -> None:
        if not told:
            told.append(seconds)
            click.echo("Waiting for the case: another program (the window, an import or "
                       "a command) is writing to it…", err=True)
    case.on_wait = waiting
    try:
        yield case
    finally:
        case.close()


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(label: str, *, quiet: bool = False) -> Iterator[Progress]:
    """A click progress bar on stderr when it is a terminal (and not ``quiet``, e.g. with
    --json); otherwise no progress at all."""
    if quiet or not stderr_is_terminal():
        yield NO_PROGRESS
        return
    with click.progressbar(length=1000, label=label, file=None) as bar:
        done = 0

        def report(fraction: float, status: str) -> None:
            nonlocal done
            step = int(fraction * 1000)
            bar.update(step - done)
            done = step

        yield Progress(report)


@contextlib.contextmanager
def lazy_progress(label: str, *, always: bool = True) -> Iterator[Progress]:
    """A progress bar on stderr, shown from the first report (or at once if ``always``).

    When stderr is not a terminal (a log file, a pipe) the label alone is written, as a
    line of its own.
    """
    state: dict = {"started": False, "bar": None, "done": 0}
    stack = contextlib.ExitStack()

    def start() -> None:
        if state["started"]:
            return
        state["started"] = True
        if sys.stderr.isatty():
            state["bar"] = stack.enter_context(click.progressbar(
                length=1000, label=label, file=sys.stderr, show_eta=False))
        else:
            click.echo(label, err=True)

    def report(fraction: float, status: str) -> None:
        step = int(fraction * 1000)
        if step > state["done"]:
            start()
            if state["bar"] is not None:
                state["bar"].update(step - state["done"])
            state["done"] = step

    with stack:
        if always:
            start()
        yield Progress(report)
