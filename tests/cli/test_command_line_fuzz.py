"""Issue 15, point 5: the command line never exits 3 (internal error) on user input.

A hypothesis fuzz gives every verb random arguments (its own options among them, ids
beyond SQLite's integers, non-finite numbers, text that is not UTF-8, over-long names,
control characters) and fails on any exit 3 or traceback. The bad command lines the
adversarial run found are replayed through a real ``python -m workbench`` too.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli.main import cli


def _leaves(command: click.Command, path: tuple[str, ...] = ()):
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _leaves(sub, path + (name,))
    else:
        yield path, command


cli.load_all()  # every command (each is otherwise loaded when first run)
VERBS = list(_leaves(cli))

NUMBERS = st.one_of(
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.sampled_from(["9223372036854775807", "9223372036854775808", "-9223372036854775809",
                     "18446744073709551616", "0", "-1", "nan", "inf", "-inf", "1e400",
                     "0x10", "1_000", " 7", "٣"]))
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\udcff\udcfe", "caf\udce9", "a" * 300, "x\ny", "\x1b[31m", "", "a\x00b",
                     "--", "-", "'", '"', "*", "date:[2019-13-45 TO 2019-99-99]",
                     "kind:email", "NOT " * 50, "x.wbcase", "x.pdf", "yes", "no"]))


SMALL_IDS = st.integers(min_value=1, max_value=6).map(str)
CASE = "\0case"  # stands for the case file's path


def _value(draw, param: click.Parameter) -> str:
    """A value for ``param``: mostly one it could take, often a hostile one."""
    kind = param.type
    if param.name == "case":
        return draw(st.sampled_from([CASE, CASE, CASE, "nothere.wbcase", "\udcff.wbcase"]))
    if isinstance(kind, click.Choice):
        return draw(st.one_of(st.sampled_from(list(kind.choices)), TEXT))
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return draw(st.one_of(SMALL_IDS, NUMBERS))
    return draw(TEXT)


@st.composite
def command_lines(draw):
    path, command = draw(st.sampled_from(VERBS))
    args: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            count = draw(st.integers(1, 3)) if param.nargs == -1 else max(param.nargs, 1)
            args += [_value(draw, param) for _ in range(count)]
        elif isinstance(param, click.Option) and param.opts and draw(st.booleans()):
            args.append(draw(st.sampled_from(param.opts)))
            if not param.is_flag:
                args.append(_value(draw, param))
    if draw(st.integers(0, 9)) == 0:  # now and then a stray word too
        args.insert(draw(st.integers(0, len(args))), draw(st.one_of(NUMBERS, TEXT)))
    return list(path), args


@pytest.fixture
def fuzz_dir(sample_path, tmp_path, monkeypatch):
    """Work in a folder of its own, the index beside it, nothing shown on a screen."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("WORKBENCH_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("WORKBENCH_DEBUG", raising=False)
    return sample_path


@pytest.mark.slow
@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(line=command_lines())
def test_no_command_line_makes_any_verb_exit_3(fuzz_dir, line):
    path, tokens = line
    # A token naming something that exists (a folder, say) could import or overwrite
    # it: the fuzz gives only names of nothing, plus the case itself.
    tokens = [str(fuzz_dir) if t == CASE else t for t in tokens
              if t == CASE or t.startswith("-") or not os.path.lexists(t)]
    args = path + tokens
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    assert result.exit_code != 3, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception))


def _imports(case_path) -> int:
    with sqlite3.connect(case_path) as conn:
        return conn.execute("SELECT count(*) FROM imports").fetchone()[0]


@pytest.mark.parametrize("args", [
    [b"show", b"CASE", b"document", b"9223372036854775808"],
    [b"excerpt", b"show", b"CASE", b"99999999999999999999"],
    [b"claim", b"add", b"CASE", b"caf\xe9 claims"],
    [b"documents", b"CASE", b"--origin", b"\xff"],
    [b"audit", b"CASE", b"--table", b"\xfe\xff"],
    [b"import", b"CASE", b"x.txt", b"--max-size", b"nan"],
    [b"import", b"CASE", b"x.txt", b"--max-size", b"inf"],
    [b"import", b"CASE", b"x.txt", b"--origin", b"\xff"],
    [b"search", b"CASE", b"--queries", b"QUERIES"],
    [b"search", b"CASE", b"a" * 100_000],
    [b"search", b"CASE", b"kind:mailbox"],
    [b"search", b"CASE", b"type:page"],
    [b"import", b"CASE", b"x.txt", b"--max-memory", b"99999999999999999999"],
])
def test_bad_command_lines_give_one_line_and_change_nothing(sample_path, tmp_path, args):
    queries = tmp_path / "queries.txt"
    queries.write_bytes(b"cameras\n\xff\n")
    (tmp_path / "x.txt").write_text("a file")
    before = _imports(sample_path)
    args = [os.fsencode(sample_path) if a == b"CASE" else
            os.fsencode(queries) if a == b"QUERIES" else a for a in args]
    run = subprocess.run([sys.executable.encode(), b"-m", b"workbench", *args],
                         capture_output=True, cwd=tmp_path, timeout=120,
                         env={**os.environ, "WORKBENCH_INDEX_DIR": str(tmp_path / "ix")})
    errors = [line for line in run.stderr.decode("utf-8", "replace").splitlines()
              if line.startswith("Error:")]
    assert run.returncode in (1, 2), run.stderr
    assert len(errors) == 1 and "internal error" not in errors[0], run.stderr
    assert b"Traceback" not in run.stderr
    assert _imports(sample_path) == before  # a refused import leaves no row


def test_an_over_long_file_name_is_one_line_and_changes_nothing(sample_path, tmp_path):
    """A name the system cannot even look up is refused before the import starts (as a
    missing file is): one line naming it, exit 1, and no import row left behind."""
    (tmp_path / "kept.txt").write_text("kept")
    before = _imports(sample_path)
    run = subprocess.run([sys.executable, "-m", "workbench", "import", str(sample_path),
                          "b" * 300 + ".pdf", str(tmp_path / "kept.txt")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "name too long" in lines[0] and "b" * 300 in lines[0]
    assert _imports(sample_path) == before
