"""The hand-off to Aleph: FollowTheMoney export and import-ftm, on real case files.

Every entity written is checked with followthemoney's own model (schema validation,
required properties, values it would not change when cleaning them) and, in a
subprocess, with its ``ftm validate`` command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core import actors, documents, handoff, tags
from workbench.core.casefile import Case
from workbench.core.documents import EmailHeaders, PageText
from workbench.core.progress import Cancelled, Progress

if not handoff.available():
    pytest.skip("followthemoney/fingerprints not installed (pip install "
                "'workbench[aleph]')", allow_module_level=True)

from followthemoney import model  # noqa: E402
from followthemoney.util import make_entity_id  # noqa: E402

from workbench.core.handoff.export import export_case  # noqa: E402
from workbench.core.handoff.ingest import import_ftm  # noqa: E402


def read_entities(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_valid(entities: list[dict]) -> None:
    """Each entity as followthemoney itself would accept it, unchanged."""
    ids = set()
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data["schema"]
        assert data["id"] and data["id"] not in ids, data["id"]
        ids.add(data["id"])
        schema.validate(data)  # raises InvalidData
        for name in schema.required:
            assert data["properties"].get(name), f"{data['schema']} needs {name}"
        for name, values in data["properties"].items():
            prop = schema.get(name)
            assert prop is not None and not prop.stub, (data["schema"], name)
            assert prop.validate(values) is None, (data["schema"], name)
        cleaned = model.get_proxy(data, cleaned=False).to_dict()
        assert cleaned["properties"] == data["properties"], data["id"]
    # Every entity reference points at an entity of the file.
    for data in entities:
        schema = model.get(data["schema"])
        for name, values in data["properties"].items():
            if schema.get(name).type.name == "entity":
                assert set(values) <= ids, (data["schema"], name)


def tags_of(case: Case, kind: str) -> dict[str, list[str]]:
    """Tags by document title (or actor name)."""
    rows = documents.list_all(case) if kind == "document" else actors.list_all(case)
    return {getattr(r, "title", None) or r.name: tags.of(case, kind, r.id)
            for r in rows if tags.of(case, kind, r.id)}


def confidential_strings(case: Case) -> list[str]:
    """Names, aliases, emails, file names, titles, hashes and text of confidential items."""
    out = []
    open_text = "\n".join(r[0] for r in case.rows(
        "SELECT p.text FROM pages p JOIN documents d ON d.id = p.document_id "
        "WHERE d.confidential = 0"))
    for r in case.rows("SELECT * FROM documents WHERE confidential = 1"):
        out += [r["title"], r["file_name"], r["sha256"], r["sha256"][:12]]
        for p in documents.pages(case, r["id"]):
            out += [line for line in p.text.splitlines()
                    if len(line) > 30 and line not in open_text]
        mail = documents.email(case, r["id"])
        if mail is not None:
            out += [mail.from_addr]
    for a in actors.list_all(case):
        if a.confidential:
            out += list(a.names)
    return [s for s in out if s]


@pytest.fixture
def rich_case(tmp_path) -> Path:
    """A case with what the sample lacks: a long multi-page document, a page longer than
    FtM's text limit, an email thread with an attachment, a confidential email, a person
    in an organisation, and a confidential person named in an open document."""
    path = tmp_path / "rich.wbcase"
    with Case.create(path, title="Rich") as case:
        org = int(actors.add(case, name="Dunmore County Sheriff's Office", type="agency",
                             aliases=["the county sheriff"]).id)
        actors.add(case, name="Pat Quill", type="person", aliases=["P. Quill"],
                   parent_id=org)
        actors.add(case, name="Robin Whistler", type="person", confidential=True,
                   aliases=["R. Whistler", "robin.whistler@example.org"])
        long_page = ("Dunmore County Sheriff's Office detections. " * 1800).strip()
        documents.add(case, data=b"%PDF-fake-1", title="Long report", kind="pdf",
                      file_name="long-report.pdf", origin="Records release",
                      received="2019-03-04",
                      pages=[PageText(f"Page {n} text about Pat Quill.") for n in range(1, 6)]
                      + [PageText(long_page), PageText("")])
        first = int(documents.add(
            case, data=b"email one", title="Plate request", kind="email", pages=["Hi, run it?"],
            file_name="one.eml", email=EmailHeaders(
                from_addr="Agent Smith <agent@ofba.example>", to_addrs="det@cf.example",
                date="2019-02-01T10:00:00Z", subject="Plate request",
                message_id="<one@ofba>")).id)
        documents.add(case, data=b"email two", title="Re: Plate request", kind="email",
                      pages=["Done, see attached."], file_name="two.eml",
                      email=EmailHeaders(from_addr="José Núñez <det@cf.example>",
                                         to_addrs="Agent Smith <agent@ofba.example>",
                                         subject="Re: Plate request",
                                         message_id="<two@cf>", in_reply_to="<one@ofba>"))
        documents.add(case, data=b"attachment bytes", title="Attachment: scan results",
                      kind="text", pages=["Scan results"], file_name="scan.txt",
                      parent_id=first)
        documents.add(case, data=b"secret mail", title="Tip from Robin", kind="email",
                      pages=["I can tell you more. Robin"], file_name="tip-whistler.eml",
                      confidential=True,
                      email=EmailHeaders(from_addr="Robin Whistler <robin.whistler@example.org>",
                                         subject="Tip from Robin", message_id="<tip@x>"))
        documents.add(case, data=b"<html>saved</html>", title="Saved web page", kind="html",
                      pages=["Saved page: the county sheriff shares detections."],
                      file_name="page.html", media_type="text/html")
        documents.add(case, data=b"open note", title="Call notes", kind="note",
                      pages=["Spoke to R. Whistler again; Pat Quill confirmed."],
                      file_name="call-notes.txt")
    return path


def test_sample_export_validates_and_leaves_confidential_out(sample_case, tmp_path):
    out = tmp_path / "case.ftm.jsonl"
    summary = export_case(sample_case, out)
    entities = read_entities(out)
    assert summary.total == len(entities)
    assert_valid(entities)
    schemas = {e["schema"] for e in entities}
    assert {"PublicBody", "Company", "Email", "PlainText", "Pages", "Page", "Mention",
            "Note", "Event", "Documentation", "UnknownLink"} <= schemas
    assert summary.left_out["documents"] == 1 and summary.left_out["actors"] == 1
    tagged = [e for e in entities if "vendor" in e["properties"].get("keywords", [])]
    assert {e["schema"] for e in tagged} >= {"PlainText"}  # the sample's tag "vendor"
    text = out.read_text(encoding="utf-8").lower()
    secrets = confidential_strings(sample_case)
    assert "tip-from-source.md" in secrets and "County dispatcher (source)" in secrets
    for secret in secrets:
        assert secret.lower() not in text, secret
    assert not list(tmp_path.glob("*.part"))


def test_include_confidential_writes_everything(sample_case, tmp_path):
    out = tmp_path / "all.ftm.jsonl"
    summary = export_case(sample_case, out, include_confidential=True)
    assert not summary.left_out and summary.replaced == 0
    assert_valid(read_entities(out))
    text = out.read_text(encoding="utf-8")
    assert "tip-from-source.md" in text and "County dispatcher (source)" in text


def test_confidential_names_in_open_text_are_replaced(rich_case, tmp_path):
    out = tmp_path / "rich.ftm.jsonl"
    with Case.open(rich_case) as case:
        summary = export_case(case, out)
        secrets = confidential_strings(case)
    assert_valid(read_entities(out))
    text = out.read_text(encoding="utf-8").lower()
    for secret in secrets + ["robin.whistler@example.org", "tip-whistler.eml"]:
        assert secret.lower() not in text, secret
    assert summary.replaced >= 1  # "R. Whistler" in the call notes
    assert "confidential source 1" in text
    assert "pat quill confirmed" in text


def test_rich_case_uses_the_fitting_schemata(rich_case, tmp_path):
    out = tmp_path / "rich.ftm.jsonl"
    with Case.open(rich_case) as case:
        export_case(case, out)
    entities = read_entities(out)
    by_title = {e["properties"]["title"][0]: e for e in entities if "title" in e["properties"]}
    assert by_title["Long report"]["schema"] == "Pages"
    assert by_title["Saved web page"]["schema"] == "HyperText"
    assert by_title["Call notes"]["schema"] == "PlainText"
    reply = by_title["Re: Plate request"]
    assert reply["schema"] == "Email"
    assert reply["properties"]["inReplyToEmail"] == [by_title["Plate request"]["id"]]
    assert by_title["Attachment: scan results"]["properties"]["parent"] == \
        [by_title["Plate request"]["id"]]
    pages = [e for e in entities if e["schema"] == "Page"
             and e["properties"]["document"] == [by_title["Long report"]["id"]]]
    assert sorted(int(p["properties"]["index"][0]) for p in pages) == list(range(1, 8))
    long_page = next(p for p in pages if p["properties"]["index"] == ["6"])
    assert len(long_page["properties"]["bodyText"]) == 2  # over FtM's 65,000 characters
    membership = next(e for e in entities if e["schema"] == "Membership")
    quill = next(e for e in entities if e["properties"].get("name") == ["Pat Quill"])
    assert membership["properties"]["member"] == [quill["id"]]
    mentions = {(e["properties"]["document"][0], e["properties"]["resolved"][0])
                for e in entities if e["schema"] == "Mention"}
    assert (by_title["Call notes"]["id"], quill["id"]) in mentions


def test_cancelled_export_leaves_no_file(sample_case, tmp_path):
    out = tmp_path / "out" / "case.ftm.jsonl"
    out.parent.mkdir()
    with pytest.raises(Cancelled):
        export_case(sample_case, out, progress=Progress(lambda f, s: None, lambda: True))
    assert list(out.parent.iterdir()) == []
    assert not sample_case.conn.in_transaction


def test_ids_are_stable_and_derived_from_case_and_rows(sample_path, tmp_path):
    with Case.open(sample_path) as case:
        first = [e["id"] for e in read_entities(
            (export_case(case, tmp_path / "a.jsonl"), tmp_path / "a.jsonl")[1])]
        case_id = case.info.case_id
        actors.add(case, name="A new agency", type="agency")
    with Case.open(sample_path) as case:
        second = [e["id"] for e in read_entities(
            (export_case(case, tmp_path / "b.jsonl"), tmp_path / "b.jsonl")[1])]
    assert set(first) < set(second) and len(second) == len(first) + 1
    assert make_entity_id("workbench", case_id, "actor", "1") in first


def test_round_trip_keeps_documents_actors_and_links(rich_case, tmp_path):
    out = tmp_path / "rich.ftm.jsonl"
    with Case.open(rich_case) as case:
        old_docs = {d.sha256: (d, [p.text for p in documents.pages(case, d.id)],
                               documents.email(case, d.id))
                    for d in documents.list_all(case)}
        old_titles = {d.id: d.title for d in documents.list_all(case)}
        old_actors = {a.name: a for a in actors.list_all(case)}
        old_actor_names = {a.id: a.name for a in old_actors.values()}
        tags.add(case, "document", documents.list_all(case)[0].id, "long one")
        tags.add(case, "actor", old_actors["Pat Quill"].id, "insider")
        old_tags = tags_of(case, "document")
        export_case(case, out, include_confidential=True)
    assert_valid(read_entities(out))
    with Case.create(tmp_path / "new.wbcase", title="New") as new:
        report = import_ftm(new, out)
        assert report.status == "done" and report.failed == 0
        assert report.imported == len(old_docs) + len(old_actors)
        new_docs = documents.list_all(new)
        assert len(new_docs) == len(old_docs)
        titles = {d.id: d.title for d in new_docs}
        for d in new_docs:
            old, old_pages, old_mail = old_docs[d.metadata["ftm"]["sha256"]]
            assert d.title == old.title
            assert d.file_name == old.file_name
            assert d.received == old.received
            pages = [p.text for p in documents.pages(new, d.id)]
            assert d.page_count == old.page_count
            assert [" ".join(p.split()) for p in pages] == \
                [" ".join(p.split()) for p in old_pages]
            assert (titles.get(d.parent_id) if d.parent_id else None) == \
                (old_titles.get(old.parent_id) if old.parent_id else None)
            mail = documents.email(new, d.id)
            if old_mail is not None:
                assert mail.subject == old_mail.subject
                assert mail.message_id == old_mail.message_id
                assert mail.in_reply_to == old_mail.in_reply_to
                assert mail.from_addr == old_mail.from_addr
        new_actors = {a.name: a for a in actors.list_all(new)}
        assert tags.of(new, "actor", new_actors["Pat Quill"].id) == ["insider"]
        new_names = {a.id: a.name for a in new_actors.values()}
        assert set(new_actors) == set(old_actors)
        for name, a in new_actors.items():
            old = old_actors[name]
            assert set(a.aliases) == set(old.aliases)
            assert a.type == old.type
            assert new_names.get(a.parent_id) == old_actor_names.get(old.parent_id)
        assert tags_of(new, "document") == old_tags
        # The same file again adds nothing: every document and actor is a duplicate.
        again = import_ftm(new, out)
        assert again.imported == 0
        assert again.duplicates == len(old_docs) + len(old_actors)
        assert len(documents.list_all(new)) == len(old_docs)


def test_import_deduplicates_by_original_hash_and_name_fingerprint(sample_path, tmp_path):
    """A file from Aleph carries SHA-1 content hashes and names spelled differently."""
    out = tmp_path / "case.ftm.jsonl"
    with Case.open(sample_path) as case:
        export_case(case, out)
        doc_count = len(documents.list_all(case))
        actor_count = len(actors.list_all(case))
    lines = []
    for data in read_entities(out):
        data["properties"].pop("notes", None)  # no Workbench SHA-256: only contentHash
        if data["schema"] == "PublicBody" and data["properties"]["name"] == \
                ["Brookfield Police Department"]:
            data["properties"]["name"] = ["BROOKFIELD POLICE DEPARTMENT."]
            data["properties"]["alias"] = ["Brookfield Police"]
        lines.append(json.dumps(data))
    aleph = tmp_path / "from-aleph.ftm.jsonl"
    aleph.write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")
    with Case.open(sample_path) as case:
        report = import_ftm(case, aleph)
        assert report.imported == 0
        assert report.failed == 1 and "not a FollowTheMoney entity" in report.problems[0].reason
        assert report.problems[0].path.endswith(":" + str(len(lines) + 1))
        assert report.duplicates == 7 + 7  # open documents and actors of the sample
        assert len(documents.list_all(case)) == doc_count
        assert len(actors.list_all(case)) == actor_count
        bpd = actors.find(case, "Brookfield Police Department")[0]
        assert "Brookfield Police" in bpd.aliases
        stored = case.rows("SELECT outcome, count(*) FROM import_items WHERE import_id = ? "
                           "GROUP BY outcome", (report.import_id,))
        assert dict((r[0], r[1]) for r in stored)["duplicate"] == 14


@pytest.mark.parametrize("which", ["sample", "rich"])
def test_ftm_command_line_validates_the_export(which, sample_path, rich_case, tmp_path):
    ftm = Path(sys.executable).with_name("ftm")
    if not ftm.exists():
        ftm = shutil.which("ftm")
    if not ftm:
        pytest.skip("the ftm command is not installed")
    out = tmp_path / "case.ftm.jsonl"
    with Case.open(sample_path if which == "sample" else rich_case) as case:
        export_case(case, out)
    checked = tmp_path / "checked.jsonl"
    subprocess.run([str(ftm), "validate", "-i", str(out), "-o", str(checked)], check=True,
                   timeout=120, capture_output=True)
    ours = {e["id"]: e for e in read_entities(out)}
    theirs = {e["id"]: e for e in read_entities(checked)}
    assert theirs.keys() == ours.keys()
    for entity_id, data in ours.items():
        assert theirs[entity_id]["schema"] == data["schema"]
        assert theirs[entity_id]["properties"] == data["properties"], entity_id


_MEASURE = """
import resource, sys
from workbench.core.casefile import Case
from workbench.core.handoff.export import export_case
with Case.open(sys.argv[1]) as case:
    summary = export_case(case, sys.argv[2])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, summary.entities["Page"])
"""


def _generated_case(path: Path, docs: int, pages: int) -> None:
    filler = "Plate reader detections shared with the federal agency. " * 70  # ~4 KB
    with Case.create(path, title="Generated") as case:
        actors.add(case, name="Brookfield Police Department", type="agency")
        with case.action("Generate"):
            for d in range(docs):
                documents.add(case, data=f"document {d}".encode(), title=f"Doc {d}",
                              kind="pdf", pages=[f"{d}/{n} Brookfield Police Department. "
                                                 + filler for n in range(pages)])


@pytest.mark.slow
def test_export_streams_in_constant_memory(tmp_path):
    """Peak memory of an export of 6,000 pages (~25 MB of text) is that of 300 pages."""
    small, large = tmp_path / "small.wbcase", tmp_path / "large.wbcase"
    _generated_case(small, 15, 20)
    _generated_case(large, 300, 20)
    peaks = {}
    for path in (small, large):
        done = subprocess.run([sys.executable, "-c", _MEASURE, str(path),
                               str(path.with_suffix(".jsonl"))], check=True, timeout=600,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path.cwd())})
        rss_kb, pages = map(int, done.stdout.split())
        peaks[path.name] = (rss_kb, pages)
    (small_kb, small_pages), (large_kb, large_pages) = peaks["small.wbcase"], \
        peaks["large.wbcase"]
    assert (small_pages, large_pages) == (300, 6000)
    text_mb = large.with_suffix(".jsonl").stat().st_size / 1e6
    assert text_mb > 20
    grew_mb = (large_kb - small_kb) / 1024
    print(f"peak RSS {small_kb / 1024:.0f} MB for 300 pages, {large_kb / 1024:.0f} MB for "
          f"6,000 pages ({text_mb:.0f} MB written): grew {grew_mb:.1f} MB")
    assert grew_mb < 8, peaks
