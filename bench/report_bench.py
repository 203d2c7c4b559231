"""Benchmark: export the report of a large case (run by hand, not a test).

Builds a fictional case with 100 findings, 500 citations and 300 cited source
documents (plus contested claims, actors and statements), then times a final export:
the report snapshot, the publication gate and the PDF. As a baseline measured in the
same run, reportlab lays out a plain 100-page document of paragraphs; the ratio is
what to compare across machines. Target: the export under 3 s.

    .venv/bin/python bench/report_bench.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

FINDINGS = 100
CITATIONS = 500
SOURCES = 300
CLAIMS = 40
ACTORS = 30

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core import (actors, claims, documents, excerpts, findings, gate,  # noqa: E402
                            snapshot, statements)
from workbench.core.casefile import Case  # noqa: E402
from workbench.report import render_pdf  # noqa: E402

WORDS = ("agency vendor plate scan camera account sharing network detections federal "
         "sheriff county record release contract broker database query request officer "
         "report subscriber hotlist retention policy audit access").split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def build_case(path: Path) -> Case:
    rng = random.Random(5)
    case = Case.create(path, title="Benchmark case (fictional)")
    people = [actors.add(case, name=f"Agency {n:02d} Police Department", type="agency",
                         aliases=[f"A{n:02d}PD"]).id for n in range(ACTORS)]
    quotes: list[int] = []
    for d in range(SOURCES):
        pages = [" ".join(sentence(rng, 14) for _ in range(12)) for _ in range(3)]
        doc = documents.add(case, data=f"doc {d}\n".encode() + "\f".join(pages).encode(),
                            title=f"Records release item {d:03d}", kind="text",
                            pages=pages, file_name=f"item-{d:03d}.txt",
                            origin="Records release, 2019-03", received="2019-03-04").id
        page = 1 + d % 3
        text = pages[page - 1]
        start = rng.randrange(0, len(text) // 2)
        quote = text[start:start + 160].strip()
        quotes.append(excerpts.add(case, document_id=doc, page=page, quote=quote,
                                   near=start).id)
    said = []
    for i, actor_id in enumerate(people):
        said.append(statements.add(case, actor_id=actor_id, stance=("denies", "confirms",
                                   "disputes")[i % 3], speaker=f"Officer {i}",
                                   role="spokesperson", date="2019-04-03", channel="email",
                                   text=sentence(rng, 25)).id)
    for c in range(CLAIMS):
        claim = claims.add(case, f"Agency {c % ACTORS:02d} shares plate scans "
                                 f"({sentence(rng, 6)})", about=[people[c % ACTORS]]).id
        claims.add_evidence(case, claim_id=claim, relation="supports",
                            excerpt_id=quotes[c * 7 % SOURCES])
        claims.add_evidence(case, claim_id=claim, relation="contradicts",
                            statement_id=said[c % ACTORS])
        claims.add_evidence(case, claim_id=claim, relation="contradicts",
                            excerpt_id=quotes[(c * 7 + 3) % SOURCES])
        claims.set_verdict(case, claim_id=claim, status="mixed",
                           rationale=" ".join(sentence(rng, 18) for _ in range(2)))
    for f in range(FINDINGS):
        cites = [("excerpt", quotes[(f * 3 + k) % SOURCES]) for k in range(3)]
        cites += [("statement", said[f % ACTORS]), ("statement", said[(f + 1) % ACTORS])]
        text = "\n\n".join(" ".join(sentence(rng, 16) for _ in range(3)) for _ in range(2))
        text += f" Agency {f % ACTORS:02d} Police Department and A{(f + 1) % ACTORS:02d}PD."
        findings.add(case, title=f"Finding {f + 1}: {sentence(rng, 7)}", text=text,
                     status="checked", cite=cites)
    return case


def baseline(out: Path) -> float:
    """reportlab alone: a plain 100-page document of paragraphs."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    style = getSampleStyleSheet()["BodyText"]
    rng = random.Random(1)
    story = [Paragraph(" ".join(sentence(rng, 15) for _ in range(5)), style)
             for _ in range(100 * 8)]
    start = time.perf_counter()
    SimpleDocTemplate(str(out), invariant=1).build(story)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Keep the case and the PDF in this folder.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    case_path = folder / "bench.wbcase"
    case_path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    case = build_case(case_path)
    print(f"case built in {time.perf_counter() - t0:.1f} s")

    runs = []
    for _ in range(3):
        c0 = time.process_time()
        t0 = time.perf_counter()
        snap = snapshot.build(case, date="2026-11-28")
        t1 = time.perf_counter()
        problems = gate.check(case, built=snap)
        t2 = time.perf_counter()
        render_pdf(snap, folder / "report.pdf", reproducible=True)
        t3 = time.perf_counter()
        runs.append((t1 - t0, t2 - t1, t3 - t2, t3 - t0, time.process_time() - c0))
    case.close()
    snap_s, gate_s, pdf_s, total, cpu = min(runs, key=lambda r: r[3])
    import pypdf
    pages = len(pypdf.PdfReader(folder / "report.pdf").pages)
    c0 = time.process_time()
    base = min(baseline(folder / "baseline.pdf") for _ in range(2))
    base_cpu = (time.process_time() - c0) / 2
    print(f"{len(snap.findings)} findings, {len(snap.notes)} citations, "
          f"{len(snap.sources)} sources, {len(snap.contradictions)} contradictions; "
          f"{pages} pages; gate problems: {len(problems)}")
    print(f"export (best of 3): {total:.2f} s = snapshot {snap_s:.2f} + gate {gate_s:.2f} "
          f"+ PDF {pdf_s:.2f}   target < 3 s: {'met' if total < 3 else 'MISSED'}")
    print(f"  CPU time of that export: {cpu:.2f} s (less sensitive to a busy machine)")
    print(f"baseline, reportlab plain 100 pages: {base:.2f} s (CPU ~{base_cpu:.2f} s); "
          f"ratio export/baseline = {total / base:.2f}")
    if args.keep is None:
        print(f"(files in {folder})")


if __name__ == "__main__":
    main()
