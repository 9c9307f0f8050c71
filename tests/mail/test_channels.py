"""X-9.3 notification channels: per-user preferences decide e-mail (real SMTP server) and
chat-group webhook (real HTTP server) deliveries through the outbox; urgent items go at
once, the rest in a daily digest at NOTIFY_DIGEST_HOUR; failures are recorded and retried."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from facadeops.notifications.channels import send_due
from facadeops.notifications.models import Delivery, Preference
from facadeops.notifications.services import next_digest_at, notify

SH = ZoneInfo("Asia/Shanghai")


def _due_later(hours: float = 30) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def test_digest_hour_is_the_next_local_digest_time(settings: Any) -> None:
    """X-9.3: non-urgent items wait for the next digest hour (local time)."""
    settings.NOTIFY_DIGEST_HOUR = 8
    before = dt.datetime(2026, 3, 2, 7, 59, tzinfo=SH)
    after = dt.datetime(2026, 3, 2, 8, 1, tzinfo=SH)
    assert next_digest_at(before) == dt.datetime(2026, 3, 2, 8, 0, tzinfo=SH)
    assert next_digest_at(after) == dt.datetime(2026, 3, 3, 8, 0, tzinfo=SH)


@pytest.mark.django_db(transaction=True)
def test_urgent_item_is_mailed_at_once_in_the_users_language(
    make_user: Any, smtp: Any, settings: Any
) -> None:
    """X-9.3: an urgent item is e-mailed as soon as it is recorded, in the recipient's
    language (zh-Hans and English templates), with an absolute link."""
    zh = make_user("technician", email="zh@example.com", preferred_language="zh-hans")
    en = make_user("technician", email="en@example.com", preferred_language="en")
    notify(recipient_ids=[zh.pk, en.pk], verb="wo.escalated", title="GD-2026-000001 逾期")
    msgs = smtp.wait_for(2)
    assert len(msgs) == 2
    by_to = {m["To"]: m for m in msgs}
    zh_text = by_to["zh@example.com"].get_body(preferencelist=("plain",)).get_content()
    en_text = by_to["en@example.com"].get_body(preferencelist=("plain",)).get_content()
    assert "紧急" in str(by_to["zh@example.com"]["Subject"]) and "您好" in zh_text
    assert "Urgent" in str(by_to["en@example.com"]["Subject"]) and "Hello" in en_text
    assert "GD-2026-000001" in zh_text
    assert Delivery.objects.filter(state=Delivery.Status.SENT, channel="email").count() == 2


@pytest.mark.django_db(transaction=True)
def test_non_urgent_items_wait_for_one_daily_digest(
    make_user: Any, smtp: Any, webhook: Any, settings: Any
) -> None:
    """X-9.3: non-urgent items are collected and sent once, at the digest hour, as one
    e-mail and one chat message per person; nothing goes out before."""
    user = make_user("technician", email="t@example.com", preferred_language="zh-hans")
    Preference.objects.create(user=user, email=True, webhook=True, webhook_url=webhook.url)
    for i in range(3):
        notify(recipient_ids=[user.pk], verb="wo.assigned", title=f"派工 {i}")
    assert Delivery.objects.filter(digest=True).count() == 6
    assert send_due(timezone.now())["sent"] == 0
    assert smtp.messages == [] and webhook.received == []
    due = Delivery.objects.first().due_at  # type: ignore[union-attr]
    assert timezone.localtime(due).hour == settings.NOTIFY_DIGEST_HOUR
    counts = send_due(due)
    assert counts == {"sent": 6, "failed": 0, "retry": 0}
    msgs = smtp.wait_for(1)
    assert len(msgs) == 1
    text = msgs[0].get_body(preferencelist=("plain",)).get_content()
    assert all(f"派工 {i}" in text for i in range(3))
    assert len(webhook.received) == 1
    payload = webhook.received[0]["json"]
    assert payload["msgtype"] == "markdown"
    assert all(f"派工 {i}" in payload["markdown"]["content"] for i in range(3))
    assert send_due(due + dt.timedelta(days=1))["sent"] == 0  # nothing twice


@pytest.mark.django_db(transaction=True)
def test_preferences_decide_the_channels(make_user: Any, smtp: Any, webhook: Any, settings: Any):
    """X-9.3: e-mail off means no e-mail; webhook on without an own address uses the
    company's group robot (WECOM_WEBHOOK_URL); no digest means non-urgent goes at once."""
    settings.WECOM_WEBHOOK_URL = webhook.url
    quiet = make_user("technician", email="quiet@example.com")
    Preference.objects.create(user=quiet, email=False, webhook=True, digest=False)
    default = make_user("technician", email="d@example.com")  # no row: e-mail, digest
    no_mail = make_user("technician", email="")
    notify(recipient_ids=[quiet.pk, default.pk, no_mail.pk], verb="wo.assigned", title="新工单")
    rows = set(Delivery.objects.values_list("notification__recipient_id", "channel", "digest"))
    assert rows == {(quiet.pk, "webhook", False), (default.pk, "email", True)}
    assert len(webhook.received) == 1 and webhook.received[0]["path"].endswith("key=test-key")
    assert "新工单" in webhook.received[0]["json"]["markdown"]["content"]
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_failures_are_recorded_retried_and_given_up(
    make_user: Any, webhook: Any, settings: Any
) -> None:
    """X-9.3: a refused chat message stays pending with its error and a later retry time;
    after NOTIFY_MAX_ATTEMPTS it is marked failed; a recovered server gets it."""
    settings.NOTIFY_MAX_ATTEMPTS = 3
    user = make_user("technician", email="")
    Preference.objects.create(user=user, email=False, webhook=True, webhook_url=webhook.url)
    webhook.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    notify(recipient_ids=[user.pk], verb="hotline.call", title="来电")  # urgent: sent at once
    d = Delivery.objects.get()
    assert d.state == Delivery.Status.PENDING and d.attempts == 1
    assert "93000" in d.last_error and d.due_at > timezone.now()
    now = d.due_at
    assert send_due(now) == {"sent": 0, "failed": 0, "retry": 1}
    d.refresh_from_db()
    assert send_due(d.due_at) == {"sent": 0, "failed": 1, "retry": 0}
    d.refresh_from_db()
    assert d.state == Delivery.Status.FAILED and d.attempts == 3
    assert send_due(_due_later(100))["failed"] == 0  # failed rows are left alone


@pytest.mark.django_db(transaction=True)
def test_smtp_refusal_then_recovery(make_user: Any, smtp: Any) -> None:
    """X-9.3: an SMTP server answering 451 leaves the mail pending; it goes out on retry."""
    user = make_user("technician", email="r@example.com")
    smtp.refuse = True
    notify(recipient_ids=[user.pk], verb="wo.escalated", title="升级")
    d = Delivery.objects.get()
    assert d.state == Delivery.Status.PENDING and d.attempts == 1 and d.last_error
    smtp.refuse = False
    assert send_due(d.due_at)["sent"] == 1
    assert len(smtp.wait_for(1)) == 1


def test_preferences_page_saves_own_settings(make_user: Any, client: Any) -> None:
    """X-9.3: each user edits their own preferences; a bad robot address is refused."""
    user = make_user("technician", email="p@example.com")
    client.force_login(user)
    r = client.get("/notifications/preferences")
    assert r.status_code == 200
    r = client.post(
        "/notifications/preferences",
        {"email": "on", "webhook": "on", "webhook_url": "not a url"},
    )
    assert r.status_code == 422 and not Preference.objects.filter(user=user).exists()
    r = client.post(
        "/notifications/preferences",
        {"webhook": "on", "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
    )
    assert r.status_code == 302
    pref = Preference.objects.get(user=user)
    assert (pref.email, pref.webhook, pref.digest) == (False, True, False)


def test_preferences_page_needs_login(client: Any, db: Any) -> None:
    r = client.get("/notifications/preferences")
    assert r.status_code == 302 and "login" in r["Location"]
