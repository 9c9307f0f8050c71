"""Every non-trivial read of the service process, scoped to the user (404 outside scope)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from facadeops.core.errors import NotFound
from facadeops.core.roles import Role, has_role

from . import permissions as perms
from .models import OPEN_STATES, ServiceRequest, WorkOrder, WOStatus
from .sla import BEFORE_ARRIVAL, BEFORE_COMPLETION, overdue_q, sla_flags

__all__ = [
    "approvals_inbox",
    "board",
    "caller_lookup",
    "dashboard_figures",
    "inspections_inbox",
    "my_work_today",
    "overdue_first",
    "request_get",
    "request_list",
    "sla_flags",
    "work_order_get",
    "work_order_list",
]

R = Role
S = WOStatus
URGENCY_RANK = Case(
    When(urgency="emergency", then=Value(0)),
    When(urgency="urgent", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# --- requests -----------------------------------------------------------------------------------
def request_list(*, user: Any) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.select_related(
        "customer", "contact", "project", "received_by", "work_order"
    )
    scope = perms.request_scope_q(user)
    if scope is not None:
        qs = qs.filter(scope).distinct()
    return qs


def request_get(*, user: Any, pk: Any) -> ServiceRequest:
    try:
        return request_list(user=user).get(pk=pk)
    except (ServiceRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


# --- work orders --------------------------------------------------------------------------------
def overdue_first(qs: QuerySet[WorkOrder], now: dt.datetime | None = None) -> QuerySet[WorkOrder]:
    """Late work first, then by urgency, then by the nearest running deadline."""
    now = now or timezone.now()
    return qs.annotate(
        is_overdue=Case(When(overdue_q(now), then=Value(0)), default=Value(1)),
        urgency_rank=URGENCY_RANK,
        next_due=Case(
            When(status__in=BEFORE_ARRIVAL, then=F("on_site_due_at")),
            When(status__in=BEFORE_COMPLETION, then=F("complete_due_at")),
            default=Value(None),
        ),
    ).order_by("is_overdue", "urgency_rank", F("next_due").asc(nulls_last=True), "-id")


def work_order_list(*, user: Any) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.select_related(
        "customer", "project", "technician", "lead", "service_head", "project_manager"
    )
    scope = perms.work_order_scope_q(user)
    if scope is not None:
        qs = qs.filter(pk__in=WorkOrder.objects.filter(scope).values("pk"))
    return qs


def work_order_get(*, user: Any, pk: Any) -> WorkOrder:
    try:
        return (
            work_order_list(user=user)
            .select_related("request", "assessment", "service_record")
            .prefetch_related("members")
            .get(pk=pk)
        )
    except (WorkOrder.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def caller_lookup(*, phone: str, user: Any = None) -> dict[str, list[Any]]:
    """REG-2.1.1 hotline: the contacts with this phone number, their customers and the
    customers' projects (a customer's own phone number matches too)."""
    from facadeops.customers.models import Contact, Customer, Project

    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if len(digits) < 5:
        return {"contacts": [], "customers": [], "projects": []}
    tail = digits[-8:]
    contacts = [
        c
        for c in Contact.objects.select_related("customer").filter(phone__contains=tail[-4:])
        if "".join(ch for ch in c.phone if ch.isdigit()).endswith(tail)
    ][:20]
    customers = {c.customer.pk: c.customer for c in contacts}
    for cust in Customer.objects.filter(phone__contains=tail[-4:]):
        if "".join(ch for ch in cust.phone if ch.isdigit()).endswith(tail):
            customers.setdefault(cust.pk, cust)
    projects = list(
        Project.objects.filter(customer_id__in=list(customers), is_active=True)
        .select_related("customer")
        .order_by("customer__name", "name")
    )
    if user is not None and perms.is_customer_user(user):
        own = user.customer_id
        contacts = [c for c in contacts if c.customer_id == own]
        customers = {k: v for k, v in customers.items() if k == own}
        projects = [p for p in projects if p.customer_id == own]
    return {"contacts": contacts, "customers": list(customers.values()), "projects": projects}


# --- queues per role (X-9.5) ----------------------------------------------------------------
def my_work_today(*, user: Any) -> QuerySet[WorkOrder]:
    """The open work orders where the user has the next move as technician or team."""
    cond = Q(pk__in=[])
    if has_role(user, R.TECHNICIAN):
        cond |= Q(
            technician_id=user.pk,
            status__in=[S.DISPATCHED, S.ASSESSING, S.PLANNING, S.IN_PROGRESS, S.PAUSED],
        )
    if has_role(user, R.SERVICE_STAFF):
        team = Q(lead_id=user.pk) | Q(members__id=user.pk)
        cond |= team & Q(
            status__in=[
                S.ASSIGNED,
                S.READY,
                S.IN_PROGRESS,
                S.PAUSED,
                S.RECTIFICATION,
                S.CUSTOMER_ACCEPTANCE,
                S.RECORD,
            ]
        )
    ids = WorkOrder.objects.filter(cond).values("pk")
    return overdue_first(work_order_list(user=user).filter(pk__in=ids))


def board(*, user: Any, now: dt.datetime | None = None) -> dict[str, list[WorkOrder]]:
    """Service head's board: every open work order by state, overdue first, each with
    ``sla`` flags."""
    now = now or timezone.now()
    result: dict[str, list[WorkOrder]] = {s: [] for s in OPEN_STATES}
    qs = overdue_first(work_order_list(user=user).filter(status__in=OPEN_STATES), now)
    for wo in qs:
        wo.sla = sla_flags(wo, now)  # type: ignore[attr-defined]
        result[wo.status].append(wo)
    return result


def approvals_inbox(*, user: Any) -> QuerySet[WorkOrder]:
    """Plans and changes waiting for this user's review or approval."""
    states: list[str] = []
    if has_role(user, R.TECH_HEAD):
        states += [S.PLAN_REVIEW, S.CHANGE_REVIEW]
    if has_role(user, R.PROJECT_MANAGER):
        states += [S.PLAN_APPROVAL, S.CHANGE_APPROVAL, S.APPROVED]
    if has_role(user, R.SERVICE_HEAD):
        states += [S.NEW, S.RECORD_REVIEW, S.TO_ARCHIVE]
    qs = work_order_list(user=user).filter(status__in=states)
    if has_role(user, R.PROJECT_MANAGER) and not has_role(user, R.MANAGEMENT):
        qs = qs.filter(
            ~Q(status__in=[S.PLAN_APPROVAL, S.CHANGE_APPROVAL, S.APPROVED])
            | Q(project_manager__isnull=True)
            | Q(project_manager_id=user.pk)
        )
    return overdue_first(qs)


def inspections_inbox(*, user: Any) -> QuerySet[WorkOrder]:
    """Quality: work in progress to supervise, completed work awaiting internal
    acceptance, and rectifications to re-check."""
    if not has_role(user, R.QUALITY, R.MANAGEMENT):
        return WorkOrder.objects.none()
    pending_recheck = Q(
        rectifications__done_at__isnull=False, rectifications__verified_at__isnull=True
    )
    ids = WorkOrder.objects.filter(
        Q(status__in=[S.COMPLETED, S.IN_PROGRESS, S.PAUSED])
        | (Q(status__in=OPEN_STATES) & pending_recheck)
    ).values("pk")
    return overdue_first(work_order_list(user=user).filter(pk__in=ids))


def dashboard_figures(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """Open work by state and urgency, overdue, on-site SLA compliance and the monthly
    trend of the last 12 months (created / completed)."""
    now = now or timezone.now()
    qs = work_order_list(user=user).order_by()
    open_qs = qs.filter(status__in=OPEN_STATES)
    by_state = dict(
        open_qs.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    by_urgency = dict(
        open_qs.values_list("urgency").annotate(n=Count("id")).values_list("urgency", "n")
    )
    overdue = open_qs.filter(overdue_q(now)).count()
    measured = qs.filter(on_site_due_at__isnull=False, arrived_at__isnull=False)
    totals = measured.aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(arrived_at__lte=F("on_site_due_at")))
    )
    total = totals["total"] or 0
    compliance = round(100.0 * (totals["on_time"] or 0) / total, 1) if total else None
    local = timezone.localtime(now)
    first = (
        local.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=330)
    ).replace(day=1)
    months: list[str] = []
    cursor = first
    for _i in range(12):
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    created = {
        timezone.localtime(m).strftime("%Y-%m") if m else "": n
        for m, n in qs.filter(created_at__gte=first)
        .annotate(m=TruncMonth("created_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    }
    completed = {
        timezone.localtime(m).strftime("%Y-%m") if m else "": n
        for m, n in qs.filter(completed_at__gte=first)
        .annotate(m=TruncMonth("completed_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    }
    return {
        "by_state": {s: by_state.get(s, 0) for s in OPEN_STATES},
        "by_urgency": {u: by_urgency.get(u, 0) for u in ("emergency", "urgent", "normal")},
        "open": sum(by_state.values()),
        "overdue": overdue,
        "sla_compliance": compliance,
        "sla_measured": total,
        "trend": {
            "months": months,
            "created": [created.get(m, 0) for m in months],
            "completed": [completed.get(m, 0) for m in months],
        },
    }
