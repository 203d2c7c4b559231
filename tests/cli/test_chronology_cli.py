"""`workbench event ...` and `workbench timeline` through the command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from workbench.core import events
from workbench.core.casefile import Case


def ok(result):
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(result, *parts: str) -> str:
    assert result.exit_code == 1, result.output
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message
    for part in parts:
        assert part in message
    return message


def test_event_add_list_edit_delete_and_undo(sample_path, run_cli):
    out = json.loads(ok(run_cli("event", "add", sample_path, "--date", "2019-03",
                                "--text", "Records arrive in batches", "--actor", "1",
                                "--source", "excerpt:6", "--source", "document:1",
                                "--claim", "4", "--json")))
    new = out["id"]
    assert out["changes"]["events"] == {"created": 1}
    listed = json.loads(ok(run_cli("event", "list", sample_path, "--json")))
    mine = next(e for e in listed if e["id"] == new)
    assert mine["precision"] == "month" and mine["display_date"] == "March 2019"
    assert mine["sources"] == ["excerpt:6", "document:1"] and mine["claim_ids"] == [4]
    text = ok(run_cli("event", "list", sample_path, "--claim", "4"))
    assert "Records arrive in batches" in text and "March 2019" in text
    assert "Changed event" in ok(run_cli("event", "edit", sample_path, str(new), "--date",
                                         "c. 2019-03-10", "--remove-source", "document:1"))
    with Case.open(sample_path) as c:
        ev = events.get(c, new)
        assert (ev.date, ev.circa, [str(s) for s in ev.sources]) == (
            "c. 2019-03-10", True, ["excerpt:6"])
    ok(run_cli("undo", sample_path))
    with Case.open(sample_path) as c:
        assert events.get(c, new).date == "2019-03"
    assert f"Deleted event {new}." in ok(run_cli("event", "delete", sample_path, str(new)))
    refused(run_cli("event", "delete", sample_path, str(new)), f"no event with id {new}")


def test_event_errors_are_one_line_and_change_nothing(sample_path, run_cli):
    with Case.open(sample_path) as c:
        before = c.revision
    refused(run_cli("event", "add", sample_path, "--date", "2019-02-30", "--text", "x"),
            "not a real date")
    refused(run_cli("event", "add", sample_path, "--date", "March", "--text", "x"), "YYYY")
    refused(run_cli("event", "add", sample_path, "--date", "2019", "--text", "x",
                    "--source", "page:3"), "excerpt:ID")
    refused(run_cli("event", "add", sample_path, "--date", "2019", "--text", "x",
                    "--actor", "99"), "no actor with id 99")
    refused(run_cli("timeline", sample_path, "--claim", "99"), "no claim with id 99")
    with Case.open(sample_path) as c:
        assert c.revision == before


def test_event_without_a_source_is_recorded_with_a_warning(sample_path, run_cli):
    result = run_cli("event", "add", sample_path, "--date", "2017", "--circa", "--text",
                     "Courtesy share begins")
    assert result.exit_code == 0
    assert "no source yet" in result.stderr


def test_timeline_text_for_a_claim_in_time_order(sample_path, run_cli):
    text = ok(run_cli("timeline", sample_path, "--claim", "1"))
    lines = text.splitlines()
    record = next(i for i, line in enumerate(lines) if "[excerpt:1," in line)
    denial = next(i for i, line in enumerate(lines) if "[statement:2," in line)
    assert record < denial
    assert "(supports)" in lines[record] and "(contradicts)" in lines[denial]
    assert "14 November 2018" in lines[record] and "3 April 2019" in lines[denial]
    assert "Undated (1)" in text


def test_timeline_json_filters_and_exports(sample_path, run_cli, tmp_path):
    data = json.loads(ok(run_cli("timeline", sample_path, "--actor", "8", "--json")))
    assert data["entries"] == []  # the confidential source is involved in nothing dated
    data = json.loads(ok(run_cli("timeline", sample_path, "--from", "2019-04-03",
                                 "--to", "2019-04-03", "--json")))
    kinds = {e["kind"] for e in data["entries"]}
    assert {"statement", "asked", "email", "event"} <= kinds
    assert all(e["source"] is None or "document_id" in e["source"] for e in data["entries"])
    target = tmp_path / "timeline.json"
    assert "Chronology written" in ok(run_cli("timeline", sample_path, "--format",
                                              "timelinejs", "-o", target))
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["events"] and doc["title"]["text"]["headline"].startswith("Plate scans")
    assert "Source notes" not in target.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(ok(run_cli("timeline", sample_path,
                                                      "--format", "csv")))))
    assert rows[0]["date"] == "2018-11-14" and rows[-1]["display_date"] == "undated"


def test_event_suggest_lists_dates_and_adds_nothing(sample_path, run_cli):
    rows = json.loads(ok(run_cli("event", "suggest", sample_path, "--doc", "1", "--json")))
    assert [r["date"] for r in rows] == ["2019-03-04", "2019-01-22"]
    with Case.open(sample_path) as c:
        assert len(events.list_all(c)) == 4


def test_timeline_in_a_real_subprocess(sample_path):
    result = subprocess.run([sys.executable, "-m", "workbench", "timeline", str(sample_path),
                             "--actor", "5"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Brookfield Police Department (Dana Whitcombe) denies" in result.stdout


REPLY = """From: "B Police Department" <press@bpd.example.org>
To: reporter@example.org
Date: Sat, 13 Apr 2019 10:12:00 -0700
Subject: Re: Questions about plate data
Message-ID: <reply-0413@bpd.example.org>
Content-Type: text/plain; charset="utf-8"

We do not own any cameras and we have never shared plate data with the federal agency.
"""

VENDOR = """Customer Network Report
Report date: 2018-11-14

Agency B                                 Sharing
"""


def test_a_story_built_from_the_command_line(tmp_path, run_cli):
    case = tmp_path / "story.wbcase"
    ok(run_cli("new", case, "--title", "Story"))
    (tmp_path / "vendor.txt").write_text(VENDOR, encoding="utf-8")
    (tmp_path / "reply.eml").write_text(REPLY, encoding="utf-8")
    imported = json.loads(ok(run_cli("import", case, tmp_path / "vendor.txt",
                                     tmp_path / "reply.eml", "--json")))
    vendor, reply = (i["document_id"] for i in imported["items"])
    agency = json.loads(ok(run_cli("actor", "add", case, "Agency B", "--type", "agency",
                                   "--json")))["id"]
    listed = json.loads(ok(run_cli("excerpt", "add", case, "--doc", vendor, "--page", "1",
                                   "--quote", "Agency B                                 "
                                   "Sharing", "--json")))["id"]
    said = json.loads(ok(run_cli("excerpt", "add", case, "--doc", reply, "--page", "1",
                                 "--quote", "we have never shared plate data with the "
                                 "federal agency", "--json")))["id"]
    denial = json.loads(ok(run_cli("statement", "add", case, "--actor", agency, "--stance",
                                   "denies", "--date", "2019-04-13", "--asked", "2019-04-11",
                                   "--channel", "email", "--excerpt", said, "--json")))["id"]
    claim = json.loads(ok(run_cli("claim", "add", case, "Agency B shares plate data.",
                                  "--about", agency, "--json")))["id"]
    ok(run_cli("evidence", "add", case, "--claim", claim, "--excerpt", listed,
               "--relation", "supports"))
    ok(run_cli("evidence", "add", case, "--claim", claim, "--statement", denial,
               "--relation", "contradicts"))
    suggested = json.loads(ok(run_cli("event", "suggest", case, "--doc", vendor, "--json")))
    assert [s["date"] for s in suggested] == ["2018-11-14"]
    ok(run_cli("event", "add", case, "--date", suggested[0]["date"], "--text",
               "The vendor's report lists Agency B as sharing", "--source",
               f"excerpt:{listed}", "--claim", claim, "--actor", agency))
    data = json.loads(ok(run_cli("timeline", case, "--claim", claim, "--json")))
    order = [(e["kind"], e["date"], e["claims"][0][1]) for e in data["entries"]]
    assert order == [("event", "2018-11-14", "event"), ("asked", "2019-04-11", "contradicts"),
                     ("statement", "2019-04-13", "contradicts")]
    # The record itself has no date of its own until the document gets one.
    assert [e["record"] for e in data["undated"]] == [["excerpt", listed]]
