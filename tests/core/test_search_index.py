"""Where the index lives and how it stays in step: incremental updates, staleness,
deletion and corruption of the index folder."""

from __future__ import annotations

import json
import shutil

import pytest

from workbench.core import actors, claims, deletion, documents, excerpts, search, tags
from workbench.core.casefile import Case
from workbench.core.progress import Cancelled, Progress
from workbench.core.search import store
from workbench.core.search.store import CaseIndex


@pytest.fixture(autouse=True)
def index_root(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "indexes"))
    return tmp_path / "indexes"


def checked(case):
    """What a fresh CaseIndex's check() says, with its files closed again."""
    index = CaseIndex(case)
    try:
        return index.check()
    finally:
        index.close()


def add_doc(case: Case, title: str, *pages: str, **kw) -> int:
    return documents.add(case, data=title.encode() + b"".join(p.encode() for p in pages),
                         title=title, kind="text", pages=list(pages), **kw).id


def hits(case: Case, query: str) -> set[str]:
    return {h.uid for h in search.search(case, query, limit=1000).hits}


def no_rebuild(monkeypatch):
    def refuse(self, progress=None):
        raise AssertionError("the index was rebuilt")
    monkeypatch.setattr(CaseIndex, "rebuild", refuse)


# -- where it lives -------------------------------------------------------------------

def test_index_lives_outside_the_case_file_keyed_by_case(sample_case, index_root, tmp_path):
    index = search.open_index(sample_case)
    assert index.directory.parent == index_root
    assert index.directory.name.startswith(sample_case.info.case_id)
    assert (index.directory / store.META).is_file()
    tables = {r[0] for r in sample_case.rows("SELECT name FROM sqlite_master")}
    assert not any("search" in t or "fts" in t for t in tables)
    # A copy of the same case elsewhere gets its own index.
    copy = sample_case.backup(tmp_path / "copy.wbcase")
    with Case.open(copy) as other:
        assert other.info.case_id == sample_case.info.case_id
        assert search.open_index(other).directory != index.directory
        search.close_index(other)


def test_default_location_is_the_user_cache_folder(sample_case, monkeypatch):
    monkeypatch.delenv("WORKBENCH_INDEX_DIR")
    import platformdirs
    cache = platformdirs.user_cache_path("workbench", appauthor=False)
    assert store.index_root() == cache / "index"


def test_two_cases_never_share_an_index(case, sample_case):
    add_doc(case, "Only here", "a page about zebras")
    assert search.open_index(case).directory != search.open_index(sample_case).directory
    assert hits(case, "zebras") and not hits(sample_case, "zebras")


# -- incremental updates ----------------------------------------------------------------

def test_new_and_edited_documents_are_searchable_at_once(case, monkeypatch):
    search.open_index(case)
    no_rebuild(monkeypatch)
    doc = add_doc(case, "Fleet memo", "The van with plate 9ABC-123 left at dawn.", "Page two.")
    assert hits(case, "9ABC-123") == {f"page:{p}" for p in (case.row(
        "SELECT id FROM pages WHERE document_id = ? AND page_no = 1", (doc,))[0],)}
    documents.update(case, doc, title="Motor pool memo", confidential=True)
    results = search.search(case, "9ABC-123")
    assert results.hits[0].title == "Motor pool memo" and results.hits[0].confidential
    tags.add(case, "document", doc, "fleet")
    assert len(hits(case, "tag:fleet")) == 2
    tags.remove(case, "document", doc, "fleet")
    assert hits(case, "tag:fleet") == set()


def test_deleted_rows_leave_the_index(sample_case, monkeypatch):
    search.open_index(sample_case)
    no_rebuild(monkeypatch)
    assert hits(sample_case, "7XKD-214")
    doc = sample_case.row("SELECT document_id FROM excerpts WHERE quote LIKE '%7XKD-214%'")[0]
    deletion.delete(sample_case, "document", doc, cascade=True)
    assert hits(sample_case, "7XKD-214") == set()
    assert hits(sample_case, f"doc:{doc}") == set()


def test_records_notes_and_verdicts_follow_edits(sample_case, monkeypatch):
    search.open_index(sample_case)
    no_rebuild(monkeypatch)
    excerpt = excerpts.list_all(sample_case)[0]
    excerpts.update(sample_case, excerpt.id, note="double-check with the zamboni vendor")
    assert hits(sample_case, "zamboni") == {f"note:excerpts:{excerpt.id}"}
    claim = claims.add(sample_case, "The quokka unit buys plate data.").id
    assert hits(sample_case, "quokka") == {f"claim:{claim}"}
    verdict = claims.set_verdict(sample_case, claim_id=claim, status="refuted",
                                 rationale="No quokka unit exists.").id
    assert hits(sample_case, "quokka") == {f"claim:{claim}", f"verdict:{verdict}"}
    brookfield = actors.find(sample_case, "BPD")[0].id
    claims.set_about(sample_case, claim, [brookfield])
    assert hits(sample_case, "quokka actor:BPD") == {f"claim:{claim}", f"verdict:{verdict}"}
    deletion.delete(sample_case, "claim", claim, cascade=True)
    assert hits(sample_case, "quokka") == set()


def test_mentions_follow_aliases_and_new_pages(sample_case, monkeypatch):
    search.open_index(sample_case)
    no_rebuild(monkeypatch)
    ofba = actors.find(sample_case, "OFBA")[0].id
    before = {(m.document_id, m.page_no) for m in search.mentions(sample_case, ofba)}
    doc = add_doc(sample_case, "Later memo", "The Border Analytics office called again.")
    assert (doc, 1) not in {(m.document_id, m.page_no) for m in search.mentions(sample_case, ofba)}
    actors.add_alias(sample_case, ofba, "Border Analytics office")
    after = {(m.document_id, m.page_no) for m in search.mentions(sample_case, ofba)}
    assert after == before | {(doc, 1)}
    assert hits(sample_case, f'actor:"Border Analytics office" doc:{doc}')
    actors.remove_alias(sample_case, ofba, "Border Analytics office")
    assert {(m.document_id, m.page_no) for m in search.mentions(sample_case, ofba)} == before
    renamed = actors.add(sample_case, name="Harbor Patrol", type="agency").id
    assert search.mentions(sample_case, renamed) == []
    add_doc(sample_case, "Harbor log", "harbor   patrol boats seen")
    assert len(search.mentions(sample_case, renamed)) == 1


def test_a_failing_update_never_breaks_the_action_and_forces_a_repair(case, monkeypatch):
    index = search.open_index(case)

    def broken(self, refs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(CaseIndex, "update", broken)
    add_doc(case, "Memo", "walrus sighting")  # the action itself succeeds
    monkeypatch.undo()
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(index.directory.parent))
    assert not index.check().fresh
    assert hits(case, "walrus")
    assert index.last_repair == "rebuilt"


# -- staleness and repair -----------------------------------------------------------------

def test_changes_behind_the_index_are_detected_and_caught_up(sample_path, monkeypatch):
    with Case.open(sample_path) as case:
        index = search.open_index(case)
        assert index.last_repair == "rebuilt"  # first open: no index yet
        search.close_index(case)
    with Case.open(sample_path) as behind:  # no index listener on this one
        add_doc(behind, "Secret memo", "the narwhal protocol")
    with Case.open(sample_path) as case:
        state = checked(case)
        assert not state.fresh and state.reason.startswith("stale")
        no_rebuild(monkeypatch)
        index = search.open_index(case)
        assert index.last_repair == "caught up"
        assert hits(case, "narwhal")
        assert checked(case).fresh
        search.close_index(case)


def test_another_case_object_writing_is_noticed(sample_path):
    first = Case.open(sample_path)
    second = Case.open(sample_path)
    try:
        search.open_index(first)
        add_doc(second, "Elsewhere", "an okapi appeared")
        assert hits(first, "okapi")
    finally:
        search.close_index(first)
        first.close()
        second.close()


def test_a_different_history_is_rebuilt_not_caught_up(sample_case):
    index = search.open_index(sample_case)
    meta = json.loads((index.directory / store.META).read_text())
    meta["revision"] -= 3
    meta["stamp"] = "1999-01-01T00:00:00Z"
    (index.directory / store.META).write_text(json.dumps(meta))
    index.revision_seen = -1
    assert hits(sample_case, "7XKD-214")
    assert index.last_repair == "rebuilt"


def test_index_of_another_case_or_version_is_rebuilt(sample_case):
    index = search.open_index(sample_case)
    meta_path = index.directory / store.META
    for key, value in (("case_id", "someone-else"), ("format", -1)):
        meta = json.loads(meta_path.read_text())
        meta[key] = value
        meta_path.write_text(json.dumps(meta))
        state = index.ensure()
        assert not state.fresh and index.last_repair == "rebuilt"
        assert checked(sample_case).fresh


def test_deleted_index_folder_is_rebuilt(sample_case):
    index = search.open_index(sample_case)
    expected = hits(sample_case, "plate")
    index.close()
    shutil.rmtree(index.directory)
    assert checked(sample_case).reason == "missing"
    assert hits(sample_case, "plate") == expected
    assert (index.directory / store.META).is_file()


@pytest.mark.parametrize("damage", ["garbage", "truncate", "meta"])
def test_corrupted_index_is_rebuilt(sample_case, damage):
    index = search.open_index(sample_case)
    expected = hits(sample_case, "plate")
    search.close_index(sample_case)
    for f in index.directory.iterdir():
        if damage == "meta" and f.name == store.META:
            f.write_text("{not json")
        elif damage == "garbage" and f.name != store.META:
            f.write_bytes(b"\x00garbage\xff" * 10)
        elif damage == "truncate" and f.name != store.META:
            f.write_bytes(b"")
    state = checked(sample_case)
    assert not state.fresh and "unreadable" in state.reason
    assert hits(sample_case, "plate") == expected
    assert search.open_index(sample_case).last_repair == "rebuilt"


def test_rebuild_reports_progress_and_can_be_cancelled(sample_case):
    seen: list[float] = []
    assert search.reindex(sample_case, Progress(lambda f, s: seen.append(f))) > 8
    assert seen[-1] == 1.0 and seen == sorted(seen)
    index = search.open_index(sample_case)
    before = sorted(p.name for p in index.directory.iterdir())
    with pytest.raises(Cancelled):
        index.rebuild(Progress(is_cancelled=lambda: True))
    assert sorted(p.name for p in index.directory.iterdir()) == before
    assert not list(index.directory.parent.glob(index.directory.name + ".building*"))
    assert hits(sample_case, "plate")


def test_an_imported_folder_is_searchable(case, tmp_path):
    from email.message import EmailMessage

    from workbench.core import importing

    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "memo.txt").write_text("Unit 12 ran plate 4QRS-778 for the task force.\n")
    msg = EmailMessage()
    msg["From"] = "Lt. Jo Park <jpark@harborpd.example.org>"
    msg["To"] = "tips@newsroom.example.com"
    msg["Subject"] = "Camera locations"
    msg["Date"] = "Mon, 06 May 2019 10:00:00 -0700"
    msg.set_content("Attached are the eleven camera locations you asked for.")
    (folder / "reply.eml").write_bytes(bytes(msg))
    search.open_index(case)
    report = importing.import_paths(case, [folder], origin="Records request 2019-05")
    assert report.imported == 2
    plate = search.search(case, "4QRS-778")
    assert plate.total == 1 and plate.hits[0].page == 1
    assert plate.hits[0].snippet.matched == ["4QRS-778"]
    reply = search.search(case, "from:jpark@harborpd.example.org subject:camera")
    assert reply.total == 1 and reply.hits[0].date == "2019-05-06"
    assert search.search(case, 'origin:"records request"').total == 2


def test_two_writer_processes_build_the_same_index(sample_case, monkeypatch):
    expected = {q: hits(sample_case, q) for q in ("plate", '"read only"', "kind:note", "shar*")}
    monkeypatch.setenv("WORKBENCH_INDEX_PROCS", "2")
    assert store.writer_processes(10) == 2
    search.reindex(sample_case)
    assert len(search.open_index(sample_case).searcher().reader().leaf_readers()) >= 1
    assert {q: hits(sample_case, q) for q in expected} == expected
    monkeypatch.delenv("WORKBENCH_INDEX_PROCS")
    assert store.writer_processes(100) == 1  # small cases: one process


def test_a_batched_import_is_indexed_in_few_commits(case, tmp_path, monkeypatch):
    index = search.open_index(case)
    no_rebuild(monkeypatch)
    folder = tmp_path / "release"
    folder.mkdir()
    for n in range(40):
        (folder / f"memo-{n:02}.txt").write_text(f"Memo {n}: plate 7XKD-{n:03} was queried.",
                                                 encoding="utf-8")
    commits = []
    real_update = CaseIndex.update
    monkeypatch.setattr(
        CaseIndex, "update",
        lambda self, refs, *rest: commits.append(len(refs)) or real_update(self, refs, *rest))
    from workbench.core import importing
    with index.batched():
        importing.import_paths(case, [folder])
        assert commits == [], "nothing is indexed before the batch ends"
    assert len(commits) == 1
    assert len(hits(case, "7XKD-000")) == 1 and len(hits(case, "7XKD-039")) == 1
    # After the batch, actions are indexed one by one again.
    add_doc(case, "Later", "plate 5ZZZ-999")
    assert len(commits) == 2 and len(hits(case, "5ZZZ-999")) == 1


def test_a_long_batch_flushes_as_it_goes(case, monkeypatch):
    index = search.open_index(case)
    monkeypatch.setattr(store, "BATCH_FLUSH_REFS", 10)
    with index.batched():
        for n in range(6):
            add_doc(case, f"Doc {n}", f"word{n}x")
        assert len(hits(case, "word0x")) == 1, "an early flush made the first files findable"
    assert len(hits(case, "word5x")) == 1


def test_small_segments_are_merged_only_when_there_are_many(case, monkeypatch):
    index = search.open_index(case)
    monkeypatch.setattr(store, "MERGE_AT_SEGMENTS", 4)
    counts = []
    for n in range(8):
        add_doc(case, f"Memo {n}", f"the van number{n} left at dawn")
        counts.append(len(index.searcher().reader().leaf_readers()))
        assert hits(case, f"number{n}") and len(hits(case, '"left at dawn"')) == n + 1
    assert max(counts) <= 4 + 1  # merged once there were four
    assert counts != sorted(counts)  # ... which happened at least once


def test_merges_of_small_segments_stay_within_their_bound(case, monkeypatch):
    """An update merges only small segments, never into one above MERGE_MAX_DOCS
    entries (a merge holds what it merges in memory), and finds the same as before."""
    index = search.open_index(case)
    monkeypatch.setattr(store, "MERGE_AT_SEGMENTS", 3)
    monkeypatch.setattr(store, "MERGE_MAX_DOCS", 6)
    start = max(r.doc_count_all() for r, _ in index.searcher().reader().leaf_readers())
    for n in range(14):
        add_doc(case, f"Memo {n}", f"the van number{n} left at dawn")
        sizes = [r.doc_count_all() for r, _ in index.searcher().reader().leaf_readers()]
        assert all(size <= max(6, start) + 2 for size in sizes), sizes  # + the new entries
        assert len(hits(case, '"left at dawn"')) == n + 1
    assert len(sizes) < 14  # merged along the way
    assert all(len(hits(case, f"number{n}")) == 1 for n in range(14))
    other = CaseIndex(case)
    assert other.check().fresh
    other.close()


def test_a_small_segment_is_not_merged_into_a_much_larger_one(tmp_path):
    """The merge policy leaves a large segment alone when only a small one is new."""
    from whoosh import index as whoosh_index

    from workbench.core.search.fields import schema

    ix = whoosh_index.create_in(str(tmp_path), schema())
    for size in (8, 1):
        writer = ix.writer()
        for n in range(size):
            writer.add_document(uid=f"note:{size}:{n}", kind="note", body=f"word{n}")
        writer.commit(merge=False)
    segments = ix._segments()
    assert sorted(s.doc_count_all() for s in segments) == [1, 8]
    writer = ix.writer()
    assert store.merge_bounded(writer, segments) == segments  # nothing merged
    writer.cancel()
    writer = ix.writer()
    writer.add_document(uid="note:x", kind="note", body="wordx")
    writer.commit(merge=False)
    segments = ix._segments()
    writer = ix.writer()
    kept = store.merge_bounded(writer, segments)  # the two small ones merge
    assert sorted(s.doc_count_all() for s in kept) == [8]
    writer.commit(mergetype=lambda w, s: kept)
    assert sorted(s.doc_count_all() for s in ix._segments()) == [2, 8]
    ix.close()


def test_a_tiny_segment_does_not_stop_the_others_merging(tmp_path, monkeypatch):
    """A segment too small for any other to join (an import's last few entries) is left
    alone, and the small segments after it still merge (a 250,000-page import was left
    with 267 segments when the tiny one blocked every later merge)."""
    from whoosh import index as whoosh_index
    from whoosh.query import Term

    from workbench.core.search.fields import schema

    monkeypatch.setattr(store, "MERGE_MAX_DOCS", 30)
    ix = whoosh_index.create_in(str(tmp_path), schema())
    for n, size in enumerate((1, 9, 9, 9, 10)):
        writer = ix.writer()
        for k in range(size):
            writer.add_document(uid=f"note:{n}:{k}", kind="note", body=f"seg{n}x item{k}")
        writer.commit(merge=False)
    segments = ix._segments()
    writer = ix.writer()
    kept = store.merge_bounded(writer, segments)
    assert sorted(s.doc_count() for s in kept) == [1, 10]  # the three 9s merged
    writer.commit(mergetype=lambda w, s: kept)
    assert sorted(s.doc_count() for s in ix._segments()) == [1, 10, 27]
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 38
        for n, size in enumerate((1, 9, 9, 9, 10)):
            found = searcher.search(Term("body", f"seg{n}x"), limit=None)
            assert len(found) == size, n
    ix.close()
