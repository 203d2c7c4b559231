"""Events and the chronology: ``event add/list/edit/delete/suggest`` and ``timeline``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.output import emit_json, open_case, table, to_plain
from workbench.core import chronology, events
from workbench.core.changes import Changes
from workbench.core.errors import ValidationError, WorkbenchError
from workbench.report.chronology_export import to_csv, to_timelinejs

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
DATE_HELP = ("YYYY, YYYY-MM, YYYY-MM-DD or a range FROM/TO of those; 'c. ' before it "
             "(or --circa) for an approximate date.")


def _sources(values: tuple[str, ...]) -> list[events.EventSource]:
    return [events.parse_source(v) for v in values]


def _report(verb: str, event_id: int | None, changes: Changes, as_json: bool) -> None:
    if as_json:
        emit_json({"id": event_id, "kind": "event", "changes": changes.summary()})
    elif changes.empty:
        click.echo("Nothing to change.")
    else:
        click.echo(f"{verb} event {event_id}.")


@click.group()
def event() -> None:
    """Events: what happened when, established by sources."""


@event.command("add")
@CASE
@click.option("--date", required=True, help=DATE_HELP)
@click.option("--circa", is_flag=True, help="The date is approximate.")
@click.option("--text", required=True, help="What happened, in a line.")
@click.option("--actor", "actor_ids", type=int, multiple=True,
              help="An actor involved (repeatable).")
@click.option("--source", "sources", multiple=True,
              help="excerpt:ID, statement:ID or document:ID that establishes it (repeatable).")
@click.option("--claim", "claim_ids", type=int, multiple=True,
              help="A claim it bears on (repeatable).")
@click.option("--note")
@JSON
def event_add(case, date, circa, text, actor_ids, sources, claim_ids, note, as_json) -> None:
    """Record an event with its date, actors and sources."""
    srcs = _sources(sources)
    with open_case(case) as c:
        changes = events.add(c, date=date, circa=circa, text=text, actor_ids=actor_ids,
                             sources=srcs, claim_ids=claim_ids, note=note)
    _report("Added", changes.id, changes, as_json)
    if not srcs and not as_json:
        click.echo("Note: it has no source yet; a finding cannot rely on it until it has "
                   "one (--source on event edit).", err=True)


@event.command("list")
@CASE
@click.option("--actor", "actor_id", type=int)
@click.option("--claim", "claim_id", type=int)
@JSON
def event_list(case, actor_id, claim_id, as_json) -> None:
    """List events in date order."""
    with open_case(case) as c:
        rows = events.list_all(c, actor_id=actor_id, claim_id=claim_id)
    if as_json:
        emit_json([{**to_plain(e), "precision": e.precision, "circa": e.circa,
                    "display_date": e.when.label(),
                    "sources": [str(s) for s in e.sources]} for e in rows])
        return
    table(["id", "date", "precision", "text", "actors", "sources", "claims"],
          [[e.id, e.when.label(), e.precision, e.text, " ".join(map(str, e.actor_ids)),
            " ".join(str(s) for s in e.sources) or "(none)",
            " ".join(map(str, e.claim_ids))] for e in rows], widths={3: 60})


@event.command("edit")
@CASE
@click.argument("event_id", type=int)
@click.option("--date", help=DATE_HELP)
@click.option("--circa/--exact", default=None, help="Mark the date approximate, or not.")
@click.option("--text")
@click.option("--note")
@click.option("--add-actor", type=int, multiple=True)
@click.option("--remove-actor", type=int, multiple=True)
@click.option("--source", "add_source", multiple=True, help="Add a source (repeatable).")
@click.option("--remove-source", multiple=True)
@click.option("--claim", "add_claim", type=int, multiple=True, help="Add a claim it bears on.")
@click.option("--remove-claim", type=int, multiple=True)
@JSON
def event_edit(case, event_id, date, circa, text, note, add_actor, remove_actor, add_source,
               remove_source, add_claim, remove_claim, as_json) -> None:
    """Change an event's date, text, actors, sources or claims (one undoable action)."""
    with open_case(case) as c:
        changes = events.update(c, event_id, date=date, circa=circa, text=text, note=note,
                                add_actors=add_actor, remove_actors=remove_actor,
                                add_sources=_sources(add_source),
                                remove_sources=_sources(remove_source),
                                add_claims=add_claim, remove_claims=remove_claim)
    _report("Changed", event_id, changes, as_json)


@event.command("delete")
@CASE
@click.argument("event_id", type=int)
@JSON
def event_delete(case, event_id, as_json) -> None:
    """Delete an event (its actors, sources and claims stay); `workbench undo` restores it."""
    with open_case(case) as c:
        changes = events.delete(c, event_id)
    _report("Deleted", event_id, changes, as_json)


@event.command("suggest")
@CASE
@click.option("--doc", "document_id", type=int, help="Only this document's pages.")
@click.option("--all", "include_known", is_flag=True,
              help="Also dates already recorded as events from that page.")
@click.option("--limit", type=int, default=200, show_default=True)
@JSON
def event_suggest(case, document_id, include_known, limit, as_json) -> None:
    """Dates written in the pages that could be events. Nothing is added: accept one with
    `workbench event add CASE --date ... --source excerpt:ID` (or in the window)."""
    with open_case(case) as c:
        rows = chronology.suggest(c, document_id=document_id, limit=limit,
                                  include_known=include_known)
    if as_json:
        emit_json(rows)
        return
    table(["doc", "page", "date", "written", "in context"],
          [[s.document_id, s.page_no, s.date, s.written, s.context] for s in rows],
          widths={4: 90})


def _relation(e: chronology.Entry, claim_id: int | None) -> str:
    if claim_id is not None:
        return e.relation_to(claim_id) or ""
    return ", ".join(f"{how} {cid}" for cid, how in e.claims)


@click.command("timeline")
@CASE
@click.option("--actor", "actor_id", type=int, help="Only what involves this actor.")
@click.option("--claim", "claim_id", type=int,
              help="Only what bears on this claim, with its side (for, against...).")
@click.option("--from", "date_from", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", help="Up to this date.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "timelinejs", "csv"]),
              default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output.")
@click.option("--public", is_flag=True,
              help="Leave out confidential sources and scrub what names them (always on "
                   "for timelinejs, which is made to be published).")
@JSON
def timeline_cmd(case, actor_id, claim_id, date_from, date_to, fmt, output, public,
                 as_json) -> None:
    """The case's chronology: events, documents, emails, statements, requests for comment
    and verdicts in one order, each with its source."""
    if as_json:
        fmt = "json"
    if output and Path(output).resolve() == Path(case).resolve():
        raise ValidationError("the export cannot overwrite the case file")
    with open_case(case) as c:
        chron = chronology.build(c, actor_id=actor_id, claim_id=claim_id, date_from=date_from,
                                 date_to=date_to, public=public or fmt == "timelinejs")
        title = c.info.title
    if fmt == "text":
        _print(chron, claim_id)
        return
    if fmt == "json":
        text = json.dumps({"entries": [_plain(e) for e in chron.entries],
                           "undated": [_plain(e) for e in chron.undated]},
                          ensure_ascii=False, indent=2)
    elif fmt == "timelinejs":
        text = json.dumps(to_timelinejs(chron, title=title, subtitle="Chronology"),
                          ensure_ascii=False, indent=2)
    else:
        text = to_csv(chron)
    if not output:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        Path(output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise WorkbenchError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"Chronology written to {output} ({len(chron.entries)} dated entries"
               + (f", {len(chron.undated)} undated" if fmt == "csv" else "") + ").")


def _plain(e: chronology.Entry) -> dict:
    return {**to_plain(e), "display_date": e.label, "precision": e.precision,
            "circa": e.circa, "precision_note": e.precision_note,
            "source": to_plain(e.source)}


def _print(chron: chronology.Chronology, claim_id: int | None) -> None:
    if not chron.entries and not chron.undated:
        click.echo("Nothing dated yet.")
        return
    width = max((len(e.label) for e in chron.entries), default=8)
    for e in chron.entries:
        side = _relation(e, claim_id)
        src = e.source
        where = f"  [{src}" + (f", doc {src.document_id} p.{src.page_no}"
                                if src and src.document_id is not None else "") + "]" \
            if src else "  [no source]"
        click.echo(f"{e.label.ljust(width)}  {chronology.KIND_LABELS[e.kind]:<17} "
                   f"{e.title}" + (f"  ({side})" if side else "") + where)
        if e.precision_note:
            click.echo(f"{'':{width}}  {'':17} ~ {e.precision_note}")
    if chron.undated:
        click.echo("")
        click.echo(click.style(f"Undated ({len(chron.undated)}): set the document's date or "
                               "record an event", bold=True))
        for e in chron.undated:
            side = _relation(e, claim_id)
            click.echo(f"  {chronology.KIND_LABELS[e.kind]:<17} {e.title}"
                       + (f"  ({side})" if side else "") + f"  [{e.source}]")
