"""The command line's help and the README list every command and option; the small
things a user meets first: `new` names the file .wbcase, a missing file to import is an
error, progress lines end their line, and the window is in --help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from workbench import launcher
from workbench.cli import reference
from workbench.cli.main import cli
from workbench.core import documents
from workbench.core.casefile import Case

ROOT = Path(__file__).resolve().parents[2]
WORKBENCH = [sys.executable, "-m", "workbench"]


def run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*WORKBENCH, *map(str, args)], capture_output=True, text=True,
                          timeout=120, **kw)


def flags(command: click.Command) -> list[str]:
    return [o for p in command.params if isinstance(p, click.Option) for o in p.opts]


def helped(*path: str):
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="workbench")
    assert result.exit_code == 0, path
    return result.stdout


def test_every_command_and_option_is_in_help():
    top = run("--help")  # through the launcher, as a user runs it
    assert top.returncode == 0
    listed = [line.split()[0] for line in top.stdout.split("Commands:")[1].splitlines()
              if line.strip()]
    assert listed == sorted(cli.load_all()) and "gui" in listed
    for path, command in reference.commands(cli):
        if len(path) > 1:  # a group's help lists its commands
            group = helped(*path[:-1]).split("Commands:")[1]
            assert path[-1] in [line.split()[0] for line in group.splitlines()
                                if line.strip()], path
        shown = helped(*path)
        assert shown.startswith(f"Usage: workbench {' '.join(path)} "), path
        for flag in flags(command):
            assert flag in shown, (path, flag)


def test_readme_lists_every_command_and_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert reference.block(cli) in readme, (
        "README.md's command list is out of date: run `make docs`")
    lines = reference.block(cli).splitlines()
    for path, command in reference.commands(cli):
        line = next(ln for ln in lines if ln.startswith(f"workbench {' '.join(path)} ")
                    or ln == f"workbench {' '.join(path)}")
        for option in (p for p in command.params if isinstance(p, click.Option)):
            assert max(option.opts, key=len) in line, (path, option.opts)


def test_the_reference_rewrites_only_between_its_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{reference.START}\nold\n{reference.END}\nafter\n",
                      encoding="utf-8")
    assert reference.rewrite(readme, cli)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n") and text.endswith("\nafter\n")
    assert "workbench export CASE" in text and "old" not in text
    assert not reference.rewrite(readme, cli)  # already current


def test_gui_help_and_usage():
    shown = run("gui", "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("Usage: workbench gui [OPTIONS] [CASE]")
    bad = run("gui", "a.wbcase", "b.wbcase")
    assert bad.returncode == 2 and "Usage: workbench gui [CASE]" in bad.stderr


def test_new_adds_the_wbcase_extension(tmp_path, run_cli):
    made = run_cli("new", tmp_path / "noext", "--title", "No extension", "--json")
    assert made.exit_code == 0
    path = tmp_path / "noext.wbcase"
    assert json.loads(made.stdout)["path"] == str(path) and path.is_file()
    assert not (tmp_path / "noext").exists()
    # ... so that `workbench noext.wbcase` opens it in the window and `info` reads it.
    assert launcher._gui_target([str(path)]) == (True, str(path))
    assert run_cli("info", path).exit_code == 0
    # A name that has it already is kept; one with another extension gets it added.
    assert run_cli("new", tmp_path / "b.wbcase", "--title", "B").exit_code == 0
    assert (tmp_path / "b.wbcase").is_file() and not (tmp_path / "b.wbcase.wbcase").exists()
    assert run_cli("new", tmp_path / "c.2019", "--title", "C").exit_code == 0
    assert (tmp_path / "c.2019.wbcase").is_file()
    # An existing case is never overwritten.
    again = run_cli("new", tmp_path / "noext", "--title", "Again")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_importing_a_missing_file_fails_and_changes_nothing(case_path, tmp_path):
    real = tmp_path / "memo.txt"
    real.write_text("The sheriff runs thirty cameras.", encoding="utf-8")
    before = case_path.read_bytes()
    done = run("import", case_path, real, tmp_path / "nothere.pdf")
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: no such file or folder: {tmp_path / 'nothere.pdf'}"
    with Case.open(case_path) as c:
        assert documents.list_all(c) == []
    assert case_path.read_bytes() == before
    assert run("import", case_path, real).returncode == 0


def test_updating_the_index_prints_a_whole_line(sample_path):
    found = run("search", sample_path, "plate", "--limit", "1")
    assert found.returncode == 0
    assert found.stderr == "Updating the search index\n"
    again = run("search", sample_path, "plate", "--limit", "1")
    assert again.stderr == ""  # up to date: nothing to say


def test_each_listed_name_is_its_commands_own_and_subcommands_join_their_group():
    """The command list names every command with the name it answers to (a command is
    loaded by that name only when it is run), and the subcommands written elsewhere are
    in their group."""
    from workbench.cli import commands

    loaded = cli.load_all()
    assert list(loaded) == list(commands.NAMES)
    assert len(set(commands.NAMES)) == len(commands.NAMES)
    for name, command in loaded.items():
        assert command.name == name
    for group, module, attribute in commands.SUBCOMMANDS:
        sub = getattr(__import__(f"workbench.cli.{module}", fromlist=[attribute]), attribute)
        assert loaded[group].commands[sub.name] is sub


def test_a_command_starts_without_the_other_commands_modules(tmp_path):
    """`workbench info` (run as a user runs it) does not import what only other commands
    need: the report (reportlab) nor the other command modules."""
    case = tmp_path / "c.wbcase"
    Case.create(case, title="Start").close()
    code = ("import sys\n"
            "from workbench.launcher import main\n"
            "try:\n"
            "    main(['info', sys.argv[1]])\n"
            "except SystemExit as exc:\n"
            "    assert not exc.code, exc.code\n"
            "print(sorted(m for m in sys.modules if m.startswith(('reportlab', "
            "'workbench.cli.')) and not m.endswith('case_commands')))\n")
    done = subprocess.run([sys.executable, "-c", code, str(case)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1]
    assert "reportlab" not in loaded and "publish_commands" not in loaded, loaded
    assert "Start" in done.stdout
