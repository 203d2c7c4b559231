"""Events and the chronology: dates with precision, order, suggestions, undo, exports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from workbench.core import (chronology, dates, deletion, documents, events, excerpts,
                            importing, schema, statements, undo)
from workbench.core.casefile import Case
from workbench.core.errors import InUseError, NotFound, ValidationError
from workbench.report.chronology_export import CSV_COLUMNS, to_csv, to_timelinejs


# -- dates -----------------------------------------------------------------------------

def test_precision_of_each_form():
    assert dates.parse("2019-03-04").precision == "day"
    assert dates.parse("2019-03").precision == "month"
    assert dates.parse("2019").precision == "year"
    r = dates.parse("2019-03/2019-05-02")
    assert (r.precision, str(r.start), str(r.end)) == ("range", "2019-03-01", "2019-05-02")
    c = dates.parse("c. 2017")
    assert c.circa and c.precision == "year" and c.text == "c. 2017"
    assert dates.parse("2019-02").end.day == 28
    assert dates.parse("2020-02").end.day == 29
    for bad in ("2019-02-30", "March 2019", "2019-13", "2019-05/2019-03", "", "19-03-04"):
        with pytest.raises(ValidationError):
            dates.parse(bad)


def test_month_sorts_before_the_days_of_that_month_and_says_so(case):
    events.add(case, date="2019-03-15", text="Mid-month")
    events.add(case, date="2019-03-01", text="First day")
    events.add(case, date="2019-03", text="Some time in March")
    events.add(case, date="2019-02-28", text="Day before")
    events.add(case, date="2019", text="Some time in 2019")
    events.add(case, date="2019-04-01", text="After March")
    chron = chronology.build(case)
    assert [e.title for e in chron.entries] == [
        "Some time in 2019", "Day before", "Some time in March", "First day", "Mid-month",
        "After March"]
    march = chron.entries[2]
    assert march.label == "March 2019" and march.precision == "month"
    assert "month precision" in march.precision_note
    assert "before the dated days" in march.precision_note
    assert march.spans_over == 2  # the 1st and the 15th may come before or after it
    assert "2 later entries fall within it" in march.precision_note
    assert chron.entries[0].spans_over == 5
    assert chron.entries[1].precision_note is None


def test_find_dates_in_english_and_spanish():
    text = ("Enclosed are the pages released under the court's order of January 22, 2019. "
            "Report date: 2018-11-14. Received 4 March 2019 and Sept. 3rd, 2018.\n"
            "El 4 de marzo de 2019 la Secretaría respondió; el 1.º de abril del 2020 "
            "volvió a escribir. Informe de marzo de 2018. The meeting of June 2020. "
            "You may 2019 not be sure; 31 February 2019 never was.")
    found = [(d.written, d.date.value, d.language) for d in dates.find_dates(text)]
    assert found == [
        ("January 22, 2019", "2019-01-22", "en"), ("2018-11-14", "2018-11-14", "iso"),
        ("4 March 2019", "2019-03-04", "en"), ("Sept. 3rd, 2018", "2018-09-03", "en"),
        ("4 de marzo de 2019", "2019-03-04", "es"), ("1.º de abril del 2020", "2020-04-01", "es"),
        ("marzo de 2018", "2018-03", "es"), ("June 2020", "2020-06", "en")]


def _import_text(case: Case, tmp_path, name: str, text: str) -> int:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return importing.import_paths(case, [path], origin="Test").items[0].document_id


SPANISH_LETTER = """SECRETARÍA DE SEGURIDAD CIUDADANA
Oficio núm. SSC/DGAJ/1187/2019

Ciudad de México, a 14 de marzo de 2019

En respuesta a su solicitud de acceso a la información con folio 0109000123419,
recibida el 25 de febrero de 2019, se informa que la Secretaría no cuenta con
convenio alguno con la empresa señalada.
"""


def test_suggestions_from_real_shaped_pages_are_only_suggestions(case, tmp_path):
    es = _import_text(case, tmp_path, "oficio.txt", SPANISH_LETTER)
    en = _import_text(case, tmp_path, "letter.md",
                      "# Nevada Civil Liberties Project\n\nMarch 4, 2019\n\nEnclosed are "
                      "pages released under the court's order of January 22, 2019. Pages "
                      "were released on a rolling basis.\n")
    before = case.revision
    found = chronology.suggest(case)
    assert case.revision == before, "suggesting writes nothing"
    assert events.list_all(case) == []
    got = [(s.document_id, s.date, s.language) for s in found]
    assert got == [(es, "2019-03-14", "es"), (es, "2019-02-25", "es"),
                   (en, "2019-03-04", "en"), (en, "2019-01-22", "en")]
    order = found[3]
    assert order.context == ("Enclosed are pages released under the court's order of "
                             "January 22, 2019.")
    # Accepting one anchors its sentence as an excerpt and records the event: one action.
    changes = events.add_from_text(case, document_id=order.document_id, page=order.page_no,
                                   start=order.context_start, end=order.context_end,
                                   date=order.date, text="Court orders the release")
    ev = events.get(case, changes.id)
    assert ev.date == "2019-01-22" and ev.sources[0].kind == "excerpt"
    ex = excerpts.get(case, ev.sources[0].target_id)
    assert ex.quote == order.context and excerpts.verify(case, ex)
    assert [s.date for s in chronology.suggest(case, document_id=en)] == ["2019-03-04"]
    assert len(chronology.suggest(case, document_id=en, include_known=True)) == 2
    undo.revert(case, changes.action_id)
    assert events.list_all(case) == [] and excerpts.list_all(case) == []


def test_denial_after_the_contradicting_record_shows_in_that_order(sample_case):
    # Claim 1: the vendor's list (dated 2018-11-14) says Brookfield shares; Brookfield's
    # denial came on 2019-04-03.
    chron = chronology.build(sample_case, claim_id=1)
    record = next(e for e in chron.entries if e.record == ("excerpt", 1))
    denial = next(e for e in chron.entries if e.record == ("statement", 2))
    assert record.relation_to(1) == "supports" and record.date == "2018-11-14"
    assert denial.relation_to(1) == "contradicts" and denial.date == "2019-04-03"
    assert chron.entries.index(record) < chron.entries.index(denial)
    assert denial.source.document_id is not None and denial.source.page_no == 1
    # The account export has no date: kept apart as undated, not dropped.
    assert [e.record for e in chron.undated] == [("excerpt", 4)]
    assert chron.undated[0].precision_note == "no date known"


def test_sample_chronology_holds_every_kind_with_a_source(sample_case):
    chron = chronology.build(sample_case)
    kinds = {e.kind for e in chron.entries}
    assert kinds == set(chronology.KINDS)
    keys = [e.when.sort_key() for e in chron.entries]
    assert keys == sorted(keys)
    for e in chron.entries:
        if e.kind != "asked" and e.kind != "statement":
            assert e.source is not None, e
    asked = next(e for e in chron.entries if e.kind == "asked")
    assert asked.date == "2019-04-03" and "Meridian" in asked.title
    rolling = next(e for e in chron.entries if e.title.startswith("OFBA releases"))
    assert rolling.precision == "range" and rolling.spans_over >= 3


def test_filters_by_actor_claim_and_dates(sample_case):
    brookfield = 5
    rows = chronology.build(sample_case, actor_id=brookfield).entries
    assert rows and all(brookfield in e.actor_ids for e in rows)
    assert any(e.record == ("statement", 2) for e in rows)
    april = chronology.build(sample_case, date_from="2019-04", date_to="2019-04").entries
    assert april and all(e.when.start <= dates.parse("2019-04-30").start
                         and e.when.end >= dates.parse("2019-04-01").start for e in april)
    with pytest.raises(NotFound):
        chronology.build(sample_case, claim_id=99)
    with pytest.raises(ValidationError):
        chronology.build(sample_case, date_from="April")


def test_public_chronology_leaves_confidential_sources_out(sample_case):
    full = chronology.build(sample_case)
    assert any("Source notes" in e.title for e in full.entries)
    public = chronology.build(sample_case, public=True)
    assert not any("Source notes" in e.title for e in public.entries)
    assert len(public.entries) < len(full.entries)


# -- events as case records ------------------------------------------------------------

def test_event_add_edit_delete_are_audited_and_undoable(sample_case):
    case = sample_case
    stack = undo.UndoStack(case)
    case.add_listener(stack.record)
    changes = events.add(case, date="c. 2017", text="Sheriff starts a courtesy share",
                         actor_ids=[7, 6], sources=["statement:4", ("excerpt", 5)],
                         claim_ids=[2])
    ev = events.get(case, changes.id)
    assert (ev.date, ev.circa, ev.precision) == ("c. 2017", True, "year")
    assert ev.actor_ids == (7, 6) and ev.claim_ids == (2,)
    assert [str(s) for s in ev.sources] == ["statement:4", "excerpt:5"]
    assert case.row("SELECT count(*) FROM audit WHERE action_id = ?",
                    (changes.action_id,))[0] == 6
    events.update(case, ev.id, date="2017-06", circa=False, remove_actors=[6],
                  add_sources=["document:3"], remove_sources=["statement:4"])
    ev2 = events.get(case, ev.id)
    assert (ev2.date, ev2.circa) == ("2017-06", False)
    assert ev2.actor_ids == (7,) and [str(s) for s in ev2.sources] == ["excerpt:5",
                                                                        "document:3"]
    stack.undo()
    assert events.get(case, ev.id) == ev
    events.delete(case, ev.id)
    with pytest.raises(NotFound):
        events.get(case, ev.id)
    stack.undo()
    assert events.get(case, ev.id) == ev


def test_bad_event_input_changes_nothing(sample_case):
    before = sample_case.revision
    for kwargs, message in (
            ({"date": "2019-02-30", "text": "x"}, "not a real date"),
            ({"date": "soon", "text": "x"}, "YYYY"),
            ({"date": "2019", "text": "  "}, "must not be empty"),
            ({"date": "2019", "text": "x", "sources": ["quote:1"]}, "excerpt:ID"),
            ({"date": "2019", "text": "x", "sources": ["excerpt:999"]}, "no excerpt"),
            ({"date": "2019", "text": "x", "actor_ids": [999]}, "no actor"),
            ({"date": "2019", "text": "x", "claim_ids": [999]}, "no claim")):
        with pytest.raises((ValidationError, NotFound), match=message):
            events.add(sample_case, **kwargs)
    with pytest.raises(ValidationError, match="has no source"):
        events.update(sample_case, 1, remove_sources=["excerpt:9"])
    assert sample_case.revision == before


def test_deleting_a_source_in_use_by_an_event_is_refused_then_unlinked(sample_case):
    ev = events.add(sample_case, date="2019", text="x", sources=["excerpt:12"]).id
    with pytest.raises(InUseError, match="event source"):
        deletion.delete(sample_case, "excerpt", 12)
    deletion.delete(sample_case, "excerpt", 12, cascade=True)
    assert events.get(sample_case, ev).sources == ()
    deletion.delete(sample_case, "event", ev)
    with pytest.raises(NotFound):
        events.get(sample_case, ev)


def test_schema_step_adds_events_to_an_old_file(tmp_path):
    path = tmp_path / "old.wbcase"
    conn = sqlite3.connect(path)
    schema.migrate(conn, target=2)
    conn.close()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        sqlite3.connect(path).execute("SELECT * FROM events").fetchall()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO case_info VALUES ('title', 'Old')")
    conn.commit()
    conn.close()
    with Case.open(path) as case:
        assert case.info.schema_version == schema.SCHEMA_VERSION
        assert events.list_all(case) == []
        events.add(case, date="2019-03", text="Now it has one")
        assert chronology.build(case).entries[0].title == "Now it has one"


def test_document_date_comes_from_the_one_function(case, tmp_path):
    doc = _import_text(case, tmp_path, "memo.txt", "A memo with no date written on it.")
    assert not [e for e in chronology.build(case).entries if e.kind == "document"]
    documents.update(case, doc, metadata={"date": "2018-11"})
    rows = [e for e in chronology.build(case).entries if e.kind == "document"]
    assert [(e.date, e.precision, e.source.document_id) for e in rows] == [
        ("2018-11", "month", doc)]


def test_statement_dates_and_asking_dates(case):
    from workbench.core import actors
    a = actors.add(case, name="Agency B", type="agency").id
    statements.add(case, actor_id=a, stance="no-response", asked_on="2019-04-11")
    statements.add(case, actor_id=a, stance="denies", date="2019-04-13",
                   text="We never shared data.", asked_on="2019-04-11")
    rows = chronology.build(case).entries
    assert [(e.kind, e.date) for e in rows] == [("asked", "2019-04-11"),
                                                ("asked", "2019-04-11"),
                                                ("statement", "2019-04-13")]


# -- exports ---------------------------------------------------------------------------

def test_timelinejs_shape(sample_case):
    chron = chronology.build(sample_case, public=True)
    doc = to_timelinejs(chron, title="Plate scans <test>")
    assert doc["title"]["text"]["headline"] == "Plate scans &lt;test&gt;"
    slides = doc["events"]
    assert len(slides) == len(chron.entries)
    assert len({s["unique_id"] for s in slides}) == len(slides)
    for s in slides:
        assert set(s) <= {"start_date", "end_date", "text", "group", "display_date",
                          "unique_id"}
        assert isinstance(s["start_date"]["year"], int)
        assert set(s["text"]) == {"headline", "text"}
    month = next(s for s in slides if s["display_date"] == "April 2019")
    assert month["start_date"] == {"year": 2019, "month": 4}
    rolling = next(s for s in slides if "rolling" in s["text"]["headline"])
    assert rolling["start_date"] == {"year": 2019, "month": 1, "day": 22}
    assert rolling["end_date"] == {"year": 2019, "month": 3, "day": 4}
    json.dumps(doc)  # plain JSON all the way down


def test_csv_has_one_row_per_entry_dated_then_undated(sample_case):
    chron = chronology.build(sample_case)
    rows = list(csv.reader(io.StringIO(to_csv(chron))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(chron.entries) + len(chron.undated)
    first = dict(zip(CSV_COLUMNS, rows[1]))
    assert first["date"] == "2018-11-14" and first["record"].startswith("event:")
    last = dict(zip(CSV_COLUMNS, rows[-1]))
    assert last["date"] == "" and last["display_date"] == "undated"


# -- the gate ----------------------------------------------------------------------------

def test_gate_an_event_a_finding_relies_on_needs_a_source(sample_case):
    from workbench.core import gate

    assert not [p for p in gate.check(sample_case) if p.kind == "event-no-source"]
    # Finding 1 cites excerpt 1, evidence for claim 1; an event bearing on claim 1 and
    # with no source is something the finding relies on without support.
    ev = events.add(sample_case, date="2019-03", text="Brookfield cancels its cameras",
                    claim_ids=[1]).id
    unrelated = events.add(sample_case, date="2019", text="Nothing to do with it").id
    problems = [p for p in gate.check(sample_case) if p.kind == "event-no-source"]
    assert [(p.subject, p.subject_id, p.finding_id) for p in problems] == [("event", ev, 1)]
    assert "claim 1" in problems[0].message and "--source" in problems[0].fix
    assert unrelated not in [p.subject_id for p in problems]
    events.update(sample_case, ev, add_sources=["excerpt:4"])
    assert not [p for p in gate.check(sample_case) if p.kind == "event-no-source"]


def test_deleting_a_claim_takes_its_event_links_and_undo_restores_them(sample_case):
    ev = events.get(sample_case, 1)
    assert 1 in ev.claim_ids
    changes = deletion.delete(sample_case, "claim", 1)
    assert 1 not in events.get(sample_case, 1).claim_ids
    undo.revert(sample_case, changes.action_id)
    assert events.get(sample_case, 1) == ev
