"""Listings for the window: rows in bulk, groups, email threads, find in a document."""

from __future__ import annotations

from email.message import EmailMessage

from workbench.core import browse, documents, importing, tags


def _mail(path, subject, msg_id, reply_to=None):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", subject
    msg["Message-ID"] = msg_id
    if reply_to:
        msg["In-Reply-To"] = reply_to
    msg.set_content(subject)
    path.write_bytes(bytes(msg))


def test_rows_carry_tags_ocr_state_and_flags(sample_case):
    ids = documents.ids(sample_case)
    rows = {r.id: r for r in browse.document_rows(sample_case, ids + [999_999])}
    assert set(rows) == set(ids)  # unknown ids are left out
    for doc in documents.list_all(sample_case):
        row = rows[doc.id]
        assert (row.title, row.kind, row.origin, row.page_count, row.confidential) == (
            doc.title, doc.kind, doc.origin, doc.page_count, doc.confidential)
        assert list(row.tags) == tags.of(sample_case, "document", doc.id)
        assert row.ocr == documents.ocr_state(sample_case, doc.id)


def test_one_field_is_what_the_whole_row_says(sample_case):
    ids = documents.ids(sample_case)
    documents.update(sample_case, ids[0], date="2021-03-04")  # a date set by hand
    rows = {r.id: r for r in browse.document_rows(sample_case, ids)}
    assert {r.date for r in rows.values()} - {None}  # dates of several kinds are there
    for field in browse.PLAIN_FIELDS:
        got = browse.document_field(sample_case, [*ids, 10**9], field)  # one missing id
        assert dict(got) == {d: getattr(r, field) for d, r in rows.items()}, field
        assert len(got) == len(ids)


def test_ids_and_groups(sample_case):
    groups = browse.document_groups(sample_case)
    assert sum(n for _, n in groups["origin"]) == sum(n for _, n in groups["kind"]) == len(
        documents.ids(sample_case))
    origin, count = groups["origin"][0]
    assert len(browse.document_ids(sample_case, origin=origin)) == count
    kind, count = groups["kind"][0]
    assert browse.document_ids(sample_case, kind=kind) == [
        d.id for d in documents.list_all(sample_case, kind=kind)]


def test_email_thread_both_ways(case, tmp_path):
    _mail(tmp_path / "1.eml", "first", "<1@x>")
    _mail(tmp_path / "2.eml", "second", "<2@x>", reply_to="<1@x>")
    _mail(tmp_path / "3.eml", "third", "<3@x>", reply_to="<2@x>")
    _mail(tmp_path / "4.eml", "other", "<4@x>")
    report = importing.import_paths(case, sorted(tmp_path.glob("*.eml")))
    first, second, third, other = (i.document_id for i in report.items)
    assert [d for d, _ in browse.email_thread(case, first)] == [second, third]
    assert [d for d, _ in browse.email_thread(case, third)] == [first, second]
    assert browse.email_thread(case, other) == []


def test_find_in_document(case, tmp_path):
    f = tmp_path / "pages.txt"
    f.write_text("Plate one\fnothing\fplate PLATE", encoding="utf-8")
    doc_id = importing.import_paths(case, [f]).items[0].document_id
    assert browse.find_in_document(case, doc_id, "plate") == [(1, 1), (3, 2)]
    assert browse.find_in_document(case, doc_id, "") == []


def test_counts_for_the_navigator_read_indexes_not_the_tables(tmp_path):
    """The navigator counts documents by origin and kind, and each import's files by
    outcome, the status bar the pages needing OCR, whenever documents change: small
    index entries, never whole rows (a page's row holds its text)."""
    from workbench.core.casefile import Case

    with Case.create(tmp_path / "plan.wbcase", title="Plan") as case:
        plans = [" ".join(str(r[-1]) for r in case.rows("EXPLAIN QUERY PLAN " + sql))
                 for sql in ("SELECT origin, count(*) FROM documents GROUP BY origin",
                             "SELECT kind, count(*) FROM documents GROUP BY kind",
                             "SELECT import_id, outcome, count(*) FROM import_items "
                             "GROUP BY import_id, outcome",
                             "SELECT count(*) FROM pages WHERE ocr = 'needed'")]
    for plan in plans:
        assert "COVERING INDEX" in plan, plan  # the table's rows are never read


def test_import_summaries_say_what_the_reports_say(case, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (folder / "b.txt").write_text("Beta text.", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "photo.xyz").write_bytes(b"\x00\x01")
    importing.import_paths(case, [str(folder)], origin="FOIA")
    importing.import_paths(case, [str(folder / "a.txt")])  # a duplicate
    summaries = importing.import_summaries(case)
    reports = importing.imports(case)
    assert [(s.import_id, s.origin, s.started_at, s.status, s.imported, s.failed)
            for s in summaries] == [
        (r.import_id, r.origin, r.started_at, r.status, r.imported, r.failed)
        for r in reports]
    assert [(s.imported, s.failed) for s in summaries] == [(2, 2), (0, 0)]
    ids = browse.document_ids(case)
    assert browse.document_ids(case, among=[ids[0], 999]) == [ids[0]]
    assert browse.document_ids(case, origin="FOIA", among=ids) == ids
    assert browse.document_ids(case, no_origin=True, among=ids) == []
