"""Ships the top-level ``resources/`` folder inside the wheel as ``workbench/_resources``.

``resources/`` stays the one source of truth (the installer's spec and the tests read it
there); setuptools maps it into the package so that a plain ``pip install`` (wheel, sdist,
pipx) carries the sample case sources, fonts and icons. Everything else is in
pyproject.toml. ``workbench.core.resources`` finds the folder in either place.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["workbench", "workbench.*"]) + ["workbench._resources"],
    package_dir={"workbench._resources": "resources"},
    package_data={"workbench._resources": ["**/*"]},
)
