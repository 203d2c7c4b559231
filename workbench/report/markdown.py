"""The report as Markdown with footnotes (``[^1]``), from a snapshot.

The same sections as the PDF. User text is escaped where Markdown would read it as
markup, so a finding cannot turn itself into a link or a heading.
"""

from __future__ import annotations

import re

from workbench.core.findings import CITATION_MARK
from workbench.core.snapshot import Evidence, Finding, Note, ReportSnapshot, Source
from workbench.report.text import CHANNELS, CLAIMS_TITLE, NARRATED, STANCES, VERDICTS, clean

#: Characters that are markup anywhere in a line (CommonMark and GitHub's extensions:
#: emphasis, code, links, images, HTML, headings, tables, strikethrough, entities).
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&])")
#: Constructs that are markup at the start of a line: list items ("- ", "+ ", "1. ",
#: "1) "), block quotes, headings and thematic breaks or setext underlines ("---", "===").
_LINE_START = re.compile(r"^(\s*)([-+=]|\d{1,9}(?=[.)]))")


def _escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    m = _LINE_START.match(text)
    if m:
        if m.group(2)[0].isdigit():
            end = m.end()
            text = text[:end] + "\\" + text[end:]  # "1\." is not a list item
        else:
            text = text[:m.start(2)] + "\\" + text[m.start(2):]
    return text


def md(text: str | None) -> str:
    """User text safe inside a Markdown paragraph (one line)."""
    return _escape(" ".join(clean(text).split()))


def _with_marks(f: Finding, text: str) -> str:
    """Escaped paragraph text with each citation mark ``[k]`` as its footnote."""
    text = " ".join(clean(text).split())
    out, last = [], 0
    for m in CITATION_MARK.finditer(text):
        note = f.note_at(int(m.group(1)))
        if note is None:
            continue
        # A mark belongs to the word before it, as a footnote number does.
        out += [_escape(text[last:m.start()].rstrip(" ")), f"[^{note.number}]"]
        last = m.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _src(src: Source | None) -> str | None:
    return f"{md(src.title)} [S{src.number}]" if src else None


def _join(parts: list[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _note(n: Note) -> str:
    src = n.source
    if n.kind == "excerpt":
        head = _join([_src(src), md(src.origin) if src else None,
                      f"page {n.page}" if n.page else None, md(n.date)])
    else:
        who = md(n.actor) + (f" ({md(', '.join(p for p in (n.speaker, n.role) if p))})"
                             if n.speaker or n.role else "")
        head = _join([f"**{who}**", STANCES.get(n.stance or "", n.stance),
                      CHANNELS.get(n.channel or "", n.channel),
                      md(n.date) if n.date else (f"asked {md(n.asked_on)}" if n.asked_on
                                                 else None)])
        if src is not None:
            head += " · recorded in " + _join([_src(src), f"page {n.page}" if n.page
                                               else None])
    if src is not None and src.short_hash:
        head += f" · SHA-256 `{src.short_hash}`"
    if n.withheld:
        return f"{head}. Quotation withheld to protect a confidential source."
    if n.quote and n.narrated:
        return f"{head}. {NARRATED}{md(n.quote)}"
    if n.quote:
        return f"{head}: \u201c{md(n.quote)}\u201d"
    return head + "."


def _evidence(e: Evidence) -> str:
    where = md(e.label) + (f" [S{e.source.number}]" if e.source else "")
    body = ("quotation withheld to protect a confidential source" if e.withheld
            else NARRATED + md(e.quote) if e.quote and e.narrated
            else f"\u201c{md(e.quote)}\u201d" if e.quote else "")
    note = f" ({md(e.note)})" if e.note else ""
    return f"- {where}: {body}{note}" if body else f"- {where}{note}"


def render_markdown(snap: ReportSnapshot) -> str:
    out: list[str] = [f"# {md(snap.title)}", ""]
    if snap.byline:
        out += [md(snap.byline), ""]
    out += [snap.date, ""]
    if snap.draft:
        out += ["**DRAFT \u2014 not for publication.** This report has not passed the "
                "publication checks.", ""]
    out += ["| At a glance | |", "|---|---:|"]
    out += [f"| {label} | {n:,} |" for label, n in snap.counts]
    out += [f"| Contradictions resolved | {snap.resolved_contradictions} of "
            f"{len(snap.contradictions)} |"]
    out += ["", "## Findings", ""]
    footnotes: list[str] = []
    for f in snap.findings:
        out += [f"### {f.number}. {md(f.title)}", ""]
        marks = "".join(f"[^{n.number}]" for n in f.unmarked_notes)
        paragraphs = [_with_marks(f, p) for p in f.paragraphs] or [""]
        paragraphs[-1] += marks
        for p in paragraphs:
            out += [p, ""]
        if f.status == "draft":
            out += ["*Marked draft by its author.*", ""]
        footnotes += [f"[^{n.number}]: {_note(n)}" for n in f.notes]
    out += [f"## {CLAIMS_TITLE}", ""]
    if not snap.claims:
        out += ["No claim is recorded in this case.", ""]
    for c in snap.claims:
        out += [f"### Claim {c.number}: {md(c.text)}", ""]
        if c.about:
            out += ["About: " + md(", ".join(c.about)), ""]
        if c.contested:
            out += ["**Contradiction:** the evidence goes both ways.", ""]
        for title, items in (("Evidence for", c.supports), ("Evidence against", c.contradicts),
                             ("Context", c.context)):
            if items or (c.contested and title != "Context"):
                out += [f"**{title}**", ""] + [_evidence(e) for e in items] + [""]
        if not (c.supports or c.contradicts):
            out += ["No evidence for or against is linked to this claim.", ""]
        out += [f"**Verdict: {VERDICTS.get(c.status, c.status)}**"
                + (f" (decided {c.decided_on})" if c.decided_on else ""), "",
                md(c.rationale) if c.rationale else "No rationale recorded yet.", ""]
    out += ["## Responses", ""]
    for a in snap.responses:
        out += [f"### {md(a.name)}", ""]
        if a.not_needed is not None:
            out += [f"No response needed: {md(a.not_needed)}", ""]
        elif not a.on_record:
            out += ["No statement on record.", ""]
        last_speaker = None
        for r in a.responses:
            if r.stance == "no-response":
                out += [f"- **Did not respond** to questions sent {md(r.asked_on)}"
                        + (f" by {CHANNELS.get(r.channel or '', r.channel)}" if r.channel
                           else "") + "."]
                continue
            who = (md(", ".join(p for p in (r.speaker, r.role) if p)) or None
                   if r.speaker != last_speaker else None)
            last_speaker = r.speaker
            head = _join([f"**{STANCES.get(r.stance, r.stance)}**", md(r.date),
                          CHANNELS.get(r.channel or "", r.channel), who, _src(r.source)])
            text = ("words withheld to protect a confidential source" if r.withheld
                    else NARRATED + md(r.text) if r.text and r.narrated
                    else f"\u201c{md(r.text)}\u201d" if r.text else "")
            out += [f"- {head}" + (f": {text}" if text else "")]
        out += [""]
    out += _chronology(snap)
    out += ["## Sources", ""]
    for src in snap.sources:
        if src.confidential:
            out += [f"- **S{src.number}. {md(src.title)}**: details withheld to protect a "
                    "confidential source."]
            continue
        out += [f"- **S{src.number}. {md(src.title)}**  ",
                f"  Origin: {md(src.origin)} · file name: {md(src.file_name)} · received: "
                f"{md(src.received)} · pages: {src.pages}  ",
                f"  SHA-256: `{src.sha256}`"]
    out += [""] + footnotes + [""]
    return "\n".join(out)


def _chronology(snap: ReportSnapshot) -> list[str]:
    """The optional Chronology section: one line per entry with its citation."""
    if not snap.chronology:
        return []
    out = ["## Chronology", ""]
    for line in snap.chronology:
        quote = line.kind in ("Record", "Statement")
        text = (f"\u201c{md(line.text)}\u201d" if quote else md(line.text)) if line.text \
            else None
        where = _join([_src(line.source), f"page {line.page}" if line.page else None],
                      ", ")
        out.append("- " + _join([f"**{md(line.date)}**", md(line.kind), md(line.title),
                                 text, ("bears on " + md(", ".join(line.bears_on)))
                                 if line.bears_on else None, where or md(line.record)],
                                " \u00b7 "))
        if line.precision_note:
            out.append(f"  *{md(line.precision_note)}*")
    return out + [""]
