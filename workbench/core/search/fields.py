"""The index's schema: one whoosh document per searchable thing in a case.

Page text is indexed but not stored: SQLite already holds it, and storing it again made
the index about three times larger and indexing much slower. Snippets are cut from the
text fetched from the case file by id (:mod:`.snippets`). Short texts (a statement, a
claim) are stored in ``extract`` so their snippets need no query.
"""

from __future__ import annotations

from whoosh import fields

from workbench.core.search.analysis import ANALYZER, WordPositions
from workbench.core.search.grams import GramPositions

#: Bump when the schema or what goes into it changes: older indexes are rebuilt.
#: 7: ``type``, the kind of document a page or excerpt comes from.
#: 8: the ``grams`` field (common grams of ``body``, see :mod:`.grams`).
FORMAT = 8

#: What the ``kind`` field holds.
KINDS = ("page", "excerpt", "statement", "claim", "verdict", "finding", "actor", "note")

#: What the ``type`` field holds: the kind of document a page or an excerpt (and a note
#: on it) comes from, as Aleph and Datashare filter by a document's type.
TYPES = ("pdf", "email", "html", "docx", "text", "image", "note", "other")
#: Other names people give those types (Aleph's schema names among them).
TYPE_ALIASES = {"mail": "email", "eml": "email", "msg": "email", "web": "html",
                "hypertext": "html", "htm": "html", "word": "docx", "doc": "docx",
                "txt": "text", "plaintext": "text", "picture": "image", "photo": "image",
                "scan": "image"}

#: Fields a user may name in a query (``from:kessler``), mapped to index fields.
QUERY_FIELDS = {
    "type": "type",
    "title": "title", "body": "body", "text": "body", "from": "from", "to": "to",
    "subject": "subject", "kind": "kind", "actor": "actor", "tag": "tag",
    "origin": "origin", "date": "date", "year": "year", "doc": "doc",
    "confidential": "confidential",
}

#: The field searched for words without a field name. It holds the text, then the
#: title and email headers (see :func:`.entries._entry`), so that an address or a
#: title word finds its page through a single posting list.
DEFAULT_FIELD = "body"


def _text(*, stored: bool = False, boost: float = 1.0) -> fields.TEXT:
    field = fields.TEXT(analyzer=ANALYZER, stored=stored, field_boost=boost,
                        multitoken_query="phrase")
    field.format = WordPositions(field_boost=boost)
    return field


def _grams() -> fields.TEXT:
    """Common grams of ``body`` (given the body text; see :mod:`.grams`). Never scored
    (no field lengths) and never named in a query."""
    field = fields.TEXT(analyzer=ANALYZER)
    field.format = GramPositions()
    field.scorable = False
    return field


def schema() -> fields.Schema:
    return fields.Schema(
        uid=fields.ID(unique=True, stored=True),       # "page:12", "note:evidence:3"
        kind=fields.ID(stored=True, sortable=True),
        type=fields.ID(stored=True),                    # the document's kind: pdf, email
        doc=fields.ID(stored=True),                     # document id, as text
        page=fields.STORED(),
        title=_text(stored=True),
        body=_text(),
        grams=_grams(),                                 # = body: see entries._entry
        extract=fields.STORED(),                        # short texts, for snippets
        date=fields.ID(stored=True),                    # ISO date; queries go to "day"
        day=fields.NUMERIC(int, bits=32, signed=False),  # 20190403: date queries
        year=fields.ID(stored=True, sortable=True),
        actor=_text(),                                  # names and aliases involved
        actor_id=fields.KEYWORD(stored=True, commas=True, sortable=True),
        **{"from": _text(), "to": _text()},
        subject=_text(),
        tag=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        origin=_text(stored=True),
        confidential=fields.BOOLEAN(stored=True),
    )
