"""Where the files under ``resources/`` are: wherever WORKBENCH_RESOURCES points, inside
the bundle when frozen, inside the installed package (``workbench/_resources``, package
data of the wheel: see setup.py), or beside the package in a checkout."""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

# The package data folder a wheel installs; absent in a checkout (editable install).
PACKAGED = "_resources"


def resource_dir() -> Path:
    override = os.environ.get("WORKBENCH_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    packaged = files("workbench") / PACKAGED
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def resource(*parts: str) -> Path:
    path = resource_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource {path}")
    return path
