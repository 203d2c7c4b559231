"""Turning one file's bytes into a document: what each format yields, and the registry.

An extractor takes the bytes and the file name and returns :class:`Extracted`, or raises
:class:`Unsupported` / :class:`ExtractionError` with a one-line reason. Extractors never
touch the case and never reach the network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from workbench.core.documents import EmailHeaders, PageText


class ExtractionError(Exception):
    """The file could not be read; ``str()`` is the reason shown to the user."""


class Unsupported(ExtractionError):
    """A type of file Workbench does not import (it never guesses)."""


@dataclass
class ImportOptions:
    ocr: str = "auto"  # auto | force | off
    ocr_lang: str = "eng"
    max_file_bytes: int = 500 * 1024 * 1024
    #: Zip bombs: most bytes one archive may unpack to, and the largest ratio of an
    #: entry's unpacked to packed size (real documents compress far less than 100:1).
    max_archive_bytes: int = 4 * 1024 * 1024 * 1024
    max_ratio: float = 200.0
    #: Follow symbolic links in folders that lead out of them (off: each is named).
    follow_links: bool = False
    #: Most pages one file may have; a file claiming more is read up to this and noted.
    max_pages: int = 20_000
    #: Seconds one file's text extraction may take before the rest of it is left out
    #: (noted in the report; OCR time is not counted).
    max_seconds: float = 300.0
    #: Memory one file's extraction may take beyond what the program holds, in bytes
    #: (0: no limit); see :mod:`.guard`.
    max_memory_bytes: int = 1024 * 1024 * 1024


@dataclass
class Extracted:
    kind: str
    title: str
    #: A list, or for a long text file pages read from it as they are iterated.
    pages: Sequence[PageText]
    media_type: str | None = None
    metadata: dict = field(default_factory=dict)
    email: EmailHeaders | None = None
    #: (file name, bytes) of attachments, imported as documents of their own.
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    #: Indexes (from 0) of pages the pipeline should OCR (drawn for Tesseract by the
    #: renderer registered for ``kind``). Pages with no text layer are marked ``needed``.
    ocr_pages: list[int] = field(default_factory=list)
    #: What the import noticed and did about it ("claims 1,000,000 pages; 1 found"),
    #: shown on the file's line of the report.
    notes: list[str] = field(default_factory=list)


Extractor = Callable[[bytes, str, ImportOptions], Extracted]
#: Draws page ``index`` (from 0) of a document's bytes as an image Tesseract reads.
Renderer = Callable[[bytes, int], bytes]

#: Extractors by lower-case file suffix (".txt"). Format modules register here.
EXTRACTORS: dict[str, Extractor] = {}


#: Renderers by document kind ("pdf", "image"), for OCR during and after import.
RENDERERS: dict[str, Renderer] = {}


def register(*suffixes: str) -> Callable[[Extractor], Extractor]:
    def wrap(fn: Extractor) -> Extractor:
        for suffix in suffixes:
            EXTRACTORS[suffix.lower()] = fn
        return fn
    return wrap


def extractor_for(name: str) -> Extractor:
    suffix = PurePath(name).suffix.lower()
    try:
        return EXTRACTORS[suffix]
    except KeyError:
        shown = suffix or "no extension"
        raise Unsupported(f"unsupported file type ({shown})") from None


def size_text(n: float) -> str:
    """A byte count as people say it: ``500 MB``, ``2 KB``, ``1.5 GB``."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.3g} {unit}" if unit != "bytes" else f"{int(n)} bytes"
        n /= 1024
    return f"{n:.3g} GB"


def title_from_name(name: str) -> str:
    stem = PurePath(name).stem.replace("_", " ").strip()
    return stem or name
