"""Commands that follow an import: ``ocr`` (pages still waiting for it) and ``thread``."""

from __future__ import annotations

import click

from workbench.cli.output import emit_json, open_case, progress_bar, table
from workbench.core.importing import recognise, threads

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.command()
@CASE
@click.option("--doc", "document_id", type=int, help="Only this document.")
@click.option("--ocr-lang", "lang", default="eng", show_default=True,
              help="Tesseract languages, e.g. eng+spa.")
@click.option("--retry-failed", is_flag=True, help="Also try pages whose OCR failed before.")
@JSON
def ocr(case: str, document_id: int | None, lang: str, retry_failed: bool,
        as_json: bool) -> None:
    """OCR the pages that still need it (imported without Tesseract, or with --ocr off)."""
    with open_case(case) as c, progress_bar("OCR", quiet=as_json) as progress:
        summary = recognise.ocr_documents(c, document_id=document_id, lang=lang,
                                          retry_failed=retry_failed, progress=progress)
    if as_json:
        emit_json(summary)
        return
    if not summary.pages and not summary.skipped:
        click.echo("No pages are waiting for OCR.")
        return
    confidence = "" if summary.confidence is None else f"{summary.confidence:.0f}%"
    table(["pages", "done", "failed", "mean confidence"],
          [[summary.pages, summary.done, summary.failed, confidence]])
    for line in summary.skipped:
        click.echo(f"skipped: {line}")


@click.command()
@CASE
@click.argument("document_id", type=int)
@JSON
def thread(case: str, document_id: int, as_json: bool) -> None:
    """Show the email thread a message belongs to, replies indented under their parent."""
    with open_case(case) as c:
        messages = threads.thread(c, document_id)
    if as_json:
        emit_json(messages)
        return
    table(["id", "date", "from", "subject"],
          [[m.document_id, m.date or "", m.from_addr or "",
            ("  " * m.depth + ("↳ " if m.depth else "") + (m.subject or "(no subject)")
             + (" ◀" if m.document_id == document_id else ""))]
           for m in messages], widths={2: 36, 3: 60})
