"""Issue 15: a large text file is read, decoded, cut into pages and stored in a stream,
so an import's memory does not grow with the file (bench/text_memory_bench.py measures
it at 480 MB)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.core.import_files import write, zip_bytes
from workbench.core import documents
from workbench.core.errors import ValidationError
from workbench.core.importing import ImportOptions, import_paths, text

OFF = ImportOptions(ocr="off")
ROOT = Path(__file__).resolve().parents[2]


def ledger(lines: int, *, accent: str = "café") -> str:
    return "".join(f"{n:07d} plate 7XKD-{n % 1000:03d} {accent} federal agency\n"
                   + ("\f" if n % 5000 == 4999 else "") for n in range(lines))


def test_a_large_text_file_on_disk_is_streamed_and_joins_back(case, tmp_path):
    body = ledger(120_000) + "x" * 150_000 + "\r\nlast line"  # one very long line too
    data = body.encode("utf-8")
    assert len(data) > text.STREAM_BYTES
    path = write(tmp_path / "src" / "ledger.txt", data)
    report = import_paths(case, [path], options=OFF)
    item = report.items[0]
    assert item.outcome == "imported", item.reason
    pages = documents.pages(case, item.document_id)
    assert item.pages == len(pages) == documents.get(case, item.document_id).page_count
    assert all(len(p.text) <= text.MAX_PAGE_CHARS for p in pages)
    assert "".join(p.text for p in pages) == documents.normalise_text(body.replace("\f", ""))
    # a form feed ends a page
    ends = [n for n, p in enumerate(pages) if p.text.endswith("0004999 plate 7XKD-999 café "
                                                              "federal agency\n")]
    assert len(ends) == 1 and pages[ends[0] + 1].text.startswith("0005000 plate")
    assert documents.data(case, item.document_id) == data
    assert documents.get(case, item.document_id).sha256 == documents.sha256_of(data)
    assert documents.get(case, item.document_id).metadata["encoding"] == "utf-8"


def test_the_same_text_gives_the_same_pages_from_disk_and_from_an_archive(case, tmp_path):
    data = ledger(110_000).encode("utf-8")
    write(tmp_path / "a" / "ledger.txt", data)
    write(tmp_path / "b" / "copy.zip", zip_bytes({"ledger.txt": data + b"\n"},
                                                 level=zipfile.ZIP_DEFLATED))
    first = import_paths(case, [tmp_path / "a"], options=OFF).items[0]
    second = import_paths(case, [tmp_path / "b"], options=OFF).items[0]
    a = [p.text for p in documents.pages(case, first.document_id)]
    b = [p.text for p in documents.pages(case, second.document_id)]
    assert a[:-1] == b[:-1] and b[-1] == a[-1] + "\n"


def test_a_large_file_in_a_legacy_charset_is_detected_from_a_sample(case, tmp_path):
    # The first byte that is not UTF-8 is 5 MB in: detection looks there, not only at
    # the start of the file (which is plain ASCII).
    body = ledger(110_000, accent="cafe") + ledger(1000, accent="café – “quoted”")
    data = body.encode("cp1252")
    assert data.index(b"\xe9") > 4 * 1024 * 1024
    path = write(tmp_path / "src" / "old.txt", data)
    item = import_paths(case, [path], options=OFF).items[0]
    assert item.outcome == "imported", item.reason
    pages = documents.pages(case, item.document_id)
    assert "café – “quoted”" in pages[-1].text
    assert "".join(p.text for p in pages) == body.replace("\f", "")
    # (the sample fits both: é – “ ” are the same bytes in either)
    assert documents.get(case, item.document_id).metadata["encoding"] in ("cp1250", "cp1252")


def test_the_page_limit_applies_to_a_streamed_file(case, tmp_path):
    path = write(tmp_path / "src" / "long.txt", ledger(120_000).encode())
    item = import_paths(case, [path], options=ImportOptions(ocr="off", max_pages=3)).items[0]
    assert item.pages == 3 == len(documents.pages(case, item.document_id))
    assert re.search(r"\d+ pages; only the first 3 kept", item.reason)


def test_bytes_that_changed_on_disk_are_refused_whole(case, tmp_path):
    path = write(tmp_path / "f.txt", b"what was hashed")
    fake = documents.FileBytes(path=path, size=path.stat().st_size,
                               sha256=documents.sha256_of(b"something else entirely"))
    with pytest.raises(ValidationError, match="changed while it was imported"):
        documents.add(case, data=fake, title="t", kind="text", pages=["x"])
    assert documents.ids(case) == []


def _import_peak_mb(source: Path, case: Path) -> float:
    """Peak RSS of a new process that creates ``case`` and imports ``source`` into it."""
    code = ("import sys\n"
            "from workbench.core.casefile import Case\n"
            "from workbench.core.importing import ImportOptions, import_paths\n"
            "case = Case.create(sys.argv[1], title='t')\n"
            "r = import_paths(case, [sys.argv[2]], options=ImportOptions(ocr='off'))\n"
            "assert r.items[0].outcome == 'imported', r.items[0]\n")
    done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", code, str(case),
                           str(source)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                         done.stderr).group(1)) / 1024


@pytest.mark.slow
def test_importing_a_large_text_file_takes_memory_bounded_by_design(tmp_path):
    """`import` of a 96 MB text file (no search index: that is bounded on its own) takes
    no more memory than that of a file half its size, give or take a quarter of the
    difference, where reading each whole and then its text would take twice the
    difference more. (Two imports compared: what the program itself takes, its libraries
    and the database's buffers included, does not grow with the file.)"""
    source = write(tmp_path / "big.txt", ledger(2_300_000).encode())
    size_mb = source.stat().st_size / 2**20
    assert size_mb > 90
    half = write(tmp_path / "half.txt", ledger(1_150_000).encode())
    half_mb = half.stat().st_size / 2**20
    base_mb = _import_peak_mb(half, tmp_path / "half.wbcase")
    peak_mb = _import_peak_mb(source, tmp_path / "c.wbcase")
    assert peak_mb - base_mb < (size_mb - half_mb) / 4, (
        f"{peak_mb:.0f} MB for a {size_mb:.0f} MB file, {base_mb:.0f} MB for "
        f"{half_mb:.0f} MB")


def test_pages_read_from_other_bytes_than_those_stored_are_refused(tmp_path):
    """A file edited in place (same length, same page count) between its bytes being
    hashed and its pages being read must not give pages that differ from the original
    stored for it."""
    from workbench.core.importing import text
    from workbench.core.importing.extract import ExtractionError, ImportOptions
    path = write(tmp_path / "memo.txt", b"The agency shares plate scans.\n" * 10)
    stored = text.file_bytes(path)
    extracted = text.extract_text_file(path, "memo.txt", ImportOptions(),
                                       sha256=stored.sha256)
    assert [p.text for p in extracted.pages]  # the bytes as hashed: read as they are
    path.write_bytes(b"The agency denies plate scans.\n" * 10)  # same length
    assert path.stat().st_size == stored.size
    with pytest.raises(ExtractionError, match="changed while it was imported"):
        list(extracted.pages)
