"""`workbench documents` reads OCR states and tags for the whole list at once, and lists
exactly what it listed document by document."""

from __future__ import annotations

import json

from workbench.cli import views
from workbench.cli.output import to_plain
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


# -- streamed output: the same bytes as printing the whole list at once -------------------
HEADERS = ["id", "title", "kind", "origin", "pages", "ocr", "received", "sha256",
           "confidential", "tags"]


def whole_table(rows: list[dict]) -> str:
    """The table as `workbench documents` printed it from the whole list (reference)."""
    def cell(value, cap):
        text = ("" if value is None else ("yes" if value else "") if isinstance(value, bool)
                else " ".join(str(value).split()))
        return text if len(text) <= cap else text[:cap - 1] + "…"
    caps = {1: 44, 3: 34}
    cells = [[cell(v, caps.get(i, 60)) for i, v in enumerate(
        [r["id"], r["title"], r["kind"], r["origin"], r["page_count"], r["ocr"],
         r["received"], r["sha256"][:12], r["confidential"], ", ".join(r["tags"])])]
        for r in rows]
    sizes = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(HEADERS)]
    lines = ["  ".join(h.ljust(sizes[i]) for i, h in enumerate(HEADERS)).rstrip()]
    lines += ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines) + "\n" + ("" if rows else "(none)\n")


def test_streamed_text_and_json_are_the_whole_list_byte_for_byte(run_cli, tmp_path):
    path = tmp_path / "odd.wbcase"
    titles = ["Memo: plate data", "Line\nbreaks  and\ttabs here", "Ünïcode — naïve café ✓",
              "A very long title " * 6, " leading and trailing ", "x"]
    with Case.create(path, title="Odd") as case:
        assert run_cli("documents", path).stdout == whole_table([])
        assert run_cli("documents", path, "--json").stdout == "[]\n"
        for n, title in enumerate(titles * 300):  # 1,800: more than a write of 1,000
            documents.add(case, data=f"odd {n}".encode(), title=title, kind="text",
                          pages=[f"page {n}"], origin=None if n % 3 else f"Box  {n % 7}",
                          received="2019-04-03" if n % 2 else None,
                          metadata={"n": n, "note": "two\nlines"} if n % 5 == 0 else None)
        docs = documents.list_all(case)
        tags.add(case, "document", docs[1].id, "Zeta")
        tags.add(case, "document", docs[1].id, "alpha")
        rows = views.document_rows(case, documents.list_all(case))
        assert [to_plain(d) for d in documents.each(case)] == [to_plain(d) for d in
                                                               documents.list_all(case)]
    text = run_cli("documents", path)
    assert text.exit_code == 0
    assert text.stdout == whole_table(rows)
    as_json = run_cli("documents", path, "--json")
    assert as_json.stdout == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    only = run_cli("documents", path, "--origin", "Box  3", "--json")
    assert json.loads(only.stdout) == [r for r in rows if r["origin"] == "Box  3"]
