"""Issue 15: a search whose facets fail or take too long still returns its hits, with
a one-line note that the facets were skipped (core API, which the window uses, and the
command line)."""

from __future__ import annotations

import json
import subprocess
import sys

from workbench.core import search
from workbench.core.casefile import Case
from workbench.core.search import searching


def uids(results) -> list[str]:
    return [h.uid for h in results.hits]


def test_over_the_time_budget_the_hits_come_without_facets(sample_case, monkeypatch):
    full = search.search(sample_case, "plate", limit=50)
    assert full.facets.kinds and full.facets.skipped is None
    monkeypatch.setattr(searching, "FACETS_SECONDS", 0.0)
    quick = search.search(sample_case, "plate", limit=50)
    assert (quick.total, uids(quick)) == (full.total, uids(full))
    assert quick.facets.kinds == () and quick.facets.actors == () and quick.facets.years == ()
    assert quick.facets.skipped == "facets skipped: counting them took over 0 s"
    # Not asking for facets is not skipping them.
    assert search.search(sample_case, "plate", facets=False).facets.skipped is None


def _damage_kind_column(directory) -> None:
    columns = list(directory.glob("*.kind.col"))
    assert columns
    for column in columns:
        column.write_bytes(b"\xff" * column.stat().st_size)


def test_a_damaged_facet_column_leaves_the_hits_and_the_index_is_rebuilt(sample_path,
                                                                          tmp_path):
    with Case.open(sample_path) as case:
        expected = search.search(case, "plate", limit=50)
        directory = search.open_index(case).directory
        search.close_index(case)
    _damage_kind_column(directory)
    command = [sys.executable, "-m", "workbench", "search", str(sample_path), "plate",
               "--limit", "50"]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"{expected.total} hit(s) for plate" in run.stdout
    notes = [line for line in run.stdout.splitlines() if line.startswith("Note:")]
    assert len(notes) == 1 and notes[0].startswith(
        "Note: facets skipped: the index is damaged (")
    assert notes[0].endswith("it will be rebuilt when the case is next opened")
    assert "Traceback" not in run.stderr and "By kind:" not in run.stdout
    # The next search finds the index marked, rebuilds it and has its facets again.
    again = subprocess.run(command[:-2] + ["--json"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)
    assert data["facets_skipped"] is None
    assert data["facets"]["kind"] == dict(expected.facets.kinds)


def test_the_command_line_says_the_facets_were_skipped(run_cli, sample_path, monkeypatch):
    monkeypatch.setattr(searching, "FACETS_SECONDS", 0.0)
    text = run_cli("search", sample_path, "plate")
    assert text.exit_code == 0, text.output
    assert "Note: facets skipped: counting them took over 0 s" in text.stdout.splitlines()
    data = json.loads(run_cli("search", sample_path, "plate", "--json").stdout)
    assert data["total"] > 0 and data["hits"]
    assert data["facets_skipped"] == "facets skipped: counting them took over 0 s"
    assert data["facets"] == {"kind": {}, "year": {}, "actor": []}
