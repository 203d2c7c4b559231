"""Commands for full-text search: search, mentions, reindex."""

from __future__ import annotations

import time

import click

from workbench.cli.output import emit_json, lazy_progress, open_case, table
from workbench.core import actors, search
from workbench.core.casefile import Case
from workbench.core.errors import ValidationError
from workbench.core.search.searching import MAX_LIMIT

CASE = click.argument("case", type=click.Path(dir_okay=False))
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


_progress = lazy_progress  # one progress bar for the index, shared with import


def _open(c: Case) -> search.CaseIndex:
    """The case's index, with a progress bar if it has to be rebuilt first."""
    with _progress("Updating the search index", always=False) as progress:
        index = search.open_index(c, progress)
    if index.warning:
        click.echo(f"Warning: {index.warning}", err=True)
    return index


def _emph(snippet: search.Snippet) -> str:
    return snippet.marked(click.style("", bold=True, reset=False), "\x1b[0m")


def hit_json(hit: search.Hit) -> dict:
    return {"kind": hit.kind, "doc_id": hit.doc_id, "page": hit.page, "title": hit.title,
            "snippet": hit.snippet.marked(), "snippet_text": hit.snippet.text,
            "highlights": [list(h) for h in hit.snippet.highlights], "date": hit.date,
            "confidential": hit.confidential, "origin": hit.origin, "tags": list(hit.tags),
            "actor_ids": list(hit.actor_ids), "id": hit.id, "uid": hit.uid,
            "score": round(hit.score, 4)}


def results_json(results: search.SearchResults) -> dict:
    f = results.facets
    return {"query": results.query, "total": results.total, "offset": results.offset,
            "limit": results.limit, "hits": [hit_json(h) for h in results.hits],
            "facets": {"kind": dict(f.kinds), "year": dict(f.years),
                       "actor": [{"id": a.actor_id, "name": a.name, "count": a.count}
                                 for a in f.actors]},
            "facets_skipped": f.skipped}


def _where(hit: search.Hit) -> str:
    parts = [hit.kind]
    if hit.doc_id is not None:
        parts.append(f"document {hit.doc_id}")
    if hit.page is not None:
        parts.append(f"page {hit.page}")
    if hit.date:
        parts.append(hit.date)
    return ", ".join(parts)


def _print_results(results: search.SearchResults) -> None:
    shown = len(results.hits)
    first = results.offset + 1 if shown else 0
    click.echo(f"{results.total} hit(s) for {results.query}"
               + (f" (showing {first}-{results.offset + shown})" if results.total else ""))
    for n, hit in enumerate(results.hits, start=first):
        secret = click.style("  CONFIDENTIAL", fg="red", bold=True) if hit.confidential else ""
        click.echo(f"\n{n}. {click.style(hit.title, bold=True)}  ({_where(hit)}){secret}")
        click.echo(f"   {_emph(hit.snippet)}")
    f = results.facets
    if results.total and f.skipped:
        click.echo()
        click.echo(f"Note: {f.skipped}")
    if results.total and (f.kinds or f.years):
        click.echo()
        click.echo("By kind: " + ", ".join(f"{k} {n}" for k, n in f.kinds))
        if f.actors:
            click.echo("By actor: " + ", ".join(f"{a.name} {a.count}" for a in f.actors))
        if f.years:
            click.echo("By year: " + ", ".join(f"{y} {n}" for y, n in f.years))


@click.command("search")
@CASE
@click.argument("query", required=False)
@click.option("--limit", type=click.IntRange(0, MAX_LIMIT), default=20,
              show_default=True, help="How many hits to show.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many hits (for the next page of results).")
@click.option("--queries", "queries_file", type=click.Path(exists=True, dir_okay=False),
              help="Run every query in this file (one per line) and report every hit.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False),
              help="With --queries: write every hit to this CSV file.")
@JSON
def search_(case: str, query: str | None, limit: int, offset: int, queries_file: str | None,
            csv_out: str | None, as_json: bool) -> None:
    """Search the whole case: pages, excerpts, statements, claims, notes.

    QUERY takes words, "exact phrases", AND / OR / NOT, prefix*, fuzzy~,
    field:value (from, to, subject, kind, actor, tag, origin, title, doc, year,
    confidential) and date ranges such as date:[2019-01-01 TO 2019-06-30].
    """
    if (query is None) == (queries_file is None):
        raise ValidationError("give either a QUERY or --queries FILE")
    if csv_out and not queries_file:
        raise ValidationError("--csv writes the hits of --queries FILE")
    with open_case(case) as c:
        index = _open(c)
        if queries_file:
            queries = search.read_queries(queries_file)
            rows = search.run_batch(index, queries)
            if csv_out:
                count = search.write_csv(rows, csv_out)
                if as_json:
                    emit_json({"queries": len(queries), "rows": count, "csv": csv_out})
                else:
                    click.echo(f"Ran {len(queries)} queries; wrote {count} rows to {csv_out}")
            elif as_json:
                emit_json(list(rows))
            else:
                table(["query", "rank", "kind", "document", "page", "snippet", "error"],
                      [[r.query, r.rank, r.kind, r.document, r.page, r.snippet, r.error]
                       for r in rows], widths={5: 80})
            return
        results = search.search(c, query or "", limit=limit, offset=offset)
    if as_json:
        emit_json(results_json(results))
    else:
        _print_results(results)


@click.command()
@CASE
@click.argument("actor_id", type=int)
@JSON
def mentions(case: str, actor_id: int, as_json: bool) -> None:
    """List the pages that name an actor, by its name or any alias."""
    with open_case(case) as c:
        actor = actors.get(c, actor_id)
        _open(c)
        found = search.mentions(c, actor_id)
    if as_json:
        emit_json({"actor_id": actor.id, "name": actor.name, "aliases": list(actor.aliases),
                   "pages": [{"doc_id": m.document_id, "page": m.page_no, "title": m.title,
                              "names": list(m.names), "count": m.count,
                              "snippet": m.snippet.marked(), "confidential": m.confidential}
                             for m in found]})
        return
    names = ", ".join(actor.names)
    click.echo(f"{len(found)} page(s) name {actor.name} ({names})")
    for m in found:
        secret = click.style("  CONFIDENTIAL", fg="red", bold=True) if m.confidential else ""
        click.echo(f"\n{click.style(m.title, bold=True)}  (document {m.document_id}, "
                   f"page {m.page_no}, {m.count}x){secret}")
        click.echo(f"   {_emph(m.snippet)}")


@click.command()
@CASE
@JSON
def reindex(case: str, as_json: bool) -> None:
    """Rebuild the case's search index from scratch."""
    started = time.perf_counter()
    with open_case(case) as c:
        with _progress("Indexing") as progress:
            count = search.reindex(c, progress)
        index = search.open_index(c)
        where = str(index.directory)
        if index.warning:
            click.echo(f"Warning: {index.warning}", err=True)
        search.close_index(c)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json({"entries": count, "seconds": round(seconds, 3), "index": where})
    else:
        click.echo(f"Indexed {count} entries in {seconds:.1f} s ({where})")
