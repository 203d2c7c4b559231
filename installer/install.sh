#!/bin/sh
# Install (or remove) the Workbench bundle for the current user; no root, no Python.
# Run it from the unpacked bundle: ./install.sh   (./install.sh --help for the rest)
set -eu

APP=workbench
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=${WORKBENCH_INSTALL_DIR:-$HOME/.local/opt/$APP}
BIN_DIR=$HOME/.local/bin
HERE=$(cd "$(dirname "$0")" && pwd -P)

APPLICATIONS=$DATA_HOME/applications
MIME=$DATA_HOME/mime
ICONS=$DATA_HOME/icons/hicolor

usage() {
    cat <<EOF
Usage: ./install.sh [--uninstall | --help]

Installs Workbench for you alone (no root needed):
  $DEST                              the program (a copy of this folder)
  $APPLICATIONS/$APP.desktop   the menu entry
  $MIME/packages/$APP.xml     .wbcase files open in Workbench
  $ICONS/{scalable,256x256}/apps/    the icon
  $BIN_DIR/$APP                        the command line (a link, unless that name is taken)
then refreshes the desktop and MIME databases when their tools are installed.

  --uninstall   remove all of the above (case files are never touched)
  -h, --help    show this help

XDG_DATA_HOME and WORKBENCH_INSTALL_DIR change the two folders.
EOF
}

say() { printf '%s\n' "$*"; }

# A folder is ours to replace only if it looks like a Workbench bundle (or does not exist).
is_bundle() { [ -x "$1/$APP" ] && [ -f "$1/install.sh" ] && [ -d "$1/desktop" ]; }

refresh() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$APPLICATIONS" 2>/dev/null || true
    fi
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$MIME" >/dev/null 2>&1 || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f "$ICONS" 2>/dev/null || true
    fi
}

install_app() {
    if ! is_bundle "$HERE"; then
        say "install.sh: run me from the unpacked Workbench bundle ($HERE is not one)" >&2
        exit 1
    fi
    if [ "$HERE" != "$(cd "$(dirname "$DEST")" 2>/dev/null && pwd -P)/$(basename "$DEST")" ]; then
        if [ -e "$DEST" ] && ! is_bundle "$DEST"; then
            say "install.sh: $DEST exists and is not a Workbench bundle; not replacing it" >&2
            exit 1
        fi
        mkdir -p "$(dirname "$DEST")"
        rm -rf "$DEST.new"
        cp -a "$HERE" "$DEST.new"   # -a keeps the bundle's symbolic links
        rm -rf "$DEST"              # the old version goes only once the copy is complete
        mv "$DEST.new" "$DEST"
    fi

    mkdir -p "$APPLICATIONS" "$MIME/packages" "$ICONS/scalable/apps" "$ICONS/256x256/apps"
    # The menu entry runs the installed executable by its full path: ~/.local/bin is not
    # on every desktop's PATH.
    sed -e "s|^Exec=.*|Exec=\"$DEST/$APP\" %f|" -e "s|^TryExec=.*|TryExec=$DEST/$APP|" \
        "$DEST/desktop/$APP.desktop" > "$APPLICATIONS/$APP.desktop"
    chmod 644 "$APPLICATIONS/$APP.desktop"
    cp "$DEST/desktop/$APP-mime.xml" "$MIME/packages/$APP.xml"
    cp "$DEST/desktop/$APP.svg" "$ICONS/scalable/apps/$APP.svg"
    cp "$DEST/desktop/$APP.png" "$ICONS/256x256/apps/$APP.png"

    mkdir -p "$BIN_DIR"
    # Our link, a dangling one, or none: (re)make it; anything else is someone else's.
    if [ ! -e "$BIN_DIR/$APP" ] ||
        { [ -L "$BIN_DIR/$APP" ] && [ "$(readlink "$BIN_DIR/$APP")" = "$DEST/$APP" ]; }; then
        ln -sfn "$DEST/$APP" "$BIN_DIR/$APP"
    else
        say "note: $BIN_DIR/$APP is another program; left alone (run $DEST/$APP)"
    fi

    refresh
    if command -v xdg-mime >/dev/null 2>&1; then
        xdg-mime default "$APP.desktop" application/x-workbench-case 2>/dev/null || true
    fi
    say "Workbench installed in $DEST"
    say "Start it from your desktop menu, or run: $DEST/$APP"
}

uninstall_app() {
    if [ -e "$DEST" ]; then
        if ! is_bundle "$DEST"; then
            say "install.sh: $DEST is not a Workbench bundle; not removing it" >&2
            exit 1
        fi
        rm -rf "$DEST"
    fi
    rm -f "$APPLICATIONS/$APP.desktop" "$MIME/packages/$APP.xml" \
        "$ICONS/scalable/apps/$APP.svg" "$ICONS/256x256/apps/$APP.png"
    # The command-line link only if it is ours.
    if [ -L "$BIN_DIR/$APP" ] && [ "$(readlink "$BIN_DIR/$APP")" = "$DEST/$APP" ]; then
        rm -f "$BIN_DIR/$APP"
    fi
    refresh
    say "Workbench removed (your case files and settings are kept)"
}

case "${1:-}" in
    "") install_app ;;
    --uninstall) uninstall_app ;;
    -h|--help) usage ;;
    *) usage >&2; exit 2 ;;
esac
