"""Where a case's index lives, whether it is in step with the case, and keeping it so.

The index is derived data: it lives outside the case file, in the user's cache folder
(or under ``$WORKBENCH_INDEX_DIR``), in a folder named after the case's id and the
case file's path, so two cases (even two copies of one case) never share an index.
Beside the whoosh files, ``workbench-index.json`` records which case and which revision
(``Case.revision`` and the time of that audit row) the index reflects.

:meth:`CaseIndex.ensure` brings an index in step when it is opened: a missing,
unreadable or foreign index is rebuilt; one that is merely behind catches up from the
audit log when the gap is small, and is rebuilt otherwise. While the index is open,
:meth:`CaseIndex.apply` (a :meth:`Case.add_listener` listener) applies each action's
changes as soon as it commits.

Threading: like :class:`Case`, use a :class:`CaseIndex` from one thread at a time.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

import platformdirs
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher
from whoosh.writing import NO_MERGE

from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.search import compat
from workbench.core.search import entries as entries_
from workbench.core.search.audit_refs import refs_of_action, refs_since
from workbench.core.search.fields import FORMAT, schema
from workbench.core.search.updates import affected

log = logging.getLogger(__name__)

ENV_DIR = "WORKBENCH_INDEX_DIR"
ENV_PROCS = "WORKBENCH_INDEX_PROCS"
META = "workbench-index.json"
#: Behind by more audit rows than this, a rebuild is quicker than catching up.
CATCH_UP_LIMIT = 20_000
#: Rows a batched update collects before it indexes them (see CaseIndex.batched).
BATCH_FLUSH_REFS = 5_000
#: Characters of text a rebuild indexes before it commits a segment: the writer holds
#: every posting of a commit in memory (about 6 bytes a character of text), so this
#: bounds a rebuild's memory whatever the size of the case.
COMMIT_EVERY_CHARS = 32_000_000
#: Small segments (see :func:`small_segments`) an index may have before an update
#: merges them. Only the small ones count: the full segments a rebuild writes (one every
#: :data:`COMMIT_EVERY_CHARS`) cannot be merged within :data:`MERGE_MAX_DOCS`, and
#: counting them made every update of a large case (46 full segments at 250,000 pages)
#: merge and rewrite thousands of entries, where a small case merged once in many.
MERGE_AT_SEGMENTS = 8
#: Most documents one merge of small segments may put together. A merge holds every
#: posting of what it merges in memory (about 40 KB a page); whoosh's own policy merged
#: everything up to tens of thousands of pages at once (the import of a 20,000-page
#: case peaked at 717 MB, most of it one merge), so this bounds an update's memory
#: whatever the size of the case.
MERGE_MAX_DOCS = 6_000
#: An update naming at least this many changed rows finds which segments hold its uids
#: (and the documents' entries) through each segment's set of terms of the field, read
#: once per segment and kept until the batch ends (:class:`_TermSets`), instead of
#: looking up every term in every segment's term table: a lookup costs about 8
#: microseconds a segment, so an import's batch of thousands of rows paid that for every
#: segment of a large case (46 at 250,000 pages), batch after batch. Reading the sets
#: costs about 1.5 microseconds a term (0.7 s at 250,000 pages), once per batched import.
TERM_SETS_FROM = 1_000
# Writers use ``compound=False``: opening a segment packed in a compound file copies
# each part (the term index: tens of MB) into memory, which made opening the index
# and every incremental update take hundreds of milliseconds on a large case.


class IndexFolderError(Exception):
    """The index folder cannot be used; ``str()`` says why."""


class IndexNotReady(WorkbenchError):
    """A viewer found the index not yet fit to search (another format, or marked for a
    rebuild): searching it could answer wrongly, so it waits for the owner's repair."""


class IndexUnavailable(WorkbenchError):
    """No folder will take the search index (a full disk, say)."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def index_root() -> Path:
    """The folder holding every case's index."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    return platformdirs.user_cache_path("workbench", appauthor=False) / "index"


def index_dir(case: Case) -> Path:
    """The index folder of one case file (its id plus a hash of where the file is)."""
    where = hashlib.sha256(str(case.path.resolve()).encode()).hexdigest()[:12]
    return index_root() / f"{case.info.case_id}-{where}"


def writer_processes(pages: int) -> int:
    """How many processes should write a new index of ``pages`` pages.

    ``$WORKBENCH_INDEX_PROCS`` decides when set. Otherwise large cases use up to two
    processes, but only from a single-threaded program (the command line): forking a
    process that runs other threads (the desktop window) is not safe.
    """
    configured = os.environ.get(ENV_PROCS)
    if configured and configured.isdigit():
        return max(1, int(configured))
    if pages < 5000 or threading.active_count() > 1:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


#: How long an update waits for another program's update or rebuild of the same index.
UPDATE_WAIT = 10.0


@contextlib.contextmanager
def _exclusive(lock_path: Path, *, timeout: float | None,
               progress: Progress = NO_PROGRESS) -> "Iterator[bool]":
    """Hold the index's lock (``flock`` on a file beside the index folder) while the
    block runs; yields False, without waiting longer, when ``timeout`` passes first.

    Beside the folder, not in it: a rebuild replaces the folder, and a lock inside it
    would then be a different file for a program that opened it before. ``flock`` locks
    belong to the open file, so two threads of one program exclude each other too.
    """
    import fcntl

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
    started = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if timeout is not None and time.monotonic() - started >= timeout:
                    yield False
                    return
                progress.check()
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def small_segments(segments: list) -> int:
    """How many of ``segments`` are small: under half of :data:`MERGE_MAX_DOCS` live
    entries (an update's segment, what is left of a merge, a full segment that has lost
    most of its entries to updates)."""
    return sum(1 for s in segments if s.doc_count() < MERGE_MAX_DOCS // 2)


def merge_bounded(writer, segments: list) -> list:
    """whoosh merge policy: merge the smallest segments that can go together into the
    writer's new segment, as many as fit in :data:`MERGE_MAX_DOCS` live documents (two
    at least), none more than twice the size of those smaller than it together (so an
    update's small segment is not merged into a large one, rewriting the large one every
    time: each entry is merged a few times at most, as in a binary counter). Sizes count
    live documents (a merge drops deleted ones). Returns the segments kept.

    The group starts at the smallest segment that has a partner: a tiny segment (the
    last few entries of an import, one edit) that no larger one may join does not stop
    the others merging. (It did: after an import ended with such a segment, the next
    import's batches were never merged, and a 250,000-page import left 267 segments.)
    """
    from whoosh.reading import SegmentReader

    ordered = sorted(segments, key=lambda s: s.doc_count())
    chosen: list = []
    for start in range(len(ordered) - 1):
        chosen, total = [], 0
        for segment in ordered[start:]:
            count = segment.doc_count()
            if total + count > MERGE_MAX_DOCS or (chosen and total and count > 2 * total):
                break
            chosen.append(segment)
            total += count
        if len(chosen) >= 2:
            break
    if len(chosen) < 2:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {id(segment) for segment in chosen}
    return [segment for segment in segments if id(segment) not in merged]


class _TermSets:
    """The terms of a field in each segment, read once per segment and kept.

    A segment's terms never change (a deletion only marks documents), so a set read
    once serves every later update for as long as the segment exists; sets of segments
    gone (merged, or the index rebuilt) are dropped when next asked.
    """

    def __init__(self) -> None:
        self._sets: dict[tuple[str, str], frozenset[bytes]] = {}
        #: field -> (the segments, the terms any of them holds)
        self._unions: dict[str, tuple[tuple, frozenset[bytes]]] = {}

    def __len__(self) -> int:
        return len(self._sets)

    def clear(self) -> None:
        self._sets.clear()
        self._unions.clear()

    def anywhere(self, leaves, field: str) -> frozenset[bytes]:
        """The terms of ``field`` that any of the segments of ``leaves`` holds: most
        values an import looks up are in none, and are then answered by one look."""
        key = tuple(leaf.segment().segment_id() for leaf, _ in leaves if leaf.segment())
        found = self._unions.get(field)
        if found is None or found[0] != key:
            found = self._unions[field] = (key, frozenset().union(
                *(self.of(leaf, field) for leaf, _ in leaves)))
        return found[1]

    def of(self, leaf, field: str) -> frozenset[bytes]:
        segment = leaf.segment()
        if segment is None:  # an index with no segment yet: an empty reader
            return frozenset()
        key = (segment.segment_id(), field)
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = frozenset(leaf.lexicon(field))
        return found

    def keep_only(self, leaves) -> None:
        alive = {leaf.segment().segment_id() for leaf, _ in leaves if leaf.segment()}
        for key in [k for k in self._sets if k[0] not in alive]:
            del self._sets[key]


def live_docs(reader, field: str, values, term_sets: _TermSets | None = None):
    """``(value, leaf, offset, docnum)`` for each live entry of ``reader`` whose
    ``field`` holds one of the text ``values``, segment by segment. With ``term_sets``
    a segment is asked only for the values its set of terms holds; without, each value
    is looked up in each segment's term table (quicker for a handful of values)."""
    leaves = reader.leaf_readers()
    encoded = [(value, value.encode("utf-8")) for value in values]
    if term_sets is not None:
        anywhere = term_sets.anywhere(leaves, field)
        encoded = [(v, b) for v, b in encoded if b in anywhere]
        if not encoded:
            return
    for leaf, offset in leaves:
        if term_sets is not None:
            present = term_sets.of(leaf, field)
            found = [(v, b) for v, b in encoded if b in present]
        else:
            found = [(v, b) for v, b in encoded if (field, b) in leaf]
        for value, btext in found:
            for docnum in leaf.postings(field, btext).all_ids():
                if not leaf.is_deleted(docnum):
                    yield value, leaf, offset, docnum


@dataclass(frozen=True)
class IndexState:
    """Whether an index can be used as it is, and if not, why."""

    fresh: bool
    reason: str
    revision: int | None = None


def _stamp(case: Case, revision: int) -> str | None:
    """The time of audit row ``revision``: tells one history from another."""
    row = case.row("SELECT at FROM audit WHERE id = ?", (revision,))
    return row[0] if row else None


class CaseIndex:
    """The full-text index of one open case."""

    def __init__(self, case: Case, directory: Path | None = None, *,
                 viewer: bool = False) -> None:
        self.case = case
        #: Only ever read (the window's reader thread): a fault found while reading is
        #: noted in :attr:`fault_seen` for the index's owner, never written to disk here.
        self.viewer = viewer
        self.fault_seen = False
        self.directory = Path(directory) if directory else index_dir(case)
        self._ix: whoosh_index.Index | None = None
        self._searcher: Searcher | None = None
        #: How the last :meth:`ensure` found the index (for the status bar and tests).
        self.last_state: IndexState | None = None
        #: What :meth:`ensure` did: "none", "caught up" or "rebuilt".
        self.last_repair = "none"
        #: The case revision the index was last known to match (-1: not yet).
        self.revision_seen = -1
        #: Changed rows waiting for one update, while :meth:`batched` is in force.
        self._pending: set | None = None
        #: Why this index is written and read through stock whoosh only (None: it is
        #: not; see :mod:`.compat`), decided when the index is opened.
        self.stock: str | None = None
        #: Why the index is in a temporary folder instead of its own (one line), if it is.
        self.warning: str | None = None
        #: Each segment's terms of the fields a large update looks up (see TERM_SETS_FROM).
        self._term_sets = _TermSets()

    # -- state ----------------------------------------------------------------------
    def _read_meta(self) -> dict | None:
        try:
            return json.loads((self.directory / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_meta(self, directory: Path | None = None, *,
                    revision: int | None = None) -> None:
        """Record that the index holds the case up to audit row ``revision`` (the
        case's newest when not given: only right while nobody else can write)."""
        directory = directory or self.directory
        if revision is None:
            revision = self.case.revision
        meta = {"format": FORMAT, "case_id": self.case.info.case_id,
                "case_path": str(self.case.path.resolve()), "revision": revision,
                "stamp": _stamp(self.case, revision)}
        tmp = directory / (META + ".tmp")
        tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        tmp.replace(directory / META)
        self.revision_seen = revision

    def mark_out_of_step(self) -> None:
        """Have the index rebuilt when next opened (a fault found while reading it). A
        viewer only notes it (:attr:`fault_seen`): the writer owns the index's files."""
        self.fault_seen = True
        if not self.viewer:
            self._forget_meta()

    def _forget_meta(self) -> None:
        """Mark the index as out of step, so the next open repairs it."""
        with contextlib.suppress(OSError):
            (self.directory / META).unlink()

    def _unfit(self, meta: dict | None) -> str | None:
        """Why the index whose record is ``meta`` cannot be searched for this case as it
        is (None: it can, if its files are sound and it is up to date)."""
        if meta is None:
            return "unreadable (no record of what it holds)"
        if meta.get("format") != FORMAT:
            return "made by another version of Workbench"
        if meta.get("case_id") != self.case.info.case_id:
            return "belongs to another case"
        return None

    def check(self) -> IndexState:
        """How the index on disk stands against the case (reads only)."""
        if not self.directory.is_dir():
            return IndexState(False, "missing")
        meta = self._read_meta()
        unfit = self._unfit(meta)
        if unfit:
            return IndexState(False, unfit)
        assert meta is not None
        try:
            self._open()
        except Exception as exc:  # whoosh raises many kinds on damaged files
            return IndexState(False, f"unreadable ({type(exc).__name__})")
        revision = self.case.revision
        if meta.get("revision") != revision or meta.get("stamp") != _stamp(self.case, revision):
            return IndexState(False, f"stale (index at revision {meta.get('revision')}, "
                                     f"case at {revision})", meta.get("revision"))
        self.revision_seen = revision
        return IndexState(True, "up to date", revision)

    def ensure(self, progress: Progress = NO_PROGRESS) -> IndexState:
        """Make the index usable: catch up or rebuild as :meth:`check` says."""
        state = self.check()
        self.last_state = state
        self.last_repair = "none"
        if state.fresh:
            return state
        if state.revision is not None and self._catch_up(state.revision):
            self.last_repair = "caught up"
        else:
            self.rebuild_somewhere(progress, unless_fresh=True)
            self.last_repair = "rebuilt"
        return state

    def rebuild_somewhere(self, progress: Progress = NO_PROGRESS, *,
                          unless_fresh: bool = False) -> int:
        """:meth:`rebuild`, in a temporary folder when the index's own folder cannot be
        used (a file or a dangling link in its place, removed while building, a full
        disk); :attr:`warning` then says why. Raises :class:`IndexUnavailable` (one
        line) when no folder will take an index.
        """
        try:
            return self.rebuild(progress, unless_fresh=unless_fresh)
        except (OSError, IndexFolderError) as exc:
            reason = _reason(exc)
            log.info("search index folder %s unusable: %s", self.directory, reason)
        self._release()
        try:
            fallback = Path(tempfile.mkdtemp(prefix="workbench-index-"))
            atexit.register(shutil.rmtree, fallback, True)
            broken, self.directory = self.directory, fallback / "index"
            count = self.rebuild(progress)
        except (OSError, IndexFolderError) as exc:
            raise IndexUnavailable(
                f"the search index cannot be written ({_reason(exc)}); free some disk "
                f"space or set {ENV_DIR} to a folder with room") from None
        self.warning = (f"the search index folder {broken} cannot be used ({reason}); "
                        "searching with a temporary index instead")
        return count

    # -- whoosh objects ---------------------------------------------------------------
    def _open(self) -> whoosh_index.Index:
        if self._ix is None:
            if self.viewer:  # only the owner repairs: a viewer reads what it can trust
                unfit = self._unfit(self._read_meta())
                if unfit:
                    raise IndexNotReady(f"the search index is being prepared (it is {unfit})")
            ix = whoosh_index.open_dir(str(self.directory))
            searcher = ix.searcher()  # opening the segments proves they are readable
            self._ix, self._searcher = ix, searcher
            self.stock = compat.problem(searcher)
            if self.stock:
                compat.tell(self.directory, self.stock)
        return self._ix

    def searcher(self) -> Searcher:
        """A searcher on the current index (kept open between queries; opened anew when
        another program has committed to the index since)."""
        ix = self._open()
        if self._searcher is None:
            self._searcher = ix.searcher()
        else:
            self.reopen_if_changed()
        return self._searcher

    def reopen_if_changed(self) -> bool:
        """Open a new searcher if the index on disk is newer than the one held (another
        program committed); True if it did."""
        if self._searcher is None or self._ix is None:
            return False
        try:
            if self._searcher.up_to_date():
                return False
        except Exception:  # the index folder changed under us: open it again
            self._release()
            self._open()
            return True
        with contextlib.suppress(Exception):
            self._searcher.close()
        self._searcher = self._ix.searcher()
        return True

    def close(self) -> None:
        """Detach from the case and release the index files."""
        self.case.remove_listener(self.apply)
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None
        self._ix = None

    def _release(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None
        self._ix = None

    # -- rebuilding -------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.directory.with_name(self.directory.name + ".lock")

    def rebuild(self, progress: Progress = NO_PROGRESS, *, unless_fresh: bool = False) -> int:
        """Index the whole case afresh; returns the number of entries.

        The new index is built beside the old one and replaces it only when complete,
        so a cancelled or failed rebuild leaves the previous index (still marked stale).
        It holds the index's lock throughout: another program's rebuild of the same
        case is waited for (and with ``unless_fresh``, not repeated if it left the index
        in step), and other programs' updates wait or leave their changes to the next.
        """
        with _exclusive(self.lock_path, timeout=None, progress=progress):
            if unless_fresh and self.directory.is_dir() and self.check().fresh:
                progress.update(1.0, "Index ready")  # another program just rebuilt it
                return self.searcher().doc_count()
            return self._rebuild(progress)

    def _rebuild(self, progress: Progress) -> int:
        building = self.directory.with_name(f"{self.directory.name}.building-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        # Read first: what another process writes during the rebuild comes after this
        # revision, so the next update catches it up instead of it being lost.
        revision = self.case.revision
        try:
            try:
                count = self._fill(building, progress)
                self._write_meta(building, revision=revision)
            except (OSError, IndexFolderError):
                raise
            except Exception as exc:
                if not building.is_dir():  # removed while it was being built
                    raise IndexFolderError(
                        "the folder was removed while it was being built") from exc
                raise
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._release()
        if self.directory.is_symlink() or self.directory.is_file():
            raise IndexFolderError("a file or link is in its place")
        # Moved aside, not deleted in place: a program still reading the old index
        # keeps its open files until it looks again.
        old = self.directory.with_name(f"{self.directory.name}.old-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            self.directory.rename(old)
        building.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        progress.update(1.0, "Index ready")
        return count

    def _fill(self, directory: Path, progress: Progress) -> int:
        ix = whoosh_index.create_in(str(directory), schema())
        ctx = entries_.Context.load(self.case)
        total = self.case.row("SELECT count(*) FROM pages")[0] or 1
        procs = writer_processes(total)

        def new_writer():
            # With procs > 1 each process writes its own segment; they are not merged
            # (merging is single-threaded and would take back most of the gain).
            return compat.writer(ix, stock=compat.whoosh_problem(), procs=procs,
                                 compound=False)

        writer = new_writer()
        count = held = 0
        try:
            progress.update(0.0, "Indexing pages")
            for row in entries_.page_rows(self.case):
                writer.add_document(**entries_.page_entry(ctx, row))
                count += 1
                held += len(row["text"] or b"")
                if held > COMMIT_EVERY_CHARS:  # bounded memory on a huge case
                    writer.commit(merge=False)
                    writer, held = new_writer(), 0
                if count % 250 == 0:
                    progress.check()
                    progress.update(0.85 * count / total, f"Indexing pages ({count:,})")
            progress.update(0.85, "Indexing excerpts, statements, claims and notes")
            for entry in entries_.record_entries(ctx, None):
                writer.add_document(**entry)
                count += 1
            progress.check()
            progress.update(0.9, "Writing the index")
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
        return count

    # -- keeping in step ----------------------------------------------------------------
    def apply(self, changes: Changes) -> None:
        """Listener for :meth:`Case.add_listener`: index what one action changed.

        Never raises: the action is already committed, and the index is only derived
        data. On failure the index is marked out of step and repaired on next open.
        """
        try:
            refs = set(changes.created | changes.updated | changes.deleted)
            if changes.action_id is not None:
                refs |= refs_of_action(self.case, changes.action_id)
            if self._pending is not None:
                self._pending |= refs
                if len(self._pending) >= BATCH_FLUSH_REFS:
                    refs, self._pending = self._pending, set()
                    self.update(refs)
                return
            self.update(refs)
        except Exception:
            log.exception("search index update failed; it will be rebuilt")
            self._forget_meta()
            self._release()

    @contextlib.contextmanager
    def batched(self, progress: Progress = NO_PROGRESS):
        """Index the changes of many actions together, when the block ends (an import).

        Each whoosh commit writes a segment, so indexing file by file made an import of
        many small files about ten times slower than the import itself. Inside the block
        :meth:`apply` collects what changed and indexes it in one commit every
        :data:`BATCH_FLUSH_REFS` rows (so a long import becomes searchable as it goes)
        and at the end. Should the process die first, the stale index catches up from
        the audit log when next opened. ``progress`` hears how the last update goes
        (the one left when the block ends).
        """
        if self._pending is not None:  # already batching: the outer block flushes
            yield self
            return
        self._pending = set()
        try:
            yield self
        finally:
            refs, self._pending = self._pending, None
            if refs:
                try:
                    self.update(refs, progress)
                except Exception:
                    log.exception("search index update failed; it will be rebuilt")
                    self._forget_meta()
                    self._release()
            self._term_sets.clear()

    def update(self, refs, progress: Progress = NO_PROGRESS) -> int:
        """Refresh the entries that the changed rows ``refs`` affect; returns how many.

        Other processes (a command in a terminal, the window) may write the case and
        update this index too. So the update holds the index's write lock throughout,
        reads from the index's own record which revision it holds, adds whatever the
        audit log says changed since then (another process's actions), and records
        exactly the revision it read up to, never a later one it has not indexed.
        When another program holds the index for longer than :data:`UPDATE_WAIT`, the
        update is left to the next one (which catches up from the same record).
        """
        with _exclusive(self.lock_path, timeout=UPDATE_WAIT) as locked:
            if not locked:
                log.info("search index busy in another program; updating it later")
                return 0
            return self._update(refs, progress)

    def _update(self, refs, progress: Progress = NO_PROGRESS) -> int:
        ix = self._open()

        def new_writer():
            return compat.writer(ix, stock=self.stock, timeout=UPDATE_WAIT, compound=False)

        writer = new_writer()
        try:
            upto = self.case.revision
            meta = self._read_meta() or {}
            covered = meta.get("revision")
            refs = set(refs)
            in_step = (isinstance(covered, int) and 0 <= covered <= upto
                       and upto - covered <= CATCH_UP_LIMIT
                       and meta.get("stamp") == _stamp(self.case, covered))
            if in_step and covered < upto:
                refs |= refs_since(self.case, covered, upto)
            # The writer holds the lock, so its view of the segments is the newest, and
            # its document numbers are the ones delete_document takes. (One view for the
            # whole update: each writer.searcher() opens every segment again.)
            view = writer.searcher()
            reader = view.reader()
            # Counted before this update's own pieces (a huge update commits in pieces
            # to bound its memory; merging them back together would undo that).
            small = small_segments(writer.segments)
            sets = None
            if len(refs) >= TERM_SETS_FROM or len(self._term_sets):
                sets = self._term_sets
                sets.keep_only(reader.leaf_readers())

            def lookup(field: str, value: str) -> set[str]:
                return {leaf.stored_fields(d)["uid"]
                        for _, leaf, _, d in live_docs(reader, field, [value], sets)}

            def phrase_pages(words: list[str]) -> set[str]:
                q = wq.And([wq.Term("kind", "page"),
                            wq.Phrase("body", words) if len(words) > 1
                            else wq.Term("body", words[0])])
                return {view.stored_fields(d)["uid"] for d in view.docs_for_query(q)}

            uids = affected(self.case, refs, lookup, phrase_pages)
            ctx = entries_.Context.load(self.case) if uids else None
            # Only the entries that exist are deleted (every live one holding the uid,
            # in whichever segments): most of an import's uids are new.
            for _, _, offset, docnum in live_docs(reader, "uid", sorted(uids), sets):
                writer.delete_document(offset + docnum)
            view.close()
            held = done = 0
            progress.update(0.0, f"Updating the search index ({len(uids):,} entries)")
            for entry in (entries_.build(ctx, uids) if uids else ()):
                writer.add_document(**entry)
                done += 1
                if done % 250 == 0:
                    progress.update(0.95 * done / len(uids),
                                    f"Updating the search index ({done:,} of {len(uids):,})")
                held += len(entry.get("body") or "")
                if held > COMMIT_EVERY_CHARS:  # a huge document: bounded memory
                    writer.commit(merge=False)
                    writer, held = new_writer(), 0
        except BaseException:
            writer.cancel()
            raise
        if not uids:
            writer.cancel()
        else:
            # Each update writes a small segment. Merging small segments (whoosh's
            # default on every commit) rewrote them all and was most of an update's
            # time, so they are left to accumulate and merged only when there are many.
            writer.commit(mergetype=merge_bounded if small >= MERGE_AT_SEGMENTS
                          else NO_MERGE)
        if in_step:
            self._write_meta(revision=upto)
        else:
            # The index missed changes it cannot name: the next open repairs it.
            self._forget_meta()
        if self._pending is None:  # the sets serve the batches of one import only
            self._term_sets.clear()
        if uids and self._searcher is not None:
            # The next search opens a searcher that sees the commit (not here: an
            # import's batches follow one another with no search between them).
            # (whoosh's Searcher.refresh() fails on a single-segment reader.)
            with contextlib.suppress(Exception):
                self._searcher.close()
            self._searcher = None
        return len(uids)

    def _catch_up(self, revision: int) -> bool:
        """Apply what the audit log says changed since ``revision``; False if unable."""
        current = self.case.revision
        meta = self._read_meta() or {}
        if not (0 <= revision < current) or current - revision > CATCH_UP_LIMIT:
            return False
        if meta.get("stamp") != _stamp(self.case, revision):
            return False  # not the same history (a restored copy, say)
        try:
            self.update(refs_since(self.case, revision))
        except Exception:
            log.exception("catching up the search index failed; rebuilding")
            self._release()
            return False
        return True
