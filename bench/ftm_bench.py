"""Benchmark: the Aleph hand-off of a 20,000-page case (run by hand, not a test).

Builds a fictional case of PDFs and emails (20,000 pages by default, ~2 KB of text a
page, some of it confidential, with actors naming each other on the pages), then:
exports it as FollowTheMoney entities in a child process (its peak memory is reported),
validates every entity with followthemoney's model, and imports the file into a new
case with ``import-ftm``, checking that every open document and actor arrived. As a
baseline measured in the same run, the same pages are written as plain JSON lines
(``json.dumps`` of each page's text, no FtM): the ratio is what to compare across
machines. Needs the extra ``workbench[aleph]``.

    .venv/bin/python bench/ftm_bench.py [--pages 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core import actors, documents  # noqa: E402
from workbench.core.casefile import Case  # noqa: E402
from workbench.core.documents import EmailHeaders  # noqa: E402

WORDS = ("agency vendor plate scan camera account sharing network detections federal "
         "sheriff county record release contract broker database query request officer "
         "report subscriber hotlist retention policy audit access").split()
AGENCIES = ["Brookfield Police Department", "Cedar Falls Police Department",
            "Dunmore County Sheriff's Office", "Office of Federal Border Analytics"]
PAGES_PER_DOC = 40

_EXPORT = """
import resource, sys, time
from workbench.core.casefile import Case
from workbench.core.handoff.export import export_case
start = time.perf_counter()
with Case.open(sys.argv[1]) as case:
    summary = export_case(case, sys.argv[2])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      summary.total)
"""


def build(path: Path, pages: int, rng: random.Random) -> None:
    with Case.create(path, title="FtM bench (fictional)") as case:
        for name in AGENCIES:
            actors.add(case, name=name, type="agency")
        actors.add(case, name="Quinn Informant", type="person", confidential=True)
        with case.action("Generate"):
            n = doc = 0
            while n < pages:
                doc += 1
                count = min(PAGES_PER_DOC, pages - n)
                texts = [" ".join(rng.choice(WORDS) for _ in range(300)) + " "
                         + rng.choice(AGENCIES) + "." for _ in range(count)]
                if doc % 10 == 9:
                    documents.add(case, data=f"email {doc}".encode(), title=f"Email {doc}",
                                  kind="email", pages=texts[:1], confidential=doc % 20 == 19,
                                  email=EmailHeaders(from_addr="a@example.org",
                                                     subject=f"Email {doc}",
                                                     message_id=f"<{doc}@x>"))
                    n += 1
                else:
                    documents.add(case, data=f"pdf {doc}".encode(), title=f"Report {doc}",
                                  kind="pdf", pages=texts, file_name=f"report-{doc}.pdf")
                    n += count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--keep", type=Path, help="Keep the files in this folder.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ftm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    case_path, out = folder / "bench.wbcase", folder / "bench.ftm.jsonl"
    for p in (case_path, out, folder / "imported.wbcase"):
        p.unlink(missing_ok=True)
    start = time.perf_counter()
    build(case_path, args.pages, random.Random(20))
    print(f"built {args.pages} pages in {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    with Case.open(case_path) as case, open(folder / "baseline.jsonl", "w") as fh:
        for (text,) in case.conn.execute("SELECT text FROM pages ORDER BY id"):
            fh.write(json.dumps({"text": text}) + "\n")
    baseline = time.perf_counter() - start

    done = subprocess.run([sys.executable, "-c", _EXPORT, str(case_path), str(out)],
                          check=True, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    seconds, rss_kb, total = done.stdout.split()
    seconds = float(seconds)
    print(f"export: {total} entities, {out.stat().st_size / 1e6:.0f} MB in {seconds:.1f} s "
          f"({args.pages / seconds:.0f} pages/s), peak RSS {int(rss_kb) / 1024:.0f} MB; "
          f"plain JSON baseline {baseline:.1f} s; ratio {seconds / baseline:.1f}x")

    from followthemoney import model
    start = time.perf_counter()
    with open(out, encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            model.get(data["schema"]).validate(data)
    print(f"validated every entity with followthemoney in {time.perf_counter() - start:.1f} s")

    from workbench.core.handoff.ingest import import_ftm
    start = time.perf_counter()
    with Case.create(folder / "imported.wbcase", title="Imported") as new:
        report = import_ftm(new, out)
        got = len(documents.list_all(new)), len(actors.list_all(new))
    with Case.open(case_path) as case:
        want = (case.row("SELECT count(*) FROM documents WHERE confidential = 0")[0],
                case.row("SELECT count(*) FROM actors WHERE confidential = 0")[0])
    print(f"import-ftm: {report.imported} imported, {report.pages} pages in "
          f"{time.perf_counter() - start:.1f} s; documents and actors {got}, "
          f"expected {want}: {'OK' if got == want else 'MISMATCH'}")


if __name__ == "__main__":
    main()
