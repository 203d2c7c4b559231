"""Every command of the ``workbench`` command line, in one list.

A command module (``*_commands.py``) writes its commands with ``@click.command()`` and
``@click.group()`` and knows nothing of the ``workbench`` group. The list below names
each command and where it is written; :func:`load` imports a command's module only when
that command is run (or help lists it), so a command starts without importing the other
modules and what they need (reportlab for the report, the importers' parsers): about a
third of a second of every command's start. Nothing imports ``main`` but the entry
points, and no command module imports another (import-linter checks both; a test checks
that each name below is its command's own).

To add a command: write it in the module of its subject, then name it below. The order of
:data:`COMMANDS` is the order of the README's command list (``make docs``); ``--help``
sorts by name.
"""

from __future__ import annotations

import importlib

import click

#: The top-level commands and groups, in the README's order: (name, module, attribute).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("new", "case_commands", "new"),
    ("gui", "case_commands", "gui"),
    ("info", "case_commands", "info"),
    ("import", "case_commands", "import_"),
    ("imports", "case_commands", "imports"),
    ("documents", "case_commands", "documents_"),
    ("document", "case_commands", "document"),
    ("text", "case_commands", "text"),
    ("show", "case_commands", "show"),
    ("delete", "case_commands", "delete"),
    ("audit", "case_commands", "audit_"),
    ("demo", "case_commands", "demo"),
    ("history", "case_commands", "history"),
    ("undo", "case_commands", "undo"),
    ("ocr", "import_commands", "ocr"),
    ("thread", "import_commands", "thread"),
    ("import-ftm", "handoff_commands", "import_ftm_cmd"),
    ("actor", "record_commands", "actor"),
    ("excerpt", "record_commands", "excerpt"),
    ("statement", "record_commands", "statement"),
    ("claim", "record_commands", "claim"),
    ("evidence", "record_commands", "evidence"),
    ("verdict", "record_commands", "verdict"),
    ("finding", "record_commands", "finding"),
    ("tag", "record_commands", "tag"),
    ("contradictions", "publish_commands", "contradictions_cmd"),
    ("check", "publish_commands", "check_cmd"),
    ("export", "publish_commands", "export_cmd"),
    ("publisher", "publish_commands", "publisher_cmd"),
    ("search", "search_commands", "search_"),
    ("mentions", "search_commands", "mentions"),
    ("reindex", "search_commands", "reindex"),
    ("event", "chronology_commands", "event"),
    ("timeline", "chronology_commands", "timeline_cmd"),
)

#: Subcommands written beside the work they do, added to a group of another module:
#: (the group's name, module, attribute), in the order they follow the group's own.
SUBCOMMANDS: tuple[tuple[str, str, str], ...] = (
    ("actor", "publish_commands", "actor_dossier"),
    ("actor", "publish_commands", "actor_no_response_needed"),
    ("statement", "publish_commands", "statement_edit"),
)

#: The top-level names, in the README's order.
NAMES: tuple[str, ...] = tuple(name for name, _module, _attribute in COMMANDS)
_WHERE = {name: (module, attribute) for name, module, attribute in COMMANDS}


def _attribute(module: str, attribute: str) -> click.Command:
    return getattr(importlib.import_module(f"workbench.cli.{module}"), attribute)


def load(name: str) -> click.Command | None:
    """The top-level command or group ``name`` (its module imported now), with the
    subcommands other modules add to it; None for a name not listed."""
    where = _WHERE.get(name)
    if where is None:
        return None
    command = _attribute(*where)
    if isinstance(command, click.Group):
        for parent, module, attribute in SUBCOMMANDS:
            if parent == name:
                sub = _attribute(module, attribute)
                if sub.name is not None and command.commands.get(sub.name) is not sub:
                    command.add_command(sub)
    return command
