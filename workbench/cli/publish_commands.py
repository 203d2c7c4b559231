"""Reconcile and publish: contradictions, actor dossiers, the publication gate, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.output import emit_json, fields, open_case, progress_bar, table, to_plain
from workbench.core import gate, handoff, reconcile, snapshot, statements, validate
from workbench.core.errors import ValidationError, WorkbenchError
from workbench.report import export

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
INCLUDE_CONFIDENTIAL = click.option(
    "--include-confidential", is_flag=True,
    help="(--format ftm) Also export documents and people marked confidential; needs "
         "--i-understand.")
I_UNDERSTAND = click.option(
    "--i-understand", is_flag=True,
    help="(--format ftm) Confirm that confidential material may leave this machine.")


def _quote(text: str | None, width: int = 100) -> str:
    text = " ".join((text or "").split())
    return f'"{text}"' if len(text) <= width else f'"{text[:width - 1]}…"'


def _print_items(title: str, items: tuple[reconcile.EvidenceItem, ...]) -> None:
    if not items:
        return
    click.echo(f"  {title}:")
    for i in items:
        click.echo(f"    {i.kind} {i.target_id}  {i.label}")
        if i.text:
            click.echo(f"      {_quote(i.text)}")
        if i.note:
            click.echo(f"      note: {i.note}")


def _print_reconciliation(r: reconcile.Reconciliation) -> None:
    mark = "  [contradiction]" if r.contested else ""
    click.echo(click.style(f"Claim {r.claim.id}: {r.claim.text}", bold=True) + mark)
    v = r.verdict
    click.echo(f"  verdict: {v.status}" + (f" ({v.decided_at[:10]})" if v.decided_at else ""))
    if v.rationale:
        click.echo(f"  rationale: {v.rationale}")
    _print_items("for", r.supports)
    _print_items("against", r.contradicts)
    _print_items("context", r.context)
    click.echo("")


@click.command("contradictions")
@CASE
@click.option("--all", "show_all", is_flag=True,
              help="Every claim laid out, not only those with evidence on both sides.")
@JSON
def contradictions_cmd(case: str, show_all: bool, as_json: bool) -> None:
    """Claims with evidence on both sides, the evidence, and their verdicts."""
    with open_case(case) as c:
        rows = reconcile.reconcile_all(c) if show_all else reconcile.contradictions(c)
    if as_json:
        emit_json([{**to_plain(r), "contested": r.contested, "resolved": r.resolved}
                   for r in rows])
        return
    if not rows:
        click.echo("No claim has evidence on both sides." if not show_all else "No claims.")
    for r in rows:
        _print_reconciliation(r)


@click.command("dossier")
@CASE
@click.argument("actor_id", type=int)
@JSON
def actor_dossier(case: str, actor_id: int, as_json: bool) -> None:
    """An actor's record beside its words: claims about it, statements, pages naming it."""
    from workbench.core import search
    with open_case(case) as c:
        # The command owns its case: it may bring the index up to date, then reads it.
        try:
            d = reconcile.dossier(c, actor_id, index=search.open_index(c))
        finally:
            search.close_index(c)
    if as_json:
        emit_json(d)
        return
    a = d.actor
    click.echo(click.style(a.name, bold=True))
    fields([("id", a.id), ("type", a.type), ("aliases", "; ".join(a.aliases)),
            ("part of", d.parent.name if d.parent else None),
            ("confidential", a.confidential or None), ("note", a.note)])
    click.echo("")
    click.echo(click.style(f"Statements ({len(d.statements)})", bold=True))
    table(["id", "stance", "date", "channel", "speaker", "text"],
          [[s.id, s.stance, s.date or f"asked {s.asked_on}", s.channel, s.speaker, s.text]
           for s in d.statements], widths={5: 70})
    click.echo("")
    click.echo(click.style(f"Claims about it ({len(d.claims)})", bold=True))
    table(["id", "claim", "verdict", "for", "against", "context"],
          [[r.claim.id, r.claim.text, r.verdict.status, len(r.supports), len(r.contradicts),
            len(r.context)] for r in d.claims], widths={1: 70})
    click.echo("")
    click.echo(click.style(f"Pages that name it ({len(d.mentions)})", bold=True))
    table(["doc", "page", "title", "hits", "in context"],
          [[m.document_id, m.page_no, m.document_title, m.count, m.snippet]
           for m in d.mentions], widths={2: 40, 4: 80})


def _print_problems(problems: list[gate.Problem], *, err: bool = False) -> None:
    for p in problems:
        click.echo(f"- [{p.kind}] {p.message}", err=err)
        click.echo(f"    fix: {p.fix}", err=err)


@click.command("check")
@CASE
@click.option("--title", help="The report's title, if not the case title (checked too).")
@click.option("--byline", help="The report's byline (checked too).")
@JSON
def check_cmd(case: str, title: str | None, byline: str | None, as_json: bool) -> None:
    """The publication gate: list every problem and where to fix it; exit 1 if any."""
    with open_case(case) as c:
        problems = gate.check(c, title=title, byline=byline)
    if as_json:
        emit_json({"publishable": not problems, "problems": problems})
    elif problems:
        click.echo(f"Not publishable: {len(problems)} problem(s).")
        _print_problems(problems)
    else:
        click.echo("Publishable: every check passed.")
    if problems:
        sys.exit(1)


@click.command("export")
@CASE
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Where to write the report (Markdown and JSON-LD: standard output "
                   "when omitted). Its extension must fit the format: .pdf; .md or "
                   ".markdown; .jsonld or .json.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "md", "claimreview", "ftm"]),
              default="pdf", show_default=True,
              help="ftm: FollowTheMoney entities for Aleph (needs workbench[aleph]).")
@click.option("--draft", is_flag=True, help="Export even if the gate fails, marked DRAFT.")
@click.option("--date", "report_date",
              help="The report's date, YYYY-MM-DD (default today); also makes the PDF "
                   "byte-for-byte reproducible.")
@click.option("--title", help="The report's title (default: the case title).")
@click.option("--byline", help="Who the report is by.")
@click.option("--publisher", help="The publishing organisation (ClaimReview's author; "
                                  "default: the case's, see `workbench publisher`).")
@click.option("--url", help="Where the report is published (ClaimReview's url; default: "
                            "the case's, see `workbench publisher`).")
@click.option("--chronology", "with_chronology", is_flag=True,
              help="Add the Chronology section: what the findings rely on, in time order "
                   "(PDF and Markdown).")
@INCLUDE_CONFIDENTIAL
@I_UNDERSTAND
def export_cmd(case: str, output: str | None, fmt: str, draft: bool, report_date: str | None,
               title: str | None, byline: str | None, publisher: str | None,
               url: str | None, with_chronology: bool = False,
               include_confidential: bool = False, i_understand: bool = False) -> None:
    """Export the report of findings with their sources.

    A final export is refused (exit 1, with the list of problems) while `workbench check`
    finds any; --draft exports anyway, with DRAFT on every page. Every export is read
    back before it is kept: one that still names a confidential source is refused. The
    output is never the case file, one of its -wal/-shm/-journal files, a link or a
    device; it is written to a temporary file beside it and renamed.
    """
    report_date = validate.iso_date(report_date, "--date")
    if fmt == "pdf" and not output:
        raise click.UsageError("a PDF needs an output file: -o report.pdf")
    if fmt == "ftm":
        return export_ftm(case, output, i_understand=i_understand,
                          include_confidential=include_confidential)
    if include_confidential or i_understand:
        raise click.UsageError("--include-confidential goes with --format ftm; a report "
                               "never names a confidential source")
    if output:
        export.check_output(output, fmt=fmt, case_path=case)
    request = export.ExportRequest(
        fmt=fmt, output=Path(output) if output else None, title=title, byline=byline,
        date=report_date, draft=draft, publisher=publisher, url=url,
        reproducible=report_date is not None, chronology=with_chronology)
    try:
        with open_case(case) as c:
            result = export.export(c, request)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {output}: {exc.strerror or exc}") from None
    if result.refused:
        click.echo(f"Error: refused: the case is not ready for a final report "
                   f"({len(result.problems)} problem(s)). Fix them, or export with --draft:",
                   err=True)
        _print_problems(list(result.problems), err=True)
        sys.exit(1)
    snap = result.snapshot
    if not output:
        click.echo(result.text, nl=False)
        return
    kind = "Draft report" if draft else "Report"
    click.echo(f"{kind} written to {output} ({len(snap.findings)} findings, "
               f"{len(snap.notes)} citations, {len(snap.sources)} sources).")


def export_ftm(case: str, output: str | None, *, include_confidential: bool,
               i_understand: bool) -> None:
    """``workbench export CASE --format ftm -o FILE``."""
    handoff.require()
    if not output:
        raise click.UsageError("a FollowTheMoney export needs an output file: "
                               "-o case.ftm.jsonl")
    if include_confidential and not i_understand:
        raise ValidationError("refused: --include-confidential writes confidential "
                              "documents and people into the file; add --i-understand "
                              "to confirm")
    if i_understand and not include_confidential:
        raise click.UsageError("--i-understand goes with --include-confidential")
    from workbench.core.handoff.export import export_case
    with open_case(case) as c, progress_bar("Exporting") as progress:
        summary = export_case(c, output, include_confidential=include_confidential,
                              progress=progress)
    for line in summary.lines():
        click.echo(line)


@click.command("publisher")
@CASE
@click.argument("name")
@click.option("--url", help="The address the case's report is published at.")
def publisher_cmd(case: str, name: str, url: str | None) -> None:
    """Record who publishes this case's reports (ClaimReview's author) and where."""
    with open_case(case) as c:
        snapshot.set_publication(c, publisher=name, url=url)
    click.echo(f"Publisher set to {name}" + (f" ({url})." if url else "."))


@click.command("no-response-needed")
@CASE
@click.argument("actor_id", type=int)
@click.option("--reason", help="Why: e.g. the actor is a source of the records, not a "
                               "subject of the findings.")
@click.option("--clear", is_flag=True, help="Withdraw it: a response is needed again.")
def actor_no_response_needed(case: str, actor_id: int, reason: str | None,
                             clear: bool) -> None:
    """Record that an actor needs no response (the gate accepts the reason instead)."""
    if not clear and not reason:
        raise click.UsageError("give the reason (--reason TEXT), or --clear")
    with open_case(case) as c:
        statements.set_not_needed(c, actor_id, None if clear else reason)
    click.echo(f"Actor {actor_id}: " + ("a response is needed again." if clear
                                        else f"no response needed ({reason})."))


@click.command("edit")
@CASE
@click.argument("statement_id", type=int)
@click.option("--text", help="The verbatim words.")
@click.option("--excerpt", "excerpt_id", type=int, help="The excerpt where it is recorded.")
@click.option("--speaker", help="Who spoke for the actor.")
@click.option("--role", help="The speaker's role.")
@click.option("--date", help="When it was said, YYYY-MM-DD.")
def statement_edit(case: str, statement_id: int, text: str | None, excerpt_id: int | None,
                   speaker: str | None, role: str | None, date: str | None) -> None:
    """Correct a statement's words, the excerpt that records them, speaker, role, date."""
    values = {k: v for k, v in (("text", text), ("excerpt_id", excerpt_id),
                                ("speaker", speaker), ("role", role), ("date", date))
              if v is not None}
    if not values:
        raise click.UsageError("nothing to change: give --text, --excerpt, --speaker, "
                               "--role or --date")
    with open_case(case) as c:
        statements.update(c, statement_id, **values)
    click.echo(f"Statement {statement_id} changed.")
