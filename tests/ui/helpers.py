"""Helpers shared by the window tests."""

from __future__ import annotations


def wait_idle(qtbot, window, timeout: int = 60000) -> None:
    """Wait until the writer thread has no job left (indexing, import, edit)."""
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=timeout)


def write_pdf(path, pages: list[str]) -> None:
    """A real PDF with one line of text per page (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for text in pages:
        y = 780
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
