"""Search from the window: results with snippets and facets, hits open at their page."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from tests.ui.helpers import wait_idle, write_pdf
from workbench.core import documents


def _search(window, qtbot, text: str) -> None:
    window.search_box.clear()
    with qtbot.waitSignal(window.search_panel.results_shown, timeout=20000):
        window.search_action.trigger()
        qtbot.keyClicks(window.search_box, text)


def test_search_and_open_a_hit_at_its_page(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    write_pdf(tmp_path / "release.pdf", ["Cover", "Nothing to see", "Nothing at all",
                                         "The agent asked for a tailgate search", "End"])
    job = window.start_import([str(tmp_path / "release.pdf")], origin="FOIA", summary=False)
    with qtbot.waitSignal(job.ended, timeout=60000):
        pass
    wait_idle(qtbot, window)
    _search(window, qtbot, "tailgate")
    panel = window.search_panel
    assert window.current_list() is panel.view
    assert panel.model.rowCount() == 1
    hit = panel.model.hit(0)
    assert (hit.kind, hit.page) == ("page", 4)
    assert "tailgate" in panel.model.index(0, 3).data(Qt.ItemDataRole.UserRole)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(panel.model.index(0, 0)).center())
    reader = window.reader
    assert reader.document.id == documents.list_all(window.session.reader)[0].id
    assert reader.page_no == 4
    hits = reader.text_view.layer_ranges("terms")
    assert [reader.text_view.text[s:e] for s, e in hits] == ["tailgate"]


def test_facets_narrow_and_bad_queries_say_why(sample_window, qtbot):
    _search(sample_window, qtbot, "plate")
    panel = sample_window.search_panel
    total = panel.results.total
    kinds = dict(panel.results.facets.kinds)
    assert total > 1 and len(kinds) > 1
    combo = panel.kind_combo
    assert combo.count() == len(kinds) + 1
    kind = "page" if "page" in kinds else next(iter(kinds))
    combo.setCurrentIndex(combo.findData(kind))
    with qtbot.waitSignal(panel.results_shown, timeout=20000):
        combo.activated.emit(combo.currentIndex())
    assert panel.results.total == kinds[kind]
    assert {h.kind for h in panel.results.hits} == {kind}
    assert combo.currentData() == kind  # the choice survives new facet counts
    combo.setCurrentIndex(0)
    with qtbot.waitSignal(panel.results_shown, timeout=20000):
        combo.activated.emit(0)
    actors = panel.actor_combo
    first = panel.results.facets.actors[0]
    actors.setCurrentIndex(actors.findData(first.name))
    with qtbot.waitSignal(panel.results_shown, timeout=20000):
        actors.activated.emit(actors.currentIndex())
    assert panel.results.total == first.count
    panel.search('"unclosed')
    qtbot.waitUntil(lambda: "closing quote" in panel.status.text(), timeout=10000)
    assert panel.model.rowCount() == 0


def test_search_answers_while_the_writer_is_busy(sample_window, qtbot):
    """Searching reads on its own thread: it never waits for an import to finish."""
    release = threading.Event()

    def long_write(case, progress):  # stands in for a long import
        while not release.wait(0.05):
            progress.check()
    job = sample_window.session.jobs.run("Long work", long_write, cancellable=True)
    try:
        _search(sample_window, qtbot, "plate")
        assert job in sample_window.session.jobs.pending  # no waiting for the writer
        assert sample_window.search_panel.results.total > 0
    finally:
        release.set()
        wait_idle(qtbot, sample_window)


def test_new_excerpt_is_found_by_search(sample_window, qtbot):
    case = sample_window.session.reader
    doc = next(d for d in documents.list_all(case) if d.kind == "text")
    text = documents.page(case, doc.id, 1).text
    word = "FICTIONAL"
    start = text.index(word)
    job = sample_window.add_excerpt(doc.id, 1, start, start + len(word) + 7,
                                    note="zanzibarian marker")
    with qtbot.waitSignal(job.ended, timeout=10000):
        pass
    wait_idle(qtbot, sample_window)
    _search(sample_window, qtbot, "zanzibarian")
    hits = sample_window.search_panel.results.hits
    # The note is indexed with its excerpt's document and page, so the hit opens there.
    assert hits and hits[0].table == "excerpts" and (hits[0].doc_id, hits[0].page) == (doc.id, 1)


def test_scrolling_to_the_end_of_the_hits_fetches_the_next_page(window, case_path, qtbot):
    from workbench.core.casefile import Case
    from workbench.ui.search.search_panel import PAGE_SIZE

    pages = [f"Ledger entry {n}: payment to the vendor." for n in range(2 * PAGE_SIZE + 50)]
    with Case.open(case_path) as case:
        documents.add(case, data=b"ledger", title="Payments ledger", kind="text",
                      pages=pages)
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    _search(window, qtbot, "ledger")
    panel = window.search_panel
    assert (panel.model.total, panel.model.rowCount()) == (len(pages), PAGE_SIZE)
    assert "scroll down for more" in panel.status.text()
    for expected in (2 * PAGE_SIZE, len(pages)):
        panel.view.scrollToBottom()  # the view asks the model for more at its end
        qtbot.waitUntil(lambda n=expected: panel.model.rowCount() == n, timeout=20000)
    assert not panel.model.canFetchMore()
    assert "scroll down" not in panel.status.text()
    # Every page of the ledger once, in one list: no page shown twice, none missing.
    assert sorted(panel.model.hit(r).page for r in range(len(pages))) == \
        list(range(1, len(pages) + 1))
    # A new search starts again from its first page.
    _search(window, qtbot, "entry 7")
    assert panel.model.rowCount() == panel.model.total < PAGE_SIZE


def test_hits_come_without_facets_when_counting_them_is_too_slow(sample_window, qtbot,
                                                                  monkeypatch):
    """Issue 15: the window uses the core search; when it skips the facets the hits
    are listed all the same and the status line says the facets were skipped."""
    from workbench.core.search import searching
    monkeypatch.setattr(searching, "FACETS_SECONDS", 0.0)
    _search(sample_window, qtbot, "plate")
    panel = sample_window.search_panel
    assert panel.results.total > 1 and panel.model.rowCount() > 0
    assert panel.kind_combo.count() == 1  # "all kinds" only
    assert "facets skipped: counting them took over 0 s" in panel.status.text()


def test_a_damaged_index_found_by_the_reader_is_rebuilt_by_its_owner(sample_window, qtbot):
    """The reader thread only reads the index: when a search finds a facet column
    damaged, the hits are listed, the index's files are left alone while the case is
    open, and the writer has it rebuilt when the case is closed (next open repairs)."""
    from workbench.core.search.store import META

    window = sample_window
    directory = window.session.index.directory
    for column in directory.glob("*.kind.col"):
        column.write_bytes(b"\xff" * column.stat().st_size)
    _search(window, qtbot, "plate")
    panel = window.search_panel
    assert panel.results.total > 1 and panel.model.rowCount() > 0
    assert "facets skipped: the index is damaged" in panel.status.text()
    assert (directory / META).exists()  # the reader wrote nothing
    window.close_case()
    assert not (directory / META).exists()  # the owner marked it for a rebuild


def test_a_search_made_while_the_index_is_prepared_runs_once_it_is_ready(window,
                                                                         sample_path, qtbot):
    """The first open after an upgrade rebuilds the index: a search typed meanwhile is
    not answered from the old index (it could be wrong) and is run again when ready."""
    import json

    from workbench.core import search
    from workbench.core.casefile import Case
    from workbench.core.search.store import FORMAT, META

    with Case.open(sample_path) as case:
        directory = search.open_index(case).directory
        search.close_index(case)
    meta = json.loads((directory / META).read_text())
    meta["format"] = FORMAT - 1
    (directory / META).write_text(json.dumps(meta))
    assert window.open_case(sample_path)
    panel = window.search_panel
    with qtbot.waitSignal(panel.results_shown, timeout=30000):
        window.search_action.trigger()
        qtbot.keyClicks(window.search_box, "plate")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: panel.results is not None and panel.results.total > 1,
                    timeout=20000)
    assert json.loads((directory / META).read_text())["format"] == FORMAT
