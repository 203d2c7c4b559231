"""The drag-and-drop reference format: how panels pass excerpts, statements and the rest.

A *reference* names one excerpt or statement (or claim, finding, actor, document) as
``"kind:ID"``. Dragging carries references as :data:`MIME_REF` (one per line) and as
plain text, so a drop onto a text field gives something readable.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QMimeData

MIME_REF = "application/x-workbench-ref"
REF_KINDS = ("excerpt", "statement", "claim", "finding", "actor", "document", "evidence")

Ref = tuple[str, int]

# -- references ------------------------------------------------------------------------


def format_ref(kind: str, ref_id: int) -> str:
    return f"{kind}:{ref_id}"


def parse_ref(text: str) -> Ref | None:
    kind, sep, raw = text.strip().partition(":")
    if not sep or kind not in REF_KINDS or not raw.strip().isdigit():
        return None
    return kind, int(raw)


def refs_mime(refs: Iterable[Ref], text: str | None = None) -> QMimeData:
    """MIME data carrying ``refs``; ``text`` (or the refs) as the plain-text form."""
    lines = "\n".join(format_ref(k, i) for k, i in refs)
    mime = QMimeData()
    mime.setData(MIME_REF, lines.encode("utf-8"))
    mime.setText(text if text is not None else lines)
    return mime


def mime_refs(mime: QMimeData, kinds: Iterable[str] = REF_KINDS) -> list[Ref]:
    """The references in ``mime`` whose kind is one of ``kinds``."""
    if mime is None or not mime.hasFormat(MIME_REF):
        return []
    wanted = set(kinds)
    raw = bytes(mime.data(MIME_REF).data()).decode("utf-8", "replace")
    out = []
    for line in raw.splitlines():
        ref = parse_ref(line)
        if ref is not None and ref[0] in wanted:
            out.append(ref)
    return out
