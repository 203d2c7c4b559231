"""How the command line presents core objects: dictionaries for JSON, text for people."""

from __future__ import annotations

import click

from workbench.cli.output import fields, printable, table, to_plain
from workbench.core import (actors, audit, claims, documents, excerpts, findings, overview,
                            statements, tags)
from workbench.core.casefile import Case
from workbench.core.importing import ImportReport


def case_summary(case: Case) -> dict:
    info = case.info
    return {**to_plain(info), "counts": overview.counts(case)}


def document_row(case: Case, doc: documents.Document, *, ocr: str | None = None,
                 tag_names: list[str] | None = None) -> dict:
    """A document as JSON; ``ocr`` and ``tag_names`` when already read (a long list)."""
    return {**to_plain(doc),
            "ocr": ocr if ocr is not None else documents.ocr_state(case, doc.id),
            "tags": tag_names if tag_names is not None else tags.of(case, "document", doc.id)}


def document_rows(case: Case, docs: list[documents.Document]) -> list[dict]:
    """:func:`document_row` of many documents, with three queries in all."""
    ocr, tagged = documents.ocr_states(case), tags.of_every(case, "document")
    return [document_row(case, d, ocr=ocr.get(d.id, "none"), tag_names=tagged.get(d.id, []))
            for d in docs]


def import_json(report: ImportReport) -> dict:
    return {"import_id": report.import_id, "status": report.status, "origin": report.origin,
            "imported": report.imported, "duplicates": report.duplicates,
            "failed": report.failed, "pages": report.pages, "ocr_pages": report.ocr_pages,
            "seconds": round(report.seconds, 3), "items": to_plain(report.items),
            "completes": list(report.completes)}


def print_import(report: ImportReport) -> None:
    table(["imported", "duplicates", "failed", "pages", "pages OCR'd", "seconds"],
          [[report.imported, report.duplicates, report.failed, report.pages,
            report.ocr_pages, f"{report.seconds:.1f}"]])
    for item in report.items:
        path, reason = printable(item.path), printable(item.reason or "")
        if item.outcome in ("failed", "unsupported"):
            click.echo(f"{click.style('failed', fg='red')}: {path}: {reason}")
        elif item.outcome in ("duplicate", "skipped"):
            click.echo(f"{item.outcome}: {path}: {reason}")
        elif item.reason:  # imported, with something the import noticed
            click.echo(f"note: {path}: {reason}")
    for earlier in report.completes:
        click.echo(f"This import finished what import {earlier} began (it was "
                   f"interrupted): {report.imported} file(s) stored now; files it had "
                   "stored are listed above as duplicates.")
    if report.status == "cancelled":
        click.echo("The import was cancelled; the files listed above were kept.")


def audit_change(entry: audit.AuditEntry) -> str:
    if entry.operation == "update" and entry.before is not None and entry.after is not None:
        return "; ".join(f"{k}: {entry.before.get(k)!r} -> {entry.after.get(k)!r}"
                         for k in entry.after)
    row = entry.after if entry.operation == "insert" else entry.before
    return ", ".join(f"{k}={v!r}" for k, v in (row or {}).items() if k != "id")


def _excerpt_source(case: Case, ex: excerpts.Excerpt) -> dict:
    doc = documents.get(case, ex.document_id)
    return {**to_plain(ex), "document_title": doc.title, "verified": excerpts.verify(case, ex)}


def _statement_full(case: Case, st: statements.Statement) -> dict:
    return {**to_plain(st), "actor": actors.get(case, st.actor_id).name}


def _cited(case: Case, kind: str, target_id: int) -> dict:
    if kind == "excerpt":
        return {"kind": kind, **_excerpt_source(case, excerpts.get(case, target_id))}
    return {"kind": kind, **_statement_full(case, statements.get(case, target_id))}


def detail(case: Case, kind: str, row_id: int) -> dict:
    """Everything worth showing about one row, as plain data."""
    if kind == "document":
        doc = documents.get(case, row_id)
        return {**document_row(case, doc), "names": to_plain(documents.names(case, row_id)),
                "email": to_plain(documents.email(case, row_id)),
                "pages": [{"page_no": p.page_no, "chars": len(p.text), "ocr": p.ocr,
                           "ocr_confidence": p.ocr_confidence}
                          for p in documents.pages(case, row_id)],
                "attachments": [d.id for d in documents.list_all(case, parent_id=row_id)],
                "excerpts": to_plain(excerpts.list_all(case, document_id=row_id))}
    if kind == "excerpt":
        return {**_excerpt_source(case, excerpts.get(case, row_id)),
                "tags": tags.of(case, "excerpt", row_id)}
    if kind == "actor":
        actor = actors.get(case, row_id)
        return {**to_plain(actor), "tags": tags.of(case, "actor", row_id),
                "statements": to_plain(statements.list_all(case, actor_id=row_id)),
                "claims": [{"id": cl.id, "text": cl.text}
                           for cl in claims.list_all(case, actor_id=row_id)]}
    if kind == "statement":
        return {**_statement_full(case, statements.get(case, row_id)),
                "tags": tags.of(case, "statement", row_id)}
    if kind == "claim":
        claim = claims.get(case, row_id)
        links = []
        for link in claims.evidence(case, row_id):
            links.append({**to_plain(link), "source": _cited(case, *link.target)})
        return {**to_plain(claim), "about": [actors.get(case, a).name for a in claim.actor_ids],
                "verdict": to_plain(claims.verdict(case, row_id)), "evidence": links,
                "tags": tags.of(case, "claim", row_id)}
    finding = findings.get(case, row_id)
    return {**to_plain(finding), "tags": tags.of(case, "finding", row_id),
            "sources": [{"mark": n, **_cited(case, c.kind, c.target_id)}
                        for n, c in enumerate(finding.citations, start=1)]}


def print_detail(kind: str, data: dict) -> None:
    skip = {"excerpts", "statements", "claims", "evidence", "sources", "pages", "names",
            "email", "citations", "metadata"}
    fields([(k, ", ".join(map(str, v)) if isinstance(v, list) else v)
            for k, v in data.items() if k not in skip and not isinstance(v, dict)])
    if kind == "document":
        if data["email"]:
            click.echo()
            fields([(k, v) for k, v in data["email"].items() if k != "raw_headers"])
        click.echo()
        table(["page", "chars", "ocr"], [[p["page_no"], p["chars"], p["ocr"]]
                                         for p in data["pages"]])
        if data["excerpts"]:
            click.echo()
            table(["excerpt", "page", "quote"], [[e["id"], e["page_no"], e["quote"]]
                                                 for e in data["excerpts"]], widths={2: 80})
    elif kind == "actor":
        click.echo()
        table(["statement", "date", "stance", "speaker", "text"],
              [[s["id"], s["date"] or s["asked_on"], s["stance"], s["speaker"], s["text"]]
               for s in data["statements"]], widths={4: 60})
        click.echo()
        table(["claim", "text"], [[c["id"], c["text"]] for c in data["claims"]],
              widths={1: 80})
    elif kind == "claim":
        click.echo()
        table(["evidence", "relation", "source", "text"],
              [[e["id"], e["relation"], f"{e['source']['kind']} {e['source']['id']}",
                e["source"].get("quote") or e["source"].get("text")]
               for e in data["evidence"]], widths={3: 70})
        verdict = data["verdict"]
        click.echo()
        fields([("verdict", verdict["status"]), ("rationale", verdict["rationale"]),
                ("decided", verdict["decided_at"])])
    elif kind == "finding":
        click.echo()
        click.echo(data["text"])
        click.echo()
        table(["mark", "source", "text"],
              [[s["mark"], f"{s['kind']} {s['id']}", s.get("quote") or s.get("text")]
               for s in data["sources"]], widths={2: 80})
