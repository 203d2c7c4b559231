"""Evidence files for the import tests, made on the spot with the real libraries.

reportlab writes the PDFs (with the DejaVu font shipped in resources/, so Unicode text
survives), Pillow draws the "scanned" page, the email package writes .eml and .mbox,
python-docx the Word file and zipfile the archives.
"""

from __future__ import annotations

import io
import mailbox
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "DejaVuSans.ttf"
UNICODE_LINES = ["Žluťoučký kůň úpěl ďábelské ódy", "Ελληνικά: η αλεπού", "Привет, мир",
                 "naïve café – “quoted” — 50 €"]

if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_FILE)))


def pdf_bytes(pages: list[list[str] | None], *, title: str | None = None,
              encrypt: str | None = None, scan_text: str | None = None) -> bytes:
    """A PDF with one page per entry: lines of text, or None for an image-only page."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt=encrypt, invariant=1)
    if title:
        c.setTitle(title)
    for lines in pages:
        if lines is None:
            c.drawImage(_scan_image(scan_text or "The quick brown fox jumps"),
                        40, 560, width=515, height=121)
        else:
            c.setFont("DejaVuSans", 12)
            y = 780
            for line in lines:
                c.drawString(60, y, line)
                y -= 18
        c.showPage()
    c.save()
    return out.getvalue()


def _scan_image(text: str):
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (1700, 400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT_FILE), 64)
    draw.text((40, 150), text, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    return ImageReader(buf)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def email_message(*, subject: str, sender: str, to: str, message_id: str,
                  body: str, in_reply_to: str | None = None,
                  references: str | None = None, day: int = 1,
                  attachment: tuple[str, bytes, str] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2019, 3, day, 9, 30, tzinfo=timezone.utc))
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg.set_content(body)
    if attachment:
        name, data, mime = attachment
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def request_and_reply() -> tuple[EmailMessage, EmailMessage]:
    """An agent's plate-search request (with a PDF attached) and the detective's reply."""
    request = email_message(
        subject="Plate search request", sender="Agent Smith <smith@agency.example>",
        to="det.jones@police.example", message_id="<req-1@agency.example>",
        body="Could you run plate 7ABC123 through the reader system for us?",
        attachment=("request-form.pdf", pdf_bytes([["Request form: plate 7ABC123"]]),
                    "application/pdf"))
    reply = email_message(
        subject="Re: Plate search request", sender="det.jones@police.example",
        to="Agent Smith <smith@agency.example>", message_id="<rep-1@police.example>",
        in_reply_to="<req-1@agency.example>", references="<req-1@agency.example>",
        body="Ran it. Three hits in March, details attached.", day=2)
    return request, reply


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    box = mailbox.mbox(str(path))
    try:
        for msg in messages:
            box.add(msg)
        box.flush()
    finally:
        box.close()
    return path


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Sharing agreement"
    document.add_paragraph("Data sharing agreement between the county and the broker.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Agency"
    table.cell(0, 1).text = "Cameras"
    table.cell(1, 0).text = "County Sheriff"
    table.cell(1, 1).text = "30"
    document.add_paragraph("Signed in 2018.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes], *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=level) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name, (2019, 3, 1, 0, 0, 0)), data,
                        compress_type=level)
    return out.getvalue()
