"""Peak memory of importing one large text file, against reading that file whole.

    .venv/bin/python bench/text_memory_bench.py [--mb 480] [--encodings utf-8,cp1252]
                                                [--dir DIR] [--cli]

Writes a text file of ``--mb`` MB (ledger-like lines, some accented words) in each
encoding, then measures the peak resident memory (``/usr/bin/time -v``, "Maximum
resident set size") of, in the same run:

1. the baseline: a Python process that reads the file whole (``Path.read_bytes()``),
   which is what any importer holds before it has done anything, if it reads files
   whole;
2. ``import_paths`` of the file into a new case (OCR off), in a process of its own. The
   search index is left out: its memory is bounded on its own (a rebuild or catch-up
   commits every ``store.COMMIT_EVERY_CHARS`` characters), and indexing hundreds of MB
   with whoosh takes minutes;
3. with ``--cli``: ``python -m workbench import`` of the same file, which also keeps the
   search index in step (slow).

Prints each peak in MB and its ratio to the baseline. Not a test: figures depend on the
machine; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

WORDS = ("agency police department plate reader camera data broker contract federal "
         "county sheriff records release vendor sharing scans licence request search "
         "café résumé naïve Zürich señor façade détective").split()

IMPORT = """
import sys
from workbench.core.casefile import Case
from workbench.core.importing import ImportOptions, import_paths
case = Case.create(sys.argv[1], title="bench")
report = import_paths(case, [sys.argv[2]], options=ImportOptions(ocr="off"))
item = report.items[0]
print(item.outcome, item.pages, item.reason or "", file=sys.stderr)
case.close()
"""
READ = "import sys, pathlib; data = pathlib.Path(sys.argv[1]).read_bytes(); print(len(data))"


def write_text(path: Path, megabytes: int, encoding: str) -> None:
    """About ``megabytes`` MB of lines like a leaked ledger, in ``encoding``."""
    rng = random.Random(7)
    block_lines = []
    for n in range(20_000):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        block_lines.append(f"{n:06d} plate 7XKD-{rng.randint(0, 999):03d} {words}\n")
    block = "".join(block_lines).encode(encoding)
    target = megabytes * 1024 * 1024
    with open(path, "wb") as out:
        written = 0
        while written < target:
            piece = block[:target - written]
            out.write(piece)
            written += len(piece)


def peak_mb(argv: list[str], *, index_dir: Path | None = None) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, stderr) of running ``argv`` under ``/usr/bin/time -v``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if index_dir is not None:
        env["WORKBENCH_INDEX_DIR"] = str(index_dir)
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed:\n{done.stderr[-2000:]}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert match, done.stderr
    said = next((line for line in done.stderr.splitlines()
                 if not line.startswith(("\t", "Command being timed"))), "")
    return int(match.group(1)) / 1024, seconds, said[:200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=480)
    parser.add_argument("--encodings", default="utf-8,cp1252")
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--cli", action="store_true",
                        help="also run `workbench import` with the search index")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        print(f"{'file':<22} {'what':<44} {'peak MB':>8} {'s':>6} {'ratio':>6}")
        for encoding in args.encodings.split(","):
            source = folder / f"ledger-{encoding}.txt"
            write_text(source, args.mb, encoding)
            label = f"{args.mb} MB {encoding}"
            base, secs, _ = peak_mb([PYTHON, "-c", READ, str(source)])
            print(f"{label:<22} {'baseline: read the file whole':<44} {base:8.0f} "
                  f"{secs:6.1f} {1.0:6.2f}")
            runs = [("import_paths (OCR off, no index)",
                     [PYTHON, "-c", IMPORT, str(folder / f"{encoding}.wbcase"), str(source)])]
            if args.cli:
                runs.append(("workbench import (with the search index)",
                             [PYTHON, "-m", "workbench", "import",
                              str(folder / f"{encoding}-cli.wbcase"), str(source),
                              "--ocr", "off"]))
            for what, argv in runs:
                if argv[1] == "-m":  # the command line imports into an existing case
                    subprocess.run([PYTHON, "-m", "workbench", "new", argv[4], "--title",
                                    "bench"], check=True, capture_output=True, cwd=ROOT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
                peak, secs, said = peak_mb(argv, index_dir=folder / "index")
                print(f"{label:<22} {what:<44} {peak:8.0f} {secs:6.1f} {peak / base:6.2f}"
                      f"   ({said.strip()[:60]})")
            source.unlink()


if __name__ == "__main__":
    main()
