"""Zip archives: each member imported as a file of its own, named ``archive.zip:inner/path``.

A member is refused (with a reason, while the others go on) when its name would escape
the archive (``../``, an absolute path), when it is encrypted, or when it looks like a
zip bomb: its unpacked size is out of all proportion to its packed size, or the archive
as a whole unpacks to more than the limit. Sizes are checked on what is really read,
not only on what the archive's directory claims.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from workbench.core.importing.extract import ExtractionError, ImportOptions, size_text
from workbench.core.importing.sources import EXPANDERS, ExpandError, ImportItem, Source

#: Archives inside archives are opened down to this depth, no further.
MAX_DEPTH = 3
#: Entries this small are never judged by their ratio (tiny files compress oddly).
_RATIO_FLOOR = 1024 * 1024


def _escapes(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


class _Archive:
    """An open zip file, shared by the openers of its members."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._zip: zipfile.ZipFile | None = None
        self.unpacked = 0  # bytes really read so far, for the archive-wide limit

    def open(self) -> zipfile.ZipFile:
        if self._zip is None:
            # Given a path, the ZipFile owns its file and closes it (also when the
            # archive is refused, or when it is dropped without being closed).
            where = (self.source.path if self.source.path is not None
                     else io.BytesIO(self.source.read()))
            try:
                self._zip = zipfile.ZipFile(where)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ExpandError(f"damaged zip archive ({exc})") from None
        return self._zip

    def reader(self, info: zipfile.ZipInfo, options: ImportOptions) -> Callable[[], bytes]:
        def read() -> bytes:
            limit = min(options.max_file_bytes,
                        options.max_archive_bytes - self.unpacked)
            try:
                with self.open().open(info) as fh:
                    data = fh.read(limit + 1)
            except RuntimeError as exc:  # zipfile's way of saying "encrypted"
                raise ExtractionError(f"cannot be unpacked ({exc})") from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise ExtractionError(f"damaged zip member ({exc})") from None
            if len(data) > limit:
                if limit == options.max_file_bytes:
                    raise ExtractionError(f"unpacks to more than the import limit "
                                          f"({size_text(options.max_file_bytes)})")
                raise ExtractionError("zip bomb: unpacks to more than the archive limit")
            self.unpacked += len(data)
            return data
        return read


def expand_zip(source: Source, options: ImportOptions) -> Iterator[Source | ImportItem] | None:
    if not source.file_name.lower().endswith(".zip"):
        return None
    if source.depth >= MAX_DEPTH:
        raise ExpandError(f"archive nested more than {MAX_DEPTH} deep")
    if source.size == 0:
        raise ExpandError("empty file")
    return _members(_Archive(source), options)


def _members(archive: _Archive, options: ImportOptions) -> Iterator[Source | ImportItem]:
    source = archive.source
    infos = [i for i in archive.open().infolist() if not i.is_dir()]
    declared = sum(i.file_size for i in infos)
    if declared > options.max_archive_bytes:
        raise ExpandError(f"zip bomb: would unpack to {size_text(declared)} "
                          f"(limit {size_text(options.max_archive_bytes)})")
    for info in infos:
        label = f"{source.label}:{info.filename}"
        name = PurePosixPath(info.filename.replace("\\", "/")).name
        if _escapes(info.filename):
            yield ImportItem(label, "failed", reason="refused: path escapes the archive")
        elif info.flag_bits & 0x1:
            yield ImportItem(label, "failed", reason="password required (encrypted zip entry)")
        elif (info.file_size > _RATIO_FLOOR
              and info.file_size > options.max_ratio * max(1, info.compress_size)):
            yield ImportItem(label, "failed", reason=(
                f"zip bomb: compressed {info.file_size / max(1, info.compress_size):.0f}:1"))
        elif name.startswith(".") or info.filename.startswith("__MACOSX/"):
            yield ImportItem(label, "skipped", reason="hidden file")
        else:
            yield Source(label=label, file_name=name, size=info.file_size,
                         opener=archive.reader(info, options), depth=source.depth + 1)


EXPANDERS.append(expand_zip)
