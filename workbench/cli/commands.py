"""Every command of the ``workbench`` command line, in one list.

A command module (``*_commands.py``) writes its commands with ``@click.command()`` and
``@click.group()`` and knows nothing of the ``workbench`` group; :func:`register`, called
once by :mod:`workbench.cli.main`, adds what is listed here. So nothing imports ``main``
but the entry points, and no command module imports another (import-linter checks both).

To add a command: write it in the module of its subject, then name it below. The order of
:data:`COMMANDS` is the order of the README's command list (``make docs``); ``--help``
sorts by name.
"""

from __future__ import annotations

import click

from workbench.cli import (case_commands, chronology_commands, handoff_commands,
                           import_commands, publish_commands, record_commands,
                           search_commands)

#: The top-level commands and groups, in the README's order.
COMMANDS: tuple[click.Command, ...] = (
    case_commands.new,
    case_commands.gui,
    case_commands.info,
    case_commands.import_,
    case_commands.imports,
    case_commands.documents_,
    case_commands.document,
    case_commands.text,
    case_commands.show,
    case_commands.delete,
    case_commands.audit_,
    case_commands.demo,
    case_commands.history,
    case_commands.undo,
    import_commands.ocr,
    import_commands.thread,
    handoff_commands.import_ftm_cmd,
    record_commands.actor,
    record_commands.excerpt,
    record_commands.statement,
    record_commands.claim,
    record_commands.evidence,
    record_commands.verdict,
    record_commands.finding,
    record_commands.tag,
    publish_commands.contradictions_cmd,
    publish_commands.check_cmd,
    publish_commands.export_cmd,
    publish_commands.publisher_cmd,
    search_commands.search_,
    search_commands.mentions,
    search_commands.reindex,
    chronology_commands.event,
    chronology_commands.timeline_cmd,
)

#: Subcommands written beside the work they do, added to a group of another module:
#: (group, subcommand), in the order they follow the group's own.
SUBCOMMANDS: tuple[tuple[click.Group, click.Command], ...] = (
    (record_commands.actor, publish_commands.actor_dossier),
    (record_commands.actor, publish_commands.actor_no_response_needed),
    (record_commands.statement, publish_commands.statement_edit),
)


def register(group: click.Group) -> None:
    """Add every command listed here to ``group`` (the ``workbench`` group)."""
    for command in COMMANDS:
        group.add_command(command)
    for parent, command in SUBCOMMANDS:
        parent.add_command(command)
