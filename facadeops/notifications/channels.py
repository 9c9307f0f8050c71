"""Sending the outbox (X-9.3): e-mail over SMTP (zh/en by the recipient's language) and the
WeCom group-robot webhook ({"msgtype": "markdown", ...}). Due rows are claimed in a short
transaction (row locks, skip locked) so two workers never send the same row; a failure is
recorded on the row and retried later with back-off, up to NOTIFY_MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Delivery, Notification

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)  # a claimed row is retried after this if the worker died
BATCH = 200


def absolute(url: str) -> str:
    base = str(getattr(settings, "NOTIFY_BASE_URL", "") or "").rstrip("/")
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{base}{url}" if base else url


def _language(user: Any) -> str:
    lang = str(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE)
    return "en" if lang.startswith("en") else "zh-hans"


def render_email(user: Any, items: list[Notification], *, digest: bool) -> tuple[str, str, str]:
    """(subject, text, html) in the user's language."""
    ctx = {
        "user": user,
        "items": [{"n": n, "link": absolute(n.url)} for n in items],
        "digest": digest,
        "company": getattr(settings, "FACADEOPS_COMPANY_NAME", "FacadeOps"),
    }
    with translation.override(_language(user)):
        subject = render_to_string("notifications/email/subject.txt", ctx).strip()
        text = render_to_string("notifications/email/message.txt", ctx)
        html = render_to_string("notifications/email/message.html", ctx)
    return " ".join(subject.split()), text, html


def render_webhook(user: Any, items: list[Notification], *, digest: bool) -> dict[str, Any]:
    """WeCom group robot markdown message."""
    with translation.override(_language(user)):
        content = render_to_string(
            "notifications/email/webhook.txt",
            {
                "user": user,
                "items": [{"n": n, "link": absolute(n.url)} for n in items],
                "digest": digest,
            },
        ).strip()
    return {"msgtype": "markdown", "markdown": {"content": content[:4000]}}


def send_email(address: str, user: Any, items: list[Notification], *, digest: bool) -> None:
    subject, text, html = render_email(user, items, digest=digest)
    msg = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [address], connection=get_connection()
    )
    msg.attach_alternative(html, "text/html")
    msg.send(fail_silently=False)


def send_webhook(url: str, user: Any, items: list[Notification], *, digest: bool) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) address: {url}")
    payload = json.dumps(render_webhook(user, items, digest=digest), ensure_ascii=False)
    req = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=payload.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    timeout = float(getattr(settings, "NOTIFY_WEBHOOK_TIMEOUT", 10.0))
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked)
        raw = resp.read(65536)
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise RuntimeError(f"webhook refused: {answer.get('errcode')} {answer.get('errmsg', '')}")


def _claim(now: dt.datetime) -> list[Delivery]:
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=Delivery.Status.PENDING, due_at__lte=now)
            .order_by("due_at", "id")[:BATCH]
        )
        if rows:
            Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(due_at=now + LEASE)
    return rows


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 240))


def send_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due delivery: one message per immediate row, one digest per (person,
    channel, address) for the digest rows. Returns counts of sent and failed rows."""
    now = now or timezone.now()
    max_attempts = int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))
    rows = _claim(now)
    if not rows:
        return {"sent": 0, "failed": 0, "retry": 0}
    by_id = {
        n.pk: n
        for n in Notification.objects.filter(
            pk__in={d.notification_id for d in rows}
        ).select_related("recipient")
    }
    groups: dict[tuple[Any, ...], list[Delivery]] = defaultdict(list)
    for d in rows:
        key = (
            (by_id[d.notification_id].recipient_id, d.channel, d.address)
            if d.digest
            else ("one", d.pk)
        )
        groups[key].append(d)
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for group in groups.values():
        first = group[0]
        items = [by_id[d.notification_id] for d in group]
        user = items[0].recipient
        try:
            if first.channel == Delivery.Channel.EMAIL:
                send_email(first.address, user, items, digest=first.digest)
            else:
                send_webhook(first.address, user, items, digest=first.digest)
        except Exception as exc:  # any transport error is recorded on the rows
            log.warning("delivery %s failed: %s", [d.pk for d in group], exc)
            for d in group:
                d.attempts += 1
                d.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if d.attempts >= max_attempts:
                    d.state = Delivery.Status.FAILED
                    counts["failed"] += 1
                else:
                    d.due_at = now + _backoff(d.attempts)
                    counts["retry"] += 1
            Delivery.objects.bulk_update(group, ["attempts", "last_error", "state", "due_at"])
            continue
        for d in group:
            d.attempts += 1
            d.state = Delivery.Status.SENT
            d.sent_at = timezone.now()
            d.last_error = ""
        Delivery.objects.bulk_update(group, ["attempts", "state", "sent_at", "last_error"])
        counts["sent"] += len(group)
    return counts
