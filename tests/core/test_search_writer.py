"""The term-order writer (:mod:`workbench.core.search.writer`) against whoosh's own.

Both write the same case into two whoosh indexes; every term, posting (ids, weights,
positions), term statistic, stored field, field length and search result must agree,
with deletions, several segments, merges and the two-process path.
"""

from __future__ import annotations

import pickle

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.writing import SegmentWriter

from workbench.core import documents
from workbench.core.search import entries as entries_
from workbench.core.search import postings as postings_
from workbench.core.search import store
from workbench.core.search.fields import schema
from workbench.core.search.writer import TermOrderMpWriter, TermOrderWriter

WORDS = ("plate reader camera sheriff contract retention warrant broker invoice "
         "dispatcher renewal the of and county police department vendor").split()


@pytest.fixture(autouse=True)
def index_root(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "indexes"))


def all_entries(case) -> list[dict]:
    ctx = entries_.Context.load(case)
    out = [entries_.page_entry(ctx, r) for r in entries_.page_rows(case)]
    return out + list(entries_.record_entries(ctx, None))


def add_pages(case, n_docs: int, pages: int) -> None:
    for d in range(n_docs):
        texts = [" ".join(WORDS[(d * 7 + p * 3 + k * k) % len(WORDS)] for k in range(60 + p))
                 + f" 7XKD-{200 + d} Café naïve x{d}y{p} rkessler@ofba.example.gov"
                 for p in range(pages)]
        documents.add(case, data=f"generated {d}".encode(), title=f"Memo {d}: plate data",
                      kind="text", pages=texts, received=f"2019-0{1 + d % 9}-1{d % 10}")


def write(directory, docs, factory, deletions=(), batches=1):
    directory.mkdir()
    whoosh_index.create_in(str(directory), schema())
    size = -(-len(docs) // batches)
    for b in range(batches):
        writer = factory(whoosh_index.open_dir(str(directory)))
        for uid in deletions if b == batches - 1 else ():
            writer.delete_by_term("uid", uid)
        for doc in docs[b * size:(b + 1) * size]:
            writer.add_document(**doc)
        writer.commit(merge=False)
    return whoosh_index.open_dir(str(directory))


def stock(ix):
    return SegmentWriter(ix, compound=False)


def ours(ix, **kw):
    return TermOrderWriter(ix, compound=False, **kw)


def contents(ix) -> dict:
    """Everything a reader sees, segment by segment."""
    out = []
    with ix.searcher() as s:
        for leaf in s.reader().leaf_readers():
            reader = leaf[0] if isinstance(leaf, tuple) else leaf
            seg = {"docs": reader.doc_count_all(), "deleted": sorted(
                d for d in range(reader.doc_count_all()) if reader.is_deleted(d))}
            seg["stored"] = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
            names = [n for n in reader.indexed_field_names()]
            seg["lengths"] = {n: [reader.doc_field_length(d, n)
                                  for d in range(reader.doc_count_all())] for n in names}
            seg["field_length"] = {n: reader.field_length(n) for n in names}
            terms = {}
            for name, btext in reader.all_terms():
                info = reader.term_info(name, btext)
                stats = (info.weight(), info.doc_frequency(), info.min_length(),
                         info.max_length(), info.max_weight(), info.min_id(), info.max_id())
                # The raw matcher: deleted documents included, block statistics too.
                m = reader._terms.matcher(name, btext, reader.schema[name].format)
                posts = []
                while m.is_active():
                    posts.append((m.id(), m.weight(), m.value(), m.block_min_length(),
                                  m.block_max_length(), m.block_max_weight()))
                    m.next()
                bulk = postings_.SegmentPostings(reader).postings(name, btext)
                assert bulk.ids == [p[0] for p in posts if p[0] not in seg["deleted"]]
                terms[(name, btext)] = (stats, posts)
            seg["terms"] = terms
            out.append(seg)
    return out


def searches(ix) -> dict:
    with ix.searcher() as s:
        queries = [wq.Term("body", "plate"), wq.Phrase("body", ["plate", "reader"]),
                   wq.And([wq.Term("body", "county"), wq.Term("kind", "page")]),
                   wq.Prefix("body", "disp"), wq.Term("body", "cafe"),
                   wq.Term("tag", "evidence"), wq.Term("confidential", True)]
        return {repr(q): sorted((-round(h.score, 5), h["uid"]) for h in s.search(q, limit=None))
                for q in queries}


@pytest.fixture
def case(sample_case):
    add_pages(sample_case, 12, 4)
    return sample_case


def test_one_segment_is_identical_to_whoosh(case, tmp_path):
    docs = all_entries(case)
    a = write(tmp_path / "stock", docs, stock)
    b = write(tmp_path / "ours", docs, ours)
    assert contents(a) == contents(b)
    assert searches(a) == searches(b)
    # Compressing every block and pickling as whoosh does gives the same posting file.
    c = write(tmp_path / "same", docs, lambda ix: ours(ix, compress_from=0, protocol=2))
    pst = sorted((tmp_path / "stock").glob("*.pst"))[0].read_bytes()
    assert sorted((tmp_path / "same").glob("*.pst"))[0].read_bytes() == pst
    trm = sorted((tmp_path / "stock").glob("*.trm"))[0].read_bytes()
    assert sorted((tmp_path / "same").glob("*.trm"))[0].read_bytes() == trm
    assert contents(c) == contents(a)


def test_segments_and_deletions_agree(case, tmp_path):
    docs = all_entries(case)
    gone = [d["uid"] for d in docs[::5]]
    a = write(tmp_path / "stock", docs, stock, gone, batches=3)
    b = write(tmp_path / "ours", docs, ours, gone, batches=3)
    assert len(contents(a)) == 3
    assert contents(a) == contents(b)
    assert searches(a) == searches(b)


def test_merging_segments_agrees(case, tmp_path):
    docs = all_entries(case)
    gone = [d["uid"] for d in docs[1::4]]
    results = []
    for name, factory in (("stock", stock), ("ours", ours)):
        ix = write(tmp_path / name, docs, factory, gone, batches=3)
        writer = factory(ix)
        writer.add_document(**docs[0] | {"uid": "extra"})
        writer.commit(optimize=True)
        results.append(whoosh_index.open_dir(str(tmp_path / name)))
    assert len(contents(results[0])) == 1
    assert contents(results[0]) == contents(results[1])
    assert searches(results[0]) == searches(results[1])


def test_merging_segments_whoosh_wrote_agrees(case, tmp_path):
    """The merge reads whole posting lists from the posting file: segments in whoosh's
    own layout (every block compressed, pickle protocol 2), with deletions, merge as
    whoosh merges them; ``actor_id`` has fixed-size values (4 bytes a posting)."""
    docs = all_entries(case) + [
        {"uid": f"note:x:{n}", "kind": "note", "actor_id": "7,9" + ",7" * (n % 3),
         "body": f"plate note {n}"} for n in range(300)]  # 7 once, twice, three times
    gone = [d["uid"] for d in docs[2::3]]
    results = []
    for name, factory in (("stock", stock), ("ours", ours)):
        ix = write(tmp_path / name, docs, stock, gone, batches=3)  # whoosh writes both
        with ix.reader() as r:
            assert r.doc_frequency("actor_id", "7") > 100  # many postings, in blocks
        writer = factory(ix)
        writer.add_document(**docs[0] | {"uid": "extra"})
        writer.commit(optimize=True)
        results.append(whoosh_index.open_dir(str(tmp_path / name)))
    assert len(contents(results[0])) == 1
    assert contents(results[0]) == contents(results[1])
    assert searches(results[0]) == searches(results[1])


def test_two_processes_agree_with_one(case, tmp_path):
    docs = all_entries(case)
    one = write(tmp_path / "one", docs, ours)
    two = write(tmp_path / "two", docs,
                lambda ix: TermOrderMpWriter(ix, procs=2, batchsize=10, compound=False))
    parts = contents(two)
    # Usually two segments; one when a process took every batch before the other ran
    # (whoosh shares one queue), and never an empty one.
    assert 1 <= len(parts) <= 2 and all(p["docs"] for p in parts)
    assert sum(p["docs"] for p in parts) == len(docs)
    assert searches(one) == searches(two)
    # Every posting of the single segment is found in one of the two, renumbered.
    def by_uid(parts):
        out = {}
        for part in parts:
            uids = [f["uid"] for f in part["stored"]]
            for key, (_, posts) in part["terms"].items():
                out.setdefault(key, set()).update((uids[p[0]], p[1], p[2]) for p in posts)
        return out
    assert by_uid(parts) == by_uid(contents(one))


def test_case_index_writes_with_it(case, monkeypatch):
    monkeypatch.setenv(store.ENV_PROCS, "2")
    index = store.CaseIndex(case)
    index.rebuild()
    with index.searcher() as s:
        # One segment per process that got documents. whoosh hands out batches of 100
        # through one queue, so on a busy machine one process may take both batches of
        # this case (the cause of a StopIteration here: the other's empty segment
        # came first and had no terms).
        leaves = [leaf for leaf, _ in s.reader().leaf_readers()]
        assert 1 <= len(leaves) <= 2 and all(leaf.doc_count_all() for leaf in leaves)
        assert s.doc_count() == len(all_entries(case))
        # Written by TermOrderWriter: a term in one document has an uncompressed block.
        reader = leaves[0]
        uid = next(t for f, t in reader.all_terms() if f == "uid")
        offset, length = reader.term_info("uid", uid).extent()
        data = reader._terms._postfile.get(offset, length[0] if isinstance(length, tuple)
                                           else length)
        assert data[:4] == b"W3Bl" and pickle.loads(data[8:])[3] == 0


def test_a_process_without_documents_leaves_no_empty_segment(case, tmp_path):
    docs = all_entries(case)
    # One batch for two processes: one of them gets nothing to write.
    ix = write(tmp_path / "two", docs,
               lambda ix: TermOrderMpWriter(ix, procs=2, batchsize=10_000, compound=False))
    parts = contents(ix)
    assert [p["docs"] for p in parts] == [len(docs)]
    assert sorted(f["uid"] for f in parts[0]["stored"]) == sorted(d["uid"] for d in docs)
    # Only the one segment's files are left in the folder.
    assert len(list((tmp_path / "two").glob("*.pst"))) == 1
