from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import Notification


def _url_for(target: models.Model | None) -> str:
    if target is None:
        return ""
    get_url = getattr(target, "get_absolute_url", None)
    try:
        return str(get_url()) if callable(get_url) else ""
    except Exception:
        return ""


def notify(
    *,
    recipient_ids: Iterable[int],
    verb: str,
    title: str,
    body: str = "",
    target: models.Model | None = None,
    actor_id: int | None = None,
) -> list[Notification]:
    """Put one inbox entry per recipient (bulk insert)."""
    ct = ContentType.objects.get_for_model(target) if target is not None else None
    url = _url_for(target)
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
        )
        for rid in dict.fromkeys(recipient_ids)
    ]
    return Notification.objects.bulk_create(rows)


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
