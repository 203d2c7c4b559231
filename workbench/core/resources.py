"""Where the files under ``resources/`` are: beside the package in a checkout, inside the
bundle when frozen, or wherever WORKBENCH_RESOURCES points."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resource_dir() -> Path:
    override = os.environ.get("WORKBENCH_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource(*parts: str) -> Path:
    path = resource_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource {path}")
    return path
