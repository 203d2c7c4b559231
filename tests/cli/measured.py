"""Running ``python -m workbench`` in a subprocess with its time and peak memory measured
(GNU time's ``-v`` report where /usr/bin/time exists)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TIME = Path("/usr/bin/time")


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None  # None when /usr/bin/time is not there


def run_workbench(*args: str | os.PathLike, env: dict | None = None,
                  timeout: float = 300) -> Measured:
    command = [sys.executable, "-m", "workbench", *map(os.fsdecode, args)]
    measured = TIME.exists()
    if measured:
        command = [str(TIME), "-v", *command]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, env={**os.environ, **(env or {})},
                         timeout=timeout)
    seconds = time.monotonic() - started
    stderr = run.stderr.decode("utf-8", "replace")
    peak = None
    if measured:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        peak = int(found.group(1)) / 1024 if found else None
        stderr = stderr[:stderr.rfind("\tCommand being timed")] if found else stderr
    return Measured(run.returncode, run.stdout.decode("utf-8", "replace"), stderr,
                    seconds, peak)
