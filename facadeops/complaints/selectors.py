"""Every scoped read of the complaints chapter."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from facadeops.core.errors import NotFound

from . import permissions as perms
from .models import Complaint, CustomerUpdate, HandlingPlan, Round, TeamMember


def complaint_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    """The complaints ``user`` may see, newest first, filtered in the database."""
    qs = Complaint.objects.select_related("customer", "project", "severity")
    f = filters or {}
    for key in ("status", "category", "channel"):
        if f.get(key):
            qs = qs.filter(**{key: f[key]})
    if f.get("severity"):
        qs = qs.filter(severity__code=f["severity"])
    if f.get("project"):
        qs = qs.filter(project_id=f["project"])
    if f.get("customer"):
        qs = qs.filter(customer_id=f["customer"])
    return perms.scoped(user, qs).order_by("-received_at", "-id")


def complaint_get(*, user: Any, pk: Any) -> Complaint:
    """One complaint with its rounds (team, plan versions with measures) — 404 when it does
    not exist or the user may not see it (customers: only their own)."""
    try:
        pk_int = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    rounds = Round.objects.select_related(
        "leader", "cause_category", "responsible_department", "responsible_person", "verdict_by"
    ).prefetch_related(
        Prefetch("members", queryset=TeamMember.objects.select_related("user")),
        Prefetch(
            "plans",
            queryset=HandlingPlan.objects.select_related(
                "written_by", "reviewed_by", "approved_by"
            ).prefetch_related("measures__responsible", "measures__work_order"),
        ),
    )
    c = (
        complaint_list(user=user)
        .select_related("contact", "received_by", "service_head", "project__project_manager")
        .prefetch_related(
            Prefetch("rounds", queryset=rounds),
            "work_orders",
            Prefetch("updates", queryset=CustomerUpdate.objects.select_related("by")),
        )
        .filter(pk=pk_int)
        .first()
    )
    if c is None:
        raise NotFound()
    return c
