"""Cheap checks of installer/ that need no PyInstaller build (the bundle itself is tested by
``make installer-test``): the desktop entry, the MIME type, the icon, install.sh against a
stand-in bundle, the spec and the bundle's entry point and run-time hook.
"""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench.core.casefile import SUFFIX

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
ICONS = ROOT / "resources" / "icons"
MIME_TYPE = "application/x-workbench-case"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(INSTALLER / "workbench.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_case_files_in_the_app():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split() == ["workbench", "%f"]
    assert entry["Icon"] == "workbench"
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].split(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate not installed (Debian: desktop-file-utils)")
def test_desktop_entry_validates():
    out = subprocess.run(["desktop-file-validate", str(INSTALLER / "workbench.desktop")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_mime_type_matches_the_case_file_suffix():
    root = ET.parse(INSTALLER / "workbench-mime.xml").getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")] == [f"*{SUFFIX}"]
    assert mime.find(f"{MIME_NS}comment").text


def test_icon_is_an_svg_and_a_256_pixel_png():
    svg = ET.parse(ICONS / "workbench.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    png = (ICONS / "workbench.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    assert "original" in (ICONS / "README.md").read_text(encoding="utf-8").lower()


# -- install.sh ------------------------------------------------------------------------------
def run_install(script: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_install_sh_help_and_syntax(tmp_path):
    assert subprocess.run(["sh", "-n", str(INSTALLER / "install.sh")]).returncode == 0
    out = run_install(INSTALLER / "install.sh", "--help", home=tmp_path)
    assert out.returncode == 0
    assert "--uninstall" in out.stdout and ".local/share/applications" in out.stdout
    assert run_install(INSTALLER / "install.sh", "--bogus", home=tmp_path).returncode == 2


def test_install_sh_refuses_to_run_outside_a_bundle(tmp_path):
    out = run_install(INSTALLER / "install.sh", home=tmp_path / "home")
    assert out.returncode == 1 and "bundle" in out.stderr
    assert not (tmp_path / "home" / ".local").exists()


@pytest.fixture
def fake_bundle(tmp_path) -> Path:
    """A folder laid out like dist/workbench/ (as the spec makes it), with a stand-in
    executable: enough to test install.sh without building with PyInstaller."""
    bundle = tmp_path / "unpacked" / "workbench"
    (bundle / "desktop").mkdir(parents=True)
    (bundle / "_internal").mkdir()
    exe = bundle / "workbench"
    exe.write_text("#!/bin/sh\necho \"stand-in workbench $*\"\n")
    exe.chmod(0o755)
    for src in (INSTALLER / "workbench.desktop", INSTALLER / "workbench-mime.xml",
                ICONS / "workbench.svg", ICONS / "workbench.png"):
        shutil.copy2(src, bundle / "desktop" / src.name)
    shutil.copy2(INSTALLER / "install.sh", bundle / "install.sh")
    return bundle


def test_install_and_uninstall_in_home(fake_bundle, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    share = home / ".local" / "share"
    dest = home / ".local" / "opt" / "workbench"

    out = run_install(fake_bundle / "install.sh", home=home)
    assert out.returncode == 0, out.stderr
    desktop = (share / "applications" / "workbench.desktop").read_text(encoding="utf-8")
    assert f'Exec="{dest}/workbench" %f' in desktop
    assert f"TryExec={dest}/workbench" in desktop
    assert (share / "mime" / "packages" / "workbench.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "workbench.svg").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / "workbench.png").is_file()
    link = home / ".local" / "bin" / "workbench"
    assert link.is_symlink() and os.readlink(link) == f"{dest}/workbench"
    run = subprocess.run([str(link), "info"], capture_output=True, text=True)
    assert run.stdout.strip() == "stand-in workbench info"
    if shutil.which("update-mime-database"):
        assert MIME_TYPE in (share / "mime" / "globs2").read_text(encoding="utf-8")

    # Installing again (an update) replaces the copy; the installed script uninstalls.
    assert run_install(fake_bundle / "install.sh", home=home).returncode == 0
    case = home / "story.wbcase"
    case.write_bytes(b"not really a case")
    out = run_install(dest / "install.sh", "--uninstall", home=home)
    assert out.returncode == 0, out.stderr
    assert not dest.exists() and not link.exists()
    assert not (share / "applications" / "workbench.desktop").exists()
    assert not (share / "mime" / "packages" / "workbench.xml").exists()
    assert case.exists()


def test_install_never_replaces_a_folder_that_is_not_a_bundle(fake_bundle, tmp_path):
    home = tmp_path / "home"
    dest = home / ".local" / "opt" / "workbench"
    dest.mkdir(parents=True)
    (dest / "notes.txt").write_text("mine")
    out = run_install(fake_bundle / "install.sh", home=home)
    assert out.returncode == 1
    assert (dest / "notes.txt").read_text() == "mine"
    assert run_install(fake_bundle / "install.sh", "--uninstall", home=home).returncode == 1
    assert (dest / "notes.txt").exists()


# -- the spec, the entry point and the run-time hook --------------------------------------
def spec_constant(name: str):
    tree = ast.parse((INSTALLER / "workbench.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not in the spec")


@pytest.mark.parametrize("name", ["workbench.spec", "entry.py", "rthook_environment.py",
                                  "render_icon.py"])
def test_python_files_compile(name):
    path = INSTALLER / name
    compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_smoke_test_script_parses():
    assert subprocess.run(["bash", "-n", str(INSTALLER / "smoke_test.sh")]).returncode == 0


def test_kept_qt_plugins_exist_in_the_installed_pyside6():
    """A PySide6 upgrade that renames a plugin would silently drop it from the bundle."""
    pyside6 = pytest.importorskip("PySide6")
    plugins = Path(pyside6.__file__).parent / "Qt" / "plugins"
    for folder, names in spec_constant("KEEP_PLUGINS").items():
        for name in names:
            assert (plugins / folder / name).is_file(), f"{folder}/{name}"
    assert {"libqxcb.so", "libqoffscreen.so"} <= spec_constant("KEEP_PLUGINS")["platforms"]


def run_hook(env: dict[str, str]) -> dict[str, str]:
    code = ("import os, sys, runpy; sys._MEIPASS = '/opt/bundle/_internal'; "
            f"runpy.run_path({str(INSTALLER / 'rthook_environment.py')!r}); "
            "print(repr({k: v for k, v in os.environ.items() if k.startswith('LD_')}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", **env}, check=True)
    return ast.literal_eval(out.stdout)


def test_runtime_hook_gives_child_programs_the_users_library_path():
    bundle = "/opt/bundle/_internal"
    assert run_hook({"LD_LIBRARY_PATH": f"{bundle}:/opt/mine",
                     "LD_LIBRARY_PATH_ORIG": "/opt/mine"}) == {"LD_LIBRARY_PATH": "/opt/mine"}
    assert run_hook({"LD_LIBRARY_PATH": bundle}) == {}
    assert run_hook({"LD_LIBRARY_PATH": "/opt/mine"}) == {"LD_LIBRARY_PATH": "/opt/mine"}


def test_entry_point_runs_the_command_line(tmp_path):
    out = subprocess.run([sys.executable, str(INSTALLER / "entry.py"), "--version"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("workbench, version")


def test_entry_point_closes_the_window_after_a_delay(sample_path, tmp_path):
    """The smoke test's timed close, here unfrozen: the window opens the case and closes
    as if by the user (so it records the case as the last one)."""
    pytest.importorskip("PySide6")
    settings = tmp_path / "settings.ini"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_QUIT_AFTER_MS": "300",
           "WORKBENCH_SETTINGS": str(settings), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, str(INSTALLER / "entry.py"), "gui", str(sample_path)],
                         capture_output=True, text=True, env=env, timeout=90)
    assert out.returncode == 0, out.stderr
    assert f"last_case={sample_path}" in settings.read_text(encoding="utf-8")


def test_install_leaves_another_programs_command_alone(fake_bundle, tmp_path):
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    other = tmp_path / "other-workbench"
    other.write_text("#!/bin/sh\n")
    (bin_dir / "workbench").symlink_to(other)
    out = run_install(fake_bundle / "install.sh", home=home)
    assert out.returncode == 0 and "left alone" in out.stdout
    assert os.readlink(bin_dir / "workbench") == str(other)
    assert run_install(fake_bundle / "install.sh", "--uninstall", home=home).returncode == 0
    assert os.readlink(bin_dir / "workbench") == str(other)
