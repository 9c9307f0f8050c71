"""REG-2.1.1 e-mail intake against a real IMAP server (Dovecot) and a real SMTP server
(aiosmtpd): a mail becomes a request, a reply threads back with the reference number, a
mail quoting the reference is added to that request, attachments pass the content checks,
and the same Message-ID is never recorded twice."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from PIL import Image

from facadeops.audit.models import AuditEvent
from facadeops.intake.mail import fetch_mail
from facadeops.intake.models import InboundMail
from facadeops.service.models import ServiceRequest

pytestmark = pytest.mark.django_db(transaction=True)


def _mail(
    *,
    subject: str,
    body: str = "幕墙玻璃有裂纹，请尽快安排维修。",
    sender: str = "王经理 <wang@client.example>",
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    headers: dict[str, str] | None = None,
) -> tuple[bytes, str]:
    msg = EmailMessage()
    mid = make_msgid(domain="client.example")
    msg["From"] = sender
    msg["To"] = "service@facadeops.test"
    msg["Subject"] = subject
    msg["Message-ID"] = mid
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    for name, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(), mid


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 50, 50)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def known_contact(db: Any) -> Any:
    from facadeops.customers.models import Contact, Customer

    cust = Customer.objects.create(name="华东置业有限公司", email="office@client.example")
    return Contact.objects.create(customer=cust, name="王经理", email="wang@client.example")


def test_new_mail_becomes_request_and_reply_threads_back(
    imap: Any, smtp: Any, known_contact: Any
) -> None:
    """REG-2.1.1: a mail sent to the service mailbox becomes a request of channel e-mail,
    matched to the known contact; the automatic reply carries the reference number and
    threads to the mail (In-Reply-To, References)."""
    raw, mid = _mail(
        subject="A座幕墙玻璃破裂",
        attachments=[("crack.png", _png(), "image/png")],
    )
    imap.append(raw)
    result = fetch_mail()
    assert (result.created, result.replied, result.errors) == (1, 1, [])
    inbound = InboundMail.objects.select_related("request").get(message_id=mid)
    req = inbound.request
    assert req.channel == "email" and req.caller_email == "wang@client.example"
    assert req.customer == known_contact.customer and req.contact == known_contact
    assert "幕墙玻璃有裂纹" in req.description and "A座幕墙玻璃破裂" in req.description
    from facadeops.core.attachments import attachments_of

    assert [a.kind for a in attachments_of(req)] == ["image"]
    reply = smtp.wait_for(1)[0]
    assert reply["To"] == "wang@client.example"
    assert req.number in reply["Subject"] and reply["In-Reply-To"] == mid
    assert mid in reply["References"] and reply["Auto-Submitted"] == "auto-replied"
    text = reply.get_body(preferencelist=("plain",)).get_content()
    assert req.number in text and "受理编号" in text and "reference number" in text
    inbound.refresh_from_db()
    assert inbound.replied_at is not None


def test_same_message_id_is_recorded_once(imap: Any, smtp: Any) -> None:
    """REG-2.1.1: idempotent by Message-ID — the same mail delivered twice (or read again)
    makes one request."""
    raw, mid = _mail(subject="漏水")
    imap.append(raw)
    imap.append(raw)
    result = fetch_mail()
    assert (result.seen, result.created, result.duplicates) == (2, 1, 1)
    assert fetch_mail().seen == 0  # marked seen on the server
    assert InboundMail.objects.filter(message_id=mid).count() == 1
    assert ServiceRequest.objects.filter(channel="email").count() == 1
    assert len(smtp.wait_for(1)) == 1


def test_reply_with_reference_is_added_to_that_request(imap: Any, smtp: Any) -> None:
    """REG-2.1.1: a mail whose subject carries the reference number is added to that
    request (no new request), with its attachment; the text is on the request's history."""
    raw, _mid = _mail(subject="渗水问题")
    imap.append(raw)
    fetch_mail()
    req = ServiceRequest.objects.get(channel="email")
    follow, fmid = _mail(
        subject=f"Re: [{req.number}] Re: 渗水问题",
        body="补充：昨晚下雨后渗水更严重。",
        attachments=[("more.png", _png(), "image/png")],
    )
    imap.append(follow)
    result = fetch_mail()
    assert (result.created, result.added) == (0, 1)
    assert ServiceRequest.objects.filter(channel="email").count() == 1
    inbound = InboundMail.objects.get(message_id=fmid)
    assert inbound.request == req and inbound.is_follow_up
    event = AuditEvent.objects.filter(verb="intake.mail_added").get()
    assert "渗水更严重" in event.note
    from facadeops.core.attachments import attachments_of

    assert attachments_of(req).count() == 1
    assert len(smtp.wait_for(1)) == 1  # only the first mail got an automatic reply


def test_attachment_failing_the_content_checks_is_refused_not_the_mail(
    imap: Any, smtp: Any
) -> None:
    """REG-2.1.1 + attachment rules: a disguised executable is not kept; the request is."""
    raw, mid = _mail(
        subject="照片",
        attachments=[("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")],
    )
    imap.append(raw)
    result = fetch_mail()
    assert result.created == 1 and result.errors == []
    req = InboundMail.objects.get(message_id=mid).request
    from facadeops.core.attachments import attachments_of

    assert attachments_of(req).count() == 0
    note = AuditEvent.objects.get(verb="intake.mail_added").note
    assert "photo.jpg" in note


def test_automatic_mails_do_not_become_requests(imap: Any, smtp: Any) -> None:
    """No mail loops: auto-replies and bounces are marked seen and ignored."""
    raw, _ = _mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"})
    imap.append(raw)
    bounce, _ = _mail(subject="Undelivered", sender="MAILER-DAEMON@client.example")
    imap.append(bounce)
    result = fetch_mail()
    assert (result.seen, result.created) == (2, 0)
    assert not InboundMail.objects.exists() and smtp.wait_for(1, timeout=0.5) == []


def test_reply_failure_is_retried_on_the_next_run(imap: Any, smtp: Any) -> None:
    """An SMTP refusal does not lose the request; the reply goes out on the next run."""
    smtp.refuse = True
    raw, mid = _mail(subject="门窗密封胶老化")
    imap.append(raw)
    result = fetch_mail()
    assert result.created == 1 and result.replied == 0 and result.errors
    assert InboundMail.objects.get(message_id=mid).replied_at is None
    smtp.refuse = False
    assert fetch_mail().replied == 1
    assert InboundMail.objects.get(message_id=mid).replied_at is not None


def test_no_mailbox_configured_does_nothing(settings: Any) -> None:
    settings.IMAP_HOST = ""
    assert fetch_mail().seen == 0


def test_wrong_password_is_an_error(imap: Any, settings: Any) -> None:
    """A misconfigured mailbox fails loudly (the task reports it), nothing is recorded."""
    import imaplib

    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(imaplib.IMAP4.error):
        fetch_mail()
