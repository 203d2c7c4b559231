"""A hostile-input corpus, made by the tests themselves (nothing downloaded).

:func:`build` writes a folder of good files mixed with hostile and odd ones and returns
what the import must make of each: every good file stored, every bad one named on one
line of the report with its reason. The files are those of the adversarial run in issue
15 (each reproduced once as a failure) and the ones it found already handled.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from tests.core.import_files import pdf_bytes, write, zip_bytes

#: The import limit the corpus is imported with (``--max-size``), in MB.
MAX_SIZE_MB = 2


@dataclass(frozen=True)
class Expect:
    """One report line: the end of its path, its outcome word and part of its reason."""

    path_end: str
    outcome: str  # failed | skipped | duplicate | note
    reason: str


def pdf_claiming(count: int, *, kids: bool = True) -> bytes:
    """A tiny PDF whose page tree holds one page (or none) but whose /Count says
    ``count``: the 592-byte file that became a million empty pages."""
    page_tree = (b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count if kids
                 else b"<< /Type /Pages /Kids [] /Count %d >>" % count)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", page_tree,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
            b"/BaseFont /Helvetica >> >> >> >>",
            b"<< /Length 45 >>\nstream\nBT /F1 12 Tf 72 720 Td (Claimed) Tj ET\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def zip_with_bad_crc(name: str, data: bytes) -> bytes:
    """A zip whose one stored member's bytes no longer match its checksum."""
    raw = bytearray(zip_bytes({name: data}, level=zipfile.ZIP_STORED))
    at = raw.index(data)
    raw[at] ^= 0xFF
    return bytes(raw)


def mbox_with_unescaped_from() -> bytes:
    """Two messages; the first has a body line "From ..." after a blank line that its
    writer did not escape (the line was taken as a separator and dropped)."""
    return (b"From jane@example.org Thu Mar 14 09:12:00 2019\n"
            b"From: jane@example.org\nTo: desk@example.org\nSubject: first\n\n"
            b"Notes follow.\n\nFrom the desk of the county sheriff: no agreement.\n\n"
            b"From bob@example.org Fri Mar 15 10:00:00 2019\n"
            b"From: bob@example.org\nTo: desk@example.org\nSubject: second\n\nReply.\n")


def nested_email(levels: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "in@example.org", "x@example.org", "level 0"
    msg.set_content("the innermost message")
    for n in range(1, levels + 1):
        outer = EmailMessage()
        outer["From"], outer["To"] = "out@example.org", "x@example.org"
        outer["Subject"] = f"level {n}"
        outer.set_content(f"wrapping level {n - 1}")
        outer.add_attachment(msg)
        msg = outer
    return msg.as_bytes()


def email_with_attachments(tag: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = "agent@example.gov", "detective@example.org"
    msg["Subject"], msg["Message-ID"] = f"Plate search {tag}", f"<{tag}@example.gov>"
    msg.set_content(f"Please run plate 7XKD-214 ({tag}).")
    msg.add_attachment(f"attached notes {tag}".encode(), maintype="text",
                       subtype="plain", filename=f"notes-{tag}.txt")
    msg.add_attachment(pdf_bytes([[f"attached scan {tag}"]]), maintype="application",
                       subtype="pdf", filename=f"scan-{tag}.pdf")
    return msg.as_bytes()


def build(folder: Path, outside: Path) -> tuple[dict[str, bytes], list[Expect]]:
    """Write the corpus into ``folder`` (and a file outside it, linked from inside).

    Returns the good files' contents by name (each must be stored) and the lines the
    report must hold for the hostile ones.
    """
    good: dict[str, bytes] = {}
    expect: list[Expect] = []

    def good_file(name: str | bytes, data: bytes) -> None:
        target = os.path.join(os.fsencode(folder), os.fsencode(name))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
        good[os.fsdecode(name)] = data

    # Good files, which must all be stored whatever sits beside them.
    good_file("memo.txt", b"Agency B owns no cameras; it is a read-only customer.")
    good_file("vendor-list.pdf", pdf_bytes([["Agencies sharing plate data"]]))
    good_file("mail/request.eml", email_with_attachments("corpus"))
    # A file name that is not UTF-8 (stopped the batch with UnicodeEncodeError).
    good_file(b"caf\xe9-latin1.txt", b"a name written by an old Windows zip tool")
    # A name holding a newline (forged an extra report line).
    good_file("line\nfailed: forged.txt", b"a name holding a newline")
    # A UTF-7 email ("could not be stored (UnicodeEncodeError)").
    good_file("utf7.eml", b"From: a@example.org\nTo: b@example.org\nSubject: utf7\n"
                          b'Content-Type: text/plain; charset="utf-7"\n\n'
                          b"Hi +2D3dAA- there +AGEAYgBj- and +2D0-\n")
    good_file("bad-charset.eml", b"From: a@example.org\nTo: b@example.org\n"
                                 b"Subject: odd\nContent-Type: text/plain; "
                                 b'charset="x-no-such-charset"\n\nCaf\xe9 body\n')
    good_file("nested.eml", nested_email(20))

    # One bad member must not stop the batch (exit 3, nothing stored).
    write(folder / "nested-bad-crc.zip", zip_bytes({
        "inner.zip": zip_with_bad_crc("doc.txt", b"checksum will not match " * 4),
        "kept.txt": b"the good member of a damaged archive"}, level=zipfile.ZIP_STORED))
    good["nested-bad-crc.zip:kept.txt"] = b"the good member of a damaged archive"
    expect.append(Expect("nested-bad-crc.zip:inner.zip:doc.txt", "failed",
                         "damaged zip member"))
    big = os.urandom((MAX_SIZE_MB + 1) * 1024 * 1024)
    write(folder / "nested-too-big.zip", zip_bytes({
        "inner.zip": zip_bytes({"huge.bin": big}, level=zipfile.ZIP_STORED),
        "small.txt": b"beside a member over the size limit"}, level=zipfile.ZIP_STORED))
    good["nested-too-big.zip:small.txt"] = b"beside a member over the size limit"
    expect.append(Expect("nested-too-big.zip:inner.zip", "failed", "import limit"))

    # Claims far more than it holds.
    write(folder / "claims-a-million.pdf", pdf_claiming(1_000_000))
    expect.append(Expect("claims-a-million.pdf", "note", "claims 1,000,000 pages; 1 found"))
    write(folder / "zero-pages.pdf", pdf_claiming(0, kids=False))
    expect.append(Expect("zero-pages.pdf", "failed", "no page tree or no pages"))
    write(folder / "cut.pdf", pdf_bytes([["cut short"]])[:200])
    expect.append(Expect("cut.pdf", "failed", "damaged"))
    write(folder / "locked.pdf", pdf_bytes([["secret"]], encrypt="pw"))
    expect.append(Expect("locked.pdf", "failed", "password required"))

    # mbox: the unescaped "From " body line must stay in its message.
    write(folder / "export.mbox", mbox_with_unescaped_from())

    # A link out of the folder (imported /etc/hostname with no note).
    write(outside, b"a file outside the imported folder")
    os.symlink(outside, folder / "link-out.txt")
    expect.append(Expect("link-out.txt", "skipped", "not followed"))
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    expect.append(Expect("dangling.txt", "failed", "broken symbolic link"))

    # Archives: empty (printed nothing), a bomb, a path escaping, encrypted.
    write(folder / "empty.zip", zip_bytes({}))
    expect.append(Expect("empty.zip", "skipped", "nothing inside"))
    write(folder / "bomb.zip", zip_bytes({"zeros.txt": b"\0" * (20 * 1024 * 1024)}))
    expect.append(Expect("bomb.zip:zeros.txt", "failed", "zip bomb"))
    write(folder / "escape.zip", zip_bytes({"../../etc/passwd": b"root:x:0:0"}))
    expect.append(Expect("escape.zip:../../etc/passwd", "failed", "escapes the archive"))
    write(folder / "not-a-zip.zip", b"PK\x03\x04 this is not really a zip")
    expect.append(Expect("not-a-zip.zip", "failed", "damaged zip"))

    # A failed file whose name carries a newline: its line must stay one line.
    write(Path(os.path.join(folder, "forged\nfailed: fake.bin")), b"\x00\x01binary")
    expect.append(Expect("forged\\nfailed: fake.bin", "failed", "unsupported"))
    write(folder / "empty.txt", b"")
    expect.append(Expect("empty.txt", "failed", "empty file"))
    write(folder / "binary.txt", b"\x00\x00\x00 not text" * 100)
    expect.append(Expect("binary.txt", "failed", "binary data"))
    return good, expect


def mutated(folder: Path, *, seed: int, count: int) -> list[Path]:
    """``count`` files made by flipping, cutting and inserting bytes in valid files of
    each kind the import reads (a fuzz of file contents, reproducible by ``seed``)."""
    import random

    from tests.core.import_files import docx_bytes
    seeds = {".pdf": pdf_bytes([["Hello world"], None, ["third page"]]),
             ".eml": email_with_attachments("mutated"),
             ".zip": zip_bytes({"a.txt": b"alpha", "b.pdf": pdf_bytes([["b"]])}),
             ".docx": docx_bytes(), ".mbox": mbox_with_unescaped_from(),
             ".html": b"<html><head><title>t</title></head><body><p>x</p></body></html>",
             ".txt": "naïve café – “quoted”\fpage two".encode()}
    rng = random.Random(seed)
    made = []
    for n in range(count):
        suffix = rng.choice(sorted(seeds))
        data = bytearray(seeds[suffix])
        for _ in range(rng.randint(1, 20)):
            if not data:
                break
            at = rng.randrange(len(data))
            roll = rng.random()
            if roll < 0.6:
                data[at] = rng.randrange(256)
            elif roll < 0.8:
                del data[at:at + rng.randint(1, 200)]
            else:
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 50)))
        made.append(write(folder / f"m{n:03d}{suffix}", bytes(data)))
    return made
