"""contradictions, actor dossier, check and export through the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pypdf

from workbench.core import actors, findings
from workbench.core.casefile import Case


def publish_ready(path) -> None:
    with Case.open(path) as case:
        for f in findings.list_all(case):
            if f.status == "draft":
                findings.update(case, f.id, status="checked")


def test_contradictions_lists_the_contested_claims(sample_path, run_cli):
    result = run_cli("contradictions", sample_path)
    assert result.exit_code == 0
    assert result.output.count("[contradiction]") == 3
    assert "verdict: refuted" in result.output and "against:" in result.output
    rows = json.loads(run_cli("contradictions", sample_path, "--json").output)
    assert len(rows) == 3 and all(r["contested"] and r["resolved"] for r in rows)
    assert rows[0]["supports"][0]["kind"] == "excerpt"
    everything = json.loads(run_cli("contradictions", sample_path, "--all", "--json").output)
    assert len(everything) == 4


def test_actor_dossier(sample_path, run_cli):
    with Case.open(sample_path) as case:
        bpd = actors.find(case, "BPD")[0].id
    result = run_cli("actor", "dossier", sample_path, bpd)
    assert result.exit_code == 0
    for part in ("Brookfield Police Department", "Statements (1)", "Claims about it (1)",
                 "Pages that name it", "Email: Brookfield PD statement"):
        assert part in result.output
    data = json.loads(run_cli("actor", "dossier", sample_path, bpd, "--json").output)
    assert data["actor"]["name"] == "Brookfield Police Department"
    assert len(data["mentions"]) >= 2
    missing = run_cli("actor", "dossier", sample_path, 999)
    assert missing.exit_code == 1 and "no actor with id 999" in missing.output


def test_check_exit_codes(sample_path, run_cli):
    failing = run_cli("check", sample_path)
    assert failing.exit_code == 1
    assert "[draft]" in failing.output and "fix: workbench finding edit" in failing.output
    report = json.loads(run_cli("check", sample_path, "--json").output)
    assert report["publishable"] is False
    assert [p["kind"] for p in report["problems"]] == ["draft"]
    publish_ready(sample_path)
    passing = run_cli("check", sample_path)
    assert passing.exit_code == 0 and "Publishable" in passing.output
    assert json.loads(run_cli("check", sample_path, "--json").output)["problems"] == []


def test_final_export_is_refused_while_the_gate_fails(sample_path, tmp_path, run_cli):
    out = tmp_path / "report.pdf"
    refused = run_cli("export", sample_path, "-o", out)
    assert refused.exit_code == 1
    assert "refused" in refused.stderr and "[draft]" in refused.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".*.partial")) == []
    draft = run_cli("export", sample_path, "-o", out, "--draft")
    assert draft.exit_code == 0 and "Draft report written" in draft.output
    assert all("DRAFT" in p.extract_text() for p in pypdf.PdfReader(out).pages)
    publish_ready(sample_path)
    final = run_cli("export", sample_path, "-o", out, "--title", "Plate scans",
                    "--byline", "Fictional Desk")
    assert final.exit_code == 0, final.output
    reader = pypdf.PdfReader(out)
    assert reader.metadata.title == "Plate scans"
    assert not any("DRAFT" in p.extract_text() for p in reader.pages)


def test_export_with_a_date_is_byte_identical(sample_path, tmp_path, run_cli):
    publish_ready(sample_path)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (a, b):
        assert run_cli("export", sample_path, "-o", out, "--date", "2026-11-28").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert "2026-11-28" in pypdf.PdfReader(a).pages[0].extract_text()
    bad = run_cli("export", sample_path, "-o", a, "--date", "28/11/2026")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_export_markdown_and_claimreview(sample_path, tmp_path, run_cli):
    md = run_cli("export", sample_path, "--format", "md", "--draft", "--date", "2026-11-28")
    assert md.exit_code == 0 and md.output.startswith("# Plate scans for OFBA")
    assert "[^1]:" in md.output and "**DRAFT" in md.output
    publish_ready(sample_path)
    out = tmp_path / "reviews.jsonld"
    result = run_cli("export", sample_path, "--format", "claimreview", "-o", out)
    assert result.exit_code == 1 and "--publisher" in result.output
    result = run_cli("export", sample_path, "--format", "claimreview", "-o", out,
                     "--publisher", "Harbour Ledger", "--url", "https://example.org/r")
    assert result.exit_code == 0
    assert len(json.loads(out.read_text())["@graph"]) == 4
    no_file = run_cli("export", sample_path)
    assert no_file.exit_code == 2 and "-o report.pdf" in no_file.output


def test_export_never_overwrites_the_case(sample_path, run_cli):
    publish_ready(sample_path)
    result = run_cli("export", sample_path, "-o", sample_path, "--draft")
    assert result.exit_code == 1 and "cannot overwrite the case file" in result.output


def test_export_as_a_real_process(sample_path, tmp_path):
    out = tmp_path / "report.pdf"
    run = subprocess.run([sys.executable, "-m", "workbench", "export", str(sample_path),
                          "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "[draft]" in run.stderr
    run = subprocess.run([sys.executable, "-m", "workbench", "check", str(sample_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1


def test_an_unwritable_output_is_one_line(sample_path, tmp_path, run_cli):
    result = run_cli("export", sample_path, "-o", tmp_path / "no-such-folder" / "r.pdf",
                     "--draft")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write") and "\n" not in result.stderr.strip()


def test_a_confidential_surname_blocks_check_and_never_reaches_a_draft(sample_path, tmp_path,
                                                                      run_cli):
    """The case from the issue: "Dana Whitlock" is confidential; a finding titled
    "Whitlock's account" used to pass `workbench check` and print "Whitlock"."""
    publish_ready(sample_path)
    with Case.open(sample_path) as case:
        actors.add(case, name="Dana Whitlock", type="person", confidential=True)
        first = findings.list_all(case)[0]
        findings.update(case, first.id, title="Whitlock\u2019s account",
                        text=first.text + " Ms. WHIT\u00adLOCK said so; d.whitlock agrees.")
    check = run_cli("check", sample_path)
    assert check.exit_code == 1 and "[confidential]" in check.output
    assert "Whitlock" in check.output  # says what to rewrite, and where
    out = tmp_path / "r.pdf"
    refused = run_cli("export", sample_path, "-o", out)
    assert refused.exit_code == 1 and not out.exists()
    assert run_cli("export", sample_path, "-o", out, "--draft").exit_code == 0
    reader = pypdf.PdfReader(out)
    text = " ".join(p.extract_text() for p in reader.pages).replace("\u00ad", "")
    outline = json.dumps([str(o) for o in reader.outline])
    for where in (text, outline, str(reader.metadata)):
        assert "whitlock" not in where.casefold()
    md = run_cli("export", sample_path, "--format", "md", "--draft").output
    assert "whitlock" not in md.casefold() and "Confidential source" in md
