"""Outlook messages (.msg) with extract-msg: headers, body text, attachments.

When the message carries its original internet headers (mail that came in from
outside), they are kept verbatim as the raw headers and read for the threading fields;
otherwise the fields come from the message's own properties.
"""

from __future__ import annotations

import contextlib
from email import message_from_string, policy
from email.header import decode_header, make_header
from typing import Any

from workbench.core.documents import EmailHeaders, PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)
from workbench.core.importing.mail import iso_date
from workbench.core.importing.web import decode_html


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _prop(msg: Any, name: str) -> Any:
    # extract-msg computes many properties lazily and may raise on a damaged stream;
    # one unreadable field must not lose the rest of the message.
    try:
        return getattr(msg, name)
    except Exception:
        return None


def _string(msg: Any, stream: str) -> str | None:
    try:
        return msg.getStringStream(stream)
    except Exception:
        return None


def _long(msg: Any, tag: str) -> int | None:
    try:
        value = msg.getPropertyVal(tag)
    except Exception:
        return None
    return value if isinstance(value, int) else None


def sender_of(msg: Any) -> str | None:
    """The sender as "Name <address>" wherever the message holds an internet address.

    extract-msg adds an address only from PR_SENDER_SMTP_ADDRESS, which not every file
    has; a sender of type SMTP has the address in PR_SENDER_EMAIL_ADDRESS too (where an
    Exchange sender has a ``/o=.../cn=...`` name instead, without "@").
    """
    sender = _clean(_prop(msg, "sender"))
    if sender and "@" in sender:
        return sender
    address = _clean(_string(msg, "__substg1.0_0C1F"))
    if not address or "@" not in address:
        return sender
    return f"{sender} <{address}>" if sender else address


def addressees(msg: Any, kind: str) -> str | None:
    """The recipients of one kind ("TO", "CC") as "Name <address>", joined by "; "."""
    listed = []
    for recipient in _prop(msg, "recipients") or []:
        if getattr(_prop(recipient, "type"), "name", None) != kind:
            continue
        # extract-msg formats a recipient without a display name as "None <address>".
        name, address = _clean(_prop(recipient, "name")), _clean(_prop(recipient, "email"))
        if name and address and name != address:
            listed.append(f"{name} <{address}>")
        elif name or address:
            listed.append(name or address)
    return "; ".join(listed) or None


def _decoded(value: str) -> str:
    """A header value with its RFC 2047 encoded words decoded, where they decode."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def headers_of(msg: Any) -> EmailHeaders:
    raw = _prop(msg, "headerText")
    parsed = message_from_string(raw, policy=policy.compat32) if raw else None

    def header(name: str) -> str | None:
        value = parsed.get(name) if parsed is not None else None
        return _clean(_decoded(str(value))) if value is not None else None

    date = _prop(msg, "date")
    date_text = date.isoformat() if hasattr(date, "isoformat") else _clean(date)
    return EmailHeaders(
        from_addr=sender_of(msg) or header("From"),
        # From the internet headers as written: extract-msg's own To and Cc turn every
        # comma into ";", even inside a quoted name.
        to_addrs=header("To") or addressees(msg, "TO"),
        cc_addrs=header("Cc") or addressees(msg, "CC"),
        date=date_text or iso_date(header("Date")) or header("Date"),
        subject=_clean(_prop(msg, "subject")) or header("Subject"),
        message_id=_clean(_prop(msg, "messageId")) or header("Message-ID"),
        in_reply_to=_clean(_prop(msg, "inReplyTo")) or header("In-Reply-To"),
        references=header("References"),
        raw_headers=raw or None)


# Windows code pages (PR_INTERNET_CPID) whose Python codec is not simply "cp<number>".
_CODECS = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii",
           20866: "koi8-r", 21866: "koi8-u", 50220: "iso-2022-jp", 51932: "euc-jp",
           54936: "gb18030", 28603: "iso-8859-13", 28605: "iso-8859-15",
           **{28590 + n: f"iso-8859-{n}" for n in range(1, 10)}}


def html_text(msg: Any, html: bytes) -> str:
    """The HTML body's bytes as text: in the code page the message declares for them
    (PR_INTERNET_CPID), else by the page's own byte order mark, <meta> or detection."""
    code_page = _long(msg, "3FDE0003")
    if code_page:
        try:
            return html.decode(_CODECS.get(code_page, f"cp{code_page}"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_html(html)


def body_of(msg: Any) -> str:
    body = _prop(msg, "body")
    if body:
        return str(body)
    html = _prop(msg, "htmlBody")
    if html:
        from workbench.core.importing.markup import html_to_text
        if isinstance(html, bytes):
            html = html_text(msg, html)
        return html_to_text(html)
    return ""


def attachments_of(msg: Any) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for n, att in enumerate(_prop(msg, "attachments") or [], start=1):
        name = (_prop(att, "longFilename") or _prop(att, "shortFilename")
                or _prop(att, "displayName") or f"attachment-{n}")
        data = _prop(att, "data")
        if data is not None and not isinstance(data, (bytes, bytearray)):
            # An embedded Outlook message: keep it as an .msg file of its own.
            exported = None
            with contextlib.suppress(Exception):
                exported = data.exportBytes()
            data = exported
            if not str(name).lower().endswith(".msg"):
                name = f"{name}.msg"
        if data:
            out.append((str(name), bytes(data)))
    return out


@register(".msg")
def extract_msg_file(data: bytes, name: str, options: ImportOptions) -> Extracted:
    import extract_msg  # heavy; loaded only when an Outlook file turns up

    try:
        msg = extract_msg.openMsg(data, strict=False)
    except Exception as exc:
        raise ExtractionError(f"not a readable Outlook message ({type(exc).__name__})") from None
    try:
        headers = headers_of(msg)
        return Extracted(kind="email", title=headers.subject or title_from_name(name),
                         pages=[PageText(body_of(msg))], media_type="application/vnd.ms-outlook",
                         email=headers, attachments=attachments_of(msg))
    finally:
        with contextlib.suppress(Exception):
            msg.close()
