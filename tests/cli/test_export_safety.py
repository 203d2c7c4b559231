"""Exports never write over the case, its journal, a link or a device (issue 12, point 5),
and `--confidential` on a file already imported marks it (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core import documents, snapshot
from workbench.core.casefile import Case


def _intact(path: Path) -> None:
    with Case.open(path) as case:
        assert case.info.title
        assert case.row("PRAGMA integrity_check")[0] == "ok"


def test_a_hard_link_to_the_case_is_refused_in_a_real_process(sample_path, tmp_path):
    link = tmp_path / "r.md"
    os.link(sample_path, link)
    before = sample_path.read_bytes()
    run = subprocess.run([sys.executable, "-m", "workbench", "export", str(sample_path),
                          "-o", str(link), "--format", "md", "--draft"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout
    assert "is the case file" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert sample_path.read_bytes() == before
    _intact(sample_path)


@pytest.mark.parametrize("fmt,name", [("md", "r.md"), ("claimreview", "r.jsonld"),
                                      ("pdf", "r.pdf")])
def test_every_format_refuses_the_case_its_sidecars_links_and_devices(
        sample_path, tmp_path, run_cli, fmt, name):
    before = sample_path.read_bytes()
    args = ["--format", fmt, "--draft"]
    # the case under another name (hard link) and a link to its -wal
    with Case.open(sample_path) as case:  # while open, the -wal and -shm exist
        wal = Path(str(sample_path) + "-wal")
        assert wal.exists()
        hard = tmp_path / ("h" + name)
        os.link(wal, hard)
        result = run_cli("export", sample_path, "-o", hard, *args)
        assert result.exit_code == 1 and "wal file" in result.output
        hard.unlink()
        assert case.info.title
    for target in (Path(str(sample_path) + "-wal"), Path(str(sample_path) + "-journal")):
        result = run_cli("export", sample_path, "-o", target, *args)
        assert result.exit_code == 1 and "cannot overwrite the case" in result.output
    link = tmp_path / ("s" + name)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link.symlink_to(victim)
    result = run_cli("export", sample_path, "-o", link, *args)
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert link.is_symlink() and victim.read_text() == "keep me"
    folder = tmp_path / ("d" + name)
    folder.mkdir()
    result = run_cli("export", sample_path, "-o", folder, *args)
    assert result.exit_code != 0
    assert folder.is_dir()
    if os.path.exists("/dev/null"):
        devlink = tmp_path / ("n" + name)
        os.symlink("/dev/null", devlink)
        assert run_cli("export", sample_path, "-o", devlink, *args).exit_code == 1
    assert sample_path.read_bytes() == before
    _intact(sample_path)
    # and a plain target is written through a temporary file that is renamed over it
    out = tmp_path / name
    out.write_text("old")
    old_inode = out.stat().st_ino
    other = tmp_path / ("other-link-" + name)
    os.link(out, other)  # a second name of the old file keeps the old bytes
    result = run_cli("export", sample_path, "-o", out, *args,
                     *(["--publisher", "P", "--url", "https://p.example/"]
                       if fmt == "claimreview" else []))
    assert result.exit_code == 0, result.output
    assert out.stat().st_ino != old_inode and other.read_text() == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_an_output_extension_that_is_not_the_format_s_is_refused(sample_path, tmp_path,
                                                                 run_cli):
    for fmt, name in (("pdf", "x.docx"), ("md", "x.pdf"), ("claimreview", "x.md"),
                      ("pdf", "noext")):
        result = run_cli("export", sample_path, "-o", tmp_path / name, "--format", fmt,
                         "--draft")
        assert result.exit_code == 1 and "export is written to a file ending in" in \
            result.output, result.output
        assert not (tmp_path / name).exists()
    assert run_cli("export", sample_path, "-o", tmp_path / "x.markdown", "--format", "md",
                   "--draft").exit_code == 0


def test_the_export_refuses_to_write_what_names_a_source(sample_path, tmp_path):
    """The last check reads the rendered file back and trusts nothing the gate said: a
    snapshot altered after the gate (as a buggy renderer would) is refused unwritten."""
    from dataclasses import replace

    from workbench.report import export

    with Case.open(sample_path) as case:
        confidential = case.row("SELECT title FROM documents WHERE confidential = 1")[0]
        snap = snapshot.build(case, draft=True)
        bad = replace(snap, title=f"Notes: {confidential}")
        redactor = export.Redactor(case)
        for fmt, name in (("md", "r.md"), ("pdf", "r.pdf")):
            out = tmp_path / name
            with pytest.raises(export.ConfidentialLeak):
                if fmt == "md":
                    from workbench.report import render_markdown
                    export.last_check(redactor, export.printed_texts(
                        "md", text=render_markdown(bad)))
                else:
                    from workbench.report import render_pdf
                    with export.replacing(out, fmt="pdf", case_path=case.path) as tmp:
                        render_pdf(bad, tmp, atomic=False)
                        export.last_check(redactor, export.printed_texts("pdf", path=tmp))
            assert not out.exists()
            assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_confidential_on_an_already_imported_file_marks_it(case_path, tmp_path, run_cli):
    tip = tmp_path / "tip.txt"
    tip.write_text("Okafor kept the ledger.\n")
    assert run_cli("import", case_path, tip).exit_code == 0
    with Case.open(case_path) as case:
        doc_id = documents.list_all(case)[0].id
        assert not documents.get(case, doc_id).confidential
    result = run_cli("import", case_path, tip, "--confidential")
    assert result.exit_code == 0
    assert f"document {doc_id} was already in the case: now marked confidential" in \
        result.output
    with Case.open(case_path) as case:
        assert documents.get(case, doc_id).confidential
    again = run_cli("import", case_path, tip, "--confidential", "--json")
    assert json.loads(again.output)["marked_confidential"] == []
