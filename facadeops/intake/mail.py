"""REG-2.1.1 e-mail intake: the service mailbox is read over IMAP by a periodic job. A new
mail becomes a request (channel e-mail, sender matched to a known contact/customer); a mail
whose subject carries a reference number (BX-YYYY-NNNNNN) is added to that request;
attachments go through the core attachment checks; the sender of a new request gets an
automatic reply with the reference number, threaded to the mail. Idempotent by Message-ID."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import hashlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage as DjangoMail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from facadeops.audit.services import record
from facadeops.core.attachments import attachment_add
from facadeops.core.errors import FacadeOpsError
from facadeops.customers.models import Contact, Customer
from facadeops.service.models import ServiceRequest
from facadeops.service.services import request_create

from .actors import channel_actor
from .models import InboundMail

log = logging.getLogger(__name__)
REFERENCE = re.compile(r"\bBX-\d{4}-\d{6}\b", re.IGNORECASE)
MAX_BODY = 20000
MAX_ATTACHMENTS = 10


@dataclass
class FetchResult:
    seen: int = 0
    created: int = 0
    added: int = 0
    duplicates: int = 0
    skipped: int = 0
    replied: int = 0
    errors: list[str] = field(default_factory=list)


def _message_id(msg: EmailMessage, raw: bytes) -> str:
    mid = str(msg.get("Message-ID") or "").strip()
    if not mid:
        mid = f"<sha256-{hashlib.sha256(raw).hexdigest()}@facadeops.invalid>"
    return mid[:255]


def _text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        content = strip_tags(content)
    return str(content).strip()[:MAX_BODY]


def _is_automatic(msg: EmailMessage, sender: str) -> bool:
    """Auto-replies, bounces and our own mail are not requests (no mail loops)."""
    auto = str(msg.get("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return True
    if str(msg.get("Precedence") or "").lower() in ("bulk", "junk", "auto_reply"):
        return True
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    mailbox = str(getattr(settings, "IMAP_USER", "") or "").lower()
    lowered = sender.lower()
    return lowered in {own, mailbox} or lowered.startswith(("mailer-daemon@", "postmaster@"))


def _match(sender: str) -> dict[str, Any]:

    contacts = list(Contact.objects.filter(email__iexact=sender).select_related("customer")[:2])
    if len(contacts) == 1:
        return {"customer": contacts[0].customer, "contact": contacts[0]}
    customers = list(Customer.objects.filter(email__iexact=sender, is_active=True)[:2])
    if len(customers) == 1:
        return {"customer": customers[0]}
    return {}


def _attachments(msg: EmailMessage) -> list[ContentFile[bytes]]:
    files: list[ContentFile[bytes]] = []
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        name = part.get_filename() or "attachment"
        files.append(ContentFile(payload, name=name))
        if len(files) >= MAX_ATTACHMENTS:
            break
    return files


def _keep_attachments(actor: Any, target: Any, files: list[ContentFile[bytes]]) -> list[str]:
    """Attach what passes the content checks; returns a note per refused file."""

    refused: list[str] = []
    for f in files:
        try:
            with transaction.atomic():
                attachment_add(actor=actor, target=target, upload=f)
        except FacadeOpsError as exc:
            refused.append(
                _("Attachment %(name)s was not kept: %(reason)s")
                % {"name": f.name, "reason": exc.message}
            )
    return refused


def mail_ingest(raw: bytes) -> InboundMail | None:
    """Record one raw RFC 822 mail; None when it was seen before or is automatic."""

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    mid = _message_id(msg, raw)
    if InboundMail.objects.filter(message_id=mid).exists():
        return None
    name, sender = parseaddr(str(msg.get("From") or ""))
    sender = sender.strip()[:254]
    if not sender or _is_automatic(msg, sender):
        return None
    subject = " ".join(str(msg.get("Subject") or "").split())[:255]
    body = _text_of(msg)
    files = _attachments(msg)
    actor = channel_actor("email")
    ref = REFERENCE.search(subject)
    existing = ServiceRequest.objects.filter(number__iexact=ref.group(0)).first() if ref else None
    try:
        with transaction.atomic():
            if existing is not None:
                req = existing
                refused = _keep_attachments(actor, req, files)
                text = "\n".join([subject, body, *refused]).strip()
                record(
                    actor=actor,
                    verb="intake.mail_added",
                    target=req,
                    note=text[:4000],
                )
            else:
                data: dict[str, Any] = {
                    "kind": "repair",
                    "channel": "email",
                    "caller_name": (name or sender)[:100],
                    "caller_email": sender,
                    "description": "\n\n".join(x for x in (subject, body) if x)
                    or _("(empty e-mail)"),
                    **_match(sender),
                }
                req = request_create(actor=actor, data=data)
                refused = _keep_attachments(actor, req, files)
                if refused:
                    record(
                        actor=actor, verb="intake.mail_added", target=req, note="\n".join(refused)
                    )
            inbound = InboundMail.objects.create(
                message_id=mid,
                sender=sender,
                subject=subject,
                body=body,
                request=req,
                is_follow_up=existing is not None,
            )
    except IntegrityError:  # the same mail recorded by a concurrent run
        if InboundMail.objects.filter(message_id=mid).exists():
            return None
        raise
    return inbound


def send_reply(inbound: InboundMail, *, original_references: str = "") -> None:
    """Automatic reply with the reference number, threaded to the sender's mail
    (In-Reply-To, References), bilingual since the sender's language is unknown."""
    req = inbound.request
    ctx = {"request": req, "inbound": inbound}
    subject = f"[{req.number}] Re: {inbound.subject}" if inbound.subject else f"[{req.number}]"
    parts = []
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            parts.append(render_to_string("intake/mail/auto_reply.txt", ctx).strip())
    text = "\n\n".join(parts) + "\n"
    refs = " ".join(x for x in (original_references.strip(), inbound.message_id) if x)
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].partition("@")[2] or "facadeops.local"
    mail = DjangoMail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[inbound.sender],
        headers={
            "In-Reply-To": inbound.message_id,
            "References": refs,
            "Message-ID": make_msgid(domain=domain),
            "Auto-Submitted": "auto-replied",
            "X-FacadeOps-Reference": req.number,
        },
    )
    mail.send(fail_silently=False)
    InboundMail.objects.filter(pk=inbound.pk).update(replied_at=timezone.now())


def _connect() -> imaplib.IMAP4:
    host = settings.IMAP_HOST
    port = int(settings.IMAP_PORT)
    timeout = float(getattr(settings, "IMAP_TIMEOUT", 30.0))
    conn: imaplib.IMAP4
    if getattr(settings, "IMAP_SSL", True):
        conn = imaplib.IMAP4_SSL(host, port, timeout=timeout)
    else:
        conn = imaplib.IMAP4(host, port, timeout=timeout)
    conn.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    return conn


def fetch_mail() -> FetchResult:
    """Read the unseen mails of the configured folder; each is marked seen once recorded
    (or recognised as a duplicate / automatic mail). Replies go out after the commit."""
    result = FetchResult()
    if not getattr(settings, "IMAP_HOST", ""):
        return result
    conn = _connect()
    try:
        typ, _data = conn.select(getattr(settings, "IMAP_FOLDER", "INBOX") or "INBOX")
        if typ != "OK":
            raise RuntimeError(f"IMAP folder not available: {settings.IMAP_FOLDER}")
        typ, data = conn.uid("SEARCH", "UNSEEN")
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        for uid in uids:
            result.seen += 1
            typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), None)
            if typ != "OK" or not isinstance(raw, bytes):
                result.errors.append(f"uid {uid!r}: fetch failed")
                continue
            try:
                inbound = mail_ingest(raw)
            except Exception as exc:  # one bad mail must not stop the others; kept unseen
                log.exception("mail uid %s not recorded", uid)
                result.errors.append(f"uid {uid!r}: {type(exc).__name__}: {exc}")
                continue
            conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if inbound is None:
                result.duplicates += 1
                continue
            if inbound.is_follow_up:
                result.added += 1
                continue
            result.created += 1
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            try:
                send_reply(inbound, original_references=str(msg.get("References") or ""))
                result.replied += 1
            except Exception as exc:  # retried by the next run (replied_at stays empty)
                log.warning("automatic reply for %s failed: %s", inbound.message_id, exc)
                result.errors.append(f"reply {inbound.message_id}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            conn.logout()
    _retry_replies(result)
    return result


def _retry_replies(result: FetchResult) -> None:
    """Replies that failed earlier (SMTP down) are sent again, at most a day later."""
    since = timezone.now() - dt.timedelta(days=1)
    for inbound in InboundMail.objects.filter(
        replied_at__isnull=True, is_follow_up=False, received_at__gte=since
    ).select_related("request")[:50]:
        try:
            send_reply(inbound)
            result.replied += 1
        except Exception as exc:
            result.errors.append(f"reply {inbound.message_id}: {exc}")
