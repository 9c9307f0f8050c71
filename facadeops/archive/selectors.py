"""Every read of the archive — scoped to the user (customers see only their own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from facadeops.core.errors import Forbidden, NotFound

from .models import ArchiveEntry, RecordType
from .permissions import can_use_archive, can_view_disposal, entry_scope_q

MAX_TERMS = 8


def entry_list(*, user: Any, include_disposed: bool = True) -> QuerySet[ArchiveEntry]:
    if not can_use_archive(user):
        raise Forbidden()
    qs = ArchiveEntry.objects.select_related(
        "record_type", "customer", "project", "archived_by", "disposed_by"
    ).defer("search_text")
    scope = entry_scope_q(user)
    if scope is not None:
        qs = qs.filter(scope)
    if not include_disposed:
        qs = qs.filter(disposed_at__isnull=True)
    return qs


def search_condition(q: str) -> Q:
    """Every whitespace-separated term must occur (in the full text, the title or the
    number). ``icontains`` is ``UPPER(col) LIKE UPPER('%term%')``: on PostgreSQL the GIN
    trigram index on ``UPPER(search_text)`` serves it, Chinese included; on SQLite it is a
    plain scan."""
    cond = Q()
    for term in q.split()[:MAX_TERMS]:
        cond &= (
            Q(search_text__icontains=term) | Q(title__icontains=term) | Q(number__icontains=term)
        )
    return cond


def entry_search(
    *,
    user: Any,
    q: str = "",
    project: Any = None,
    customer: Any = None,
    record_type: Any = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    include_disposed: bool = True,
) -> QuerySet[ArchiveEntry]:
    """REG-2.5.2: found again by full text, project, customer, date and type."""
    qs = entry_list(user=user, include_disposed=include_disposed)
    q = (q or "").strip()[:200]
    if q:
        qs = qs.filter(search_condition(q))
    if project:
        qs = qs.filter(project=project)
    if customer:
        qs = qs.filter(customer=customer)
    if record_type:
        qs = qs.filter(record_type=record_type)
    if date_from:
        qs = qs.filter(record_date__gte=date_from)
    if date_to:
        qs = qs.filter(record_date__lte=date_to)
    return qs


def entry_get(*, user: Any, pk: Any) -> ArchiveEntry:
    try:
        return entry_list(user=user).get(pk=int(pk))
    except (ArchiveEntry.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def entry_for_source(source: Any, *, record_type_code: str) -> ArchiveEntry | None:
    ct = ContentType.objects.get_for_model(source, for_concrete_model=False)
    return ArchiveEntry.objects.filter(
        record_type__code=record_type_code, source_type=ct, source_id=str(source.pk)
    ).first()


def disposal_due(*, user: Any, on: dt.date | None = None) -> QuerySet[ArchiveEntry]:
    """Entries past their retention period and not yet disposed of, oldest first."""
    if not can_view_disposal(user):
        raise Forbidden()
    on = on or timezone.localdate()
    return (
        entry_list(user=user, include_disposed=False)
        .filter(retention_until__lt=on)
        .order_by("retention_until", "id")
    )


def record_type_list(*, user: Any) -> QuerySet[RecordType]:
    if not can_use_archive(user):
        raise Forbidden()
    return RecordType.objects.order_by("code")
