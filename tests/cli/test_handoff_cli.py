"""``workbench export --format ftm`` and ``workbench import-ftm`` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workbench.core import handoff

if not handoff.available():
    pytest.skip("followthemoney/fingerprints not installed (pip install "
                "'workbench[aleph]')", allow_module_level=True)


def test_export_refuses_confidential_without_confirmation(run_cli, sample_path, tmp_path):
    out = tmp_path / "all.ftm.jsonl"
    result = run_cli("export", sample_path, "--format", "ftm", "-o", out,
                     "--include-confidential")
    assert result.exit_code == 1
    assert "--i-understand" in result.output
    assert not out.exists()
    result = run_cli("export", sample_path, "--format", "ftm", "-o", out,
                     "--include-confidential", "--i-understand")
    assert result.exit_code == 0, result.output
    assert "INCLUDED" in result.output
    assert "County dispatcher (source)" in out.read_text(encoding="utf-8")


def test_export_needs_an_output_file(run_cli, sample_path):
    result = run_cli("export", sample_path, "--format", "ftm")
    assert result.exit_code == 2 and "-o case.ftm.jsonl" in result.output


def test_export_and_import_in_real_processes(sample_path, tmp_path):
    """The route in the README: export, then import-ftm into another reporter's case."""
    out = tmp_path / "case.ftm.jsonl"
    wb = [sys.executable, "-m", "workbench"]
    done = subprocess.run([*wb, "export", str(sample_path), "--format", "ftm", "-o",
                           str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Left out as confidential: 1 actor, 1 document" in done.stdout
    other = tmp_path / "other.wbcase"
    subprocess.run([*wb, "new", str(other), "--title", "Other"], check=True,
                   capture_output=True, timeout=60)
    done = subprocess.run([*wb, "import-ftm", str(other), str(out), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["imported"] == 14 and report["failed"] == 0
    done = subprocess.run([*wb, "imports", str(other)], capture_output=True, text=True,
                          timeout=60)
    assert "FollowTheMoney file case.ftm.jsonl" in done.stdout
    done = subprocess.run([*wb, "import-ftm", str(other), str(out)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0
    assert "duplicate: PublicBody Brookfield Police Department" in done.stdout


def test_import_ftm_missing_file_is_one_line(run_cli, case_path, tmp_path):
    result = run_cli("import-ftm", case_path, tmp_path / "nope.jsonl")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "no such file" in result.output
