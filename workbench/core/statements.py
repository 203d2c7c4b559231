"""Statements: what an actor said on the record, or that it did not respond."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.core import validate
from workbench.core.casefile import Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, ValidationError
from workbench.core.schema import CHANNELS, STANCES

#: Stances that are a denial in the sense of DOMAIN.md ("agency denial").
DENIALS = ("denies", "disputes")
#: Stances that carry no words of the actor.
SILENT = ("declined", "no-response")


@dataclass(frozen=True)
class Statement:
    id: int
    actor_id: int
    speaker: str | None
    role: str | None
    date: str | None
    channel: str | None
    stance: str
    text: str | None
    excerpt_id: int | None
    document_id: int | None
    asked_on: str | None
    created_at: str

    @property
    def is_denial(self) -> bool:
        return self.stance in DENIALS


def _statement(row) -> Statement:
    return Statement(**{k: row[k] for k in Statement.__dataclass_fields__})


def _clean(case: Case, values: dict) -> dict:
    out = dict(values)
    if "stance" in out:
        validate.one_of(out["stance"], STANCES, "stance")
    if "channel" in out:
        out["channel"] = validate.optional_one_of(out["channel"], CHANNELS, "channel")
    for key in ("date", "asked_on"):
        if key in out:
            out[key] = validate.iso_date(out[key], "the date" if key == "date"
                                         else "the date asked")
    for key in ("speaker", "role", "text"):
        if key in out:
            out[key] = validate.optional_text(out[key])
    if "actor_id" in out:
        validate.exists(case, "actors", out["actor_id"], "actor")
    if "excerpt_id" in out:
        validate.exists(case, "excerpts", out["excerpt_id"], "excerpt")
    if "document_id" in out:
        validate.exists(case, "documents", out["document_id"], "document")
    return out


def _check_whole(case: Case, row: dict) -> None:
    if row["stance"] == "no-response" and not row.get("asked_on"):
        raise ValidationError("a no-response needs the date the actor was asked (--asked)")
    if row["stance"] not in SILENT and not row.get("text") and not row.get("excerpt_id"):
        raise ValidationError(f"a statement that {row['stance']} needs its verbatim text "
                              "or the excerpt where it is recorded")


def add(case: Case, *, actor_id: int, stance: str, speaker: str | None = None,
        role: str | None = None, date: str | None = None, channel: str | None = None,
        text: str | None = None, excerpt_id: int | None = None,
        document_id: int | None = None, asked_on: str | None = None) -> Changes:
    """Record a statement. Without ``text``, the linked excerpt's quote is the text."""
    row = _clean(case, {"actor_id": actor_id, "stance": stance, "speaker": speaker,
                        "role": role, "date": date, "channel": channel, "text": text,
                        "excerpt_id": excerpt_id, "document_id": document_id,
                        "asked_on": asked_on})
    if row["excerpt_id"] is not None:
        excerpt = case.row("SELECT quote, document_id FROM excerpts WHERE id = ?",
                           (row["excerpt_id"],))
        if not row["text"]:
            row["text"] = excerpt["quote"]
        if row["document_id"] is None:
            row["document_id"] = excerpt["document_id"]
    _check_whole(case, row)
    with case.action("Record statement") as act:
        act.row_id = act.insert("statements", {**row, "created_at": utcnow()})
    return act.changes


def get(case: Case, statement_id: int) -> Statement:
    row = case.row("SELECT * FROM statements WHERE id = ?", (statement_id,))
    if row is None:
        raise NotFound("statement", statement_id)
    return _statement(row)


def list_all(case: Case, *, actor_id: int | None = None,
             stance: str | None = None) -> list[Statement]:
    where: list[str] = []
    params: list[object] = []
    if actor_id is not None:
        where.append("actor_id = ?")
        params.append(actor_id)
    if stance is not None:
        where.append("stance = ?")
        params.append(stance)
    sql = "SELECT * FROM statements" + (" WHERE " + " AND ".join(where) if where else "")
    return [_statement(r) for r in case.rows(sql + " ORDER BY coalesce(date, asked_on), id",
                                             params)]


_EDITABLE = {"actor_id", "stance", "speaker", "role", "date", "channel", "text",
             "excerpt_id", "document_id", "asked_on"}


def update(case: Case, statement_id: int, **values) -> Changes:
    unknown = set(values) - _EDITABLE
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of a statement")
    current = get(case, statement_id)
    clean = _clean(case, values)
    merged = {k: getattr(current, k) for k in _EDITABLE} | clean
    _check_whole(case, merged)
    with case.action("Edit statement") as act:
        act.row_id = statement_id
        act.update("statements", statement_id, clean, kind="statement")
    return act.changes


# -- no response needed ------------------------------------------------------------------

def not_needed(case: Case) -> dict[int, str]:
    """Actor id -> why that actor needs no response (it is a source, not a subject)."""
    return {r["actor_id"]: r["reason"] for r in case.rows(
        "SELECT actor_id, reason FROM responses_not_needed ORDER BY actor_id")}


def set_not_needed(case: Case, actor_id: int, reason: str | None) -> Changes:
    """Record that ``actor_id`` needs no response, and why; ``reason=None`` withdraws it.

    The publication gate then accepts the actor without a statement, and the report
    says "No response needed" with the reason.
    """
    validate.exists(case, "actors", actor_id, "actor")
    row = case.row("SELECT id FROM responses_not_needed WHERE actor_id = ?", (actor_id,))
    with case.action("No response needed" if reason is not None
                     else "Response needed again") as act:
        if reason is None:
            if row is None:
                raise ValidationError(f"actor {actor_id} is not marked as needing no response")
            act.delete("responses_not_needed", row["id"])
        else:
            reason = validate.text(reason, "the reason no response is needed")
            if row is None:
                act.row_id = act.insert("responses_not_needed", {
                    "actor_id": actor_id, "reason": reason, "created_at": utcnow()})
            else:
                act.update("responses_not_needed", row["id"], {"reason": reason})
    return act.changes


# -- the speaker's words and the reporter's narration -------------------------------------

_SPEECH = r"(?:said|says|told|tells|wrote|writes|stated|states|added|adds|explained|" \
          r"responded|replied|claimed|insisted)"


def narration(st: Statement, actor_names: tuple[str, ...]) -> str | None:
    """The part of a statement's text that narrates who said it ("Ventura PD spokesman
    Cmdr. Tom Higgins said that"), if any: the speaker's name (or the party's name with
    "spokesman"/"spokeswoman"/"spokesperson") followed by a verb of saying, or
    "according to" the speaker."""
    text = " ".join((st.text or "").split())
    if not text:
        return None
    who = []
    if st.speaker:
        parts = [w for w in re.split(r"[\s.,]+", st.speaker) if len(w) > 2]
        who += [re.escape(st.speaker)] + ([re.escape(parts[-1])] if parts else [])
    for name in actor_names:
        who.append(re.escape(name) + r"\W+(?:\w+\W+){0,2}?spokes(?:man|woman|person)")
    if not who:
        return None
    alts = "|".join(sorted(who, key=len, reverse=True))
    m = re.search(rf"(?<!\w)(?:{alts})(?!\w)[^.!?\u201c\"]{{0,40}}?\b{_SPEECH}\b", text,
                  flags=re.IGNORECASE) or \
        re.search(rf"\baccording to\W+(?:\w+\W+){{0,3}}?(?:{alts})(?!\w)", text,
                  flags=re.IGNORECASE)
    return m.group(0) if m else None


_INNER_QUOTE = re.compile(r"[\u201c\"]([^\u201d\"]{2,})[\u201d\"]")


def quoted_words(text: str | None) -> list[str]:
    """The passages of ``text`` in quotation marks (what the narration says was said)."""
    return [m.group(1).strip() for m in _INNER_QUOTE.finditer(text or "")
            if m.group(1).strip()]
