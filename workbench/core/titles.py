"""Generic titles: what a file's metadata calls a document when it names the program that
wrote it or a placeholder ("Enscript Output", "Microsoft Word - memo.doc", "Untitled").

Its own module, with no other imports from core, because both the documents module and a
schema step (which runs while a case file is being opened) use it.
"""

from __future__ import annotations

import re

#: Titles that name the program that wrote a file, not the document ("Enscript Output",
#: "Microsoft Word - memo.doc", "Untitled"): the file name says more.
_GENERIC_TITLE = re.compile(
    r"^\s*(?:untitled(?:\s+document)?|no title|title|document\d*|enscript output|"
    r"microsoft (?:word|excel|powerpoint|outlook)\b.*|"
    r"(?:word|excel|powerpoint) - .*|"
    r"printed (?:by|from) .*|scan(?:ned)?(?:\s*\d+)?|image\d*|"
    r"(?:print|pdf|report|output)\.?\w{0,4}|"
    r".*\.(?:docx?|xlsx?|pptx?|rtf|txt|html?|pdf|tmp|wpd)|"
    r"(?:adobe|acrobat|pdfcreator|ghostscript|crystal reports|reportlab).*)\s*$",
    re.IGNORECASE)


def is_generic_title(title: str | None) -> bool:
    """True for a title that names a generator or a placeholder, not the document."""
    return not (title or "").strip() or bool(_GENERIC_TITLE.match(title))


def title_for(title: str | None, file_name: str | None) -> str:
    """The title to show: the file's own, unless generic; then the file name's stem."""
    if not is_generic_title(title) or not file_name:
        return (title or "").strip() or (file_name or "")
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.strip(".") else stem
    return stem.replace("_", " ").strip() or file_name
