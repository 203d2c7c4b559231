"""The search, mentions and reindex commands, through click's runner."""

from __future__ import annotations

import csv
import json

import pytest

from workbench.core import actors
from workbench.core.casefile import Case


@pytest.fixture(autouse=True)
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "indexes"))


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_search_json_has_hits_and_facets(run_cli, sample_path):
    data = as_json(run_cli("search", sample_path, "7XKD-214", "--json"))
    assert data["total"] == 2
    assert {h["kind"] for h in data["hits"]} == {"page", "excerpt"}
    page = next(h for h in data["hits"] if h["kind"] == "page")
    assert page["page"] == 1 and page["title"].startswith("Email: OFBA agent")
    assert "«7XKD-214»" in page["snippet"]
    start, end = page["highlights"][0]
    assert page["snippet_text"][start:end] == "7XKD-214"
    assert set(data["facets"]) == {"kind", "actor", "year"}
    assert data["facets"]["kind"] == {"page": 1, "excerpt": 1}


def test_search_paging(run_cli, sample_path):
    everything = as_json(run_cli("search", sample_path, "plate", "--json", "--limit", "100"))
    second = as_json(run_cli("search", sample_path, "plate", "--json", "--limit", "2",
                             "--offset", "2"))
    assert second["total"] == everything["total"]
    assert [h["uid"] for h in second["hits"]] == [h["uid"] for h in everything["hits"][2:4]]


def test_search_text_output_marks_confidential(run_cli, sample_path):
    result = run_cli("search", sample_path, '"courtesy share"')
    assert result.exit_code == 0, result.output
    assert "hit(s) for" in result.stdout
    assert "CONFIDENTIAL" in result.stdout
    assert "Source notes (confidential)" in result.stdout
    assert "By kind:" in result.stdout


@pytest.mark.parametrize("query", ['"unclosed', "foo:bar", "date:[soon TO later]", "plate AND"])
def test_malformed_query_is_one_line_exit_1(run_cli, sample_path, query):
    result = run_cli("search", sample_path, query)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1


def test_search_needs_a_query_or_a_file(run_cli, sample_path):
    result = run_cli("search", sample_path)
    assert result.exit_code == 1 and "QUERY or --queries" in result.stderr


def test_mentions_json(run_cli, sample_path):
    with Case.open(sample_path) as c:
        brookfield = actors.find(c, "BPD")[0].id
    data = as_json(run_cli("mentions", sample_path, brookfield, "--json"))
    assert data["name"] == "Brookfield Police Department"
    assert "BPD" in data["aliases"]
    assert len(data["pages"]) >= 3
    assert all("«" in p["snippet"] for p in data["pages"])
    assert any("BPD" in p["names"] for p in data["pages"])
    text = run_cli("mentions", sample_path, brookfield)
    assert "page(s) name Brookfield Police Department" in text.stdout


def test_mentions_of_unknown_actor(run_cli, sample_path):
    result = run_cli("mentions", sample_path, 999)
    assert result.exit_code == 1 and "no actor with id 999" in result.stderr


def test_reindex(run_cli, sample_path):
    data = as_json(run_cli("reindex", sample_path, "--json"))
    assert data["entries"] > 50
    result = run_cli("reindex", sample_path)
    assert result.exit_code == 0 and "Indexed" in result.stdout
    assert "Indexing" in result.stderr  # the progress bar's label


def test_batch_search_writes_csv(run_cli, sample_path, tmp_path):
    queries = tmp_path / "queries.txt"
    queries.write_text("# plates and people\n7XKD-214\n\n\"read only\"\nfoo:bar\n",
                       encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = run_cli("search", sample_path, "--queries", queries, "--csv", out)
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["query"] for r in rows} == {"7XKD-214", '"read only"', "foo:bar"}
    plate = [r for r in rows if r["query"] == "7XKD-214"]
    assert len(plate) == 2 and all("«7XKD-214»" in r["snippet"] for r in plate)
    assert {r["page"] for r in plate} == {"1"} and all(r["document"] for r in plate)
    assert [r["error"] != "" for r in rows if r["query"] == "foo:bar"] == [True]
    listed = as_json(run_cli("search", sample_path, "--queries", queries, "--json"))
    assert len(listed) == len(rows)
    assert {r["query"] for r in listed} == {r["query"] for r in rows}


def test_import_from_the_command_line_leaves_the_index_in_step(tmp_path):
    """`workbench import` indexes what it imports, so the first search afterwards (from
    any program) opens an index already in step instead of catching up first."""
    import os
    import subprocess
    import sys

    from workbench.core import search
    from workbench.core.search.store import CaseIndex

    case_path, folder = tmp_path / "leak.wbcase", tmp_path / "share"
    folder.mkdir()
    for n in range(30):
        (folder / f"note-{n:02}.txt").write_text(
            f"Note {n}: the vendor queried plate 4QRS-{n:03} for the task force.",
            encoding="utf-8")
    env = {**os.environ, "WORKBENCH_INDEX_DIR": str(tmp_path / "indexes")}
    for args in (["new", case_path, "--title", "Leak"], ["import", case_path, folder]):
        done = subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    with Case.open(case_path) as case:
        checked = CaseIndex(case)
        state = checked.check()
        checked.close()
        assert state.fresh, state.reason
        index = search.open_index(case)
        assert index.last_repair == "none"
        assert search.search(case, "4QRS-029").total == 1
        assert search.search(case, '"task force"').total == 30
        search.close_index(case)


def test_search_by_document_type(run_cli, sample_path):
    """Issue 15: `type:` names a document's type; `kind:email` means the same."""
    emails = as_json(run_cli("search", sample_path, "type:email", "--json", "--limit", "100"))
    with Case.open(sample_path) as case:
        kinds = {r[0]: r[1] for r in case.rows("SELECT id, kind FROM documents")}
    assert emails["total"] > 0
    assert all(kinds[h["doc_id"]] == "email" for h in emails["hits"])
    same = as_json(run_cli("search", sample_path, "kind:email", "--json", "--limit", "100"))
    assert [h["uid"] for h in same["hits"]] == [h["uid"] for h in emails["hits"]]
    result = run_cli("search", sample_path, "type:spreadsheet")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        'Error: "type:spreadsheet" is not a type of document (types: pdf, email, html, docx, '
        "text, image, note, other); for a kind of hit write kind: (page, excerpt, statement, "
        "claim, verdict, finding, actor, note)"]
