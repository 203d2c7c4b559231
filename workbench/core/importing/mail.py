"""Email messages (.eml): headers into the emails table, the body as the page text.

The plain-text body is preferred; an HTML-only body is reduced to its text. Attachments
come back as separate files to import, linked to their email.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message
from typing import cast
from email.utils import parsedate_to_datetime

from workbench.core.documents import EmailHeaders, PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)


def unescape(text: str) -> str:
    """Text with the parser's stand-ins for undecodable bytes turned back into letters.

    The email package keeps bytes it cannot decode as lone surrogates, which SQLite
    refuses; they are read as UTF-8 when they are, else as Windows-1252 (the usual
    culprit in old mail).
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            # Surrogates that stand for no byte (UTF-7 or UTF-16 decoded from broken
            # input): pairs become their letter, lone ones U+FFFD.
            return (text.encode("utf-16", "surrogatepass")
                    .decode("utf-16", errors="replace"))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")


def _header(msg: EmailMessage, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot decode: keep its raw form
        raw = msg.get_all(name, failobj=[None])[0]
        value = str(raw) if raw is not None else None
    if value is None:
        return None
    text = " ".join(unescape(str(value)).split())
    return text or None


def iso_date(value: str | None) -> str | None:
    """An RFC 2822 date as ISO 8601 (keeping its offset); None when unreadable."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def headers_of(msg: EmailMessage) -> EmailHeaders:
    raw = unescape("".join(f"{k}: {v}\n" for k, v in msg.raw_items()))
    return EmailHeaders(
        from_addr=_header(msg, "From"), to_addrs=_header(msg, "To"),
        cc_addrs=_header(msg, "Cc"), date=iso_date(_header(msg, "Date")) or _header(msg, "Date"),
        subject=_header(msg, "Subject"), message_id=_header(msg, "Message-ID"),
        in_reply_to=_header(msg, "In-Reply-To"), references=_header(msg, "References"),
        raw_headers=raw)


def body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        # typeshed cannot tell that decode=True on a part that is not multipart gives bytes
        payload = cast("bytes | None", part.get_payload(decode=True)) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        from workbench.core.importing.markup import html_to_text
        return html_to_text(unescape(content))
    return unescape(content)


def attachments_of(msg: EmailMessage) -> list[tuple[str, bytes]]:
    out = []
    for n, part in enumerate(msg.iter_attachments(), start=1):
        name = unescape(part.get_filename() or "") or f"attachment-{n}"
        # (casts: typeshed types get_payload() for every kind of part at once)
        payload = cast("bytes | None", part.get_payload(decode=True))
        if payload is None and part.get_content_type() == "message/rfc822":
            payload = cast(Message, part.get_payload(0)).as_bytes()
            name = name if name.endswith(".eml") else f"{name}.eml"
        if payload:
            out.append((name, payload))
    return out


def message_to_extracted(msg: EmailMessage, name: str) -> Extracted:
    headers = headers_of(msg)
    return Extracted(kind="email", title=headers.subject or title_from_name(name),
                     pages=[PageText(body_text(msg))], media_type="message/rfc822",
                     email=headers, attachments=attachments_of(msg))


@register(".eml")
def extract_eml(data: bytes, name: str, options: ImportOptions) -> Extracted:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not msg.keys():
        raise ExtractionError("not an email message (no headers)")
    return message_to_extracted(msg, name)
