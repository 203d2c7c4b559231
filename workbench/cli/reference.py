"""The README's list of every command and option, written from the command line itself.

``python -m workbench.cli.reference README.md`` (``make docs``) rewrites the part of the
README between the two marker lines below; a test fails when the README differs from
what this module writes, so the list cannot drift from the program.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

START = "<!-- commands: written by `make docs` from the command line; do not edit -->"
END = "<!-- end of commands -->"


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    """Every command below ``group`` (sub-groups walked), in the order they were added
    (the ``workbench`` group's own in the order :mod:`.commands` lists them)."""
    listed = group.load_all() if hasattr(group, "load_all") else group.commands
    for name, command in listed.items():
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def _value(param: click.Parameter) -> str:
    if isinstance(param.type, click.Choice):
        return "|".join(str(c) for c in param.type.choices)
    return param.metavar or param.name.upper()


def usage(path: tuple[str, ...], command: click.Command) -> str:
    """One line: the command, its arguments, then each option (optional ones bracketed)."""
    parts = ["workbench", *path]
    for param in command.params:
        if isinstance(param, click.Argument):
            word = param.name.upper() + ("..." if param.nargs == -1 else "")
            parts.append(word if param.required else f"[{word}]")
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        flag = max(param.opts, key=len)
        word = flag if param.is_flag else f"{flag} {_value(param)}"
        if param.required:
            parts.append(word)
        else:
            parts.append(f"[{word}]" + ("..." if param.multiple else ""))
    return " ".join(parts)


def block(group: click.Group) -> str:
    """The README's fenced list, between its markers."""
    lines = [usage(path, command) for path, command in commands(group)]
    return "\n".join([START, "```", *lines, "```", END])


def rewrite(readme: Path, group: click.Group) -> bool:
    """Put the current list into ``readme``; True if it changed."""
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: the markers of the command list are missing")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    new = before + block(group) + after
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> None:
    from workbench.cli.main import cli

    args = sys.argv[1:] if argv is None else argv
    readme = Path(args[0] if args else "README.md")
    changed = rewrite(readme, cli)
    print(f"{readme}: command list {'rewritten' if changed else 'already current'}")


if __name__ == "__main__":
    main()
