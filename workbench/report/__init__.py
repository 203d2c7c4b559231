"""Rendering a report snapshot (``workbench.core.snapshot``) as PDF, Markdown or
ClaimReview JSON-LD. Nothing here reads the case file or imports Qt."""

from workbench.report.claimreview import render_claimreview
from workbench.report.markdown import render_markdown
from workbench.report.pdf import render_pdf

__all__ = ["render_claimreview", "render_markdown", "render_pdf"]
