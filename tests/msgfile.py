"""Genuine Outlook message files (.msg) for the tests, written from the specifications.

Nothing in the application writes .msg files and extract-msg only reads them, so the
tests make their own with this module. It has two layers:

* a writer of compound files, [MS-CFB] version 3: 512-byte sectors chained in a FAT,
  streams under 4096 bytes packed in 64-byte mini sectors (the mini stream, chained in a
  mini FAT), and a directory in which the children of each storage form a balanced
  binary search tree ordered by the specification's rule (shorter names first, names of
  equal length compared in upper case). Every node is black, which the specification's
  constraints allow. There are no DIFAT sectors, so files stop at about 6.8 MB;
* the Outlook message layout on top of it, [MS-OXMSG]: a ``__properties_version1.0``
  stream per object (fixed-size values inline, 16 bytes an entry), one
  ``__substg1.0_XXXXYYYY`` stream per variable-size value (Unicode strings as UTF-16-LE,
  binary as is), recipient and attachment storages, an embedded message in its
  attachment's ``__substg1.0_3701000D`` storage, and the ``__nameid_version1.0``
  storage the format requires (empty: no named properties are written).

Property identifiers are those of [MS-OXPROPS]. Only what the import tests need is
written: no RTF body, no named properties, Unicode strings only.

The output was checked with readers other than extract-msg (which the application uses):
``msgconvert`` from Debian's libemail-outlook-message-perl, an independent Perl reader,
turns the files into .eml with the expected headers, body and attachments, and olefile
lists their streams without reporting a defect. To repeat the check::

    .venv/bin/python -m tests.msgfile /tmp/sample.msg     # every part this module writes
    msgconvert --outfile - /tmp/sample.msg
    .venv/bin/python -c "import olefile, sys; f = olefile.OleFileIO(sys.argv[1], \\
        raise_defects=olefile.DEFECT_INCORRECT); print(f.listdir())" /tmp/sample.msg

The test suite needs neither.
"""

from __future__ import annotations

import struct
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Sequence, Union

# ---------------------------------------------------------------- compound file, [MS-CFB]

SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream
HEADER_DIFAT = 109  # FAT sector numbers the header itself can hold
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1

Tree = dict[str, Union[bytes, "Tree"]]
"""A storage: names mapped to stream contents (bytes) or to storages (dicts)."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    clsid: bytes = bytes(16)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = 0
    size: int = 0

    def packed(self) -> bytes:
        name = self.name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), self.kind, BLACK,
                           self.left, self.right, self.child, self.clsid,
                           0, 0, 0,  # state bits, creation and modification times
                           self.start, self.size)


FREE_ENTRY = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                         bytes(16), 0, 0, 0, 0, 0)


def name_order(name: str) -> tuple[int, bytes]:
    """The sort key [MS-CFB] gives sibling names: length first, then upper-case UTF-16."""
    def upper(ch: str) -> str:
        up = ch.upper()
        return up if len(up) == 1 else ch  # simple case mapping only, never "ß" -> "SS"
    units = "".join(upper(ch) for ch in name).encode("utf-16-be")
    return len(name.encode("utf-16-le")), units


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) > 62 or any(c in name for c in "/\\:!"):
        raise ValueError(f"not a valid compound file entry name: {name!r}")


def _add_children(tree: Tree, entries: list[_Entry]) -> int:
    """Append the entries under one storage; returns the id at the top of their tree."""
    ids = []
    for name in sorted(tree, key=name_order):
        _check_name(name)
        value = tree[name]
        entry_id = len(entries)
        if isinstance(value, dict):
            entries.append(_Entry(name, STORAGE))
            entries[entry_id].child = _add_children(value, entries)
        else:
            entries.append(_Entry(name, STREAM, data=bytes(value)))
        ids.append(entry_id)
    if len({name_order(entries[i].name) for i in ids}) != len(ids):
        raise ValueError("two entries of one storage differ only in case")
    return _balanced(ids, entries)


def _balanced(ids: list[int], entries: list[_Entry]) -> int:
    """Link sorted siblings as a balanced search tree (the middle one on top)."""
    if not ids:
        return NOSTREAM
    middle = len(ids) // 2
    top = entries[ids[middle]]
    top.left = _balanced(ids[:middle], entries)
    top.right = _balanced(ids[middle + 1:], entries)
    return ids[middle]


def _pad(data: bytes, size: int, fill: bytes = b"\0") -> bytes:
    return data + fill * (-len(data) % size)


def _sector_ids(ids: list[int]) -> bytes:
    """A FAT or mini FAT: little-endian sector numbers, the last sector filled with FREESECT."""
    return _pad(struct.pack(f"<{len(ids)}I", *ids), SECTOR, b"\xff")


def _chain(start: int, count: int) -> list[int]:
    """FAT entries for ``count`` consecutive sectors from ``start``."""
    return [start + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]


def cfb_bytes(tree: Tree, *, clsid: bytes = bytes(16)) -> bytes:
    """A compound file holding ``tree``; ``clsid`` is the root storage's class id."""
    entries = [_Entry("Root Entry", ROOT, clsid=clsid)]
    entries[0].child = _add_children(tree, entries)
    streams = [e for e in entries if e.kind == STREAM]
    for entry in streams:
        entry.size = len(entry.data)
        entry.start = ENDOFCHAIN  # kept for empty streams, which own no sector

    mini_fat: list[int] = []
    mini_stream = b""
    for entry in (e for e in streams if 0 < e.size < MINI_CUTOFF):
        entry.start = len(mini_fat)
        mini_fat += _chain(entry.start, -(-entry.size // MINI_SECTOR))
        mini_stream += _pad(entry.data, MINI_SECTOR)

    # Regular sectors in file order: large streams, the mini stream, the mini FAT, the
    # directory, and last the FAT, which also lists its own sectors.
    fat: list[int] = []
    body: list[bytes] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        start = len(fat)
        fat.extend(_chain(start, -(-len(data) // SECTOR)))
        body.append(_pad(data, SECTOR))
        return start

    for entry in (e for e in streams if e.size >= MINI_CUTOFF):
        entry.start = place(entry.data)
    entries[0].start, entries[0].size = place(mini_stream), len(mini_stream)
    mini_fat_data = _sector_ids(mini_fat) if mini_fat else b""
    first_mini_fat = place(mini_fat_data)
    directory = b"".join(e.packed() for e in entries)
    directory += FREE_ENTRY * (-len(entries) % (SECTOR // len(FREE_ENTRY)))
    first_directory = place(directory)

    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < len(fat) + fat_sectors:
        fat_sectors += 1
    if fat_sectors > HEADER_DIFAT:
        raise ValueError("too large for a compound file without DIFAT sectors")
    first_fat = len(fat)
    fat += [FATSECT] * fat_sectors
    body.append(_sector_ids(fat))

    difat = list(range(first_fat, first_fat + fat_sectors))
    difat += [FREESECT] * (HEADER_DIFAT - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I", SIGNATURE, bytes(16),
        0x003E, 0x0003,  # minor and major version: 3, with 512-byte sectors
        0xFFFE, 9, 6,  # byte order mark, sector shift (2**9), mini sector shift (2**6)
        bytes(6),
        0,  # directory sectors: always 0 in version 3
        fat_sectors, first_directory,
        0,  # transaction signature
        MINI_CUTOFF, first_mini_fat, len(mini_fat_data) // SECTOR,
        ENDOFCHAIN, 0,  # no DIFAT sectors
        *difat)
    return header + b"".join(body)


# -------------------------------------------------------- Outlook message, [MS-OXMSG]

PT_LONG, PT_SYSTIME, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x0040, 0x001F, 0x0102, 0x000D

PR_MESSAGE_CLASS = 0x001A
PR_SUBJECT = 0x0037
PR_CLIENT_SUBMIT_TIME = 0x0039
PR_SENT_REPRESENTING_NAME = 0x0042
PR_SENT_REPRESENTING_ADDRTYPE = 0x0064
PR_SENT_REPRESENTING_EMAIL_ADDRESS = 0x0065
PR_TRANSPORT_MESSAGE_HEADERS = 0x007D
PR_RECIPIENT_TYPE = 0x0C15
PR_SENDER_NAME = 0x0C1A
PR_SENDER_ADDRTYPE = 0x0C1E
PR_SENDER_EMAIL_ADDRESS = 0x0C1F
PR_DISPLAY_CC = 0x0E03
PR_DISPLAY_TO = 0x0E04
PR_MESSAGE_DELIVERY_TIME = 0x0E06
PR_MESSAGE_FLAGS = 0x0E07
PR_BODY = 0x1000
PR_HTML = 0x1013
PR_INTERNET_MESSAGE_ID = 0x1035
PR_IN_REPLY_TO_ID = 0x1042
PR_DISPLAY_NAME = 0x3001
PR_ADDRTYPE = 0x3002
PR_EMAIL_ADDRESS = 0x3003
PR_STORE_SUPPORT_MASK = 0x340D
PR_ATTACH_DATA = 0x3701  # PT_BINARY for a file, PT_OBJECT for an embedded message
PR_ATTACH_EXTENSION = 0x3703
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_RENDERING_POSITION = 0x370B
PR_ATTACH_MIME_TAG = 0x370E
PR_SMTP_ADDRESS = 0x39FE
PR_INTERNET_CPID = 0x3FDE
PR_SENDER_SMTP_ADDRESS = 0x5D01

TO, CC, BCC = 1, 2, 3  # PR_RECIPIENT_TYPE
ATTACH_BY_VALUE, ATTACH_EMBEDDED_MSG = 1, 5  # PR_ATTACH_METHOD
MSGFLAG_READ = 0x1
STORE_UNICODE_OK = 0x00040000
READABLE_WRITABLE = 0x6  # property entry flags
CLSID_MAIL_MESSAGE = uuid.UUID("00020d0b-0000-0000-c000-000000000046").bytes_le
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Recipient:
    """One addressee. With ``exchange_dn`` the address is an Exchange one (type "EX")
    and ``address`` is kept as its SMTP form, as Outlook does for colleagues. Without a
    ``name`` the recipient has no PR_DISPLAY_NAME, as in files some other programs write."""
    name: str | None
    address: str
    kind: int = TO
    exchange_dn: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file attached by value, or (``data`` a Message) an attached Outlook item."""
    name: str
    data: Union[bytes, "Message"]
    mime_type: str | None = None


@dataclass(frozen=True)
class Message:
    """The properties of one message; None leaves a property out of the file.

    ``sent`` is the client submit time, ``received`` the delivery time (aware datetimes).
    ``html`` given as text is stored as UTF-8 with that code page (65001) declared in
    PR_INTERNET_CPID; given as bytes, it is declared only with ``html_codepage``. Without
    ``sender_exchange_dn`` the sender's address is of type SMTP and only in
    PR_SENDER_EMAIL_ADDRESS; with it, that property holds the Exchange name and the SMTP
    address goes to PR_SENDER_SMTP_ADDRESS.
    """
    subject: str | None = None
    body: str | None = None
    html: bytes | str | None = None
    html_codepage: int | None = None
    sender_name: str | None = None
    sender_address: str | None = None
    sender_exchange_dn: str | None = None
    recipients: Sequence[Recipient] = ()
    sent: datetime | None = None
    received: datetime | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    transport_headers: str | None = None
    attachments: Sequence[Attachment] = ()


Value = Union[str, bytes, int, datetime, Tree]
Property = tuple[int, int, Value]  # (property id, property type, value)


def filetime(moment: datetime) -> int:
    """A FILETIME: 100-nanosecond intervals since 1601-01-01 UTC."""
    if moment.tzinfo is None:
        raise ValueError("times in a .msg file are UTC: give an aware datetime")
    delta = moment - FILETIME_EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _substg(prop_id: int, prop_type: int) -> str:
    return f"__substg1.0_{prop_id:04X}{prop_type:04X}"


def property_storage(props: Sequence[Property], header: bytes) -> Tree:
    """The property stream of one object and the streams of its variable-size values.

    ``header`` is the stream's header: 32 bytes for a top-level message, 24 for an
    embedded one, 8 for a recipient or an attachment.
    """
    tree: Tree = {}
    stream = [header]
    for prop_id, prop_type, value in props:
        tag = prop_id << 16 | prop_type
        if prop_type == PT_UNICODE:
            if not value:
                raise ValueError(f"property {prop_id:04X}: a string must have a character")
            data = value.encode("utf-16-le")
            tree[_substg(prop_id, prop_type)] = data
            # The size counts the terminating null, which the stream leaves out.
            stream.append(struct.pack("<IIII", tag, READABLE_WRITABLE, len(data) + 2, 0))
        elif prop_type == PT_BINARY:
            tree[_substg(prop_id, prop_type)] = bytes(value)
            stream.append(struct.pack("<IIII", tag, READABLE_WRITABLE, len(value), 0))
        elif prop_type == PT_OBJECT:
            tree[_substg(prop_id, prop_type)] = value
            stream.append(struct.pack("<IIII", tag, READABLE_WRITABLE, 0xFFFFFFFF, 0))
        elif prop_type == PT_LONG:
            stream.append(struct.pack("<IIII", tag, READABLE_WRITABLE, value & 0xFFFFFFFF, 0))
        elif prop_type == PT_SYSTIME:
            stream.append(struct.pack("<IIQ", tag, READABLE_WRITABLE, filetime(value)))
        else:
            raise ValueError(f"property type {prop_type:04X} is not written here")
    tree["__properties_version1.0"] = b"".join(stream)
    return tree


def _present(props: list[tuple[int, int, Value | None]]) -> list[Property]:
    return [p for p in props if p[2] is not None]  # type: ignore[misc]


def _recipient(recipient: Recipient) -> Tree:
    exchange = recipient.exchange_dn is not None
    return property_storage(_present([
        (PR_RECIPIENT_TYPE, PT_LONG, recipient.kind),
        (PR_DISPLAY_NAME, PT_UNICODE, recipient.name),
        (PR_ADDRTYPE, PT_UNICODE, "EX" if exchange else "SMTP"),
        (PR_EMAIL_ADDRESS, PT_UNICODE, recipient.exchange_dn if exchange else recipient.address),
        (PR_SMTP_ADDRESS, PT_UNICODE, recipient.address),
    ]), bytes(8))


def short_name(name: str) -> str:
    """An 8.3 name of the kind Outlook keeps beside the long one."""
    path = PurePath(name)
    stem, ext = path.stem.upper().replace(" ", ""), path.suffix.upper()[:4]
    if len(stem) <= 8 and stem and path.stem.upper() == stem:
        return stem + ext
    return stem[:6] + "~1" + ext


def _attachment(attachment: Attachment) -> Tree:
    props: list[tuple[int, int, Value | None]] = [
        (PR_DISPLAY_NAME, PT_UNICODE, attachment.name),
        (PR_RENDERING_POSITION, PT_LONG, -1),  # not drawn inside the body
    ]
    if isinstance(attachment.data, Message):
        props += [(PR_ATTACH_METHOD, PT_LONG, ATTACH_EMBEDDED_MSG),
                  (PR_ATTACH_DATA, PT_OBJECT, message_tree(attachment.data, embedded=True))]
    else:
        props += [(PR_ATTACH_METHOD, PT_LONG, ATTACH_BY_VALUE),
                  (PR_ATTACH_LONG_FILENAME, PT_UNICODE, attachment.name),
                  (PR_ATTACH_FILENAME, PT_UNICODE, short_name(attachment.name)),
                  (PR_ATTACH_EXTENSION, PT_UNICODE, PurePath(attachment.name).suffix or None),
                  (PR_ATTACH_MIME_TAG, PT_UNICODE, attachment.mime_type),
                  (PR_ATTACH_DATA, PT_BINARY, attachment.data)]
    return property_storage(_present(props), bytes(8))


def message_tree(message: Message, *, embedded: bool = False) -> Tree:
    """The storage of one message: its properties, recipients and attachments."""
    def names(kind: int) -> str | None:
        return "; ".join(r.name or r.address for r in message.recipients
                         if r.kind == kind) or None

    html, code_page = message.html, message.html_codepage
    if isinstance(html, str):
        html, code_page = html.encode("utf-8"), 65001
    exchange = message.sender_exchange_dn is not None
    sender_type = None if message.sender_address is None else "EX" if exchange else "SMTP"
    sender_email = message.sender_exchange_dn if exchange else message.sender_address
    props = _present([
        (PR_MESSAGE_CLASS, PT_UNICODE, "IPM.Note"),
        (PR_MESSAGE_FLAGS, PT_LONG, MSGFLAG_READ),
        (PR_STORE_SUPPORT_MASK, PT_LONG, STORE_UNICODE_OK),
        (PR_SUBJECT, PT_UNICODE, message.subject),
        (PR_CLIENT_SUBMIT_TIME, PT_SYSTIME, message.sent),
        (PR_MESSAGE_DELIVERY_TIME, PT_SYSTIME, message.received),
        (PR_SENDER_NAME, PT_UNICODE, message.sender_name),
        (PR_SENDER_ADDRTYPE, PT_UNICODE, sender_type),
        (PR_SENDER_EMAIL_ADDRESS, PT_UNICODE, sender_email),
        (PR_SENDER_SMTP_ADDRESS, PT_UNICODE, message.sender_address if exchange else None),
        (PR_SENT_REPRESENTING_NAME, PT_UNICODE, message.sender_name),
        (PR_SENT_REPRESENTING_ADDRTYPE, PT_UNICODE, sender_type),
        (PR_SENT_REPRESENTING_EMAIL_ADDRESS, PT_UNICODE, sender_email),
        (PR_DISPLAY_TO, PT_UNICODE, names(TO)),
        (PR_DISPLAY_CC, PT_UNICODE, names(CC)),
        (PR_INTERNET_MESSAGE_ID, PT_UNICODE, message.message_id),
        (PR_IN_REPLY_TO_ID, PT_UNICODE, message.in_reply_to),
        (PR_TRANSPORT_MESSAGE_HEADERS, PT_UNICODE, message.transport_headers),
        (PR_BODY, PT_UNICODE, message.body),
        (PR_HTML, PT_BINARY, html),
        (PR_INTERNET_CPID, PT_LONG, code_page),
    ])
    recipients, attachments = len(message.recipients), len(message.attachments)
    # Next recipient id, next attachment id, recipient count, attachment count; the
    # top-level message adds 8 reserved bytes.
    header = struct.pack("<8xIIII", recipients, attachments, recipients, attachments)
    tree = property_storage(props, header if embedded else header + bytes(8))
    for n, recipient in enumerate(message.recipients):
        tree[f"__recip_version1.0_#{n:08X}"] = _recipient(recipient)
    for n, attachment in enumerate(message.attachments):
        tree[f"__attach_version1.0_#{n:08X}"] = _attachment(attachment)
    if not embedded:  # named properties are mapped once, for the whole file
        tree["__nameid_version1.0"] = {_substg(n, PT_BINARY): b"" for n in (2, 3, 4)}
    return tree


def msg_bytes(message: Message) -> bytes:
    """The .msg file of ``message``."""
    return cfb_bytes(message_tree(message), clsid=CLSID_MAIL_MESSAGE)


def sample() -> Message:
    """A message with every part this module writes, for checking with other readers."""
    forwarded = Message(
        subject="Camera locations", body="The list you asked for.",
        sender_name="Records Clerk", sender_address="clerk@city.example",
        recipients=[Recipient("Agent Smith", "smith@agency.example")],
        sent=datetime(2019, 2, 27, 16, 5, tzinfo=timezone.utc),
        message_id="<cams@city.example>")
    return Message(
        subject="Plate search request", body="Could you run plate 7ABC123?\r\n",
        html="<html><body><p>Could you run plate <b>7ABC123</b>?</p></body></html>",
        sender_name="Agent Smith", sender_address="smith@agency.example",
        recipients=[Recipient("Det. Jones", "det.jones@police.example"),
                    Recipient("Sgt. Park", "park@police.example", CC,
                              exchange_dn="/o=Police/ou=Exchange/cn=Recipients/cn=park")],
        sent=datetime(2019, 3, 1, 9, 30, tzinfo=timezone.utc),
        received=datetime(2019, 3, 1, 9, 31, tzinfo=timezone.utc),
        message_id="<req-1@agency.example>", in_reply_to="<cams@city.example>",
        attachments=[Attachment("request form.txt", b"Plate 7ABC123\n" * 400, "text/plain"),
                     Attachment("note.txt", "Déjà vu – €5".encode(), "text/plain"),
                     Attachment("Camera locations", forwarded)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.msgfile OUTPUT.msg")
    with open(sys.argv[1], "wb") as out:
        out.write(msg_bytes(sample()))
