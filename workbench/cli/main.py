"""The ``workbench`` click group and its error handling.

Every command exits 0 on success. Bad input of any kind (a missing file, a refused case
file, an unknown id, a quote not in its source) prints one line on stderr and exits 1;
click's own usage errors exit 2. A bug prints one line too, unless WORKBENCH_DEBUG=1.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys

import click

from workbench import __version__
from workbench.core.errors import WorkbenchError


class WorkbenchGroup(click.Group):
    """A group that turns the core's errors into one-line messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.Error as exc:
            raise click.ClickException(f"the case file refused the change: {exc}") from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:
            # The reader went away (``workbench documents CASE | head``): not an error.
            _silence_stdout()
            sys.exit(0)
        except Exception as exc:
            if os.environ.get("WORKBENCH_DEBUG"):
                raise
            click.echo(f"Error: internal error: {type(exc).__name__}: {exc} "
                       "(set WORKBENCH_DEBUG=1 to see where)", err=True)
            sys.exit(3)


@click.group(cls=WorkbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
def cli() -> None:
    """Workbench: an offline case workbench for investigative journalists.

    A case file (CASE, ending .wbcase) holds one investigation: documents and their
    pages, excerpts, actors, statements, claims, evidence, verdicts and findings.
    """


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush cannot fail on the closed pipe."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="workbench")


# Command modules register themselves on ``cli`` when imported.
from workbench.cli import case_commands, import_commands, publish_commands, record_commands, search_commands  # noqa: E402,F401,I001
from workbench.cli import chronology_commands  # noqa: E402,F401
from workbench.cli import handoff_commands  # noqa: E402,F401,I001
