"""Hand-off to a newsroom's shared platform (Aleph/OpenAleph) as FollowTheMoney entities.

:mod:`.export` writes a case as FtM JSON lines; :mod:`.ingest` reads such a file back
into a case. Both need the optional extra ``workbench[aleph]`` (followthemoney and
fingerprints, about 260 MB with PyICU), so this package imports neither: ask
:func:`available` first, or call :func:`require`, which raises a one-line error saying
how to install it.
"""

from __future__ import annotations

import importlib.util

from workbench.core.errors import WorkbenchError

INSTALL_HINT = ('FollowTheMoney export and import need the optional extra "aleph", which '
                'the desktop bundle leaves out: pip install "workbench[aleph]"')


class MissingExtra(WorkbenchError):
    """followthemoney or fingerprints is not installed."""


def available() -> bool:
    """Whether followthemoney and fingerprints can be imported (without importing them)."""
    return all(importlib.util.find_spec(name) is not None
               for name in ("followthemoney", "fingerprints"))


def require() -> None:
    if not available():
        raise MissingExtra(INSTALL_HINT)
