"""The fictional sample case, built from ``resources/sample`` through the public core API.

Everything in it is invented (see resources/sample/README.md). Building it exercises the
same calls a user's actions make: import, excerpt, statement, claim, evidence, verdict,
finding, event and tag.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core import (actors, claims, documents, events, excerpts, findings, importing,
                            statements, tags)
from workbench.core.casefile import Case
from workbench.core.errors import WorkbenchError
from workbench.core.resources import resource


def build(path: str | Path, *, source: Path | None = None) -> Case:
    """Write the sample case to ``path`` (which must not exist) and return it open."""
    source = source or resource("sample")
    spec = json.loads((source / "case.json").read_text(encoding="utf-8"))
    case = Case.create(path, title=spec["title"])
    try:
        _fill(case, spec, source / "documents")
    except BaseException:
        case.close()
        for p in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        raise
    return case


def _fill(case: Case, spec: dict, folder: Path) -> None:
    docs: dict[str, int] = {}
    by_origin: dict[str, list[dict]] = {}
    for entry in spec["documents"]:
        by_origin.setdefault(entry["origin"], []).append(entry)
    for origin, entries in by_origin.items():
        report = importing.import_paths(case, [folder / e["file"] for e in entries],
                                        origin=origin)
        if report.problems:
            problem = report.problems[0]
            raise WorkbenchError(f"sample document {problem.path}: {problem.reason}")
        for entry, item in zip(entries, report.items):
            docs[entry["file"]] = item.document_id
            documents.update(case, item.document_id, title=entry["title"],
                             received=entry.get("received"),
                             confidential=entry.get("confidential", False))
            if entry.get("date"):  # the date the document bears
                documents.update(case, item.document_id, date=entry["date"])

    people: dict[str, int] = {}
    for entry in spec["actors"]:
        people[entry["key"]] = actors.add(
            case, name=entry["name"], type=entry["type"], aliases=entry.get("aliases", ()),
            parent_id=people.get(entry.get("parent")),
            confidential=entry.get("confidential", False)).id

    quotes: dict[str, int] = {}
    for entry in spec["excerpts"]:
        quotes[entry["key"]] = excerpts.add(
            case, document_id=docs[entry["file"]], page=entry["page"], quote=entry["quote"],
            note=entry.get("note")).id

    said: dict[str, int] = {}
    for entry in spec["statements"]:
        said[entry["key"]] = statements.add(
            case, actor_id=people[entry["actor"]], stance=entry["stance"],
            speaker=entry.get("speaker"), role=entry.get("role"), date=entry.get("date"),
            channel=entry.get("channel"), text=entry.get("text"),
            excerpt_id=quotes.get(entry.get("excerpt")), asked_on=entry.get("asked_on")).id

    targets = {"excerpt": quotes, "statement": said}
    claim_ids: dict[str, int] = {}
    for entry in spec["claims"]:
        claim_id = claims.add(case, entry["text"],
                              origin_excerpt_id=quotes.get(entry.get("origin_excerpt")),
                              about=[people[a] for a in entry.get("about", ())]).id
        claim_ids[entry["key"]] = claim_id
        for relation, kind, key, note in entry.get("evidence", ()):
            claims.add_evidence(case, claim_id=claim_id, relation=relation, note=note,
                                **{f"{kind}_id": targets[kind][key]})
        if "verdict" in entry:
            status, rationale = entry["verdict"]
            claims.set_verdict(case, claim_id=claim_id, status=status, rationale=rationale)

    for entry in spec["findings"]:
        findings.add(case, title=entry["title"], text=entry["text"], status=entry["status"],
                     cite=[(kind, targets[kind][key]) for kind, key in entry["cite"]])

    sources = {"document": docs, "excerpt": quotes, "statement": said}
    for entry in spec.get("events", ()):
        events.add(case, date=entry["date"], text=entry["text"],
                   actor_ids=[people[a] for a in entry.get("actors", ())],
                   sources=[(kind, sources[kind][key]) for kind, key in entry["sources"]],
                   claim_ids=[claim_ids[k] for k in entry.get("claims", ())])

    keys = {"document": docs, "claim": claim_ids, "actor": people, "excerpt": quotes}
    for kind, key, name in spec.get("tags", ()):
        tags.add(case, kind, keys[kind][key], name)
