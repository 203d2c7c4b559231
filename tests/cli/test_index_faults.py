"""Issue 15, point 6: a fault in the search index's folder gives one line and a search
in a temporary index, or one line and exit 1 when no folder has room; never exit 3."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest
from click.testing import CliRunner

from tests.cli.measured import run_workbench
from workbench.cli.main import cli
from workbench.core.casefile import Case
from workbench.core.importing import ImportOptions, import_paths


@pytest.fixture
def small_case(tmp_path):
    path = tmp_path / "case.wbcase"
    Case.create(path, title="Index faults").close()
    (tmp_path / "memo.txt").write_text("Agency B owns no cameras")
    with Case.open(path) as case:
        import_paths(case, [tmp_path / "memo.txt"], options=ImportOptions(ocr="off"))
    return path


@pytest.fixture
def full_disk(tmp_path):
    """A tiny tmpfs, filled up (root only; skipped elsewhere)."""
    mount = tmp_path / "full"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        with open(mount / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("Error:", "Warning:"))]


@pytest.mark.parametrize("fault", ["file", "dangling link", "root is a file"])
def test_a_broken_index_folder_searches_in_a_temporary_one(small_case, tmp_path, fault):
    root = tmp_path / "index"
    if fault == "root is a file":
        root.write_text("not a folder")
    else:
        first = run_workbench("search", small_case, "cameras",
                              env={"WORKBENCH_INDEX_DIR": str(root)})
        assert first.returncode == 0, first.stderr
        (where,) = [p for p in root.iterdir() if p.is_dir()]
        shutil.rmtree(where)
        if fault == "file":
            where.write_text("in the index's place")
        else:
            os.symlink(tmp_path / "gone", where)
    run = run_workbench("search", small_case, "cameras",
                        env={"WORKBENCH_INDEX_DIR": str(root)})
    assert run.returncode == 0, run.stderr
    assert "1 hit(s) for cameras" in run.stdout
    (line,) = _error_lines(run.stderr)
    assert "cannot be used" in line and "temporary index" in line


def test_a_full_disk_falls_back_then_says_so_in_one_line(small_case, full_disk, tmp_path):
    run = run_workbench("search", small_case, "cameras",
                        env={"WORKBENCH_INDEX_DIR": str(full_disk)})
    assert run.returncode == 0, run.stderr
    assert "1 hit(s) for cameras" in run.stdout
    (line,) = _error_lines(run.stderr)
    assert "No space left on device" in line and "temporary index" in line


def test_no_folder_with_room_is_one_line_and_exit_1(small_case, full_disk, monkeypatch):
    # Python's own temporary folder is on the full disk too (set directly: a TMPDIR
    # that cannot be written is passed over by tempfile for /tmp).
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(full_disk))
    monkeypatch.setattr(tempfile, "tempdir", str(full_disk))
    result = CliRunner().invoke(cli, ["search", str(small_case), "cameras"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: the search index cannot be written (No space left on "
                      "device); free some disk space or set WORKBENCH_INDEX_DIR to a "
                      "folder with room"]
