"""The ``workbench`` click group and its error handling.

Every command exits 0 on success. Bad input of any kind (a missing file, a refused case
file, an unknown id, a quote not in its source) prints one line on stderr and exits 1;
click's own usage errors exit 2. A bug prints one line too, unless WORKBENCH_DEBUG=1.

The commands themselves are listed in :mod:`workbench.cli.commands`; none of them imports
this module.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import sqlite3
import sys

import click

from workbench import __version__
from workbench.cli import commands
from workbench.core.errors import WorkbenchError


class WorkbenchGroup(click.Group):
    """A group that turns the core's errors into one-line messages, and finds its
    commands in :mod:`workbench.cli.commands`, each loaded when first asked for."""

    def main(self, *args, **kwargs):
        harden(self)
        return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *commands.NAMES})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        found = self.commands.get(cmd_name)
        if found is None:
            found = commands.load(cmd_name)
            if found is None:
                return None
            harden(found)
            self.add_command(found, cmd_name)
        return found

    def load_all(self) -> dict[str, click.Command]:
        """Every command, in the README's order (for the command list and the tests)."""
        for name in commands.NAMES:
            self.get_command(None, name)
        return {name: self.commands[name] for name in commands.NAMES}

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            raise click.ClickException(_one_line(str(exc))) from None
        except sqlite3.Error as exc:
            raise click.ClickException(_sqlite_message(exc)) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:
            # The reader went away (``workbench documents CASE | head``): not an error.
            _silence_stdout()
            sys.exit(0)
        # Safety nets for user input that reached further than the checks on arguments
        # (see harden()): still one line, exit 1.
        except OSError as exc:
            where = f"{_one_line(str(exc.filename))}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except UnicodeError:
            raise click.ClickException("an argument or file holds bytes that are not "
                                       "valid UTF-8 text") from None
        except OverflowError:
            raise click.ClickException("a number is out of range") from None
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



def _one_line(text: str, limit: int = 400) -> str:
    """``text`` as one line of at most ``limit`` characters, control characters shown
    escaped (a message quoting a file name or page text must not forge lines)."""
    from workbench.cli.output import printable
    text = printable(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sqlite_message(exc: sqlite3.Error) -> str:
    message = str(exc)
    if "could not decode to utf-8" in message.lower():
        return ("the case file holds text that is not valid UTF-8 (it may be damaged); "
                "restore it from a backup")
    if isinstance(exc, sqlite3.OperationalError) and not message.startswith(("no such",
                                                                            "near ")):
        return f"the case file cannot be used: {_one_line(message)}"
    return f"the case file refused the change: {_one_line(message)}"


#: The largest id or count SQLite stores (a signed 64-bit integer).
MAX_INTEGER = 2**63 - 1


def _checked_convert(self, value, param, ctx):
    """A parameter type's own conversion, then what no command may receive: an integer
    SQLite cannot hold, a number that is not finite, text that is not valid UTF-8, a NUL
    character (no file name or text holds one; os functions raise on it)."""
    if isinstance(value, str) and "\x00" in value:
        self.fail("holds a NUL character", param, ctx)
    converted = type(self).__mro__[1].convert(self, value, param, ctx)
    for v in converted if isinstance(converted, tuple) else (converted,):
        if isinstance(v, bool):
            continue
        if isinstance(v, int) and not -MAX_INTEGER <= v <= MAX_INTEGER:
            self.fail(f"{v} is out of range (at most {MAX_INTEGER})", param, ctx)
        if isinstance(v, float) and not math.isfinite(v):
            self.fail(f"{v} is not a finite number", param, ctx)
        if isinstance(v, str) and not isinstance(self, (click.Path, click.File)):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                self.fail("holds bytes that are not valid UTF-8 text", param, ctx)
    return converted


_CHECKED: dict[type, type] = {}


def harden(command: click.Command) -> None:
    """Give every parameter of ``command`` (and its subcommands) the checks of
    :func:`_checked_convert`, so that no verb can pass such a value to the core.

    File paths are only checked for NUL characters: a file name need not be UTF-8 (the
    import names it)."""
    for param in command.params:
        kind = type(param.type)
        if kind.__name__.startswith("Checked"):
            continue
        if kind not in _CHECKED:
            _CHECKED[kind] = type(f"Checked{kind.__name__}", (kind,),
                                  {"convert": _checked_convert})
        checked = copy.copy(param.type)
        checked.__class__ = _CHECKED[kind]
        param.type = checked
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            harden(sub)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush cannot fail on the closed pipe."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="workbench")
