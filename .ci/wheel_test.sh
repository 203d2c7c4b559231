#!/usr/bin/env bash
# The wheel as a user gets it (`make wheel-test`): build the sdist and the wheel (the wheel
# from the sdist) with `python -m build`, install the wheel with the locked dependency set
# into a fresh venv outside the checkout, and from that install, in a folder outside the
# checkout with HOME there too, run the demo, the three exports, a search, and the window
# offscreen.
#
#   .ci/wheel_test.sh [PYTHON] [CONSTRAINTS]
#
# PYTHON (default .venv/bin/python) builds (it needs the `build` package) and makes the
# fresh venv; CONSTRAINTS (default constraints.txt) pins what pip installs beside the wheel.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${1:-$REPO/.venv/bin/python}
CONSTRAINTS=$(cd "$REPO" && realpath "${2:-constraints.txt}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/workbench-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
start=$SECONDS
say() { printf '[%4ss] %s\n' $((SECONDS - start)) "$*"; }

say "build sdist and wheel into $WORK/dist"
"$PYTHON" -m build --outdir "$WORK/dist" "$REPO" >"$WORK/build.log" 2>&1 ||
    { tail -30 "$WORK/build.log"; exit 1; }
WHEEL=$(ls "$WORK"/dist/workbench-*.whl)
SDIST=$(ls "$WORK"/dist/workbench-*.tar.gz)
# What the program reads at run time is inside both.
"$PYTHON" - "$WHEEL" "$SDIST" "$REPO/resources" <<'PY'
import sys, tarfile, zipfile
from pathlib import Path
wheel, sdist, resources = sys.argv[1], sys.argv[2], Path(sys.argv[3])
wanted = sorted(p.relative_to(resources).as_posix() for p in resources.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts)
in_wheel = set(zipfile.ZipFile(wheel).namelist())
missing = [w for w in wanted if f"workbench/_resources/{w}" not in in_wheel]
with tarfile.open(sdist) as tar:
    root = tar.getnames()[0].split("/")[0]
    in_sdist = set(tar.getnames())
missing += [f"sdist: {w}" for w in wanted if f"{root}/resources/{w}" not in in_sdist]
if missing:
    sys.exit("missing from the packages: " + ", ".join(missing))
print(f"{len(wanted)} resource files in the wheel and the sdist")
PY

say "fresh venv, pip install the wheel (constraints: $(basename "$CONSTRAINTS"))"
BASE=$("$PYTHON" -c 'import sys, os; print(os.path.join(sys.base_prefix, "bin", "python3"))')
"$BASE" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$CONSTRAINTS" "$WHEEL"
WB=$WORK/venv/bin/workbench

# From here on: outside the checkout, HOME and caches in the temporary folder, and no
# variable that could point back into the checkout.
mkdir -p "$WORK/home" "$WORK/run"
cp "$REPO/.ci/wheel_window.py" "$WORK/run/"
run() {
    (cd "$WORK/run" && env -i HOME="$WORK/home" PATH="$WORK/venv/bin:/usr/bin:/bin" \
        LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@")
}
CASE=$WORK/run/sample.wbcase

say "the installed package is the wheel's, with its resources"
run python -c '
import workbench, workbench.core.resources as r, sys
where = r.resource_dir()
print(workbench.__file__, where)
sys.exit(0 if "site-packages" in str(where) and (where / "fonts" / "DejaVuSans.ttf").exists() else 1)'
run workbench --version
say "workbench demo"
run workbench demo "$CASE"
say "workbench export: pdf, md, claimreview"
run workbench export "$CASE" --draft --date 2026-01-02 -o report.pdf
head -c 5 "$WORK/run/report.pdf" | grep -q '%PDF-'
if command -v pdffonts >/dev/null; then pdffonts "$WORK/run/report.pdf" | grep -q DejaVuSans; fi
run workbench export "$CASE" --draft --format md -o report.md
grep -q . "$WORK/run/report.md"
run workbench export "$CASE" --draft --format claimreview -o report.jsonld
run python -c 'import json, sys; json.load(open("report.jsonld"))'
say "workbench search"
run workbench search "$CASE" '"read-only"' >"$WORK/search.out"
cat "$WORK/search.out" | head -5
grep -qi "read-only" "$WORK/search.out"
say "the window, offscreen"
run timeout 120 python wheel_window.py "$CASE" "$WORK/run/settings.ini"
say "wheel test passed"
