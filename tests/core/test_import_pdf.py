"""PDF import: text per page, pages without a text layer, OCR now or later, bad PDFs."""

from __future__ import annotations

import platform
import shutil

import pytest

from tests.core.import_files import UNICODE_LINES, pdf_bytes, write
from workbench.core import documents, excerpts
from workbench.core.errors import ValidationError
from workbench.core.importing import ImportOptions, import_paths, ocr, recognise
from workbench.core.importing.pdf import render_page

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="the tesseract program is not installed")


@pytest.fixture
def no_tesseract(monkeypatch):
    """Run as on a machine without Tesseract."""
    monkeypatch.setattr(ocr, "tesseract", lambda: None)


def test_unicode_multipage_pdf_keeps_pages_and_text(case, tmp_path):
    pages = [[f"Page {n} of the vendor list", *UNICODE_LINES] for n in (1, 2, 3)]
    path = write(tmp_path / "vendor list.pdf", pdf_bytes(pages, title="Vendor list"))
    report = import_paths(case, [path], origin="Records release 2019-03")
    assert (report.imported, report.pages, report.failed) == (1, 3, 0)
    doc = documents.get(case, report.items[0].document_id)
    assert (doc.kind, doc.title, doc.page_count) == ("pdf", "Vendor list", 3)
    assert doc.media_type == "application/pdf"
    assert doc.origin == "Records release 2019-03"
    assert doc.sha256 == documents.sha256_of(path.read_bytes())
    assert documents.data(case, doc.id) == path.read_bytes()
    for n, page in enumerate(documents.pages(case, doc.id), start=1):
        assert page.text.startswith(f"Page {n} of the vendor list\n")
        for line in UNICODE_LINES:
            assert line in page.text
        assert page.ocr == "none"
    # Reading order: the lines come out in the order they were drawn.
    text = documents.page(case, doc.id, 2).text
    assert [text.index(line) for line in UNICODE_LINES] == sorted(
        text.index(line) for line in UNICODE_LINES)
    # Excerpts anchor on the imported page text.
    changes = excerpts.add(case, document_id=doc.id, page=2, quote="Ελληνικά: η αλεπού")
    excerpt = excerpts.get(case, changes.id)
    assert text[excerpt.start:excerpt.end] == "Ελληνικά: η αλεπού"


def test_page_without_text_is_marked_needed_without_tesseract(case, tmp_path, no_tesseract):
    path = write(tmp_path / "scan.pdf", pdf_bytes([["Cover letter"], None, []]))
    report = import_paths(case, [path])
    assert report.items[0].outcome == "imported" and report.ocr_pages == 0
    pages = documents.pages(case, report.items[0].document_id)
    assert [p.ocr for p in pages] == ["none", "needed", "none"]  # page 3 is blank
    assert documents.ocr_state(case, pages[0].document_id) == "needed"


def test_ocr_off_marks_pages_needed(case, tmp_path):
    path = write(tmp_path / "scan.pdf", pdf_bytes([None]))
    report = import_paths(case, [path], options=ImportOptions(ocr="off"))
    assert documents.pages(case, report.items[0].document_id)[0].ocr == "needed"


def test_bad_ocr_mode_is_refused(case, tmp_path):
    with pytest.raises(ValidationError):
        import_paths(case, [tmp_path], options=ImportOptions(ocr="sometimes"))


@needs_tesseract
def test_image_only_page_is_ocrd_with_confidence(case, tmp_path):
    path = write(tmp_path / "scan.pdf", pdf_bytes([["Typed cover page"], None]))
    report = import_paths(case, [path])
    assert (report.pages, report.ocr_pages) == (2, 1)
    cover, scan = documents.pages(case, report.items[0].document_id)
    assert cover.ocr == "none" and "Typed cover page" in cover.text
    assert scan.ocr == "done"
    assert "quick brown fox" in scan.text
    assert scan.ocr_confidence is not None and scan.ocr_confidence > 60


@needs_tesseract
def test_force_ocrs_pages_that_have_text(case, tmp_path):
    path = write(tmp_path / "typed.pdf", pdf_bytes([["The quick brown fox jumps"]]))
    report = import_paths(case, [path], options=ImportOptions(ocr="force"))
    page = documents.pages(case, report.items[0].document_id)[0]
    assert report.ocr_pages == 1 and page.ocr == "done"
    assert "quick brown fox" in page.text


@needs_tesseract
def test_unknown_ocr_language_is_refused_before_importing(case, tmp_path):
    with pytest.raises(ValidationError, match="not installed"):
        import_paths(case, [tmp_path], options=ImportOptions(ocr_lang="xx-nonesuch"))


@needs_tesseract
def test_ocr_later_fills_the_needed_pages(case, tmp_path, monkeypatch):
    path = write(tmp_path / "scan.pdf", pdf_bytes([["Cover"], None]))
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    doc_id = import_paths(case, [path]).items[0].document_id
    monkeypatch.undo()
    assert recognise.pending_pages(case) == [(doc_id, 2)]
    summary = recognise.ocr_documents(case, document_id=doc_id)
    assert (summary.pages, summary.done, summary.failed) == (1, 1, 0)
    page = documents.page(case, doc_id, 2)
    assert page.ocr == "done" and "quick brown fox" in page.text
    assert recognise.pending_pages(case) == []
    assert recognise.ocr_documents(case).pages == 0  # nothing left to do


def test_ocr_later_without_tesseract_says_so(case, no_tesseract):
    with pytest.raises(ValidationError, match="Tesseract is not installed"):
        recognise.ocr_documents(case)


@pytest.mark.parametrize("name, data, reason", [
    ("locked.pdf", pdf_bytes([["secret"]], encrypt="hunter2"), "password required"),
    ("cut.pdf", pdf_bytes([["a"], ["b"]])[:300], "damaged or truncated PDF"),
    ("fake.pdf", b"this is not a PDF at all", "not a PDF file"),
])
def test_bad_pdfs_fail_with_a_reason_and_the_batch_goes_on(case, tmp_path, name, data,
                                                           reason):
    write(tmp_path / "in" / name, data)
    write(tmp_path / "in" / "ok.pdf", pdf_bytes([["fine"]]))
    report = import_paths(case, [tmp_path / "in"])
    outcomes = {i.path.rsplit("/", 1)[-1]: i for i in report.items}
    assert outcomes["ok.pdf"].outcome == "imported"
    assert outcomes[name].outcome == "failed"
    assert reason in outcomes[name].reason
    assert len(documents.ids(case)) == 1


def test_render_page_gives_a_300_dpi_grey_image():
    image = render_page(pdf_bytes([None]), 0)
    header, _, rest = image.partition(b"\n")
    size, _, rest = rest.partition(b"\n")
    width, height = map(int, size.split())
    assert header == b"P5"
    # A4 is 8.27 x 11.69 inches.
    assert abs(width - 2481) <= 2 and abs(height - 3508) <= 2
    assert len(rest) == len(b"255\n") + width * height


def test_tesseract_tsv_becomes_lines_and_a_mean_confidence():
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth"
            "\theight\tconf\ttext",
            "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
            "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tThe",
            "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\tagency",
            "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tdenies",
            "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t60\tit.",
            "5\t1\t2\t1\t1\t2\t0\t0\t1\t1\t95\t "]
    text, confidence = ocr.text_and_confidence("\n".join(rows))
    assert text == "The agency\ndenies\n\nit."
    assert confidence == 75.0
    assert ocr.text_and_confidence("level\n") == ("", None)


def test_tesseract_runs_single_threaded_one_process_per_core():
    assert ocr._env()["OMP_THREAD_LIMIT"] == "1"
    with ocr.OcrPool("eng") as pool:
        assert pool.size == ocr.workers() >= 1


def test_a_batch_of_pdfs_is_extracted_in_worker_processes(case, tmp_path, monkeypatch):
    from workbench.core.importing import workers
    monkeypatch.setattr(workers, "workers", lambda: 2)
    monkeypatch.setattr(workers, "idle_cores", lambda: 2.0)
    folder = tmp_path / "batch"
    for n in range(workers.MIN_FILES):
        write(folder / f"ok{n}.pdf", pdf_bytes([[f"Document {n}"], [f"Page two of {n}"]]))
    write(folder / "locked.pdf", pdf_bytes([["secret"]], encrypt="pw"))
    write(folder / "cut.pdf", pdf_bytes([["a"]])[:300])
    # The same bytes again while the first copy may still be in a worker.
    write(folder / "ok0-copy.pdf", (folder / "ok0.pdf").read_bytes())
    started = []
    real_init = workers.ExtractPool.__init__

    def spy(self, *args, **kwargs):
        started.append(self)
        real_init(self, *args, **kwargs)
    monkeypatch.setattr(workers.ExtractPool, "__init__", spy)
    report = import_paths(case, [folder])
    assert started, "the batch was not sent to worker processes"
    assert (report.imported, report.failed, report.pages) == (workers.MIN_FILES, 2,
                                                              2 * workers.MIN_FILES)
    assert [i.path.rsplit("/", 1)[-1] for i in report.items if i.outcome == "duplicate"] \
        == ["ok0.pdf"]
    reasons = {i.path.rsplit("/", 1)[-1]: i.reason for i in report.problems}
    assert reasons["locked.pdf"] == "password required (encrypted PDF)"
    assert reasons["cut.pdf"].startswith("damaged or truncated PDF")
    # Stored in the order the folder was walked, whatever order workers finished in.
    names = [d.file_name for d in documents.list_all(case)]
    assert names == sorted(names)
    assert documents.page(case, documents.ids(case)[0], 2).text == "Page two of 0"


def test_worker_processes_only_when_cores_are_idle(monkeypatch):
    from workbench.core.importing import workers
    from workbench.core.importing.sources import Source

    def sources(names: list[str], data: bytes = b"%PDF-1.4 small") -> list[Source]:
        return [Source(label=n, file_name=n, size=len(data), data=data) for n in names]
    names = [f"{n}.pdf" for n in range(workers.MIN_FILES)]
    monkeypatch.setattr(workers, "workers", lambda: 4)
    monkeypatch.setattr(workers, "idle_cores", lambda: 3.2)
    assert workers.ExtractPool.wanted(sources(names))
    assert not workers.ExtractPool.wanted(sources(names[:-1]))  # too few PDFs to be worth it
    assert not workers.ExtractPool.wanted(sources([n + ".txt" for n in names]))
    # One long PDF among other files is worth them, however many the other files are.
    monkeypatch.setattr(workers, "SPLIT_PAGES", 6)
    monkeypatch.setattr(workers, "SPLIT_BYTES", 0)
    long_pdf = sources(["release.pdf"], pdf_bytes([[f"Page {n}"] for n in range(8)]))
    assert workers.ExtractPool.wanted(long_pdf + sources([n + ".txt" for n in names]))
    monkeypatch.setattr(workers, "idle_cores", lambda: 0.7)
    assert not workers.ExtractPool.wanted(sources(names))  # a busy machine
    monkeypatch.setenv(workers.ENV_FORCE, "always")  # tests of the bundle: whatever the load
    assert workers.ExtractPool.wanted(sources(names))
    assert not workers.ExtractPool.wanted(sources(names[:1]))  # still only where worth it
    monkeypatch.setattr(workers, "idle_cores", lambda: 3.2)
    monkeypatch.setenv(workers.ENV_FORCE, "never")
    assert not workers.ExtractPool.wanted(sources(names))


def test_idle_cores_is_measured_now_not_over_the_last_minute():
    from workbench.core.importing import workers
    # Two processors, 300 ticks each between the readings: 150 idle in all.
    assert workers.idle_from_ticks((1000, 5000), (1150, 5600), 2) == pytest.approx(0.5)
    assert workers.idle_from_ticks((0, 0), (0, 0), 2) == 2.0  # no time passed
    idle = workers.idle_cores()  # a real reading of this machine
    assert 0.0 <= idle <= workers.workers()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_allocator_keeps_freed_memory_for_the_next_page(case, tmp_path):
    from workbench.core.importing import pdf
    path = write(tmp_path / "dense.pdf", pdf_bytes([[f"Line {n} of page {p}" for n in range(40)]
                                                    for p in range(5)]))
    report = import_paths(case, [path])  # extraction tunes the allocator first
    assert report.pages == 5
    assert pdf.tune_allocator.cache_info().currsize == 1
    assert pdf.tune_allocator() is True


def test_page_ranges_cover_every_page_once_in_order():
    from workbench.core.importing import workers
    for pages in (workers.SPLIT_PAGES, 121, 1800, 5003):
        for size in (2, 3, 8):
            ranges = workers.page_ranges(pages, size)
            assert ranges[0][0] == 0 and ranges[-1][1] == pages
            assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
            assert len(ranges) <= 2 * size
            assert min(b - a for a, b in ranges) >= min(pages, workers.MIN_RANGE)


def test_a_long_pdf_is_read_by_several_workers_and_stored_as_one(case, tmp_path,
                                                                 monkeypatch, no_tesseract):
    from workbench.core.importing import workers
    monkeypatch.setattr(workers, "workers", lambda: 2)
    monkeypatch.setattr(workers, "idle_cores", lambda: 2.0)
    monkeypatch.setattr(workers, "SPLIT_BYTES", 0)
    monkeypatch.setattr(workers, "SPLIT_MIN_FILE_BYTES", 0)
    monkeypatch.setattr(workers, "SPLIT_PAGES", 6)
    monkeypatch.setattr(workers, "MIN_RANGE", 2)
    pages = [[f"Release page {n}", "Plate 7XKD-214 queried."] for n in range(1, 10)]
    pages[6] = None  # page 7: a scan with no text layer
    path = write(tmp_path / "release.pdf", pdf_bytes(pages, title="Records release"))
    ranges = []
    real = workers.ExtractPool._ranges
    monkeypatch.setattr(workers.ExtractPool, "_ranges",
                        lambda self, data, name: ranges.append(real(self, data, name))
                        or ranges[-1])
    report = import_paths(case, [path])
    assert ranges == [[(0, 2), (2, 4), (4, 7), (7, 9)]]  # four ranges, two workers
    assert (report.imported, report.pages, report.failed) == (1, 9, 0)
    doc = documents.get(case, report.items[0].document_id)
    assert (doc.title, doc.page_count) == ("Records release", 9)
    stored = documents.pages(case, doc.id)
    assert [p.text.split("\n")[0] for p in stored] == \
        [f"Release page {n}" if n != 7 else "" for n in range(1, 10)]
    assert [p.ocr for p in stored].count("needed") == 1 and stored[6].ocr == "needed"
    # Excerpts anchor on the pages as stored.
    changes = excerpts.add(case, document_id=doc.id, page=9, quote="Plate 7XKD-214")
    assert excerpts.get(case, int(changes.id)).page_no == 9


def test_only_a_long_pdf_starts_workers_on_its_own(monkeypatch, tmp_path):
    from workbench.core.importing import workers
    from workbench.core.importing.sources import Source
    monkeypatch.setattr(workers, "SPLIT_PAGES", 6)
    monkeypatch.setattr(workers, "SPLIT_BYTES", 1000)

    def source(name: str, data: bytes) -> Source:
        return Source(label=name, file_name=name, size=len(data), data=data)
    long_text = pdf_bytes([[f"Page {n}"] for n in range(8)])
    short_scan = pdf_bytes([None, None])  # large for its pages, like a scan
    assert len(short_scan) > workers.SPLIT_BYTES
    assert workers.is_long_pdf(source("release.pdf", long_text))
    assert not workers.is_long_pdf(source("scan.pdf", short_scan))
    assert not workers.is_long_pdf(source("release.txt", long_text))
    assert not workers.is_long_pdf(source("cut.pdf", long_text[:2000]))
    on_disk = write(tmp_path / "release.pdf", long_text)  # counted from the file itself
    assert workers.is_long_pdf(Source(label=str(on_disk), file_name=on_disk.name,
                                      size=len(long_text), path=on_disk))


def _full_page_scan(text: str, *, dpi: int = 200, mode: str = "L") -> bytes:
    """A one-page PDF that is only a scan: one image covering the whole A4 page."""
    import io

    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.core.import_files import FONT_FILE
    width, height = round(A4[0] / 72 * dpi), round(A4[1] / 72 * dpi)
    img = Image.new(mode, (width, height), "white")
    ImageDraw.Draw(img).text((dpi, dpi), text, fill="black",
                             font=ImageFont.truetype(str(FONT_FILE), dpi // 4))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return out.getvalue()


def _pgm_size(image: bytes) -> tuple[int, int]:
    header, size, maxval, _ = image.split(b"\n", 3)
    assert (header, maxval) == (b"P5", b"255")
    width, height = map(int, size.split())
    return width, height


def test_a_scanned_page_goes_to_ocr_as_its_scan_not_drawn_again():
    # The scan itself, pixel for pixel (200 dpi), not the page redrawn at 300 dpi.
    assert _pgm_size(render_page(_full_page_scan("Plate 7XKD-214"), 0)) == (1654, 2339)
    # A colour scan, or an image that is only part of the page, is drawn at 300 dpi.
    for data in (_full_page_scan("Plate", mode="RGB"), pdf_bytes([None])):
        width, height = _pgm_size(render_page(data, 0))
        assert abs(width - 2481) <= 2 and abs(height - 3508) <= 2


@needs_tesseract
def test_a_full_page_scan_is_read_by_ocr(case, tmp_path):
    path = write(tmp_path / "letter.pdf", _full_page_scan("We hold no plate data"))
    report = import_paths(case, [path], options=ImportOptions(ocr="auto"))
    assert report.ocr_pages == 1
    page = documents.page(case, report.items[0].document_id, 1)
    assert page.ocr == "done" and "plate data" in page.text


@needs_tesseract
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_image_files_are_read_by_ocr_and_leave_no_temporary_file(case, tmp_path, monkeypatch,
                                                                   fmt):
    import tempfile

    from PIL import Image, ImageDraw, ImageFont

    from tests.core.import_files import FONT_FILE
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    img = Image.new("L", (1200, 300), 255)
    ImageDraw.Draw(img).text((40, 100), "Plate reader contract", fill=0,
                             font=ImageFont.truetype(str(FONT_FILE), 60))
    path = tmp_path / f"photo.{fmt.lower()}"
    img.save(path, fmt)
    report = import_paths(case, [path], options=ImportOptions(ocr="auto"))
    page = documents.page(case, report.items[0].document_id, 1)
    assert (page.ocr, page.text) == ("done", "Plate reader contract")
    assert list(scratch.iterdir()) == []  # the image handed to Tesseract is gone
