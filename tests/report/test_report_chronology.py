"""The report's optional Chronology section, read back from the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import pypdf
import pytest

from workbench.core import claims, events, snapshot
from workbench.core.casefile import Case


def squash(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def section_text(path) -> str:
    """The text of the Chronology section: from its heading to the Sources heading."""
    pages = [squash(p.extract_text()) for p in pypdf.PdfReader(path).pages]
    start = next(i for i, t in enumerate(pages) if "Chronology What happened when" in t)
    end = next(i for i, t in enumerate(pages) if i > start and "Sources Every document" in t)
    return " ".join(pages[start:end + 1]).split("Sources Every document")[0]


def outline(path) -> list[str]:
    out: list[str] = []

    def walk(items) -> None:
        for item in items:
            walk(item) if isinstance(item, list) else out.append(item.title)
    walk(pypdf.PdfReader(path).outline)
    return out


def test_chronology_section_cites_each_entry_in_time_order(publishable_path, run_cli,
                                                            tmp_path):
    pdf = tmp_path / "report.pdf"
    result = run_cli("export", publishable_path, "-o", pdf, "--chronology", "--date",
                     "2026-11-28")
    assert result.exit_code == 0, result.output
    assert "Chronology" in outline(pdf)
    contents = squash(pypdf.PdfReader(pdf).pages[0].extract_text()).split("Contents", 1)[1]
    assert contents.index("Responses") < contents.index("Chronology") < contents.index(
        "Sources")
    text = section_text(pdf)
    # The vendor's record for claim 1, then Brookfield's denial months later.
    record = text.index("\u201cBrookfield Police Department NV Sharing\u201d")
    denial = text.index("\u201cThe Brookfield Police Department does not own")
    assert text.index("14 November 2018") < record < text.index("3 April 2019") < denial
    assert "Bears on claim 1 (for)" in text and "Bears on claim 1 (against)" in text
    # The request for comment the third finding cites, and a month-precise event.
    assert "Meridian Vantage Holdings asked for comment" in text
    # Every entry cites a numbered source (or names the record that has none).
    sources_page = " ".join(squash(p.extract_text()) for p in pypdf.PdfReader(pdf).pages)
    rows = text.split("Date What Source", 1)[1]
    cited = {int(n) for n in re.findall(r"\[S(\d+)\]", rows)}
    assert cited and all(f"S{n}" in sources_page.split("Sources Every document")[1]
                         for n in cited)
    with Case.open(publishable_path) as c:
        snap = snapshot.build(c, chronology=True)
    for line in snap.chronology:
        assert squash(line.title)[:40] in text, line.title
        assert line.source is not None or line.record.startswith("statement"), line


def test_without_the_option_there_is_no_chronology(publishable_path, run_cli, tmp_path):
    pdf = tmp_path / "plain.pdf"
    assert run_cli("export", publishable_path, "-o", pdf).exit_code == 0
    assert "Chronology" not in outline(pdf)
    text = " ".join(squash(p.extract_text()) for p in pypdf.PdfReader(pdf).pages)
    assert "What happened when" not in text


def test_confidential_sources_stay_out_of_the_chronology(secret_path, run_cli, tmp_path):
    path, secrets = secret_path
    with Case.open(path) as c:
        claim = claims.list_all(c)[-1].id
        secret_doc = c.row("SELECT id FROM documents WHERE confidential = 1")[0]
        events.add(c, date="2017", circa=True, claim_ids=[claim],
                   text=f"{secrets.actor_name} sees the share begin",
                   sources=[f"document:{secret_doc}"])
        events.add(c, date="2018-05", claim_ids=[claim],
                   text=f"Dispatch log mentions {secrets.alias}", sources=["excerpt:5"])
    pdf = tmp_path / "secret.pdf"
    result = run_cli("export", path, "-o", pdf, "--chronology", "--draft")
    assert result.exit_code == 0, result.output
    text = section_text(pdf)
    assert "Dispatch log mentions Confidential source" in text
    assert "sees the share begin" not in text  # from a confidential document: left out
    for secret in secrets.all():
        assert secret.lower() not in text.lower(), secret


def test_final_export_refused_while_a_relied_on_event_has_no_source(publishable_path,
                                                                     run_cli, tmp_path):
    with Case.open(publishable_path) as c:
        ev = events.add(c, date="2019-03", text="Brookfield drops its account",
                        claim_ids=[1]).id
    result = run_cli("export", publishable_path, "-o", tmp_path / "r.pdf", "--chronology")
    assert result.exit_code == 1
    assert "[event-no-source]" in result.stderr and f"event {ev}" in result.stderr
    with Case.open(publishable_path) as c:
        events.update(c, ev, add_sources=["excerpt:4"])
    assert run_cli("export", publishable_path, "-o", tmp_path / "r.pdf",
                   "--chronology").exit_code == 0


def test_chronology_page_renders(publishable_path, run_cli, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed")
    pdf = tmp_path / "report.pdf"
    assert run_cli("export", publishable_path, "-o", pdf, "--chronology").exit_code == 0
    pages = len(pypdf.PdfReader(pdf).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(pages - 2), "-l",
                    str(pages - 2), str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))


def test_markdown_carries_the_chronology_too(publishable_path, run_cli):
    result = run_cli("export", publishable_path, "--format", "md", "--chronology")
    assert result.exit_code == 0, result.output
    section = result.stdout.split("## Chronology", 1)[1].split("## Sources", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert lines and all("[S" in line or "statement" in line for line in lines)
    assert section.index("14 November 2018") < section.index("3 April 2019")
    assert "## Chronology" not in run_cli("export", publishable_path, "--format",
                                          "md").stdout
