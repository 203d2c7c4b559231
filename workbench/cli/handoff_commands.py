"""Hand-off to Aleph: ``workbench export CASE --format ftm`` and ``workbench import-ftm``.

Both need the optional extra ``workbench[aleph]``; without it they say how to install it
(one line, exit 1). The export command itself lives in :mod:`.publish_commands`; it
calls :func:`export_ftm` for ``--format ftm``.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import views
from workbench.cli.main import cli
from workbench.cli.output import emit_json, open_case, stderr_is_terminal
from workbench.core import handoff
from workbench.core.errors import ValidationError
from workbench.core.progress import NO_PROGRESS, Progress

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")

INCLUDE_CONFIDENTIAL = click.option(
    "--include-confidential", is_flag=True,
    help="(--format ftm) Also export documents and people marked confidential; needs "
         "--i-understand.")
I_UNDERSTAND = click.option(
    "--i-understand", is_flag=True,
    help="(--format ftm) Confirm that confidential material may leave this machine.")


class _Bar:
    """A click progress bar on a terminal, nothing otherwise."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.bar = None if quiet or not stderr_is_terminal() else \
            click.progressbar(length=1000, label=label, file=None)
        self.done = 0

    def __enter__(self) -> Progress:
        if self.bar is None:
            return NO_PROGRESS
        self.bar.__enter__()

        def report(fraction: float, status: str) -> None:
            step = int(fraction * 1000)
            self.bar.update(step - self.done)
            self.done = step
        return Progress(report)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


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
    with open_case(case) as c, _Bar("Exporting", False) as progress:
        summary = export_case(c, output, include_confidential=include_confidential,
                              progress=progress)
    for line in summary.lines():
        click.echo(line)


@cli.command("import-ftm")
@CASE
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--origin", help='Where the file came from (default: "FollowTheMoney file '
                               'NAME").')
@JSON
def import_ftm_cmd(case: str, file: str, origin: str | None, as_json: bool) -> None:
    """Import the documents and actors of a FollowTheMoney file (Aleph's export, or
    another reporter's case), skipping those already in the case."""
    handoff.require()
    if not Path(file).is_file():
        raise ValidationError(f"{file}: no such file")
    from workbench.core.handoff.ingest import import_ftm
    with open_case(case) as c, _Bar("Importing", as_json) as progress:
        report = import_ftm(c, file, origin=origin, progress=progress)
    if as_json:
        emit_json(views.import_json(report))
        return
    views.print_import(report)
    for item in report.items:
        if item.outcome == "skipped":
            click.echo(f"skipped: {item.path}: {item.reason}")
