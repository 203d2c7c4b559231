"""Issue 15: hostile and odd input, one case at a time, through the core import and
search (the whole corpus through the command line is in tests/cli/test_hostile_corpus)."""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile

import pytest

from tests.core import hostile_files
from tests.core.import_files import pdf_bytes, write, zip_bytes
from workbench.core import documents, search
from workbench.core.importing import ImportOptions, import_paths
from workbench.core.importing import extract, text
from workbench.core.importing.mbox import split_mbox
from workbench.core.progress import Progress
from workbench.core.search import store
from workbench.core.search.query import MAX_QUERY_CHARS, QueryError, parse

OFF = ImportOptions(ocr="off")


def lines(report):
    return {i.path.rsplit("/", 1)[-1]: i for i in report.items}


# -- 1. the batch always goes on ----------------------------------------------------------
def test_a_damaged_member_of_an_inner_zip_is_one_line_and_the_batch_is_stored(case, tmp_path):
    write(tmp_path / "src" / "a-first.txt", b"stored before the archive")
    write(tmp_path / "src" / "b.zip", zip_bytes({
        "inner.zip": hostile_files.zip_with_bad_crc("doc.txt", b"bad checksum " * 8),
        "kept.txt": b"kept member"}, level=zipfile.ZIP_STORED))
    write(tmp_path / "src" / "c-last.txt", b"stored after the archive")
    report = import_paths(case, [tmp_path / "src"], options=OFF)
    assert report.status == "done"
    by = lines(report)
    assert by["b.zip:inner.zip:doc.txt"].outcome == "failed"
    assert "damaged zip member" in by["b.zip:inner.zip:doc.txt"].reason
    assert [by[n].outcome for n in ("a-first.txt", "b.zip:kept.txt", "c-last.txt")] == \
        ["imported"] * 3


def test_an_inner_zip_over_the_size_limit_is_named_and_its_siblings_stored(case, tmp_path):
    write(tmp_path / "src" / "outer.zip", zip_bytes({
        "inner.zip": zip_bytes({"big.bin": os.urandom(300_000)}, level=zipfile.ZIP_STORED),
        "note.txt": b"sibling"}, level=zipfile.ZIP_STORED))
    report = import_paths(case, [tmp_path / "src"], options=ImportOptions(
        ocr="off", max_file_bytes=200_000))
    by = lines(report)
    assert "import limit" in by["outer.zip:inner.zip"].reason
    assert by["outer.zip:note.txt"].outcome == "imported"


def test_a_file_name_that_is_not_utf8_is_imported_under_an_escaped_name(case, tmp_path):
    (tmp_path / "src").mkdir()
    raw = os.path.join(os.fsencode(tmp_path / "src"), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(b"latin-1 name")
    write(tmp_path / "src" / "z.txt", b"after it")
    report = import_paths(case, [tmp_path / "src"], options=OFF)
    assert [i.outcome for i in report.items] == ["imported", "imported"]
    assert report.items[0].path.endswith("caf\\xe9.txt")
    assert documents.get(case, report.items[0].document_id).title == "caf\\xe9"


def test_an_extractor_that_breaks_unexpectedly_fails_only_its_file(case, tmp_path,
                                                                   monkeypatch):
    def breaks(data, name, options):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setitem(extract.EXTRACTORS, ".boom", breaks)
    write(tmp_path / "src" / "a.boom", b"x")
    write(tmp_path / "src" / "b.txt", b"after")
    report = import_paths(case, [tmp_path / "src"], options=OFF)
    by = lines(report)
    assert by["a.boom"].outcome == "failed" and "RecursionError" in by["a.boom"].reason
    assert by["b.txt"].outcome == "imported"


# -- 2. bounded by what is really there ---------------------------------------------------
def test_a_pdf_claiming_a_million_pages_is_read_as_the_one_it_has(case, tmp_path):
    path = write(tmp_path / "src" / "claims.pdf", hostile_files.pdf_claiming(1_000_000))
    assert path.stat().st_size < 700
    started = time.monotonic()
    report = import_paths(case, [path])  # OCR on, the default
    assert time.monotonic() - started < 20
    item = report.items[0]
    assert (item.outcome, item.pages) == ("imported", 1)
    assert item.reason == "claims 1,000,000 pages; 1 found"
    assert documents.pages(case, item.document_id)[0].text.strip() == "Claimed"


def test_the_page_limit_is_reported_not_exceeded(case, tmp_path):
    path = write(tmp_path / "src" / "five.pdf", pdf_bytes([[f"page {n}"] for n in range(5)]))
    report = import_paths(case, [path], options=ImportOptions(ocr="off", max_pages=3))
    assert report.items[0].pages == 3
    assert "claims 5 pages; 3 found" in report.items[0].reason


def test_a_pdf_with_no_pages_says_so(case, tmp_path):
    path = write(tmp_path / "src" / "none.pdf", hostile_files.pdf_claiming(0, kids=False))
    report = import_paths(case, [path], options=OFF)
    assert report.items[0].outcome == "failed"
    assert "PDFium: Success" not in report.items[0].reason
    assert "no page" in report.items[0].reason


def test_a_long_text_file_is_split_into_bounded_pages_that_join_back(case, tmp_path):
    body = "".join(f"Line {n} of the leaked ledger, with plate 7XKD-{n:03d}.\n"
                   for n in range(60_000))
    path = write(tmp_path / "src" / "ledger.txt", body.encode())
    report = import_paths(case, [path], options=OFF)
    doc_id = report.items[0].document_id
    pages = documents.pages(case, doc_id)
    assert len(pages) > 30
    assert all(len(p.text) <= text.MAX_PAGE_CHARS for p in pages)
    assert all(p.text.endswith("\n") for p in pages)  # cut at line breaks
    assert "".join(p.text for p in pages) == body
    hits = search.search(case, '"7XKD-59999"')
    assert [h.page for h in hits.hits] == [len(pages)]


@pytest.mark.parametrize("procs", ["1", "2"])
def test_a_rebuild_commits_in_pieces_and_finds_every_page(case, tmp_path, monkeypatch,
                                                          procs):
    monkeypatch.setenv(store.ENV_DIR, str(tmp_path / "index"))
    monkeypatch.setenv(store.ENV_PROCS, procs)
    for n in range(6):
        write(tmp_path / "src" / f"p{n}.txt", (f"uniqueword{n} " + "filler " * 2000).encode())
    import_paths(case, [tmp_path / "src"], options=OFF)
    monkeypatch.setattr(store, "COMMIT_EVERY_CHARS", 20_000)
    index = search.CaseIndex(case)
    index.rebuild()
    assert len(index.searcher().reader().leaf_readers()) >= 3
    for n in range(6):
        assert search.search(case, f"uniqueword{n}").total == 1


# -- 3. mbox ------------------------------------------------------------------------------
def test_an_unescaped_from_line_in_a_body_stays_in_its_message():
    messages = split_mbox(hostile_files.mbox_with_unescaped_from())
    assert len(messages) == 2
    assert b"From the desk of the county sheriff: no agreement." in messages[0]


@pytest.mark.parametrize("line", [
    b"From jane@example.org Thu Mar 14 09:12:00 2019",
    b"From - Sat Jan  3 01:05:34 1996",
    b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
    b"From bob@example.org 2019-03-14 09:12:00",
    b"From jane@example.org Thu, 14 Mar 2019 09:12:00 +0000",
])
def test_separators_in_the_forms_writers_use_are_recognised(line):
    box = line + b"\nSubject: a\n\nbody a\n\n" + line + b"\nSubject: b\n\nbody b\n"
    assert split_mbox(box) == [b"Subject: a\n\nbody a\n", b"Subject: b\n\nbody b"]


def test_an_empty_message_in_a_mailbox_is_named_with_why(case, tmp_path):
    box = (b"From a@example.org Thu Mar 14 09:12:00 2019\n\n"
           b"From b@example.org Thu Mar 14 09:13:00 2019\nSubject: b\n\nbody\n")
    report = import_paths(case, [write(tmp_path / "src" / "box.mbox", box)], options=OFF)
    by = lines(report)
    assert by["box.mbox:1"].outcome == "skipped"
    assert "separator line with nothing after it" in by["box.mbox:1"].reason
    assert by["box.mbox:2"].outcome == "imported"


# -- 4. symlinks --------------------------------------------------------------------------
@pytest.fixture
def linked(tmp_path):
    folder = tmp_path / "folder"
    write(folder / "own.txt", b"inside")
    secret = write(tmp_path / "outside" / "secret.txt", b"outside the folder")
    os.symlink(secret, folder / "out.txt")
    os.symlink(folder / "own.txt", folder / "again.txt")  # stays inside: followed
    os.symlink(tmp_path / "outside", folder / "outdir")
    os.symlink(folder, folder / "sub-loop")
    return folder, secret


def test_links_out_of_a_folder_are_skipped_and_named(case, linked):
    folder, secret = linked
    report = import_paths(case, [folder], options=OFF)
    by = lines(report)
    assert by["out.txt"].outcome == "skipped" and str(secret) in by["out.txt"].reason
    assert by["outdir"].outcome == "skipped" and "--follow-links" in by["outdir"].reason
    # A link that stays inside the folder is read (the same bytes: a duplicate).
    assert (by["again.txt"].outcome, by["own.txt"].outcome) == ("imported", "duplicate")
    assert documents.find_by_sha256(case, documents.sha256_of(b"outside the folder")) is None


def test_follow_links_imports_them_without_looping(case, linked):
    folder, secret = linked
    report = import_paths(case, [folder], options=ImportOptions(ocr="off",
                                                               follow_links=True))
    assert documents.find_by_sha256(case, documents.sha256_of(b"outside the folder"))
    assert lines(report)["sub-loop"].outcome == "skipped"  # the folder itself again
    assert report.status == "done"


# -- 6. the search index folder and queries -------------------------------------------------
@pytest.fixture
def indexed(case, tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_DIR, str(tmp_path / "index"))
    import_paths(case, [write(tmp_path / "src" / "memo.txt", b"Agency B owns no cameras")],
                 options=OFF)
    return case


@pytest.mark.parametrize("fault", ["file", "dangling link"])
def test_a_file_or_dangling_link_in_place_of_the_index_falls_back(indexed, tmp_path, fault):
    where = store.index_dir(indexed)
    shutil.rmtree(where, ignore_errors=True)
    where.parent.mkdir(parents=True, exist_ok=True)
    if fault == "file":
        where.write_text("not an index")
    else:
        os.symlink(tmp_path / "gone", where)
    results = search.search(indexed, "cameras")
    assert results.total == 1
    index = search.open_index(indexed)
    assert "cannot be used" in index.warning and str(where) in index.warning
    search.close_index(indexed)


def test_an_index_deleted_during_its_rebuild_falls_back(indexed):
    index = search.CaseIndex(indexed)
    building = index.directory.with_name(f"{index.directory.name}.building-{os.getpid()}")
    progress = Progress(lambda f, s: shutil.rmtree(building, ignore_errors=True))
    try:
        index.rebuild_somewhere(progress)
        assert index.warning and "temporary index" in index.warning
        assert len(list(index.searcher().documents())) >= 1
    finally:
        index.close()


def test_queries_are_parsed_in_bounded_time_and_capped():
    started = time.monotonic()
    parse("a" * MAX_QUERY_CHARS)
    assert time.monotonic() - started < 2
    for query in ("a" * 100_000, "NOT " * 3000):
        started = time.monotonic()
        with pytest.raises(QueryError, match="too long"):
            parse(query)
        assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("query,message", [
    ("kind:mailbox", "is not a kind of hit"),
    ("type:page", "is not a type of document"),
    ("date:[2019-13-45 TO 2019-99-99]", "not a date that exists"),
    ("date:2019-02-30", "not a date that exists"),
    ("date:[2019-06 TO 2019-01]", "ends (2019-01) before it starts"),
    ("NOT " * 200 + "x", "AND, OR and NOT"),
    ("!!!", "no words"),
    ("bad\udcffbytes", "not valid UTF-8"),
])
def test_meaningless_queries_say_why_in_one_line(query, message):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_catching_up_on_a_huge_import_commits_in_pieces(case, tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_DIR, str(tmp_path / "index"))
    assert search.search(case, "anything").total == 0  # the index exists, in step
    search.close_index(case)
    body = "".join(f"entry{n} " + "ledger filler words " * 20 + "\n" for n in range(3000))
    import_paths(case, [write(tmp_path / "src" / "big.txt", body.encode())], options=OFF)
    monkeypatch.setattr(store, "COMMIT_EVERY_CHARS", 50_000)
    index = search.CaseIndex(case)
    index.ensure()
    assert index.last_repair == "caught up"
    assert len(index.searcher().reader().leaf_readers()) >= 3
    index.close()
    for n in (0, 1500, 2999):
        assert search.search(case, f"entry{n}").total == 1


def test_a_word_file_that_is_a_zip_bomb_is_refused_before_it_is_unpacked(case, tmp_path):
    from tests.core.import_files import docx_bytes
    package = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    parts = {i.filename: package.read(i) for i in package.infolist()}
    parts["word/padding.xml"] = b" " * (50 * 1024 * 1024)
    path = write(tmp_path / "src" / "bomb.docx", zip_bytes(parts))
    assert path.stat().st_size < 1024 * 1024
    report = import_paths(case, [path], options=OFF)
    assert report.items[0].outcome == "failed"
    assert "zip bomb" in report.items[0].reason


def test_a_long_web_page_is_split_into_bounded_pages(case, tmp_path):
    body = "".join(f"<p>Paragraph {n} of a saved page that goes on.</p>\n"
                   for n in range(8000))
    path = write(tmp_path / "src" / "page.html", f"<html><body>{body}</body></html>".encode())
    report = import_paths(case, [path], options=OFF)
    pages = documents.pages(case, report.items[0].document_id)
    assert len(pages) > 3 and all(len(p.text) <= text.MAX_PAGE_CHARS for p in pages)
    assert "Paragraph 7999" in pages[-1].text
