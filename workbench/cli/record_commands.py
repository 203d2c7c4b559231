"""The add / list / edit verbs for each kind of record in a case."""

from __future__ import annotations

import click

from workbench.cli.output import emit_json, open_case, table, to_plain
from workbench.core import actors, claims, excerpts, findings, schema, statements, tags
from workbench.core.changes import Changes

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _added(kind: str, changes: Changes, as_json: bool) -> None:
    if as_json:
        emit_json({"id": changes.id, "kind": kind, "changes": changes.summary()})
    else:
        click.echo(f"Added {kind} {changes.id}.")


def _changed(kind: str, row_id: int, changes: Changes, as_json: bool) -> None:
    if as_json:
        emit_json({"id": row_id, "kind": kind, "changes": changes.summary()})
    else:
        click.echo(f"Changed {kind} {row_id}." if not changes.empty else "Nothing to change.")


# -- actors ---------------------------------------------------------------------------

@click.group()
def actor() -> None:
    """Agencies, companies and people."""


@actor.command("add")
@CASE
@click.argument("name")
@click.option("--type", "type_", type=click.Choice(actors.TYPES), required=True)
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--parent", type=int, help="Id of the parent organisation.")
@click.option("--confidential", is_flag=True, help="A confidential source: never named.")
@click.option("--note")
@JSON
def actor_add(case, name, type_, aliases, parent, confidential, note, as_json) -> None:
    """Add an actor with its aliases."""
    with open_case(case) as c:
        changes = actors.add(c, name=name, type=type_, aliases=aliases, parent_id=parent,
                             confidential=confidential, note=note)
    _added("actor", changes, as_json)


@actor.command("list")
@CASE
@click.option("--type", "type_", type=click.Choice(actors.TYPES))
@JSON
def actor_list(case, type_, as_json) -> None:
    """List actors."""
    with open_case(case) as c:
        rows = actors.list_all(c, type=type_)
        parents: dict[int | None, str] = {a.id: a.name for a in rows}
    if as_json:
        emit_json(rows)
        return
    table(["id", "name", "type", "aliases", "parent", "confidential"],
          [[a.id, a.name, a.type, "; ".join(a.aliases), parents.get(a.parent_id),
            a.confidential] for a in rows])


@actor.command("edit")
@CASE
@click.argument("actor_id", type=int)
@click.option("--name")
@click.option("--type", "type_", type=click.Choice(actors.TYPES))
@click.option("--parent", type=int)
@click.option("--confidential/--not-confidential", default=None)
@click.option("--add-alias", multiple=True)
@click.option("--remove-alias", multiple=True)
@JSON
def actor_edit(case, actor_id, name, type_, parent, confidential, add_alias, remove_alias,
               as_json) -> None:
    """Rename an actor, change its type, parent, aliases or confidentiality."""
    values = {k: v for k, v in (("name", name), ("type", type_), ("parent_id", parent),
                                ("confidential", confidential)) if v is not None}
    with open_case(case) as c:
        with c.action("Edit actor") as act:
            act.row_id = actor_id
            if values:
                actors.update(c, actor_id, **values)
            for alias in add_alias:
                actors.add_alias(c, actor_id, alias)
            for alias in remove_alias:
                actors.remove_alias(c, actor_id, alias)
    _changed("actor", actor_id, act.changes, as_json)


# -- excerpts -------------------------------------------------------------------------

@click.group()
def excerpt() -> None:
    """Exact quotations anchored to a document page."""


@excerpt.command("add")
@CASE
@click.option("--doc", "document_id", type=int, required=True, help="Document id.")
@click.option("--page", type=int, required=True, help="Page number (from 1).")
@click.option("--quote", required=True, help="The exact words, as they are on the page.")
@click.option("--note")
@click.option("--actor", "actor_id", type=int, help="The actor the quote is from or about.")
@JSON
def excerpt_add(case, document_id, page, quote, note, actor_id, as_json) -> None:
    """Anchor a quotation; refused unless it occurs on that page."""
    with open_case(case) as c:
        changes = excerpts.add(c, document_id=document_id, page=page, quote=quote, note=note,
                               actor_id=actor_id)
        assert changes.id is not None  # an add names the row it made
        ex = excerpts.get(c, changes.id)
    if as_json:
        emit_json({"id": ex.id, "kind": "excerpt", "start": ex.start, "end": ex.end,
                   "changes": changes.summary()})
    else:
        click.echo(f"Added excerpt {ex.id} (page {ex.page_no}, characters {ex.start}-{ex.end}).")


@excerpt.command("list")
@CASE
@click.option("--doc", "document_id", type=int)
@JSON
def excerpt_list(case, document_id, as_json) -> None:
    """List excerpts, with whether each still matches its source."""
    with open_case(case) as c:
        rows = [(e, excerpts.verify(c, e)) for e in excerpts.list_all(c, document_id=document_id)]
    if as_json:
        emit_json([{**to_plain(e), "verified": ok} for e, ok in rows])
        return
    table(["id", "doc", "page", "chars", "quote", "note", "matches"],
          [[e.id, e.document_id, e.page_no, f"{e.start}-{e.end}", e.quote, e.note,
            "yes" if ok else "NO"] for e, ok in rows], widths={4: 70})


@excerpt.command("edit")
@CASE
@click.argument("excerpt_id", type=int)
@click.option("--note")
@click.option("--actor", "actor_id", type=int)
@click.option("--cleared/--not-cleared", default=None,
              help="Cleared for publication although its document is confidential.")
@JSON
def excerpt_edit(case, excerpt_id, note, actor_id, cleared, as_json) -> None:
    """Change an excerpt's note, actor or clearance (never its quote)."""
    values = {k: v for k, v in (("note", note), ("actor_id", actor_id),
                                ("cleared", cleared)) if v is not None}
    with open_case(case) as c:
        changes = excerpts.update(c, excerpt_id, **values)
    _changed("excerpt", excerpt_id, changes, as_json)


# -- statements -----------------------------------------------------------------------

@click.group()
def statement() -> None:
    """What actors said on the record (and who did not respond)."""


@statement.command("add")
@CASE
@click.option("--actor", "actor_id", type=int, required=True)
@click.option("--stance", type=click.Choice(schema.STANCES), required=True)
@click.option("--speaker", help="Who spoke for the actor.")
@click.option("--role", help="The speaker's role, e.g. spokesperson.")
@click.option("--date", help="When it was said, YYYY-MM-DD.")
@click.option("--asked", "asked_on", help="For no-response: when the actor was asked.")
@click.option("--channel", type=click.Choice(schema.CHANNELS))
@click.option("--text", help="The verbatim words.")
@click.option("--excerpt", "excerpt_id", type=int, help="The excerpt where it is recorded.")
@click.option("--doc", "document_id", type=int, help="The document where it is recorded.")
@JSON
def statement_add(case, actor_id, stance, speaker, role, date, asked_on, channel, text,
                  excerpt_id, document_id, as_json) -> None:
    """Record a statement, a refusal to comment or a no-response."""
    with open_case(case) as c:
        changes = statements.add(c, actor_id=actor_id, stance=stance, speaker=speaker,
                                 role=role, date=date, channel=channel, text=text,
                                 excerpt_id=excerpt_id, document_id=document_id,
                                 asked_on=asked_on)
    _added("statement", changes, as_json)


@statement.command("list")
@CASE
@click.option("--actor", "actor_id", type=int)
@click.option("--stance", type=click.Choice(schema.STANCES))
@JSON
def statement_list(case, actor_id, stance, as_json) -> None:
    """List statements (the responses on record)."""
    with open_case(case) as c:
        rows = statements.list_all(c, actor_id=actor_id, stance=stance)
        names = {a.id: a.name for a in actors.list_all(c)}
    if as_json:
        emit_json(rows)
        return
    table(["id", "actor", "stance", "date", "channel", "speaker", "text"],
          [[s.id, names.get(s.actor_id), s.stance, s.date or f"asked {s.asked_on}",
            s.channel, s.speaker, s.text] for s in rows], widths={6: 60})


# -- claims, evidence, verdicts -------------------------------------------------------

@click.group()
def claim() -> None:
    """Propositions under verification."""


@claim.command("add")
@CASE
@click.argument("text")
@click.option("--origin-excerpt", type=int, help="The excerpt the claim comes from.")
@click.option("--origin-doc", type=int, help="The document the claim comes from.")
@click.option("--origin-note", help="Where the claim comes from, in words.")
@click.option("--about", multiple=True, type=int, help="Id of an actor it is about (repeatable).")
@JSON
def claim_add(case, text, origin_excerpt, origin_doc, origin_note, about, as_json) -> None:
    """Add a claim to verify."""
    with open_case(case) as c:
        changes = claims.add(c, text, origin_excerpt_id=origin_excerpt,
                             origin_document_id=origin_doc, origin_note=origin_note,
                             about=about)
    _added("claim", changes, as_json)


@claim.command("list")
@CASE
@click.option("--actor", "actor_id", type=int, help="Only claims about this actor.")
@JSON
def claim_list(case, actor_id, as_json) -> None:
    """List claims with their verdicts and how much evidence each side has."""
    with open_case(case) as c:
        rows = []
        for cl in claims.list_all(c, actor_id=actor_id):
            links = claims.evidence(c, cl.id)
            rows.append({**to_plain(cl), "verdict": claims.verdict(c, cl.id).status,
                         "supports": sum(1 for e in links if e.relation == "supports"),
                         "contradicts": sum(1 for e in links if e.relation == "contradicts"),
                         "context": sum(1 for e in links if e.relation == "context")})
    if as_json:
        emit_json(rows)
        return
    table(["id", "claim", "verdict", "for", "against", "context"],
          [[r["id"], r["text"], r["verdict"], r["supports"], r["contradicts"], r["context"]]
           for r in rows], widths={1: 70})


@click.group()
def evidence() -> None:
    """Links from claims to the excerpts and statements that bear on them."""


@evidence.command("add")
@CASE
@click.option("--claim", "claim_id", type=int, required=True)
@click.option("--excerpt", "excerpt_id", type=int)
@click.option("--statement", "statement_id", type=int)
@click.option("--relation", type=click.Choice(schema.RELATIONS), required=True)
@click.option("--note")
@JSON
def evidence_add(case, claim_id, excerpt_id, statement_id, relation, note, as_json) -> None:
    """Link an excerpt or a statement to a claim."""
    if (excerpt_id is None) == (statement_id is None):
        raise click.UsageError("give exactly one of --excerpt and --statement")
    with open_case(case) as c:
        changes = claims.add_evidence(c, claim_id=claim_id, excerpt_id=excerpt_id,
                                      statement_id=statement_id, relation=relation, note=note)
    _added("evidence", changes, as_json)


@evidence.command("list")
@CASE
@click.option("--claim", "claim_id", type=int)
@JSON
def evidence_list(case, claim_id, as_json) -> None:
    """List evidence links."""
    with open_case(case) as c:
        rows = claims.evidence(c, claim_id)
    if as_json:
        emit_json(rows)
        return
    table(["id", "claim", "relation", "source", "note"],
          [[e.id, e.claim_id, e.relation, f"{e.target[0]} {e.target[1]}", e.note]
           for e in rows])


@click.group()
def verdict() -> None:
    """The fact-checker's resolution of each claim."""


@verdict.command("set")
@CASE
@click.option("--claim", "claim_id", type=int, required=True)
@click.option("--status", type=click.Choice(schema.VERDICT_STATUSES), required=True)
@click.option("--rationale", help="Why (required for every status but unverified).")
@JSON
def verdict_set(case, claim_id, status, rationale, as_json) -> None:
    """Record a claim's verdict (earlier verdicts stay in its history)."""
    with open_case(case) as c:
        changes = claims.set_verdict(c, claim_id=claim_id, status=status, rationale=rationale)
    _added("verdict", changes, as_json)


@verdict.command("list")
@CASE
@click.option("--claim", "claim_id", type=int, help="Show this claim's whole history.")
@JSON
def verdict_list(case, claim_id, as_json) -> None:
    """List each claim's current verdict, or one claim's history."""
    with open_case(case) as c:
        if claim_id is not None:
            rows = claims.verdict_history(c, claim_id)
        else:
            rows = [claims.verdict(c, cl.id) for cl in claims.list_all(c)]
    if as_json:
        emit_json(rows)
        return
    table(["claim", "status", "decided", "rationale"],
          [[v.claim_id, v.status, v.decided_at, v.rationale] for v in rows], widths={3: 70})


# -- findings -------------------------------------------------------------------------

@click.group()
def finding() -> None:
    """Publishable conclusions with their citations."""


@finding.command("add")
@CASE
@click.option("--title", required=True)
@click.option("--text", default="")
@click.option("--status", type=click.Choice(schema.FINDING_STATUSES), default="draft",
              show_default=True)
@click.option("--cite", multiple=True, help="excerpt:ID or statement:ID (repeatable, in order).")
@JSON
def finding_add(case, title, text, status, cite, as_json) -> None:
    """Add a finding at the end of the report."""
    refs = [findings.parse_citation(c) for c in cite]
    with open_case(case) as c:
        changes = findings.add(c, title=title, text=text, status=status, cite=refs)
    _added("finding", changes, as_json)


@finding.command("list")
@CASE
@JSON
def finding_list(case, as_json) -> None:
    """List findings in report order."""
    with open_case(case) as c:
        rows = findings.list_all(c)
    if as_json:
        emit_json(rows)
        return
    table(["id", "#", "title", "status", "citations"],
          [[f.id, f.position, f.title, f.status,
            ", ".join(f"{x.kind}:{x.target_id}" for x in f.citations)] for f in rows])


@finding.command("edit")
@CASE
@click.argument("finding_id", type=int)
@click.option("--title")
@click.option("--text")
@click.option("--status", type=click.Choice(schema.FINDING_STATUSES))
@click.option("--cite", multiple=True, help="Add a citation: excerpt:ID or statement:ID.")
@click.option("--position", type=int, help="Move the finding to this place in the report.")
@JSON
def finding_edit(case, finding_id, title, text, status, cite, position, as_json) -> None:
    """Edit a finding, add citations to it, or move it."""
    values = {k: v for k, v in (("title", title), ("text", text), ("status", status))
              if v is not None}
    refs = [findings.parse_citation(x) for x in cite]
    with open_case(case) as c:
        with c.action("Edit finding") as act:
            act.row_id = finding_id
            if values:
                findings.update(c, finding_id, **values)
            for kind, target_id in refs:
                findings.add_citation(c, finding_id, kind, target_id)
            if position is not None:
                findings.move(c, finding_id, position)
    _changed("finding", finding_id, act.changes, as_json)


# -- tags -----------------------------------------------------------------------------

@click.group()
def tag() -> None:
    """Tags on documents, excerpts, actors, statements, claims and findings."""


TARGET = click.argument("kind", type=click.Choice(tags.TARGETS))


@tag.command("add")
@CASE
@TARGET
@click.argument("target_id", type=int)
@click.argument("name")
@JSON
def tag_add(case, kind, target_id, name, as_json) -> None:
    """Tag something."""
    with open_case(case) as c:
        changes = tags.add(c, kind, target_id, name)
    _changed(kind, target_id, changes, as_json)


@tag.command("remove")
@CASE
@TARGET
@click.argument("target_id", type=int)
@click.argument("name")
@JSON
def tag_remove(case, kind, target_id, name, as_json) -> None:
    """Remove a tag from something."""
    with open_case(case) as c:
        changes = tags.remove(c, kind, target_id, name)
    _changed(kind, target_id, changes, as_json)


@tag.command("list")
@CASE
@click.option("--name", help="List what carries this tag.")
@JSON
def tag_list(case, name, as_json) -> None:
    """List tags and how often each is used (or what carries one tag)."""
    with open_case(case) as c:
        if name:
            rows = tags.tagged(c, name)
            if as_json:
                emit_json([{"kind": k, "id": i} for k, i in rows])
            else:
                table(["kind", "id"], rows)
            return
        rows = tags.all_tags(c)
    if as_json:
        emit_json([{"name": n, "count": k} for n, k in rows])
    else:
        table(["tag", "used"], rows)
