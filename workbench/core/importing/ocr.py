"""OCR with the Tesseract program: one single-threaded process per core.

Tesseract's own OpenMP threads made it about six times slower on a two-core machine than
one process per core with ``OMP_THREAD_LIMIT=1``, so :class:`OcrPool` runs that many
processes side by side from a thread pool (the threads only wait on the subprocesses).
Each page image goes to Tesseract as a temporary file, removed as soon as it is read:
Tesseract read the same image from stdin about 15 % more slowly (2.45 s against
2.13 s a page here). Its TSV comes back on stdout and gives both the text and each
word's confidence.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from workbench.core.documents import PageText
from workbench.core.errors import ValidationError

#: Seconds one page may take before Tesseract is stopped and the page marked failed.
PAGE_TIMEOUT = 300


def tesseract() -> str | None:
    """The Tesseract program's path, or None when it is not installed."""
    return shutil.which("tesseract")


def workers() -> int:
    """How many Tesseract processes to run at once: one per core we may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


@functools.lru_cache(maxsize=4)
def languages(program: str) -> frozenset[str]:
    out = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                         env=_env(), timeout=60)
    # The first line is a heading ("List of available languages in ...").
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def check_languages(lang: str) -> None:
    """Refuse an OCR language that is not installed, before any work starts."""
    program = tesseract()
    if program is None:
        return
    wanted = [part for part in lang.split("+") if part]
    if not wanted:
        raise ValidationError("no OCR language given")
    have = languages(program)
    missing = [w for w in wanted if w not in have]
    if missing:
        raise ValidationError(f"OCR language {', '.join(missing)} is not installed "
                              f"(installed: {', '.join(sorted(have)) or 'none'})")


def text_and_confidence(tsv: str) -> tuple[str, float | None]:
    """Rebuild the page text from Tesseract's TSV and average its word confidences.

    Words are joined by spaces within a line, lines by newlines, and paragraphs and
    blocks by a blank line. Rows with confidence -1 are layout rows, not words.
    """
    lines: list[str] = []
    words: list[str] = []
    confidences: list[float] = []
    current: tuple[str, str, str, str] | None = None
    paragraph: tuple[str, str, str] | None = None
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        word = cols[11].strip()
        if conf < 0 or not word:
            continue
        key = (cols[1], cols[2], cols[3], cols[4])
        if key != current:
            if words:
                lines.append(" ".join(words))
                words = []
            if paragraph is not None and key[:3] != paragraph:
                lines.append("")
            current, paragraph = key, key[:3]
        words.append(word)
        confidences.append(conf)
    if words:
        lines.append(" ".join(words))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return "\n".join(lines), mean


def ocr_image(image: bytes, lang: str, *, fallback_text: str = "") -> PageText:
    """OCR one image (any format Tesseract reads, PGM is cheapest); never raises.

    A failure yields the ``fallback_text`` (a text layer, if the page had one) marked
    ``failed``, so the page can be tried again later.
    """
    program = tesseract()
    if program is None:
        return PageText(fallback_text, "needed")
    path = None
    try:
        # Closed before Tesseract opens it (Windows cannot share an open temporary
        # file); Tesseract tells the image format from its first bytes.
        handle, path = tempfile.mkstemp(prefix="workbench-ocr-", suffix=".img")
        with os.fdopen(handle, "wb") as file:
            file.write(image)
        out = subprocess.run([program, path, "stdout", "-l", lang, "tsv"],
                             capture_output=True, env=_env(), timeout=PAGE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return PageText(fallback_text, "failed")
    finally:
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
    if out.returncode != 0:
        return PageText(fallback_text, "failed")
    text, confidence = text_and_confidence(out.stdout.decode("utf-8", errors="replace"))
    return PageText(text, "done", confidence)


class OcrPool:
    """Runs OCR jobs, one Tesseract process per core, and hands back futures.

    ``render`` callables run on the pool's threads (the PDF module serialises its own
    use of PDFium), so at most one rendered page per worker is held in memory.
    """

    def __init__(self, lang: str, *, size: int | None = None) -> None:
        self.lang = lang
        self.size = size or workers()
        self._executor = ThreadPoolExecutor(max_workers=self.size,
                                            thread_name_prefix="ocr")

    def submit(self, render: Callable[[], bytes], fallback_text: str = "") -> Future:
        return self._executor.submit(self._job, render, fallback_text)

    def _job(self, render: Callable[[], bytes], fallback_text: str) -> PageText:
        try:
            image = render()
        except Exception:  # a page PDFium cannot draw
            return PageText(fallback_text, "failed")
        return ocr_image(image, self.lang, fallback_text=fallback_text)

    def close(self, *, cancel: bool = False) -> None:
        self._executor.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> "OcrPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)
