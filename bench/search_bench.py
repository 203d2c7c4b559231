"""Search benchmark: our whoosh index against SQLite FTS5 on the same pages, same run.

Builds a case of generated pages (realistic length and a Zipf-distributed vocabulary of
common English, investigation terms and invented rarer words, with plate numbers,
email addresses and agency names sprinkled in), then measures:

* indexing pages/s and index size (ours: ``search.reindex``; FTS5: a ``title, body``
  table filled from the same page list);
* 50 fixed queries (words, two-word AND, phrases, prefixes, field filters, a date
  range) on both, top 20 hits with highlighted snippets and the total count:
  p50 / p95 in ms;
* updating the index after adding one document, and after retitling one;
* opening a case's index (check that it is in step, open the searcher).

Run by hand:  .venv/bin/python bench/search_bench.py [--pages 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core import actors, documents, search  # noqa: E402
from workbench.core.casefile import Case  # noqa: E402
from workbench.core.search.analysis import terms  # noqa: E402
from workbench.core.search.store import CaseIndex, writer_processes  # noqa: E402

COMMON = """the of and to a in that is was he for it with as his on be at by i this had not
are but from or have an they which one you were her all she there would their we him been
has when who will more no if out so said what up its about into than them can only other
new some could time these two may then do first any my now such like our over man me even
most made after also did many before must through back years where much your way well down
should because each just those people how too little state good very make world still own
see men work long get here between both life being under never day same another know while
last might us great old year off come since against go came right used take three""".split()
DOMAIN = """agency plate reader camera cameras data sharing shared police department records
contract vendor federal county sheriff detection detections account database license
request email access network report customer agreement officer detective agent search
searches hot list scans scan reads vehicle vehicles location locations subscription
read-only outbound inbound national office analytics border release lawsuit court
spokesperson statement comment declined denied confirmed policy retention days audit
query queries warrant investigation broker surveillance privacy council budget invoice
payment renewal memo deputy captain lieutenant sergeant dispatcher city state""".split()
AGENCIES = ["Brookfield Police Department", "BPD", "Cedar Falls PD", "Dunmore County Sheriff",
            "the county sheriff", "OFBA", "Office of Federal Border Analytics",
            "PlateStream", "Meridian Vantage Holdings", "Alder Creek PD", "Elm Ridge Police",
            "Granite Bay Police Department", "Fairhaven Marshal's Office"]
SYLLABLES = ("ka lo mer sin ta ve ron dal pi ko ru bel an tor mi sel gra fen do lu har "
             "wis ne ost qua ber li tam ces vo nar pel").split()

#: Our query, FTS5's query, and for a date range the SQL condition FTS5 needs.
QUERIES: list[tuple[str, str, str | None]] = [
    *[(w, w, None) for w in ("plate", "camera", "sheriff", "contract", "retention",
                             "warrant", "broker", "invoice", "dispatcher", "renewal",
                             "kamerlo", "sinta", "vedal", "rubel", "torgra")],
    *[(f"{a} {b}", f"{a} AND {b}", None) for a, b in (
        ("plate", "reader"), ("police", "vendor"), ("federal", "agreement"),
        ("sheriff", "detections"), ("camera", "retention"), ("email", "spokesperson"),
        ("budget", "council"), ("warrant", "privacy"), ("hot", "list"),
        ("broker", "subscription"))],
    *[(f'"{p}"', f'"{p}"', None) for p in (
        "plate reader", "hot list", "read only", "county sheriff", "police department",
        "federal agency", "data sharing", "declined to comment", "the vendor", "of the")],
    *[(p + "*", p + "*", None) for p in ("detect", "surv", "analy", "shar", "warr",
                                         "pol", "contract", "camer")],
    *[(f"title:{w}", f"title:{w}", None) for w in ("memo", "invoice", "report")],
    ("7XKD-214", '"7XKD 214"', None),
    ("plate date:[2019-01-01 TO 2019-06-30]", "plate",
     "date BETWEEN '2019-01-01' AND '2019-06-30'"),
    ("sheriff AND NOT camera", "sheriff NOT camera", None),
    ("(vendor OR broker) contract", "(vendor OR broker) AND contract", None),
]
assert len(QUERIES) == 50, len(QUERIES)


def vocabulary(rng: random.Random, size: int) -> tuple[list[str], list[float]]:
    words = list(dict.fromkeys(COMMON + DOMAIN))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    weights, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 1.5) ** 1.1
        weights.append(total)
    return words, weights


def page_text(rng: random.Random, words: list[str], cum: list[float],
              topic: list[str] | None = None) -> str:
    """A page: Zipf-distributed words, a fifth of them from its document's own topic words
    (real documents repeat their subject's vocabulary, which keeps the share of distinct
    words on a page near the ~0.5 of real prose)."""
    n = rng.randint(300, 520)
    tokens = rng.choices(words, cum_weights=cum, k=n)
    if topic:
        for i in rng.sample(range(n), n // 5):
            tokens[i] = rng.choice(topic)
    out, i = [], 0
    while i < len(tokens):
        length = rng.randint(8, 22)
        sentence = tokens[i:i + length]
        i += length
        extra = rng.random()
        if extra < 0.04:
            if rng.random() < 0.02:
                sentence.append("7XKD-214")
            else:  # the random draws in the order they always came
                digit = rng.randint(1, 9)
                letters = "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ", k=3))
                sentence.append(f"{digit}{letters}-{rng.randint(100, 999)}")
        elif extra < 0.08:
            sentence.append(rng.choice(AGENCIES))
        elif extra < 0.10:
            user = f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}"
            sentence.append(f"{user}@{rng.choice(('ofba.example.gov', 'bpd.example.org'))}")
        sentence[0] = sentence[0].capitalize()
        out.append(" ".join(sentence) + ".")
        if rng.random() < 0.15:
            out.append("\n\n")
    return " ".join(out).replace(" \n\n ", "\n\n")


def make_corpus(pages: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    words, cum = vocabulary(rng, 30_000)
    docs, made = [], 0
    while made < pages:
        n = min(pages - made, rng.randint(1, 39))
        kind = rng.choice(("memo", "invoice", "report", "email", "contract", "log", "minutes"))
        month = rng.randint(1, 12)
        topic = rng.sample(words[300:8000], 60)
        docs.append({"title": f"{kind.capitalize()} {len(docs) + 1}: "
                              + " ".join(rng.choices(words[:600], k=4)),
                     "date": f"2019-{month:02d}-{rng.randint(1, 28):02d}",
                     "email": kind == "email",
                     "pages": [page_text(rng, words, cum, topic) for _ in range(n)]})
        made += n
    return docs


def build_case(path: Path, docs: list[dict]) -> None:
    with Case.create(path, title="Search benchmark") as case:
        actors.add(case, name="Brookfield Police Department", type="agency",
                   aliases=["BPD", "Brookfield PD"])
        actors.add(case, name="Dunmore County Sheriff's Office", type="agency",
                   aliases=["the county sheriff", "Dunmore County Sheriff"])
        actors.add(case, name="Office of Federal Border Analytics", type="agency",
                   aliases=["OFBA"])
        actors.add(case, name="PlateStream Data LLC", type="company", aliases=["PlateStream"])
        for i in range(30):
            actors.add(case, name=f"Agency {i} Police Department", type="agency",
                       aliases=[f"Agency {i} PD"])
        for i, d in enumerate(docs):
            email = documents.EmailHeaders(
                from_addr=f"agent{i}@ofba.example.gov", to_addrs="desk@bpd.example.org",
                subject=d["title"], date=d["date"]) if d["email"] else None
            documents.add(case, data=f"{i}:{d['title']}".encode(), title=d["title"],
                          kind="email" if d["email"] else "text", pages=d["pages"],
                          received=d["date"], email=email, origin="Benchmark corpus")


def build_fts(path: Path, docs: list[dict]) -> tuple[float, int]:
    rows = [(d["title"], p, d["date"]) for d in docs for p in d["pages"]]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, date UNINDEXED)")
    started = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO fts (title, body, date) VALUES (?, ?, ?)", rows)
    seconds = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return seconds, len(rows)


def fts_query(conn: sqlite3.Connection, match: str, where: str | None) -> tuple[int, list]:
    extra = f" AND {where}" if where else ""
    total = conn.execute(f"SELECT count(*) FROM fts WHERE fts MATCH ?{extra}",
                         (match,)).fetchone()[0]
    hits = conn.execute(
        "SELECT rowid, title, snippet(fts, 1, '«', '»', '…', 30) FROM fts "
        f"WHERE fts MATCH ?{extra} ORDER BY rank LIMIT 20", (match,)).fetchall()
    return total, hits


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def time_queries(run, rounds: int) -> tuple[list[float], dict[str, int]]:
    timings, totals = [], {}
    for q in QUERIES:
        run(q)  # warm the caches once, as a user's second search would find them
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            totals[q[0]] = run(q)
            timings.append((time.perf_counter() - started) * 1000)
    return timings, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="Timed runs of the 50 queries.")
    parser.add_argument("--keep", type=Path, help="Build in this folder and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["WORKBENCH_INDEX_DIR"] = str(work / "indexes")
    try:
        run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    t = time.perf_counter()
    docs = make_corpus(args.pages)
    n_pages = sum(len(d["pages"]) for d in docs)
    chars = sum(len(p) for d in docs for p in d["pages"])
    sample = [p for d in docs[:50] for p in d["pages"]]
    distinct = sum(len(set(terms(p))) for p in sample) / sum(len(terms(p)) for p in sample)
    print(f"corpus: {len(docs)} documents, {n_pages} pages, {chars / 1e6:.1f} M characters, "
          f"{chars / n_pages:,.0f} characters and {distinct:.2f} distinct words per word "
          f"on a page ({time.perf_counter() - t:.1f} s to generate)")
    case_path = work / "bench.wbcase"
    if not case_path.exists():
        t = time.perf_counter()
        build_case(case_path, docs)
        print(f"case file built in {time.perf_counter() - t:.1f} s")

    fts_path = work / "fts.sqlite"
    fts_path.unlink(missing_ok=True)
    fts_seconds, _ = build_fts(fts_path, docs)
    fts_rate = n_pages / fts_seconds

    case = Case.open(case_path)
    t = time.perf_counter()
    entries = search.reindex(case)
    ours_seconds = time.perf_counter() - t
    ours_rate = n_pages / ours_seconds
    print(f"indexed: ours {ours_seconds:.1f} s, FTS5 {fts_seconds:.1f} s; running queries...",
          flush=True)
    index = search.open_index(case)
    ours_size, fts_size = folder_size(index.directory), fts_path.stat().st_size

    fts = sqlite3.connect(fts_path)
    fts_ms, fts_totals = time_queries(lambda q: fts_query(fts, q[1], q[2])[0], args.rounds)
    ours_ms, ours_totals = time_queries(
        lambda q: search.search(case, q[0], limit=20, facets=False).total, args.rounds)
    facet_ms, _ = time_queries(
        lambda q: search.search(case, q[0], limit=20, facets=True).total, 1)
    worst = sorted(((statistics.median(ours_ms[i::len(QUERIES)]), QUERIES[i][0])
                    for i in range(len(QUERIES))), reverse=True)[:3]

    # One more document of 20 pages, then a new title for it, with the index listening.
    timings: dict[str, float] = {}
    original_apply = index.apply

    def timed_apply(changes, label=None):
        started = time.perf_counter()
        original_apply(changes)
        timings[changes.action] = (time.perf_counter() - started) * 1000
    case.remove_listener(original_apply)
    case.add_listener(timed_apply)
    updates, adds = [], []
    for n, extra in enumerate(make_corpus(100, seed=99)[:5]):
        t = time.perf_counter()
        new_doc = documents.add(case, data=f"extra document {n} {time.time()}".encode(),
                                title="Late memo", kind="text", pages=extra["pages"]).id
        adds.append((time.perf_counter() - t) * 1000)
        updates.append((next(v for k, v in timings.items() if k.startswith("Add document")),
                        len(extra["pages"])))
        timings.clear()
    update_ms = statistics.median(u for u, _ in updates)
    add_ms = statistics.median(adds)
    pages_new = len(extra["pages"])
    documents.update(case, new_doc, title="Late memo, retitled")
    retitle_ms = timings["Edit document"]
    assert search.search(case, f'doc:{new_doc} "late memo retitled"').total == pages_new
    case.remove_listener(timed_apply)
    search.close_index(case)
    case.close()

    opens = []
    for _ in range(5):
        with Case.open(case_path) as c:
            t = time.perf_counter()
            idx = CaseIndex(c)
            state = idx.ensure()
            idx.searcher()
            opens.append((time.perf_counter() - t) * 1000)
            idx.close()
        assert state.fresh, state
    case_open = []
    for _ in range(5):
        t = time.perf_counter()
        Case.open(case_path).close()
        case_open.append((time.perf_counter() - t) * 1000)

    differ = [q for q in ours_totals if ours_totals[q] != fts_totals[q]]
    p50o, p95o = percentile(ours_ms, 50), percentile(ours_ms, 95)
    p50f, p95f = percentile(fts_ms, 50), percentile(fts_ms, 95)
    print()
    print(f"{'':34}{'ours (whoosh)':>16}{'SQLite FTS5':>14}{'ratio':>9}")
    print(f"{'indexing, pages/s':34}{ours_rate:16,.0f}{fts_rate:14,.0f}"
          f"{ours_rate / fts_rate:9.3f}   (target >= 0.083 = 1/12)")
    print(f"{'indexing, seconds':34}{ours_seconds:16.1f}{fts_seconds:14.1f}")
    print(f"{'index size, MB':34}{ours_size / 1e6:16.1f}{fts_size / 1e6:14.1f}"
          f"{ours_size / fts_size:9.2f}   (FTS5 also stores the text)")
    print(f"{'query p50, ms (top 20 + snippets)':34}{p50o:16.1f}{p50f:14.1f}{p50o / p50f:9.1f}")
    print(f"{'query p95, ms (top 20 + snippets)':34}{p95o:16.1f}{p95f:14.1f}{p95o / p95f:9.1f}"
          "   (target < 40 ms)")
    print(f"{'query p95 with facets, ms':34}{percentile(facet_ms, 95):16.1f}")
    print()
    print(f"entries indexed: {entries:,} ({n_pages:,} pages and the case's records), "
          f"{writer_processes(n_pages)} writer process(es)")
    print("slowest queries (median ms): " + "; ".join(f"{q} {ms:.0f}" for ms, q in worst))
    print(f"index update after adding one document (5 documents of "
          f"{', '.join(str(p) for _, p in updates)} pages): median {update_ms:.0f} ms, max "
          f"{max(u for u, _ in updates):.0f} ms (the whole add, case file included: median "
          f"{add_ms:.0f} ms; target < 200 ms)")
    print(f"index update after retitling it (all {pages_new} pages re-indexed): "
          f"{retitle_ms:.0f} ms")
    print(f"opening the index of an open case (check it is in step, open a searcher): "
          f"median {statistics.median(opens):.0f} ms, max {max(opens):.0f} ms "
          f"(target < 150 ms); opening the case file itself (not ours, its integrity "
          f"check): median {statistics.median(case_open):.0f} ms")
    if differ:
        print(f"hit counts differ from FTS5 on {len(differ)} of 50 queries "
              f"(tokenising differences, e.g. {differ[0]!r}: "
              f"{ours_totals[differ[0]]} vs {fts_totals[differ[0]]})")
    else:
        print("hit counts agree with FTS5 on all 50 queries")


if __name__ == "__main__":
    main()
