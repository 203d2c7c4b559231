"""Import speed against poppler's pdftotext and plain Tesseract, measured in one run.

    .venv/bin/python bench/import_bench.py [--pages 1800] [--ocr-pages 8] [--rounds 3]
                                           [--dir DIR]

1. Text-layer PDFs (built with reportlab, at least ``--pages`` pages in all): pages per
   second of our import (extraction + storage in a new case file; with PDFs extracted
   in one worker process per core, and all in-process) next to ``pdftotext`` on the
   same files, and the ratio; pypdfium2's extraction alone for scale; and the import
   followed by building the search index. Each is run ``--rounds`` times, interleaved,
   and the best round counts (the machine is shared; the best round is the least
   disturbed one). Our import runs in a child process so its peak memory
   (``ru_maxrss``, of the importing process and, separately, of its largest worker)
   is its own.
2. Image-only PDF pages: pages per second of our import with OCR next to one
   single-threaded Tesseract process per core on the same pages, pre-rendered (the
   baseline does no rendering at all, so the ratio also carries our rendering cost).

Not a test: figures depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("agency police department plate reader camera data broker contract federal "
         "county sheriff records release vendor sharing scans license request search "
         "detective agent network access customer hotlist alert retention policy audit "
         "the of and to in a for on with by that is was as at from").split()


def build_text_pdfs(folder: Path, pages: int, per_file: int = 50) -> list[Path]:
    """Files of ``per_file`` pages of report-like text, enough for ``pages`` in all."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1234)
    files = []
    for n in range((pages + per_file - 1) // per_file):
        path = folder / f"release-{n:03}.pdf"
        files.append(path)
        if path.exists():
            continue
        c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
        for p in range(per_file):
            c.setFont("Helvetica", 10)
            c.drawString(72, 750, f"Records release, file {n}, page {p + 1}")
            for line in range(48):
                c.drawString(72, 730 - line * 13.5,
                             " ".join(rng.choice(WORDS) for _ in range(14)))
            c.showPage()
        c.save()
    return files


def build_scan_pdf(path: Path, pages: int) -> Path:
    """Image-only pages, like a scanned letter, for the OCR measurement."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "DejaVuSans.ttf"), 34)
    rng = random.Random(99)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for _ in range(pages):
        img = Image.new("L", (2550, 3300), 255)
        draw = ImageDraw.Draw(img)
        for line in range(40):
            draw.text((200, 200 + line * 70),
                      " ".join(rng.choice(WORDS) for _ in range(9)), fill=0, font=font)
        c.drawImage(ImageReader(img), 0, 0, width=612, height=792)
        c.showPage()
    c.save()
    return path


def page_count(files: list[Path]) -> int:
    import pypdfium2 as pdfium
    return sum(len(pdfium.PdfDocument(str(f))) for f in files)


def time_pdftotext(files: list[Path]) -> float:
    started = time.perf_counter()
    for f in files:
        subprocess.run(["pdftotext", "-q", str(f), "-"], check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_pdfium_alone(files: list[Path]) -> float:
    from workbench.core.importing.pdf import read_pages
    started = time.perf_counter()
    for f in files:
        read_pages(f.read_bytes())
    return time.perf_counter() - started


def import_in_child(folder: Path, mode: str) -> dict:
    """Our import of ``folder`` into a new case, run in a child process.

    ``mode``: ``auto`` (as shipped: extraction workers only when two cores are idle),
    ``workers`` (always), ``serial`` (never), ``index`` (as shipped, then the search
    index built), ``ocr`` (as shipped, pages OCR'd).
    """
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WORKBENCH_INDEX_DIR": str(Path(tmp) / "index")}
        out = subprocess.run([sys.executable, __file__, "--child", str(folder),
                              str(Path(tmp) / "bench.wbcase"), mode],
                             check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout)


def child(folder: str, case_path: str, mode: str) -> None:
    from workbench.core.casefile import Case
    from workbench.core.importing import ImportOptions, import_paths, workers

    if mode == "serial":
        workers.MIN_FILES = sys.maxsize
    elif mode == "workers":
        workers.idle_cores = lambda: float(workers.workers())
    with Case.create(case_path, title="bench") as case:
        started = time.perf_counter()
        report = import_paths(case, [folder], options=ImportOptions(ocr="auto"))
        seconds = time.perf_counter() - started
        assert report.failed == 0, report.problems
        index_seconds = 0.0
        if mode == "index":
            from workbench.core import search
            begun = time.perf_counter()
            search.reindex(case)
            index_seconds = time.perf_counter() - begun
            search.close_index(case)
    print(json.dumps({
        "seconds": seconds, "index_seconds": index_seconds, "pages": report.pages,
        "ocr_pages": report.ocr_pages,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "file_mb": os.path.getsize(case_path) / 1024 / 1024}))


def time_tesseract_per_core(images: list[Path], workers: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", "-l", "eng", "tsv"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1800)
    parser.add_argument("--ocr-pages", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="Keep the built PDFs here (reused).")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    work = args.dir or Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        run(work, args.pages, args.ocr_pages, args.rounds)
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, pages: int, ocr_pages: int, rounds: int) -> None:
    from workbench.core.importing import ocr
    from workbench.core.importing.pdf import render_page

    workers = ocr.workers()
    print(f"Building {pages} text-layer pages in {work} ...", flush=True)
    files = build_text_pdfs(work / "text", pages)
    total = page_count(files)
    size = sum(f.stat().st_size for f in files) / 1024 / 1024
    print(f"{len(files)} files, {total} pages, {size:.1f} MB; {workers} cores\n")

    best: dict[str, float] = {}
    runs: dict[str, list[dict]] = {"auto": [], "workers": [], "serial": [], "index": []}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, float("inf")), seconds)

    for n in range(rounds):
        keep("pdftotext", time_pdftotext(files))
        keep("pypdfium2 alone, 1 process", time_pdfium_alone(files))
        for mode in runs:
            result = import_in_child(work / "text", mode)
            runs[mode].append(result)
            if mode == "index":
                keep("import + search index", result["seconds"] + result["index_seconds"])
            else:
                keep(f"workbench import, {mode}", result["seconds"])
        print(f"  round {n + 1}: pdftotext {total / best['pdftotext']:.0f} pages/s so far, "
              f"import {total / best['workbench import, auto']:.0f}; load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
    rate = {name: total / seconds for name, seconds in best.items()}
    print(f"\n{'text-layer PDFs, best of ' + str(rounds):<34}{'pages/s':>10}")
    for name, value in rate.items():
        print(f"  {name:<32}{value:>10.0f}")
    ours = runs["auto"][-1]
    ratio = rate["workbench import, auto"] / rate["pdftotext"]
    print(f"  ratio import / pdftotext        {ratio:>10.2f}  (target >= 2.0)")
    for mode in ("workers", "serial"):
        other = rate[f"workbench import, {mode}"] / rate["pdftotext"]
        print(f"  ratio, {mode + ' only':<25}{other:>10.2f}")
    alone = rate["pypdfium2 alone, 1 process"] / rate["pdftotext"]
    print(f"  ratio pypdfium2 alone/pdftotext {alone:>10.2f}  (the ceiling per core)")
    rss = max(r["max_rss_mb"] for rs in runs.values() for r in rs)
    worker = max(r["worker_rss_mb"] for r in runs["workers"])
    print(f"  peak memory of the import       {rss:>10.0f} MB (target < 500)")
    print(f"  peak memory of one worker       {worker:>10.0f} MB")
    print(f"  case file size                  {ours['file_mb']:>10.1f} MB\n")

    if shutil.which("tesseract") is None:
        print("OCR: tesseract is not installed; skipped.")
        return
    scan_dir = work / "scan"
    scan_dir.mkdir(exist_ok=True)
    scan = build_scan_pdf(scan_dir / "scan.pdf", ocr_pages)
    data = scan.read_bytes()
    images = []
    for index in range(ocr_pages):
        image = work / f"page-{index}.pgm"
        image.write_bytes(render_page(data, index))
        images.append(image)
    baseline = time_tesseract_per_core(images, workers)
    ours_ocr = import_in_child(scan_dir, "ocr")
    assert ours_ocr["ocr_pages"] == ocr_pages, ours_ocr
    base_rate = ocr_pages / baseline
    our_rate = ocr_pages / ours_ocr["seconds"]
    print(f"{'OCR, ' + str(ocr_pages) + ' image-only pages':<34}{'pages/s':>10}")
    print(f"  tesseract, 1 thread x {workers} processes{base_rate:>10.2f}  "
          "(pre-rendered pages)")
    print(f"  workbench import with OCR       {our_rate:>10.2f}  (renders pages too)")
    print(f"  ratio import / tesseract        {our_rate / base_rate:>10.2f}  "
          "(target >= 0.9)")
    print(f"  peak memory of the OCR import   {ours_ocr['max_rss_mb']:>10.0f} MB")


if __name__ == "__main__":
    main()
