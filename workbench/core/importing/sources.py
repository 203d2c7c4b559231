"""What an import works through: sources (files, archive members), and their outcomes.

Folders are walked in sorted order so two runs over the same folder see the same files
in the same order (a re-run after a crash then only adds what is missing). Archives and
mailboxes are opened by the hooks in :data:`EXPANDERS`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.importing.extract import ImportOptions


@dataclass(frozen=True)
class ImportItem:
    path: str
    outcome: str  # imported | duplicate | unsupported | failed | skipped
    document_id: int | None = None
    reason: str | None = None
    pages: int = 0
    ocr_pages: int = 0


@dataclass
class ImportReport:
    import_id: int
    origin: str | None
    started_at: str
    status: str = "running"  # running | done | cancelled | interrupted
    items: list[ImportItem] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def imported(self) -> int:
        return self.count("imported")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("unsupported")

    @property
    def pages(self) -> int:
        return sum(i.pages for i in self.items)

    @property
    def ocr_pages(self) -> int:
        return sum(i.ocr_pages for i in self.items)

    @property
    def problems(self) -> list[ImportItem]:
        return [i for i in self.items if i.outcome in ("failed", "unsupported")]


@dataclass
class Source:
    """One file to import: where it came from and how to read its bytes.

    Exactly one of ``path``, ``data`` or ``opener`` says where the bytes are; an opener
    reads an archive member only when its turn comes, so big archives are never held in
    memory whole.
    """

    label: str  # what the user sees: a path, or "archive.zip:inner/path"
    file_name: str
    size: int
    path: Path | None = None
    data: bytes | None = None
    opener: Callable[[], bytes] | None = None
    #: How many archives deep this source is (archives inside archives are limited).
    depth: int = 0

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.opener is not None:
            return self.opener()
        assert self.path is not None
        return self.path.read_bytes()


#: Hooks that expand a source into other sources (archives, mailboxes). Each takes
#: (source, options) and returns None when the source is not its kind, else an iterable
#: of Source and ImportItem (for members refused with a reason).
Expander = Callable[[Source, ImportOptions], "Iterable[Source | ImportItem] | None"]
EXPANDERS: list[Expander] = []


def walk(paths: Iterable[str | Path]) -> Iterator[Source | ImportItem]:
    """Every file under ``paths``, folders recursively, hidden files skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    yield from _file(Path(folder) / name)
        elif path.exists():
            yield from _file(path)
        else:
            yield ImportItem(str(path), "failed", reason="no such file or folder")


def _file(path: Path) -> Iterator[Source | ImportItem]:
    if path.name.startswith("."):
        yield ImportItem(str(path), "skipped", reason="hidden file")
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ImportItem(str(path), "failed", reason=f"cannot be read ({exc.strerror})")
        return
    yield Source(label=str(path), file_name=path.name, size=size, path=path)


def expand(items: Iterable[Source | ImportItem],
           options: ImportOptions) -> Iterator[Source | ImportItem]:
    """Replace archives and mailboxes by their members, recursively."""
    for item in items:
        if isinstance(item, Source):
            for expander in EXPANDERS:
                try:
                    expanded = expander(item, options)
                    if expanded is not None:
                        yield from expand(expanded, options)
                        break
                except ExpandError as exc:
                    yield ImportItem(item.label, "failed", reason=str(exc))
                    break
            else:
                yield item
        else:
            yield item


class ExpandError(Exception):
    """A whole archive or mailbox cannot be read; ``str()`` is the reason."""
