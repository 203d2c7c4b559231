"""Every verb of issue 2 through the command line, with --json, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def ok(result) -> dict | list:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(result, *parts: str) -> str:
    assert result.exit_code != 0
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert "\n" not in message, "errors are one line"
    assert "Traceback" not in result.output
    for part in parts:
        assert part in message
    return message


@pytest.fixture
def built(tmp_path, run_cli):
    """A case built through the CLI alone, with the ids it got."""
    path = tmp_path / "cli.wbcase"
    ok(run_cli("new", path, "--title", "CLI case", "--json"))
    src = tmp_path / "statement.txt"
    src.write_text("Agency B says it is a read-only customer.\n"
                   "It owns no cameras at all.", encoding="utf-8")
    imported = ok(run_cli("import", path, src, "--origin", "Reporting", "--json"))
    doc = imported["items"][0]["document_id"]
    ids = {"path": path, "doc": doc}
    ids["actor"] = ok(run_cli("actor", "add", path, "Agency B", "--type", "agency",
                              "--alias", "BPD", "--json"))["id"]
    ids["excerpt"] = ok(run_cli("excerpt", "add", path, "--doc", doc, "--page", 1,
                                "--quote", "It owns no cameras at all.", "--json"))["id"]
    ids["statement"] = ok(run_cli("statement", "add", path, "--actor", ids["actor"],
                                  "--stance", "denies", "--speaker", "D. W.",
                                  "--role", "spokesperson", "--date", "2019-04-03",
                                  "--channel", "email", "--excerpt", ids["excerpt"],
                                  "--json"))["id"]
    ids["claim"] = ok(run_cli("claim", "add", path, "Agency B shares plate data",
                              "--origin-excerpt", ids["excerpt"], "--about", ids["actor"],
                              "--json"))["id"]
    ids["evidence"] = ok(run_cli("evidence", "add", path, "--claim", ids["claim"],
                                 "--statement", ids["statement"], "--relation",
                                 "contradicts", "--json"))["id"]
    ok(run_cli("verdict", "set", path, "--claim", ids["claim"], "--status", "refuted",
               "--rationale", "Read-only account.", "--json"))
    ids["finding"] = ok(run_cli("finding", "add", path, "--title", "B cannot share",
                                "--text", "Agency B owns no cameras.",
                                "--cite", f"excerpt:{ids['excerpt']}",
                                "--cite", f"statement:{ids['statement']}", "--json"))["id"]
    return ids


def test_every_add_verb_round_trips_through_show(built, run_cli):
    path = built["path"]
    info = ok(run_cli("info", path, "--json"))
    assert info["title"] == "CLI case"
    assert info["counts"]["documents"] == 1 and info["counts"]["findings"] == 1
    doc = ok(run_cli("show", path, "document", built["doc"], "--json"))
    assert doc["origin"] == "Reporting" and doc["file_name"] == "statement.txt"
    assert doc["pages"][0]["page_no"] == 1
    ex = ok(run_cli("show", path, "excerpt", built["excerpt"], "--json"))
    assert ex["quote"] == "It owns no cameras at all." and ex["verified"] is True
    actor = ok(run_cli("show", path, "actor", built["actor"], "--json"))
    assert actor["aliases"] == ["BPD"] and actor["statements"][0]["stance"] == "denies"
    st = ok(run_cli("show", path, "statement", built["statement"], "--json"))
    assert st["text"] == "It owns no cameras at all." and st["channel"] == "email"
    claim = ok(run_cli("show", path, "claim", built["claim"], "--json"))
    assert claim["verdict"]["status"] == "refuted"
    assert claim["evidence"][0]["relation"] == "contradicts"
    finding = ok(run_cli("show", path, "finding", built["finding"], "--json"))
    assert [s["kind"] for s in finding["sources"]] == ["excerpt", "statement"]


def test_list_verbs(built, run_cli):
    path = built["path"]
    assert len(ok(run_cli("documents", path, "--json"))) == 1
    assert ok(run_cli("actor", "list", path, "--json"))[0]["name"] == "Agency B"
    assert ok(run_cli("excerpt", "list", path, "--json"))[0]["verified"] is True
    assert ok(run_cli("statement", "list", path, "--json"))[0]["stance"] == "denies"
    claims = ok(run_cli("claim", "list", path, "--json"))
    assert claims[0]["verdict"] == "refuted" and claims[0]["contradicts"] == 1
    assert ok(run_cli("evidence", "list", path, "--json"))[0]["claim_id"] == built["claim"]
    assert ok(run_cli("verdict", "list", path, "--json"))[0]["status"] == "refuted"
    assert ok(run_cli("finding", "list", path, "--json"))[0]["title"] == "B cannot share"
    assert ok(run_cli("imports", path, "--json"))[0]["imported"] == 1
    for args in (("documents", path), ("actor", "list", path), ("claim", "list", path),
                 ("finding", "list", path), ("audit", path), ("info", path)):
        result = run_cli(*args)
        assert result.exit_code == 0 and result.stdout.strip()


def test_tags_and_edits(built, run_cli):
    path = built["path"]
    ok(run_cli("tag", "add", path, "document", built["doc"], "vendor", "--json"))
    assert ok(run_cli("tag", "list", path, "--json")) == [{"name": "vendor", "count": 1}]
    ok(run_cli("actor", "edit", path, built["actor"], "--add-alias", "Brookfield PD",
               "--json"))
    assert ok(run_cli("show", path, "actor", built["actor"], "--json"))["aliases"] == [
        "BPD", "Brookfield PD"]
    ok(run_cli("finding", "edit", path, built["finding"], "--status", "ready", "--json"))
    assert ok(run_cli("show", path, "finding", built["finding"], "--json"))["status"] == "ready"


def test_no_response_statement(built, run_cli):
    path = built["path"]
    refused(run_cli("statement", "add", path, "--actor", built["actor"], "--stance",
                    "no-response"), "date the actor was asked")
    sid = ok(run_cli("statement", "add", path, "--actor", built["actor"], "--stance",
                     "no-response", "--asked", "2019-04-01", "--json"))["id"]
    assert ok(run_cli("show", path, "statement", sid, "--json"))["asked_on"] == "2019-04-01"


def test_delete_refuses_then_cascades(built, run_cli):
    path = built["path"]
    message = refused(run_cli("delete", path, "document", built["doc"]), "--cascade")
    assert "excerpt" in message
    assert len(ok(run_cli("documents", path, "--json"))) == 1
    result = ok(run_cli("delete", path, "document", built["doc"], "--cascade", "--json"))
    assert result["changes"]["excerpts"] == {"deleted": 1}
    assert ok(run_cli("documents", path, "--json")) == []


def test_bad_input_gives_one_line_and_changes_nothing(built, run_cli, tmp_path):
    path = built["path"]
    before = ok(run_cli("info", path, "--json"))["counts"]
    refused(run_cli("excerpt", "add", path, "--doc", built["doc"], "--page", 1,
                    "--quote", "words that are not there"), "does not occur on page 1")
    refused(run_cli("show", path, "claim", 99), "no claim with id 99")
    refused(run_cli("evidence", "add", path, "--claim", built["claim"], "--excerpt", 99,
                    "--relation", "supports"), "no excerpt with id 99")
    refused(run_cli("finding", "add", path, "--title", "x", "--cite", "quote:1"),
            "excerpt:ID or statement:ID")
    refused(run_cli("statement", "add", path, "--actor", built["actor"], "--stance",
                    "denies", "--text", "x", "--date", "yesterday"), "YYYY-MM-DD")
    refused(run_cli("verdict", "set", path, "--claim", built["claim"], "--status",
                    "confirmed"), "rationale")
    assert run_cli("actor", "add", path, "X", "--type", "robot").exit_code == 2
    assert ok(run_cli("info", path, "--json"))["counts"] == before
    refused(run_cli("info", tmp_path / "missing.wbcase"), "no such file")
    junk = tmp_path / "junk.wbcase"
    junk.write_text("not a database")
    refused(run_cli("documents", junk), "not a case file")
    refused(run_cli("new", path, "--title", "again"), "already exists")


def test_import_reports_unsupported_and_empty_files(tmp_path, case_path, run_cli):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "note.txt").write_text("Some words.", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "image.xyz").write_bytes(b"\x00\x01")
    (tmp_path / "in" / "latin1.txt").write_bytes(
        "Le d\xe9partement de police a confirm\xe9 qu'il ne poss\xe8de aucune cam\xe9ra "
        "de lecture de plaques. Nous sommes un client en lecture seule.".encode("cp1252"))
    result = ok(run_cli("import", case_path, tmp_path / "in", "--json"))
    outcomes = {item["path"].rsplit("/", 1)[-1]: (item["outcome"], item["reason"])
                for item in result["items"]}
    latin1_doc = next(i["document_id"] for i in result["items"]
                      if i["path"].endswith("latin1.txt"))
    assert outcomes["note.txt"] == ("imported", None)
    assert outcomes["empty.txt"] == ("failed", "empty file")
    assert outcomes["image.xyz"][0] == "unsupported"
    assert outcomes["latin1.txt"][0] == "imported"
    again = ok(run_cli("import", case_path, tmp_path / "in" / "note.txt", "--json"))
    assert again["duplicates"] == 1 and again["imported"] == 0
    text = run_cli("text", case_path, latin1_doc)
    assert "confirmé qu'il ne possède aucune caméra" in text.stdout


def test_demo_and_info_in_a_real_process(tmp_path):
    path = tmp_path / "demo.wbcase"
    run = [sys.executable, "-m", "workbench"]
    made = subprocess.run(run + ["demo", str(path)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "fictional" in made.stdout
    info = subprocess.run(run + ["info", str(path), "--json"], capture_output=True, text=True)
    assert info.returncode == 0
    assert json.loads(info.stdout)["counts"]["documents"] == 8
    bad = subprocess.run(run + ["info", str(tmp_path / "nope.wbcase")], capture_output=True,
                         text=True)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1


def test_undo_and_history(built, run_cli):
    path = built["path"]
    ok(run_cli("tag", "add", path, "claim", built["claim"], "contested", "--json"))
    first = ok(run_cli("undo", path, "--json"))
    assert ok(run_cli("tag", "list", path, "--json")) == []
    second = ok(run_cli("undo", path, "--json"))
    assert second["reverts"] < first["reverts"]  # the finding before it
    assert ok(run_cli("finding", "list", path, "--json")) == []
    ok(run_cli("undo", path, "--action", second["id"], "--json"))  # redo
    assert len(ok(run_cli("finding", "list", path, "--json"))) == 1
    history = ok(run_cli("history", path, "--json"))
    assert history[0]["reverts"] == second["id"]
    refused(run_cli("undo", path, "--action", 9999), "no action with id 9999")


def test_a_closed_pipe_is_not_an_error(sample_path):
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "audit", str(sample_path),
                             "--limit", "5000"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "error" not in err.lower()
