"""What an import works through: sources (files, archive members), and their outcomes.

Folders are walked in sorted order so two runs over the same folder see the same files
in the same order (a re-run after a crash then only adds what is missing). Archives and
mailboxes are opened by the hooks in :data:`EXPANDERS`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.importing.extract import ExtractionError, ImportOptions


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
    #: Earlier imports, interrupted, whose files this one found stored and finished.
    completes: list[int] = field(default_factory=list)

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


def shown(text: str) -> str:
    """``text`` as it can be stored and printed: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates, which SQLite refuses) become ``\\xNN``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def walk(paths: Iterable[str | Path], *,
         follow_links: bool = False) -> Iterator[Source | ImportItem]:
    """Every file under ``paths``, folders recursively, hidden files skipped.

    Inside a folder a symbolic link is followed only when it stays inside that folder
    (a file linked from elsewhere in it), or when ``follow_links`` is set; any other
    link is skipped and named. A path given by itself is read wherever it points.
    """
    for raw in paths:
        path = Path(raw)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except (OSError, ValueError) as exc:
            yield ImportItem(shown(str(path)), "failed", reason=_os_reason(exc))
            continue
        if is_dir:
            yield from _folder(path, follow_links)
        elif exists:
            yield from _file(path)
        elif path.is_symlink():
            yield ImportItem(shown(str(path)), "failed",
                             reason="broken symbolic link (its target does not exist)")
        else:
            yield ImportItem(shown(str(path)), "failed", reason="no such file or folder")


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
        return "name too long for this system"
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return f"cannot be read ({exc})"


def _folder(root: Path, follow_links: bool) -> Iterator[Source | ImportItem]:
    real_root = os.path.realpath(root)
    seen = {real_root}  # folders entered, by real path (links can make loops)
    for folder, dirs, files in os.walk(root, followlinks=follow_links):
        kept = []
        for d in sorted(dirs):
            full = Path(folder) / d
            if d.startswith("."):
                continue
            if full.is_symlink():
                real = os.path.realpath(full)
                if not follow_links:
                    yield ImportItem(shown(str(full)), "skipped", reason=(
                        f"symbolic link to folder {shown(real)} not followed "
                        "(--follow-links to import it)"))
                    continue
                if real in seen or _inside(real, real_root) and real_root != real:
                    yield ImportItem(shown(str(full)), "skipped", reason=(
                        f"symbolic link to folder {shown(real)}, already imported"))
                    continue
                seen.add(real)
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            full = Path(folder) / name
            if full.is_symlink() and not name.startswith("."):
                real = os.path.realpath(full)
                if not os.path.exists(real):
                    yield ImportItem(shown(str(full)), "failed",
                                     reason="broken symbolic link (its target does not exist)")
                    continue
                if not follow_links and not _inside(real, real_root):
                    yield ImportItem(shown(str(full)), "skipped", reason=(
                        f"symbolic link to {shown(real)}, outside the folder, not followed "
                        "(--follow-links to import it)"))
                    continue
            yield from _file(full)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _file(path: Path) -> Iterator[Source | ImportItem]:
    label = shown(str(path))
    if path.name.startswith("."):
        yield ImportItem(label, "skipped", reason="hidden file")
        return
    try:
        st = path.stat()
    except (OSError, ValueError) as exc:
        yield ImportItem(label, "failed", reason=_os_reason(exc))
        return
    if not stat.S_ISREG(st.st_mode):
        yield ImportItem(label, "skipped", reason="not a regular file (a device, pipe or socket)")
        return
    yield Source(label=label, file_name=shown(path.name), size=st.st_size, path=path)


def expand(items: Iterable[Source | ImportItem],
           options: ImportOptions) -> Iterator[Source | ImportItem]:
    """Replace archives and mailboxes by their members, recursively and lazily.

    Whatever goes wrong opening one archive (or one archive inside it) becomes that
    archive's failed item; the members already yielded stand, the rest of the batch
    goes on.
    """
    for item in items:
        if not isinstance(item, Source):
            yield item
            continue
        for expander in EXPANDERS:
            try:
                expanded = expander(item, options)
                if expanded is None:
                    continue
                empty = True
                for entry in expand(expanded, options):
                    empty = False
                    yield entry
                if empty:
                    yield ImportItem(item.label, "skipped",
                                     reason="nothing inside (an empty archive or mailbox)")
            except (ExpandError, ExtractionError) as exc:
                yield ImportItem(item.label, "failed", reason=str(exc))
            except OSError as exc:
                yield ImportItem(item.label, "failed", reason=(
                    f"cannot be read ({exc.strerror or exc})"))
            except Exception as exc:  # a library choking on a hostile archive
                yield ImportItem(item.label, "failed", reason=(
                    f"cannot be opened ({type(exc).__name__}: {exc})")[:300])
            break
        else:
            yield item


class ExpandError(Exception):
    """A whole archive or mailbox cannot be read; ``str()`` is the reason."""
