"""Reconcile and publish: contradictions, actor dossiers, the publication gate, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli import handoff_commands
from workbench.cli.main import cli
from workbench.cli.output import emit_json, fields, open_case, table, to_plain
from workbench.cli.record_commands import actor
from workbench.core import gate, reconcile, snapshot, validate
from workbench.core.errors import ValidationError, WorkbenchError
from workbench.report import render_claimreview, render_markdown, render_pdf

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


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


@cli.command("contradictions")
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


@actor.command("dossier")
@CASE
@click.argument("actor_id", type=int)
@JSON
def actor_dossier(case: str, actor_id: int, as_json: bool) -> None:
    """An actor's record beside its words: claims about it, statements, pages naming it."""
    with open_case(case) as c:
        d = reconcile.dossier(c, actor_id)
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


@cli.command("check")
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


@cli.command("export")
@CASE
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Where to write the report (Markdown and JSON-LD: standard output "
                   "when omitted).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "md", "claimreview", "ftm"]),
              default="pdf", show_default=True,
              help="ftm: FollowTheMoney entities for Aleph (needs workbench[aleph]).")
@click.option("--draft", is_flag=True, help="Export even if the gate fails, marked DRAFT.")
@click.option("--date", "report_date",
              help="The report's date, YYYY-MM-DD (default today); also makes the PDF "
                   "byte-for-byte reproducible.")
@click.option("--title", help="The report's title (default: the case title).")
@click.option("--byline", help="Who the report is by.")
@handoff_commands.INCLUDE_CONFIDENTIAL
@handoff_commands.I_UNDERSTAND
def export_cmd(case: str, output: str | None, fmt: str, draft: bool, report_date: str | None,
               title: str | None, byline: str | None, include_confidential: bool = False,
               i_understand: bool = False) -> None:
    """Export the report of findings with their sources.

    A final export is refused (exit 1, with the list of problems) while `workbench check`
    finds any; --draft exports anyway, with DRAFT on every page.
    """
    report_date = validate.iso_date(report_date, "--date")
    if fmt == "pdf" and not output:
        raise click.UsageError("a PDF needs an output file: -o report.pdf")
    if output and Path(output).resolve() == Path(case).resolve():
        raise ValidationError("the report cannot overwrite the case file")
    if fmt == "ftm":
        return handoff_commands.export_ftm(case, output, i_understand=i_understand,
                                           include_confidential=include_confidential)
    with open_case(case) as c:
        snap = snapshot.build(c, title=title, byline=byline, date=report_date, draft=draft)
        problems = [] if draft else gate.check(c, built=snap)
    if problems:
        click.echo(f"Error: refused: the case is not ready for a final report "
                   f"({len(problems)} problem(s)). Fix them, or export with --draft:",
                   err=True)
        _print_problems(problems, err=True)
        sys.exit(1)
    try:
        if fmt == "pdf":
            render_pdf(snap, output,  # type: ignore[arg-type]
                       reproducible=report_date is not None)
        else:
            text = render_markdown(snap) if fmt == "md" else render_claimreview(snap)
            if not output:
                click.echo(text, nl=False)
                return
            Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise WorkbenchError(f"cannot write {output}: {exc.strerror or exc}") from None
    kind = "Draft report" if draft else "Report"
    click.echo(f"{kind} written to {output} ({len(snap.findings)} findings, "
               f"{len(snap.notes)} citations, {len(snap.sources)} sources).")
