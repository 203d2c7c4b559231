"""`workbench documents` reads OCR states and tags for the whole list at once, and lists
exactly what it listed document by document."""

from __future__ import annotations

import json

from workbench.cli import views
from workbench.core import documents, tags
from workbench.core.casefile import Case


def test_the_list_matches_the_one_by_one_rows(run_cli, tmp_path):
    path = tmp_path / "list.wbcase"
    with Case.create(path, title="List") as case:
        ids = [documents.add(case, data=f"doc {n}".encode(), title=f"Doc {n}", kind="text",
                             pages=[f"page one of {n}", f"page two of {n}"]).id
               for n in range(6)]
        tags.add(case, "document", ids[1], "Zeta")
        tags.add(case, "document", ids[1], "alpha")
        tags.add(case, "document", ids[4], "Beta")
        case.conn.execute("UPDATE pages SET ocr = 'needed' WHERE document_id = ? AND page_no = 2",
                          (ids[2],))
        case.conn.execute("UPDATE pages SET ocr = 'done' WHERE document_id = ?", (ids[3],))
        case.conn.commit()
        docs = documents.list_all(case)
        one_by_one = [views.document_row(case, d) for d in docs]
        assert views.document_rows(case, docs) == one_by_one
        assert [r["ocr"] for r in one_by_one] == ["none", "none", "needed", "done", "none", "none"]
        assert one_by_one[1]["tags"] == ["alpha", "Zeta"]
    result = run_cli("documents", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(one_by_one))
    text = run_cli("documents", path)
    assert text.exit_code == 0
    assert len(text.stdout.splitlines()) == 1 + 6 and "alpha, Zeta" in text.stdout
