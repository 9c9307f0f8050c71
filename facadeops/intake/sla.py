"""X-9.2 first step: at 80 % of a running service-level deadline warn the assignee (the
deadline itself and later are ``service.sla.escalate_overdue``'s). Lives here because
``notifications`` imports no domain app (ADR 0002); it only reads the service models and
writes inbox entries. Idempotent: each deadline warns each person once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.notifications.models import Notification
from facadeops.notifications.services import notify
from facadeops.service.models import WorkOrder
from facadeops.service.sla import BEFORE_ARRIVAL, BEFORE_COMPLETION

WARN_SHARE = Decimal("0.8")


def _assignees(wo: Any, clock: str) -> list[Any]:
    people = [wo.technician] if clock == "on_site" else [wo.lead or wo.technician]
    people = [p for p in people if p is not None]
    if not people and (wo.service_head or wo.project.service_head):
        people = [wo.service_head or wo.project.service_head]
    return people


def warn_due_soon(now: dt.datetime | None = None) -> list[tuple[Any, str]]:
    """Warn the assignee of every open work order past 80 % of a running deadline (and not
    yet late). Returns the (work order, clock) pairs warned now."""
    from django.contrib.contenttypes.models import ContentType

    now = now or timezone.now()
    ct = ContentType.objects.get_for_model(WorkOrder)
    clocks = {
        "on_site": (
            Q(status__in=BEFORE_ARRIVAL, on_site_due_at__gt=now, arrived_at__isnull=True),
            "on_site_due_at",
        ),
        "complete": (
            Q(status__in=BEFORE_COMPLETION, complete_due_at__gt=now, completed_at__isnull=True),
            "complete_due_at",
        ),
    }
    warned: list[tuple[Any, str]] = []
    for clock, (q, field) in clocks.items():
        qs = WorkOrder.objects.filter(q).select_related(
            "project__service_head", "technician", "lead", "service_head"
        )
        due_soon = [
            wo
            for wo in qs.order_by("id")
            if (window := (getattr(wo, field) - wo.created_at).total_seconds()) > 0
            and (now - wo.created_at).total_seconds() >= float(WARN_SHARE) * window
        ]
        if not due_soon:
            continue
        verb = f"wo.sla_warning.{clock}"
        done = set(
            Notification.objects.filter(
                verb=verb, target_type=ct, target_id__in=[str(wo.pk) for wo in due_soon]
            ).values_list("target_id", "recipient_id")
        )
        for wo in due_soon:
            due = getattr(wo, field)
            people = [u for u in _assignees(wo, clock) if (str(wo.pk), u.pk) not in done]
            if not people:
                continue
            what = _("be on site") if clock == "on_site" else _("complete the work")
            notify(
                recipient_ids=[u.pk for u in people],
                recipients=people,
                verb=verb,
                title=_("%(number)s: %(what)s by %(due)s")
                % {
                    "number": wo.number,
                    "what": what,
                    "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                },
                body=_("Four fifths of the service-level time have passed."),
                target=wo,
            )
            warned.append((wo, clock))
    return warned
