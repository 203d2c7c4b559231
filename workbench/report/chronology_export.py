"""The chronology as files other tools read: TimelineJS JSON and CSV.

TimelineJS (Knight Lab) reads ``{"title": slide, "events": [slide, ...]}`` where a slide
has ``start_date`` (``year`` required, ``month``/``day`` optional, so a month-precise
date stays month-precise), an optional ``end_date``, ``text`` (``headline``, ``text``,
HTML allowed), ``group``, ``display_date`` and ``unique_id``. User text is escaped
before it goes into the HTML fields.

Both take a :class:`~workbench.core.chronology.Chronology` and never read the case.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import date

from workbench.core.chronology import KIND_LABELS, Chronology, Entry

CSV_COLUMNS = ("date", "display_date", "precision", "circa", "start", "end", "kind",
               "title", "text", "actors", "record", "sources", "document_id", "page",
               "claims", "note")


def _tl_date(d: date, precision: str) -> dict:
    out: dict = {"year": d.year}
    if precision in ("month", "day"):
        out["month"] = d.month
    if precision == "day":
        out["day"] = d.day
    return out


def _part_precision(value: str) -> str:
    return {4: "year", 7: "month"}.get(len(value), "day")


def _slide(e: Entry) -> dict:
    when = e.when
    assert when is not None
    if when.precision == "range":
        first, last = when.value.split("/")
        start = _tl_date(when.start, _part_precision(first))
        end = _tl_date(when.end, _part_precision(last))
    else:
        start = _tl_date(when.start, when.precision)
        end = None
    body = []
    if e.text:
        body.append(f"<p>{html.escape(e.text)}</p>")
    if e.actor_names:
        body.append(f"<p>Involved: {html.escape(', '.join(e.actor_names))}</p>")
    if e.sources:
        body.append("<p>Sources: " + html.escape(", ".join(
            str(s) + (f" (document {s.document_id}, page {s.page_no})"
                      if s.document_id is not None else "") for s in e.sources)) + "</p>")
    note = e.precision_note
    if note:
        body.append(f"<p><em>{html.escape(note)}</em></p>")
    slide: dict = {"start_date": start,
                   "text": {"headline": html.escape(e.title), "text": "".join(body)},
                   "group": KIND_LABELS[e.kind], "display_date": e.label,
                   "unique_id": (f"{e.kind}-{e.record[1]}" if e.kind == e.record[0]
                                 else f"{e.kind}-{e.record[0]}-{e.record[1]}")}
    if end is not None:
        slide["end_date"] = end
    return slide


def to_timelinejs(chron: Chronology, *, title: str, subtitle: str | None = None) -> dict:
    """The chronology as a TimelineJS document (undated entries cannot be placed: left out)."""
    slides = [_slide(e) for e in chron.entries]
    seen: dict[str, int] = {}
    for s in slides:  # TimelineJS needs unique ids; a record may give two entries
        n = seen.get(s["unique_id"], 0)
        seen[s["unique_id"]] = n + 1
        if n:
            s["unique_id"] += f"-{n + 1}"
    return {"title": {"text": {"headline": html.escape(title),
                               "text": f"<p>{html.escape(subtitle)}</p>" if subtitle else ""}},
            "events": slides}


def to_csv(chron: Chronology) -> str:
    """One row per entry, dated first in order, then the undated ones."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in (*chron.entries, *chron.undated):
        when = e.when
        src = e.source
        writer.writerow([
            e.date or "", e.label, e.precision or "", "yes" if e.circa else "",
            when.start.isoformat() if when else "", when.end.isoformat() if when else "",
            e.kind, e.title, e.text or "", "; ".join(e.actor_names),
            f"{e.record[0]}:{e.record[1]}", " ".join(str(s) for s in e.sources),
            src.document_id if src and src.document_id is not None else "",
            src.page_no if src and src.page_no is not None else "",
            "; ".join(f"claim {cid} ({how})" for cid, how in e.claims),
            e.precision_note or ""])
    return buf.getvalue()
