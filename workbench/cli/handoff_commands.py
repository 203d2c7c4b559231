"""Hand-off to Aleph: ``workbench export CASE --format ftm`` and ``workbench import-ftm``.

Both need the optional extra ``workbench[aleph]``; without it they say how to install it
(one line, exit 1). The export is ``--format ftm`` of the ``export`` command, in
:mod:`.publish_commands`; the import is here.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import views
from workbench.cli.output import emit_json, open_case, progress_bar
from workbench.core import handoff
from workbench.core.errors import ValidationError

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.command("import-ftm")
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
    with open_case(case) as c, progress_bar("Importing", quiet=as_json) as progress:
        report = import_ftm(c, file, origin=origin, progress=progress)
    if as_json:
        emit_json(views.import_json(report))
        return
    views.print_import(report)
    for item in report.items:
        if item.outcome == "skipped":
            click.echo(f"skipped: {item.path}: {item.reason}")
