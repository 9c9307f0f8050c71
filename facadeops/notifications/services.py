"""Writes of the notifications app: the in-app inbox and, per the user's preferences, the
external deliveries (X-9.3) put in the ``Delivery`` outbox in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from facadeops.core.errors import InvalidInput

from .models import Delivery, Notification, Preference
from .tasks import send_due_task

logger = logging.getLogger(__name__)

# Verbs that are urgent whatever their target: service-level warnings and escalations,
# hotline calls. A target with urgency emergency/urgent makes any item urgent.
URGENT_VERB_PREFIXES = ("wo.sla_warning", "wo.escalated", "hotline.")
URGENT_LEVELS = ("emergency", "urgent")


def _url_for(target: models.Model | None) -> str:
    if target is None:
        return ""
    get_url = getattr(target, "get_absolute_url", None)
    try:
        return str(get_url()) if callable(get_url) else ""
    except Exception:
        return ""


def is_urgent(verb: str, target: Any) -> bool:
    if verb.startswith(URGENT_VERB_PREFIXES):
        return True
    return str(getattr(target, "urgency", "") or "") in URGENT_LEVELS


def next_digest_at(now: dt.datetime) -> dt.datetime:
    """The next daily digest time (settings.NOTIFY_DIGEST_HOUR, local time) at or after now."""
    hour = int(getattr(settings, "NOTIFY_DIGEST_HOUR", 8)) % 24
    local = timezone.localtime(now)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at < local:
        at = (local + dt.timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at


def preference_for(user: Any) -> Preference:
    """The user's saved preference or the defaults (unsaved)."""
    try:
        return Preference.objects.get(user=user)
    except Preference.DoesNotExist:
        return Preference(user=user)


def preference_save(*, actor: Any, data: dict[str, Any]) -> Preference:
    """Each user sets only their own channels."""
    pref = preference_for(actor)
    for key in ("email", "webhook", "digest", "webhook_url"):
        if key in data:
            setattr(pref, key, data[key])
    pref.webhook_url = str(pref.webhook_url or "").strip()
    try:
        pref.full_clean(exclude=["user"])
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise InvalidInput(fields=fields) from exc
    pref.save()
    return pref


def _recipients(
    ids: set[int], given: Iterable[Any] | None
) -> tuple[dict[int, Any], dict[int, Preference]]:
    """Active recipients and their saved preferences. Users passed in ``given`` (active,
    read in this request) are not read again; nor their preference when it was read with
    them (``select_related("notification_preference")``)."""
    users: dict[int, Any] = {}
    prefs: dict[int, Preference] = {}
    known = {u.pk: u for u in given or () if u is not None and getattr(u, "is_active", False)}
    for pk in ids & set(known):
        user = known[pk]
        users[pk] = user
        cached = user._state.fields_cache.get("notification_preference")
        if cached is not None:
            prefs[pk] = cached
    missing_users = ids - set(users)
    if missing_users:
        users.update(
            (u.pk, u) for u in get_user_model().objects.filter(pk__in=missing_users, is_active=True)
        )
    missing_prefs = {
        pk for pk in users if "notification_preference" not in users[pk]._state.fields_cache
    }
    if missing_prefs:
        prefs.update((p.user_id, p) for p in Preference.objects.filter(user_id__in=missing_prefs))
    return users, prefs


def _deliveries(
    rows: list[Notification], now: dt.datetime, recipients: Iterable[Any] | None = None
) -> list[Delivery]:
    users, prefs = _recipients({n.recipient_id for n in rows}, recipients)
    group_url = str(getattr(settings, "WECOM_WEBHOOK_URL", "") or "")
    digest_at = next_digest_at(now)
    out: list[Delivery] = []
    for n in rows:
        user = users.get(n.recipient_id)
        if user is None:
            continue
        pref = prefs.get(user.pk) or Preference(user_id=user.pk)
        digest = pref.digest and not n.urgent
        due = digest_at if digest else now
        if pref.email and user.email:
            out.append(
                Delivery(
                    notification=n,
                    channel=Delivery.Channel.EMAIL,
                    address=user.email,
                    digest=digest,
                    due_at=due,
                )
            )
        url = pref.webhook_url or group_url
        if pref.webhook and url:
            out.append(
                Delivery(
                    notification=n,
                    channel=Delivery.Channel.WEBHOOK,
                    address=url,
                    digest=digest,
                    due_at=due,
                )
            )
    return out


def notify(
    *,
    recipient_ids: Iterable[int],
    verb: str,
    title: str,
    body: str = "",
    target: models.Model | None = None,
    actor_id: int | None = None,
    urgent: bool | None = None,
    recipients: Iterable[Any] | None = None,
) -> list[Notification]:
    """Put one inbox entry per recipient (bulk insert) and the external deliveries their
    preferences ask for; urgent items are sent as soon as the transaction commits.

    ``recipients``: the recipients' user objects if the caller has read them already
    (active users; with ``select_related("notification_preference")`` their preferences
    are not read again either)."""
    ct = ContentType.objects.get_for_model(target) if target is not None else None
    url = _url_for(target)
    urgent = is_urgent(verb, target) if urgent is None else urgent
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=rid,
            actor_id=actor_id,
            verb=verb[:80],
            title=title[:255],
            body=body,
            url=url[:500],
            target_type=ct,
            target_id=str(target.pk) if target is not None else "",
            urgent=urgent,
            created_at=now,
        )
        for rid in dict.fromkeys(recipient_ids)
    ]
    if not rows:
        return []
    # No savepoint inside a caller's transaction (request_create): two plain INSERTs.
    with transaction.atomic(savepoint=False):
        created = Notification.objects.bulk_create(rows)
        if any(n.pk is None for n in created):  # backends without RETURNING
            created = list(
                Notification.objects.filter(
                    verb=verb[:80], created_at=now, recipient_id__in=[n.recipient_id for n in rows]
                )
            )
        deliveries = Delivery.objects.bulk_create(_deliveries(created, now, recipients))
    if any(not d.digest for d in deliveries):
        transaction.on_commit(_kick_sender)
    return created


def _kick_sender() -> None:
    """Send the urgent deliveries now (in-process without Redis, else on a worker)."""
    try:
        send_due_task.delay()
    except Exception:  # broker down: the beat job picks them up
        logger.warning("could not queue notifications.send_due")


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
