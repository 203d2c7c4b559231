"""Ships the top-level ``resources/`` folder inside the wheel as ``workbench/_resources``.

``resources/`` stays the one source of truth (the installer's spec and the tests read it
there); setuptools maps it into the package so that a plain ``pip install`` (wheel, sdist,
pipx) carries the sample case sources, fonts and icons. Each folder of it is listed as a
package of data files. Everything else is in pyproject.toml. ``workbench.core.resources``
finds the folder in either place.
"""

from pathlib import Path

from setuptools import find_packages, setup

RESOURCES = Path(__file__).resolve().parent / "resources"
DATA = ["workbench._resources"] + [
    "workbench._resources." + ".".join(folder.relative_to(RESOURCES).parts)
    for folder in sorted(RESOURCES.rglob("*"))
    if folder.is_dir() and "__pycache__" not in folder.parts]

setup(
    packages=find_packages(include=["workbench", "workbench.*"]) + DATA,
    package_dir={"workbench._resources": "resources"},
    package_data={package: ["*"] for package in DATA},
)
