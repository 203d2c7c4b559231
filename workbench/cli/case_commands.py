"""Commands about a case as a whole: new, info, import, documents, show, delete, demo."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from workbench.cli.output import (emit_json, emit_json_list, fields, lazy_progress, open_case,
                                  printable, progress_bar, stderr_is_terminal, table)
from workbench.cli import views
from workbench.core import audit, deletion, documents, importing, search, tags
from workbench.core.errors import WorkbenchError
from workbench.core.casefile import SUFFIX, Case
from workbench.core.importing import ImportOptions
from workbench.core.progress import NO_PROGRESS

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
KINDS = click.Choice(["document", "excerpt", "actor", "statement", "claim", "finding"])


@click.command()
@CASE
@click.option("--title", required=True, help="The investigation's title.")
@JSON
def new(case: str, title: str, as_json: bool) -> None:
    """Create a new, empty case file (.wbcase is added to CASE if it lacks it)."""
    if not case.endswith(SUFFIX):
        case += SUFFIX  # what `workbench CASE`, the window and the file manager look for
    with Case.create(case, title=title) as c:
        info = c.info
    if as_json:
        emit_json(info)
    else:
        click.echo(f"Created {info.path} ({info.title})")


@click.command()
@click.argument("case", required=False, type=click.Path(dir_okay=False))
def gui(case: str | None) -> None:
    """Open the window on CASE, or else on the last case open (also: workbench CASE)."""
    # Never reached from the `workbench` command: its launcher (workbench/launcher.py)
    # opens the window before the command line is parsed, so that the command line never
    # imports Qt. This entry puts the window in --help and in the README's list.
    raise click.UsageError("the window is opened by the workbench command: "
                           "workbench gui [CASE]")


@click.command()
@CASE
@JSON
@click.option("--verify", is_flag=True,
              help="Also check every page of the file (SQLite's integrity check; slow on "
                   "a large case). Exits 1 when it finds damage.")
def info(case: str, as_json: bool, verify: bool) -> None:
    """Summarise a case: title, version, and how many of each thing it holds."""
    with open_case(case) as c:
        summary = views.case_summary(c)
        problems = c.verify() if verify else None
    if problems is not None:
        summary["integrity"] = problems or "ok"
    if as_json:
        emit_json(summary)
    else:
        fields([("Case", summary["title"]), ("File", summary["path"]),
                ("Case id", summary["case_id"]), ("Created", summary["created_at"]),
                ("Version", summary["schema_version"]),
                ("Integrity", None if problems is None else
                 "ok (every page checked)" if not problems else "; ".join(problems))])
        click.echo()
        table(["what", "count"], [[k, v] for k, v in summary["counts"].items()])
    if problems:
        sys.exit(1)


@contextlib.contextmanager
def _indexing(c: Case, *, quiet: bool) -> Iterator[None]:
    """Keep the case's search index in step while the block imports, so that the first
    search afterwards need not catch up: the index takes the import in a few commits
    (:meth:`CaseIndex.batched`), and the last of them shows its progress."""
    try:
        with (contextlib.nullcontext(NO_PROGRESS) if quiet
              else lazy_progress("Updating the search index", always=False)) as progress:
            index = search.open_index(c, progress)
    except WorkbenchError as exc:  # no folder takes an index: import all the same
        click.echo(f"Warning: {exc}", err=True)
        yield
        return
    if index.warning and not quiet:
        click.echo(f"Warning: {index.warning}", err=True)
    with (contextlib.nullcontext(NO_PROGRESS) if quiet
          else lazy_progress("Updating the search index", always=False)) as progress:
        with index.batched(progress):
            yield


@click.command("import")
@CASE
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--origin", help='Where the files came from, e.g. "Records release, 2019-03".')
@click.option("--confidential", is_flag=True, help="Mark every imported document confidential.")
@click.option("--ocr", type=click.Choice(["auto", "force", "off"]), default="auto",
              show_default=True, help="OCR pages without a text layer (auto), all, or none.")
@click.option("--ocr-lang", default="eng", show_default=True, help="Tesseract languages.")
@click.option("--max-size", type=float, default=500, show_default=True,
              help="Largest file to import, in MB.")
@click.option("--follow-links", is_flag=True,
              help="Follow symbolic links in folders even where they lead out of them.")
@click.option("--max-pages", type=click.IntRange(1, 10_000_000), default=20_000,
              show_default=True, help="Most pages read from one file.")
@click.option("--max-seconds", type=click.FloatRange(1, 86_400), default=300,
              show_default=True, help="Longest text extraction of one file, in seconds.")
@click.option("--max-memory", type=click.IntRange(0, 1024 * 1024), default=1024,
              show_default=True, help="Most memory reading one file may take, in MB "
              "(0: no limit).")
@click.option("--title", help="The document's title (one file only; else its own, or "
              "its file name when that is generic).")
@click.option("--date", help="The document's own date, YYYY[-MM[-DD]] (one file only).")
@JSON
def import_(case: str, paths: tuple[str, ...], origin: str | None, confidential: bool,
            ocr: str, ocr_lang: str, max_size: float, follow_links: bool, max_pages: int,
            max_seconds: float, max_memory: int, title: str | None, date: str | None,
            as_json: bool) -> None:
    """Import files, folders (recursively) and archives into a case."""
    missing, unreadable = [], []
    for p in paths:  # refused before anything is imported, like cp or tar
        try:
            os.stat(p)
        except FileNotFoundError:
            missing.append(p)
        except OSError as exc:  # a name too long, a folder that cannot be entered
            unreadable.append(f"{p} ({(exc.strerror or str(exc)).lower()})")
    if missing or unreadable:
        raise click.ClickException("; ".join(
            ([f"no such file or folder: {', '.join(missing)}"] if missing else [])
            + ([f"cannot read {', '.join(unreadable)}"] if unreadable else [])))
    if not 0 < max_size <= 1024 * 1024:  # also refuses nan and inf
        raise click.BadParameter("must be a size in MB between 0 and 1048576",
                                 param_hint="--max-size")
    options = ImportOptions(ocr=ocr, ocr_lang=ocr_lang,
                            max_file_bytes=int(max_size * 1024 * 1024),
                            follow_links=follow_links, max_pages=max_pages,
                            max_seconds=max_seconds,
                            max_memory_bytes=max_memory * 1024 * 1024)
    described = {k: v for k, v in (("title", title), ("date", date)) if v is not None}
    if described and (len(paths) != 1 or not Path(paths[0]).is_file()):
        raise click.UsageError("--title and --date describe one document: give one file")
    if "date" in described:
        documents.check_date(described["date"])  # refused before anything is imported
    with open_case(case) as c, _indexing(c, quiet=as_json or not stderr_is_terminal()):
        with progress_bar("Importing", quiet=as_json) as progress:
            result = importing.import_paths(c, paths, origin=origin,
                                            confidential=confidential, options=options,
                                            progress=progress)
        # --confidential on files the case already holds: the document itself (and what
        # it contains) becomes confidential, and the report says so
        marked = documents.mark_confidential(c, [
            i.document_id for i in result.items
            if i.outcome == "duplicate" and i.document_id is not None]) if confidential else []
        first = next((i for i in result.items if i.document_id is not None
                      and i.outcome == "imported"), None)
        if described and first is not None and first.document_id is not None:
            documents.update(c, first.document_id, **described)
    if as_json:
        emit_json({**views.import_json(result), "marked_confidential": marked})
        return
    views.print_import(result)
    for doc_id in marked:
        click.echo(f"document {doc_id} was already in the case: now marked confidential")


@click.command()
@CASE
@JSON
def imports(case: str, as_json: bool) -> None:
    """List past imports and the files that failed in each."""
    with open_case(case) as c:
        reports = importing.imports(c)
    if as_json:
        emit_json([views.import_json(r) for r in reports])
        return
    table(["import", "started", "status", "origin", "imported", "duplicates", "failed",
           "pages", "ocr pages", "seconds"],
          [[r.import_id, r.started_at, r.status, r.origin, r.imported, r.duplicates,
            r.failed, r.pages, r.ocr_pages, f"{r.seconds:.1f}"] for r in reports])
    for r in reports:
        for item in r.problems:
            click.echo(f"  import {r.import_id}: {printable(item.path)}: {printable(item.reason)}")


@click.command("documents")
@CASE
@click.option("--kind", help="Only documents of this kind (pdf, email, text, ...).")
@click.option("--origin", help="Only documents with this origin label.")
@JSON
def documents_(case: str, kind: str | None, origin: str | None, as_json: bool) -> None:
    """List the documents of a case."""
    # Streamed from one cursor: a leak-sized case lists 250,000 documents.
    with open_case(case) as c:
        ocr, tagged = documents.ocr_states(c), tags.of_every(c, "document")
        if as_json:
            emit_json_list(views.document_row(c, d, ocr=ocr.get(d.id, "none"),
                                              tag_names=tagged.get(d.id, []))
                           for d in documents.each(c, kind=kind, origin=origin))
            return
        table(["id", "title", "kind", "origin", "pages", "ocr", "received", "sha256",
               "confidential", "tags"],
              ([d.id, d.title, d.kind, d.origin, d.page_count, ocr.get(d.id, "none"),
                d.received, d.sha256[:12], d.confidential, ", ".join(tagged.get(d.id, ()))]
               for d in documents.listing(c, kind=kind, origin=origin)),
              widths={1: 44, 3: 34})


@click.command()
@CASE
@click.argument("document_id", type=int)
@click.option("--page", type=int, help="Only this page.")
@JSON
def text(case: str, document_id: int, page: int | None, as_json: bool) -> None:
    """Print a document's text, page by page (to copy quotes for excerpts)."""
    with open_case(case) as c:
        pages = ([documents.page(c, document_id, page)] if page is not None
                 else documents.pages(c, document_id))
    if as_json:
        emit_json(pages)
        return
    for p in pages:
        note = {"needed": " (needs OCR)", "done": f" (OCR, confidence "
                f"{p.ocr_confidence or 0:.0f}%)", "failed": " (OCR failed)"}.get(p.ocr, "")
        click.echo(click.style(f"--- page {p.page_no}{note} ---", bold=True))
        click.echo(p.text)


@click.group()
def document() -> None:
    """A document's description (its bytes and pages never change)."""


@document.command("edit")
@CASE
@click.argument("document_id", type=int)
@click.option("--title", help="A new title.")
@click.option("--date", help="The document's own date, YYYY[-MM[-DD]] ('' clears it).")
@click.option("--origin", help="Where it came from ('' clears it).")
@JSON
def document_edit(case: str, document_id: int, title: str | None, date: str | None,
                  origin: str | None, as_json: bool) -> None:
    """Set a document's title, date or origin (one undoable action)."""
    values: dict[str, str | None] = {
        k: v for k, v in (("title", title), ("date", date), ("origin", origin))
        if v is not None}
    if not values:
        raise click.UsageError("give --title, --date or --origin")
    if "origin" in values:
        values["origin"] = values["origin"] or None
    with open_case(case) as c:
        documents.update(c, document_id, **values)
        doc = documents.get(c, document_id)
        row = views.document_row(c, doc)
    if as_json:
        emit_json(row)
    else:
        click.echo(f"document {doc.id}: {doc.title}"
                   + (f" · {doc.date}" if doc.date else ""))


@click.command()
@CASE
@click.argument("kind", type=KINDS)
@click.argument("row_id", type=int)
@JSON
def show(case: str, kind: str, row_id: int, as_json: bool) -> None:
    """Show one document, excerpt, actor, statement, claim or finding in full."""
    with open_case(case) as c:
        data = views.detail(c, kind, row_id)
    if as_json:
        emit_json(data)
    else:
        views.print_detail(kind, data)


@click.command()
@CASE
@click.argument("kind", type=click.Choice(list(deletion.KINDS)))
@click.argument("row_id", type=int)
@click.option("--cascade", is_flag=True,
              help="Also delete or unlink whatever still uses it.")
@JSON
def delete(case: str, kind: str, row_id: int, cascade: bool, as_json: bool) -> None:
    """Delete one row; refused while something uses it, unless --cascade."""
    with open_case(case) as c:
        changes = deletion.delete(c, kind, row_id, cascade=cascade)
    summary = changes.summary()
    if as_json:
        emit_json({"id": row_id, "kind": kind, "changes": summary})
        return
    click.echo(f"Deleted {kind} {row_id}.")
    for table_name, verbs in sorted(summary.items()):
        for verb, n in verbs.items():
            click.echo(f"  {table_name}: {n} {verb}")


@click.command("audit")
@CASE
@click.option("--limit", type=int, default=50, show_default=True, help="Newest entries to show.")
@click.option("--table", "table_name", help="Only changes to this table.")
@JSON
def audit_(case: str, limit: int, table_name: str | None, as_json: bool) -> None:
    """Show the audit log: every change, which row, before and after, when."""
    with open_case(case) as c:
        entries = audit.entries(c, table=table_name, limit=limit)
    if as_json:
        emit_json(entries)
        return
    table(["#", "at", "action", "op", "table", "row", "change"],
          [[e.id, e.at, e.action, e.operation, e.table, e.row_id,
            views.audit_change(e)] for e in entries], widths={2: 28, 6: 70})


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@JSON
def demo(path: str, force: bool, as_json: bool) -> None:
    """Write the fictional sample case (for trying Workbench out)."""
    from workbench.core import sample

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and force:
        for p in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            p.unlink(missing_ok=True)
    with sample.build(target) as c:
        summary = views.case_summary(c)
    if as_json:
        emit_json(summary)
        return
    click.echo(f"Wrote the sample case to {target}")
    click.echo("(a fictional case, made up to show how Workbench works)")
    counts = summary["counts"]
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


@click.command()
@CASE
@click.option("--limit", type=int, default=20, show_default=True)
@JSON
def history(case: str, limit: int, as_json: bool) -> None:
    """List the newest actions (what `workbench undo` can revert)."""
    from workbench.core import undo as undo_core

    with open_case(case) as c:
        rows = undo_core.actions(c, limit=limit)
    if as_json:
        emit_json(rows)
        return
    table(["action", "at", "what", "reverts"], [[a.id, a.at, a.label, a.reverts] for a in rows])


@click.command()
@CASE
@click.option("--action", "action_id", type=int,
              help="Revert this action (see `workbench history`); an undo reverted is a redo.")
@JSON
def undo(case: str, action_id: int | None, as_json: bool) -> None:
    """Undo the newest action not yet undone (or the one given)."""
    from workbench.core import undo as undo_core

    with open_case(case) as c:
        target = action_id if action_id is not None else undo_core.last_undoable(c).id
        changes = undo_core.revert(c, target)
    if as_json:
        emit_json({"id": changes.action_id, "reverts": target, "changes": changes.summary()})
    else:
        click.echo(f"{changes.action} (action {target}).")
