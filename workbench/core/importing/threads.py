"""Email threads, rebuilt from Message-ID, In-Reply-To and References.

Messages are linked when one names another's Message-ID, and also when two name the
same earlier message that is not in the case (a reply to a message nobody imported
still belongs with the other replies to it). The thread is returned in reading order:
each message after its parent, replies to the same message by date.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.errors import ValidationError

_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class ThreadMessage:
    document_id: int
    depth: int  # 0 for a message whose parent is not in the case
    parent_id: int | None
    date: str | None
    from_addr: str | None
    subject: str | None
    message_id: str | None


def message_ids(value: str | None) -> list[str]:
    """The ids in a header, ``<...>`` forms first; bare tokens when there are none."""
    if not value:
        return []
    found = _ID.findall(value)
    return found or value.split()


def _sort_key(date: str | None) -> tuple[int, str]:
    if not date:
        return (1, "")
    try:
        parsed = datetime.fromisoformat(date)
    except ValueError:
        return (1, date)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return (0, parsed.astimezone(timezone.utc).isoformat())


class _Links:
    """Union-find over message ids and documents."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def thread(case: Case, document_id: int) -> list[ThreadMessage]:
    """Every message in the thread of email ``document_id``, in reading order."""
    documents.get(case, document_id)
    rows = {r["document_id"]: r for r in case.rows(
        'SELECT document_id, message_id, in_reply_to, "references", date, from_addr, '
        "subject FROM emails")}
    if document_id not in rows:
        raise ValidationError(f"document {document_id} is not an email")
    links = _Links()
    by_message_id: dict[str, int] = {}
    for doc_id, row in sorted(rows.items()):
        node = f"doc:{doc_id}"
        own = message_ids(row["message_id"])
        for mid in own:
            links.join(node, mid)
            by_message_id.setdefault(mid, doc_id)  # a message imported twice: first wins
        for mid in message_ids(row["in_reply_to"]) + message_ids(row["references"]):
            links.join(node, mid)
    root = links.find(f"doc:{document_id}")
    members = [d for d in rows if links.find(f"doc:{d}") == root]
    parents = {d: _parent(rows[d], by_message_id, d) for d in members}
    return _reading_order(members, parents, rows)


def _parent(row: sqlite3.Row, by_message_id: dict[str, int], doc_id: int) -> int | None:
    # In-Reply-To names the direct parent; References lists ancestors, nearest last.
    for mid in message_ids(row["in_reply_to"]) + message_ids(row["references"])[::-1]:
        parent = by_message_id.get(mid)
        if parent is not None and parent != doc_id:
            return parent
    return None


def _reading_order(members: list[int], parents: dict[int, int | None],
                   rows: dict[int, sqlite3.Row]) -> list[ThreadMessage]:
    children: dict[int | None, list[int]] = {}
    for doc_id in members:
        children.setdefault(parents[doc_id], []).append(doc_id)
    for kids in children.values():
        kids.sort(key=lambda d: (_sort_key(rows[d]["date"]), d))
    out: list[ThreadMessage] = []
    seen: set[int] = set()

    def visit(doc_id: int, depth: int, parent: int | None) -> None:
        if doc_id in seen:  # a loop of replies (forged or broken headers)
            return
        seen.add(doc_id)
        row = rows[doc_id]
        out.append(ThreadMessage(doc_id, depth, parent, row["date"], row["from_addr"],
                                 row["subject"], row["message_id"]))
        for child in children.get(doc_id, []):
            visit(child, depth + 1, doc_id)

    for top in children.get(None, []):
        visit(top, 0, None)
    for doc_id in sorted(members, key=lambda d: (_sort_key(rows[d]["date"]), d)):
        visit(doc_id, 0, None)  # messages caught in a loop, with no root
    return out
