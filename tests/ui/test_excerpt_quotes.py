"""The side panel shows every excerpt's quotation in full, wrapped to the panel's width
(not cut to one line with the text only in a tooltip), readable in light and dark."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from tests.ui.helpers import wait_idle
from tests.ui.screens import dark_palette
from workbench.core import documents
from workbench.ui.reading.excerpt_dialog import ExcerptDialog


def _shown_text(view, row: int) -> str:
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    view.itemDelegateForColumn(0).initStyleOption(option, index)
    return option.text


def _panel(sample_window, qtbot):
    window = sample_window
    window.resize(1366, 768)
    window.side_panel.setCurrentIndex(0)
    view = window.side_panel.excerpts_view
    qtbot.waitUntil(lambda: view.model().rowCount() > 5)
    qtbot.wait(50)
    return view


def test_every_quote_is_shown_whole_and_wrapped(sample_window, qtbot):
    view = _panel(sample_window, qtbot)
    model = view.model()
    assert view.width() < 400  # the narrow side panel
    metrics = QFontMetrics(view.font())
    # The width the style lays the text out in: the column less its text margins.
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    column = view.columnWidth(0) - 2 * margin
    longest = 0
    for row in range(model.rowCount()):
        ex = model.excerpt(row)
        text = _shown_text(view, row)
        assert f"“{ex.quote}”" in text and "…" not in text.replace(ex.quote, "")
        assert f"p. {ex.page_no}" in text
        lines = text.split("\u2028")
        needed = sum(metrics.boundingRect(QRect(0, 0, column, 10000),
                                          Qt.TextFlag.TextWordWrap, line).height()
                     for line in lines)
        assert view.rowHeight(row) >= needed, (row, ex.quote)
        longest = max(longest, view.rowHeight(row))
    assert longest > 4 * metrics.height()  # a long quote takes several lines
    # Widened, the panel gives the quotes fewer, longer lines.
    window = sample_window
    window.resizeDocks([window.side_dock], [560], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: view.columnWidth(0) > column + 100)
    qtbot.waitUntil(lambda: max(view.rowHeight(r) for r in range(model.rowCount())) < longest)
    assert all(view.rowHeight(r) == view.sizeHintForRow(r) for r in range(model.rowCount()))


def test_a_new_long_excerpt_is_shown_whole(sample_window, qtbot):
    window = sample_window
    view = _panel(window, qtbot)
    case = window.session.reader
    before = view.model().rowCount()
    doc = max(documents.ids(case), key=lambda d: len(documents.page(case, d, 1).text))
    window.open_document(doc, 1)
    window.reader.text_view.select_range(0, 260)
    window.excerpt_action.trigger()
    dialog = window.findChild(ExcerptDialog, "excerptDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.accept()
    with qtbot.waitSignal(window.last_job.ended, timeout=10000):
        pass
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: view.model().rowCount() == before + 1, timeout=10000)
    row = max(range(view.model().rowCount()), key=lambda r: view.model().excerpt(r).id)
    quote = view.model().excerpt(row).quote
    assert len(quote) > 200
    assert f"“{quote}”" in _shown_text(view, row)
    view.scrollTo(view.model().index(row, 0))  # where the reporter looks for it
    tall = 6 * QFontMetrics(view.font()).height()
    qtbot.waitUntil(lambda: view.rowHeight(row) > tall)


def test_only_the_excerpts_on_screen_are_measured(window, tmp_path, qtbot):
    """A case with hundreds of excerpts: the panel measures the quotes in view, and the
    others as they are scrolled to (measuring every one, each time the panel was laid
    out, stopped the window for a tenth of a second on 200 excerpts)."""
    from workbench.core import excerpts
    from workbench.core.casefile import Case

    count = 400
    sentences = [f"Sentence {n} says the county shared plate scans with agency {n} "
                 f"under contract {n} and kept them for {n} days." for n in range(count)]
    path = tmp_path / "many.wbcase"
    with Case.create(path, title="Many excerpts") as case:
        doc = documents.add(case, data=b"memo", title="Memo", kind="text",
                            pages=[" ".join(sentences)]).created
        doc_id = next(i for t, i in doc if t == "documents")
        for sentence in sentences:
            excerpts.add(case, document_id=doc_id, page=1, quote=sentence)
    assert window.open_case(path)
    wait_idle(qtbot, window)
    window.resize(1366, 768)
    window.side_panel.setCurrentIndex(0)
    view = window.side_panel.excerpts_view
    qtbot.waitUntil(lambda: view.model().rowCount() == count)
    default = view.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: view.rowHeight(0) > default)  # a wrapped quote on screen
    assert view.rowHeight(count - 1) == default  # far below: not measured yet
    view.scrollToBottom()
    qtbot.waitUntil(lambda: view.rowHeight(count - 1) > default)
    assert f"“{sentences[-1]}”" in _shown_text(view, count - 1) or \
        f"“{sentences[0]}”" in _shown_text(view, count - 1)


def _light_and_dark_pixels(view) -> tuple[int, int]:
    image = view.viewport().grab(view.visualRect(view.model().index(0, 0))).toImage()
    light = dark = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            v = image.pixelColor(x, y).lightness()
            light += v > 190
            dark += v < 70
    return light, dark


def test_quotes_read_in_light_and_dark_palettes(sample_window, qtbot):
    view = _panel(sample_window, qtbot)
    view.clearSelection()
    view.setCurrentIndex(view.model().index(3, 0))  # the first row is not selected
    light, dark = _light_and_dark_pixels(view)
    assert light > 5 * dark and dark > 20  # dark text on a light base
    view.setPalette(dark_palette())
    qtbot.wait(20)
    light, dark = _light_and_dark_pixels(view)
    assert dark > 5 * light and light > 20  # light text on a dark base
    assert view.palette().color(QPalette.ColorRole.Text).lightness() > 200
