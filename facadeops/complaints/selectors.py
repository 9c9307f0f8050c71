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


def with_file(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """``qs`` with the whole file read in a fixed number of queries: every round (team,
    plan versions with their measures), the related work orders, the customer updates.
    The detail page, the API and the archived PDF read it the same way."""
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
    return qs.select_related(
        "customer",
        "project__project_manager",
        "severity",
        "contact",
        "received_by",
        "service_head",
    ).prefetch_related(
        Prefetch("rounds", queryset=rounds),
        "work_orders",
        Prefetch("updates", queryset=CustomerUpdate.objects.select_related("by")),
    )


def complaint_get(*, user: Any, pk: Any) -> Complaint:
    """One complaint with its whole file (``with_file``) — 404 when it does not exist or
    the user may not see it (customers: only their own)."""
    try:
        pk_int = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    c = with_file(complaint_list(user=user)).filter(pk=pk_int).first()
    if c is None:
        raise NotFound()
    return c
