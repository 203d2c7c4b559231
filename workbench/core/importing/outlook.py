"""Outlook messages (.msg) with extract-msg: headers, body text, attachments.

When the message carries its original internet headers (mail that came in from
outside), they are kept verbatim as the raw headers and read for the threading fields;
otherwise the fields come from the message's own properties.
"""

from __future__ import annotations

import contextlib
from email import message_from_string, policy
from typing import Any

from workbench.core.documents import EmailHeaders, PageText
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              register, title_from_name)
from workbench.core.importing.mail import iso_date


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


def headers_of(msg: Any) -> EmailHeaders:
    raw = _prop(msg, "headerText")
    parsed = message_from_string(raw, policy=policy.compat32) if raw else None

    def header(name: str) -> str | None:
        return _clean(parsed.get(name)) if parsed is not None else None

    date = _prop(msg, "date")
    date_text = date.isoformat() if hasattr(date, "isoformat") else _clean(date)
    return EmailHeaders(
        from_addr=_clean(_prop(msg, "sender")) or header("From"),
        to_addrs=_clean(_prop(msg, "to")) or header("To"),
        cc_addrs=_clean(_prop(msg, "cc")) or header("Cc"),
        date=date_text or iso_date(header("Date")) or header("Date"),
        subject=_clean(_prop(msg, "subject")) or header("Subject"),
        message_id=_clean(_prop(msg, "messageId")) or header("Message-ID"),
        in_reply_to=_clean(_prop(msg, "inReplyTo")) or header("In-Reply-To"),
        references=header("References"),
        raw_headers=raw or None)


def body_of(msg: Any) -> str:
    body = _prop(msg, "body")
    if body:
        return str(body)
    html = _prop(msg, "htmlBody")
    if html:
        from workbench.core.importing.markup import html_to_text
        if isinstance(html, bytes):
            html = html.decode("utf-8", errors="replace")
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
