"""The window's reader searches through a viewer of the index, which never repairs it:
an index of another format (the first open after an upgrade, while the owner rebuilds
it) or one marked for a rebuild is not searched, since its answers could be wrong (no
common-word pairs, no document types), until the owner has made it right."""

from __future__ import annotations

import json

import pytest

from workbench.core import search
from workbench.core.casefile import Case
from workbench.core.search import searching
from workbench.core.search.store import FORMAT, META, CaseIndex, IndexNotReady


def test_a_viewer_waits_for_the_owner_to_rebuild_an_index_of_another_format(sample_path):
    with Case.open(sample_path) as case:
        owner = search.open_index(case)
        expected = searching.run(owner, '"and have"', limit=50)
        assert expected.total > 0
        directory = owner.directory
        search.close_index(case)
    meta = json.loads((directory / META).read_text())
    meta["format"] = FORMAT - 1  # as an older version of Workbench left it
    (directory / META).write_text(json.dumps(meta))
    with Case.open(sample_path) as writer, Case.open(sample_path, read_only=True) as reader:
        viewer = CaseIndex(reader, viewer=True)
        with pytest.raises(IndexNotReady, match="being prepared"):
            searching.run(viewer, '"and have"', limit=50)
        assert json.loads((directory / META).read_text())["format"] == FORMAT - 1
        owner = search.open_index(writer)  # the owner rebuilds it
        assert owner.last_repair == "rebuilt"
        again = searching.run(viewer, '"and have"', limit=50)
        assert again.total == expected.total
        assert [h.uid for h in again.hits] == [h.uid for h in expected.hits]
        viewer.close()
        search.close_index(writer)
