#!/usr/bin/env bash
# Smoke test of the built bundle (`make installer-test`), using the bundle alone.
#
#   installer/smoke_test.sh dist/workbench-VERSION-linux-ARCH.tar.gz [PYTHON]
#
# Unpacks the tarball into a fresh folder and runs every step with the unpacked bundle in
# an empty environment (env -i: HOME in the temporary folder, PATH=/usr/bin:/bin, no
# virtualenv, no PYTHONPATH), from a folder outside the checkout. PYTHON (the project's
# venv) is used only before that, to write the test PDFs with reportlab.
# Prints one line per step and "N passed, N failed"; exits 1 if any step failed.
set -uo pipefail

TARBALL=${1:?usage: smoke_test.sh TARBALL [PYTHON]}
PYTHON=${2:-.venv/bin/python}
REPO=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=$(cd "$(dirname "$TARBALL")" && pwd)/$(basename "$TARBALL")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/workbench-smoke.XXXXXX")
KEEP=${KEEP_SMOKE:-}   # set KEEP_SMOKE=1 to keep $WORK for a look afterwards
XVFB_PID=
cleanup() {
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    if [ -z "$KEEP" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

passed=0 failed=0
LOG=$WORK/log
step() {  # step NAME COMMAND...: run, time and report one step
    local name=$1; shift
    local start=$SECONDS
    if "$@" >"$LOG" 2>&1; then
        passed=$((passed + 1)); printf 'ok    %-44s %3ss\n' "$name" $((SECONDS - start))
    else
        failed=$((failed + 1)); printf 'FAIL  %-44s %3ss\n' "$name" $((SECONDS - start))
        sed 's/^/      | /' "$LOG" | tail -25
    fi
}
skip() { printf 'skip  %-44s (%s)\n' "$1" "$2"; }
# expect PATTERN COMMAND...: the command succeeds and its output matches PATTERN (grep -E).
# (Not `cmd | grep -q`: grep stops reading early and the command dies of a broken pipe.)
expect() {
    local pattern=$1; shift
    "$@" >"$WORK/out" 2>&1; local rc=$?
    cat "$WORK/out"
    [ "$rc" -eq 0 ] && grep -Eq -- "$pattern" "$WORK/out"
}

HOME_DIR=$WORK/home
mkdir -p "$HOME_DIR" "$WORK/in"
BUNDLE=$WORK/bundle/workbench
CASE=$WORK/case.wbcase
# What a reporter's session has, and nothing of the build machine's Python.
bare() { (cd "$WORK" && env -i HOME="$HOME_DIR" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"); }
wb() { bare "$BUNDLE/workbench" "$@"; }

echo "Smoke test of $(basename "$TARBALL") in $WORK"

# -- the bundle ----------------------------------------------------------------------------
unpack() {
    mkdir -p "$WORK/bundle" && tar -C "$WORK/bundle" -xzf "$TARBALL" &&
        test -x "$BUNDLE/workbench" && test -x "$BUNDLE/install.sh"
}
step "unpack the tarball" unpack
step "no dangling links in the bundle" bash -c "! find '$BUNDLE' -xtype l | grep ."
same_resources() {  # resources/ of the checkout, file for file (a missing icon is silent)
    diff <(cd "$REPO/resources" && find . -type f ! -name '*.pyc' | sort) \
        <(cd "$BUNDLE/_internal/resources" && find . -type f | sort)
}
step "resources/ complete in the bundle" same_resources
qt_modules() {  # every Qt module the app imports (some only inside functions) is there
    local missing=0 module
    for module in $(grep -rhE --include='*.py' '^\s*(from|import) PySide6\.Qt' "$REPO/workbench" |
                    grep -oE 'PySide6\.Qt[A-Za-z]+' | sort -u); do
        ls "$BUNDLE/_internal/PySide6/${module#PySide6.}".*so >/dev/null 2>&1 ||
            { echo "missing: $module"; missing=1; }
    done
    return $missing
}
step "every Qt module the app imports is bundled" qt_modules
version() {
    local want
    want=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$REPO/workbench/__init__.py")
    expect "^workbench, version $want\$" wb --version
}
step "--version (same command line as workbench)" version

# -- test files, made with the venv's reportlab before the bare runs -------------------------
make_pdfs() {
    "$PYTHON" - "$WORK/in" "$REPO/resources/fonts/DejaVuSans.ttf" <<'EOF'
import io, sys
from pathlib import Path
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

out, font = Path(sys.argv[1]), sys.argv[2]
c = canvas.Canvas(str(out / "memo.pdf"), invariant=1)
c.setTitle("Smoke test memo")
c.drawString(72, 720, "Internal memo: the zebracorn contract was signed in March.")
c.showPage()
c.drawString(72, 720, "Page two names the harbour authority.")
c.save()
# Enough PDFs that the import spreads them over worker processes (spawned executables).
for i in range(8):
    c = canvas.Canvas(str(out / f"filler-{i}.pdf"), invariant=1)
    c.drawString(72, 720, f"Filler document number {i} about procurement.")
    c.save()
# A scan: a picture of text and no text layer, so the import OCRs it with tesseract.
img = Image.new("L", (1700, 400), 255)
ImageDraw.Draw(img).text((60, 120), "Quokkaville ledger 1987", font=ImageFont.truetype(font, 110),
                         fill=0)
buf = io.BytesIO(); img.save(buf, "PNG"); buf.seek(0)
c = canvas.Canvas(str(out.parent / "scan.pdf"), invariant=1)
c.drawImage(ImageReader(buf), 36, 500, width=540, height=127)
c.save()
EOF
}
step "write test PDFs (venv reportlab)" make_pdfs

# -- the command line ------------------------------------------------------------------------
step "demo: write the sample case" wb demo "$CASE"
step "import 9 PDFs" expect '^9 +0 +0 ' wb import "$CASE" in --origin "Smoke test"
# A batch of PDFs is extracted in worker processes (each one the bundle's executable,
# started by multiprocessing's "spawn") only when two cores are idle, which a shared
# machine rarely is: WORKBENCH_IMPORT_WORKERS=always makes that deterministic, and strace
# sees the workers start.
if command -v strace >/dev/null; then
    workers() {
        wb demo "$WORK/workers.wbcase" &&
            expect '^9 +0 +0 ' strace -f -qq -e trace=execve -o "$WORK/execve.log" \
                env -i HOME="$HOME_DIR" PATH=/usr/bin:/bin LANG=C.UTF-8 \
                WORKBENCH_IMPORT_WORKERS=always "$BUNDLE/workbench" import \
                "$WORK/workers.wbcase" "$WORK/in" &&
            expect 'multiprocessing-fork' grep -F "$BUNDLE/workbench" "$WORK/execve.log"
    }
    step "import 9 PDFs in worker processes (spawn)" workers
else
    skip "import in worker processes (spawn)" "needs strace"
fi
step "search the imported PDF" expect "Smoke test memo" wb search "$CASE" zebracorn
step "search the sample case (a phrase)" expect "^[1-9][0-9]* hit" wb search "$CASE" '"courtesy share"'
if command -v tesseract >/dev/null; then
    ocr() {
        expect '^1 +0 +0 +1 +1 ' wb import "$CASE" scan.pdf --origin "Smoke scan" &&
            expect "Quokkaville" wb search "$CASE" quokkaville
    }
    step "import a scan with OCR (system tesseract)" ocr
else
    skip "import a scan with OCR" "no tesseract on this machine"
fi
export_pdf() {
    wb export "$CASE" --draft --date 2026-01-02 -o report.pdf &&
        head -c 5 "$WORK/report.pdf" | grep -q '%PDF-' &&
        if command -v pdffonts >/dev/null; then
            expect 'DejaVuSans +TrueType.* yes ' pdffonts "$WORK/report.pdf"
        fi
}
step "export the report (PDF, bundled fonts)" export_pdf
export_md() { wb export "$CASE" --draft --format md -o report.md && grep -q . "$WORK/report.md"; }
step "export the report (Markdown)" export_md

# -- the window ------------------------------------------------------------------------------
window() {  # window PLATFORM [ENV...]: open the case, close the window after a second
    local platform=$1; shift
    rm -f "$WORK/settings.ini"
    bare QT_QPA_PLATFORM="$platform" WORKBENCH_QUIT_AFTER_MS=1000 \
        WORKBENCH_SETTINGS="$WORK/settings.ini" "$@" \
        timeout 90 "$BUNDLE/workbench" gui "$CASE" &&
        # closing saved the open case as the last one: it opened, and closed cleanly
        grep -qx "last_case=$CASE" "$WORK/settings.ini"
}
step "window offscreen: open, close after 1 s" window offscreen
if command -v Xvfb >/dev/null; then
    Xvfb :73 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    XVFB_PID=$!
    sleep 1
    step "window on X11 (Xvfb, xcb plugin)" window xcb DISPLAY=:73
    kill "$XVFB_PID" 2>/dev/null; XVFB_PID=
else
    skip "window on X11 (xcb plugin)" "no Xvfb on this machine"
fi

# -- install.sh ------------------------------------------------------------------------------
D=$HOME_DIR/.local/share
install_app() {
    bare "$BUNDLE/install.sh" &&
        test -x "$HOME_DIR/.local/opt/workbench/workbench" &&
        test -f "$D/applications/workbench.desktop" &&
        test -f "$D/mime/packages/workbench.xml" &&
        test -f "$D/icons/hicolor/scalable/apps/workbench.svg" &&
        test -f "$D/icons/hicolor/256x256/apps/workbench.png" &&
        grep -q "^Exec=\"$HOME_DIR/.local/opt/workbench/workbench\" %f" \
            "$D/applications/workbench.desktop" &&
        bare "$HOME_DIR/.local/bin/workbench" info "$CASE" &&
        if command -v desktop-file-validate >/dev/null; then
            desktop-file-validate "$D/applications/workbench.desktop"
        fi &&
        if command -v update-mime-database >/dev/null; then
            grep -q "application/x-workbench-case" "$D/mime/globs2"
        fi
}
step "install.sh into ~/.local, run installed copy" install_app
uninstall_app() {
    bare "$HOME_DIR/.local/opt/workbench/install.sh" --uninstall &&
        test ! -e "$HOME_DIR/.local/opt/workbench" &&
        test ! -e "$D/applications/workbench.desktop" &&
        test ! -e "$D/mime/packages/workbench.xml" &&
        test ! -e "$HOME_DIR/.local/bin/workbench" &&
        test -f "$CASE"
}
step "install.sh --uninstall" uninstall_app

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
