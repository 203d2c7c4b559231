"""Mailboxes (.mbox): each message becomes a document of its own, read as an .eml.

A message's label is ``mailbox.mbox:N`` (N counting from 1), and its stored bytes are
the message exactly as it stands in the mailbox, without the ``From `` separator line.
Lines quoted as ``>From `` are left as they are: the bytes are evidence as received.

Messages are separated as the mboxo and mboxrd conventions say: writers escape a body
line starting "From " as ">From ", and a separator is a line in the full form
``From sender date`` (``From jane@example.org Thu Mar 14 09:12:00 2019``) at the start
of the file or after a blank line. A "From " line that lacks the date is body text, so
an unescaped sentence starting "From " stays in its message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.core.importing.extract import ImportOptions, size_text
from workbench.core.importing.sources import EXPANDERS, ExpandError, ImportItem, Source

# A candidate separator: a line starting "From " at the start of the file or after a
# blank line; :func:`is_separator` then asks for the full "From sender date" form.
_CANDIDATE = re.compile(rb"(?:\A|(?<=\n\n)|(?<=\r\n\r\n))From [^\n]*\n")
# After the sender: a date starting with a weekday, a month or a digit, holding a time
# (hh:mm) and a four-digit year in either order (writers differ in weekday, zone, order).
_DATE = re.compile(
    rb"(?=.*\b\d{1,2}:\d{2}\b)(?=.*\b\d{4}\b)"
    rb"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    rb"[a-z]*,? |\d)", re.IGNORECASE)


def is_separator(line: bytes) -> bool:
    """Whether ``line`` (without its line break) is "From sender date"."""
    parts = line.split(None, 2)
    return (len(parts) == 3 and parts[0] == b"From"
            and _DATE.match(parts[2].strip()) is not None)


def message_spans(data: bytes) -> list[tuple[int, int]]:
    """Where each message of an mbox file lies (start, end), without its separator."""
    starts = [m for m in _CANDIDATE.finditer(data) if is_separator(m.group().rstrip())]
    if not starts or starts[0].start() != 0:
        raise ExpandError("not an mbox mailbox (it does not start with a From line)")
    spans = []
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(data)
        # The blank line before the next separator belongs to the mailbox, not the message.
        if data.endswith(b"\r\n", match.end(), end):
            end -= 2
        elif data.endswith(b"\n", match.end(), end):
            end -= 1
        spans.append((match.end(), end))
    return spans


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox file, in order, without their separator lines."""
    return [data[a:b] for a, b in message_spans(data)]


def expand_mbox(source: Source, options: ImportOptions) -> Iterator[Source | ImportItem] | None:
    if not source.file_name.lower().endswith((".mbox", ".mbx")):
        return None
    if source.size == 0:
        raise ExpandError("empty file")
    if source.size > options.max_file_bytes:
        raise ExpandError(
            f"larger than the import limit ({size_text(options.max_file_bytes)})")
    try:
        data = source.read()
    except OSError as exc:
        raise ExpandError(f"cannot be read ({exc.strerror or exc})") from None
    return _messages(source, data, message_spans(data))


def _messages(source: Source, data: bytes,
              spans: list[tuple[int, int]]) -> Iterator[Source | ImportItem]:
    """Each message as a source whose bytes are cut from the mailbox only when read,
    so a large mailbox is not held twice."""
    stem = source.file_name.rsplit(".", 1)[0]
    for n, (start, end) in enumerate(spans, start=1):
        label = f"{source.label}:{n}"
        if not data[start:end].strip():
            yield ImportItem(label, "skipped", reason=(
                "empty message in mailbox (a separator line with nothing after it)"))
            continue
        yield Source(label=label, file_name=f"{stem}-{n}.eml", size=end - start,
                     opener=lambda start=start, end=end: data[start:end],  # type: ignore[misc]
                     depth=source.depth)


EXPANDERS.append(expand_mbox)
