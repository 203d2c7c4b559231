"""Excerpts drawn on the page image at their place (readable: multiplied into the page,
print stays dark), clicking one there chooses it in the excerpts list; the page text's
highlights keep dark text in a dark palette; the reader keeps its width when panels open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import wait_idle, write_pdf
from workbench.core import documents, excerpts, importing
from workbench.core.casefile import Case


@pytest.fixture
def pdf_case(sample_path, tmp_path):
    pdf = tmp_path / "memo.pdf"
    write_pdf(pdf, ["Analysts query the PlateStream service\nmore than 80 agencies share "
                    "their scans\nNo audit was done", "second page"])
    with Case.open(sample_path) as case:
        report = importing.import_paths(case, [str(pdf)])
        doc_id = report.items[0].document_id
        text = documents.page(case, doc_id, 1).text
        start = text.index("80 agencies")
        ex = excerpts.add_range(case, document_id=doc_id, page=1, start=start,
                                end=start + len("80 agencies share"))
    return sample_path, doc_id, ex.id


@pytest.fixture
def window(full_window):
    full_window.resize(1366, 768)  # a laptop's screen
    return full_window


def test_excerpt_is_drawn_on_the_page_and_a_click_chooses_it(window, pdf_case, qtbot):
    path, doc_id, excerpt_id = pdf_case
    assert window.open_case(path)
    wait_idle(qtbot, window)
    window.open_document(doc_id, 1)
    reader = window.reader

    def fitted() -> bool:  # At Fit the page fills the image pane's width.
        pixmap = reader.image_label.pixmap()
        return (bool(reader._page_boxes) and pixmap is not None and not pixmap.isNull()
                and pixmap.width() >= reader.image_area.viewport().width() - 20)
    qtbot.waitUntil(fitted, timeout=10000)
    key, rect = reader._page_boxes[0]
    assert key == excerpt_id
    pixmap = reader.image_label.pixmap()
    image = pixmap.toImage()
    # Yellow where the excerpt is, white paper elsewhere on its line.
    colours = [QColor(image.pixel(x, int(rect.top() + 1)))
               for x in range(int(rect.left()) + 1, int(rect.right()) - 1)]
    yellow = [c for c in colours if c.red() > 200 and c.green() > 180 and c.blue() < 150]
    paper = QColor(image.pixel(2, 2))
    assert len(yellow) > len(colours) // 2, (paper.name(), [c.name() for c in colours[:5]],
                                             image.format(), rect, image.size())
    left = (reader.image_label.width() - pixmap.width()) // 2
    QTest.mouseClick(reader.image_label, Qt.MouseButton.LeftButton,
                     pos=QPoint(left + int(rect.center().x()), int(rect.center().y())))
    view = window.side_panel.excerpts_view
    chosen = window.side_panel.excerpts_model.rows[view.currentIndex().row()]
    assert chosen.id == excerpt_id
    assert reader.focus == (chosen.start, chosen.end)


def test_page_text_highlights_keep_dark_text_in_a_dark_palette(window, pdf_case, qtbot):
    path, doc_id, _ = pdf_case
    app = QApplication.instance()
    before = app.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1f1f1f"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    app.setPalette(dark)
    try:
        assert window.open_case(path)
        wait_idle(qtbot, window)
        window.open_document(doc_id, 1)
        for sel in window.reader.text_view.extraSelections():
            fg = sel.format.foreground().color()
            bg = sel.format.background().color()
            assert bg.lightness() - fg.lightness() > 120, (fg.name(), bg.name())
    finally:
        app.setPalette(before)


def test_reader_keeps_a_readable_width_with_every_panel_open(window, pdf_case, qtbot):
    path, doc_id, _ = pdf_case
    window.resize(1440, 900)
    assert window.open_case(path)
    wait_idle(qtbot, window)
    window.open_document(doc_id, 1)
    for attr in window.verification.show_actions:
        window.verification.show_actions[attr].trigger()
    qtbot.wait(300)
    assert window.reader.width() >= 540
    assert window.reader.image_area.width() >= 300
    # Titles in the list keep their room (the list scrolls sideways instead).
    assert window.documents_view.columnWidth(0) >= window.TITLE_MIN


def test_pages_render_only_while_no_other_thread_is_inside_pdfium(window, pdf_case, qtbot):
    """PDFium is not thread-safe: the window's reader thread renders a page only when no
    other thread (an import's OCR, an export reading its PDF back) is inside PDFium."""
    import threading

    from workbench.core.importing.pdf import PDFIUM_LOCK

    path, doc_id, _ = pdf_case
    assert window.open_case(path)
    wait_idle(qtbot, window)
    rendered: list[int] = []
    holding, release = threading.Event(), threading.Event()

    def other_thread() -> None:  # as an export or an OCR worker would
        with PDFIUM_LOCK:
            holding.set()
            release.wait(10)
    worker = threading.Thread(target=other_thread)
    worker.start()
    try:
        assert holding.wait(5)
        window.renderer.page_rendered.connect(lambda n, *rest: rendered.append(n))
        window.open_document(doc_id, 1)
        qtbot.wait(600)
        assert rendered == []  # waiting for the lock, not rendering beside the other call
    finally:
        release.set()
        worker.join()
    qtbot.waitUntil(lambda: bool(rendered), timeout=10000)
    qtbot.waitUntil(lambda: not window.reader.image_label.pixmap().isNull(), timeout=5000)
