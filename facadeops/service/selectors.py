"""Every non-trivial read of the service process, scoped to the user (404 outside scope)."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from facadeops.core.choices import Urgency
from facadeops.core.errors import NotFound
from facadeops.core.listing import capped_count
from facadeops.core.roles import Role, has_role
from facadeops.customers.models import Contact, Customer, Project

from . import permissions as perms
from . import rules
from .models import OPEN_STATES, ServiceRequest, WorkOrder, WOStatus
from .sla import overdue_q, sla_flags

_T = TypeVar("_T")

__all__ = [
    "BOARD_COLUMN_LIMIT",
    "OverdueFirst",
    "approvals_inbox",
    "board",
    "board_columns",
    "caller_lookup",
    "dashboard_figures",
    "dashboard_figures_cached",
    "dashboard_rendered_cached",
    "dashboard_version_bump",
    "inspections_inbox",
    "my_work_today",
    "overdue_first",
    "prime_transition_checks",
    "request_get",
    "request_list",
    "sla_flags",
    "work_order_get",
    "work_order_list",
]

R = Role
S = WOStatus


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
    """Late work first, then by urgency, then by the nearest running deadline (X-9.2).

    ``next_due_at`` and ``urgency_rank`` are stored columns, so only "late" depends on
    ``now``. For big lists use ``OverdueFirst`` (same order, index scans)."""
    now = now or timezone.now()
    return qs.annotate(
        is_overdue=Case(When(overdue_q(now), then=Value(0)), default=Value(1)),
    ).order_by("is_overdue", "urgency_rank", F("next_due_at").asc(nulls_last=True), "-id")


class OverdueFirst:
    """``qs`` in ``overdue_first`` order, read as two index-backed segments: the late ones
    (``next_due_at < now``: few, from the partial index ``wo_running_clock_idx``), then the
    rest by (``urgency_rank``, ``next_due_at``, ``-id``) — ``wo_queue_idx`` /
    ``wo_status_queue_idx``, read only as far as the page. Sliceable and countable like a
    queryset (``Paginator`` and ``core.api.paginate`` accept it); a page costs at most three
    queries whatever the number of rows."""

    ordered = True

    def __init__(
        self,
        qs: QuerySet[WorkOrder],
        now: dt.datetime | None = None,
        columns: list[str] | None = None,
    ) -> None:
        self.qs = qs.order_by()
        self.now = now or timezone.now()
        self._late_count: int | None = None
        # With ``columns`` a slice is plain rows of these values (the counts stay on ``qs``
        # alone, without the joins the columns may need).
        self.columns = columns

    def late(self) -> QuerySet[WorkOrder]:
        return self.qs.filter(overdue_q(self.now)).order_by("urgency_rank", "next_due_at", "-id")

    def rest(self) -> QuerySet[WorkOrder]:
        return self.qs.filter(Q(next_due_at__gte=self.now) | Q(next_due_at__isnull=True)).order_by(
            "urgency_rank", F("next_due_at").asc(nulls_last=True), "-id"
        )

    def late_count(self) -> int:
        if self._late_count is None:
            self._late_count = self.qs.filter(overdue_q(self.now)).values("pk").count()
        return self._late_count

    def capped_count(self, cap: int) -> tuple[int, bool]:
        return capped_count(self.qs, cap)

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("OverdueFirst supports [start:stop] only")
        start = max(0, key.start or 0)
        stop = key.stop if key.stop is not None else start + 1000
        if stop <= start:
            return []
        late = self.late_count()
        rows: list[Any] = []
        segments = (self.late(), self.rest())
        if self.columns is not None:
            segments = tuple(q.values(*self.columns) for q in segments)
        if start < late:
            rows += list(segments[0][start : min(stop, late)])
        if stop > late:
            rows += list(segments[1][max(0, start - late) : stop - late])
        return rows


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


def prime_transition_checks(work_orders: list[WorkOrder]) -> list[WorkOrder]:
    """Load in bulk what the workflow's object scopes read per work order (team members,
    the routine-work skips of its plan item), so ``available_transitions`` on a list of
    cards costs a fixed number of queries (3) instead of one or two per card."""
    from django.db.models import prefetch_related_objects

    if not work_orders:
        return work_orders
    prefetch_related_objects(work_orders, "members")
    rules.prime_routine_skips(work_orders)
    return work_orders


BOARD_COLUMN_LIMIT = 10


def board_columns(
    *, user: Any, now: dt.datetime | None = None, limit: int = BOARD_COLUMN_LIMIT
) -> list[dict[str, Any]]:
    """Service head's board: per open state the first ``limit`` work orders, overdue first
    (each with ``sla`` flags from its stored deadlines), and the column's total ``count``.

    Four queries whatever the number of open work orders: counts per state (one grouped
    query), the late cards per column (a window over the late rows only), the first
    ``limit`` others per column (one UNION ALL of per-state index scans on
    ``wo_status_queue_idx``), and the cards themselves."""
    now = now or timezone.now()
    base = work_order_list(user=user).order_by()
    counts = dict(
        base.filter(status__in=OPEN_STATES)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    states = [s for s in OPEN_STATES if counts.get(s)]
    picked: dict[str, list[int]] = {s: [] for s in OPEN_STATES}
    if states:
        late = (
            base.filter(status__in=states)
            .filter(overdue_q(now))
            .annotate(
                rn=Window(
                    RowNumber(),
                    partition_by=[F("status")],
                    order_by=[F("urgency_rank").asc(), F("next_due_at").asc(), F("id").desc()],
                )
            )
            .filter(rn__lte=limit)
            .values_list("status", "pk", "rn")
        )
        for state, pk, _rn in sorted(late, key=lambda r: (r[0], r[2])):
            picked[state].append(pk)
        parts = [
            base.filter(status=state)
            .filter(Q(next_due_at__gte=now) | Q(next_due_at__isnull=True))
            .order_by("urgency_rank", F("next_due_at").asc(nulls_last=True), "-id")
            .values_list("status", "pk")[: max(0, limit - len(picked[state]))]
            for state in states
            if len(picked[state]) < limit
        ]
        if parts:
            if connection.features.supports_slicing_ordering_in_compound:
                union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
                rows: list[Any] = list(union)
            else:  # SQLite: no LIMIT inside a UNION — one query per column instead
                rows = [row for part in parts for row in part]
            for state, pk in rows:
                picked[state].append(pk)
    wanted = [pk for ids in picked.values() for pk in ids]
    cards_qs = (
        WorkOrder.objects.filter(pk__in=wanted)
        .select_related("customer", "project")  # what a card shows
        .defer("description", "requirements")
    )
    by_pk = {wo.pk: wo for wo in cards_qs} if wanted else {}
    columns = []
    for state in OPEN_STATES:
        cards = [by_pk[pk] for pk in picked[state] if pk in by_pk]
        for wo in cards:
            wo.sla = sla_flags(wo, now)  # type: ignore[attr-defined]
        columns.append({"state": state, "count": counts.get(state, 0), "work_orders": cards})
    return columns


def board(*, user: Any, now: dt.datetime | None = None) -> dict[str, list[WorkOrder]]:
    """The board's cards by state (see ``board_columns``: at most ``BOARD_COLUMN_LIMIT``
    per state, overdue first, each with ``sla`` flags)."""
    return {c["state"]: c["work_orders"] for c in board_columns(user=user, now=now)}


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
    """Open work by state and urgency, overdue, and for the last 12 months (the current
    month and the 11 before it): the on-site SLA compliance of the work orders created in
    them, and the monthly trend (created / completed). Every figure reads an index
    (docs/scaling.md "Indexes"), none scans the whole history."""
    now = now or timezone.now()
    qs = work_order_list(user=user).order_by()
    open_qs = qs.filter(status__in=OPEN_STATES)
    by_state: dict[str, int] = {}
    by_urgency: dict[str, int] = {}
    for status, urgency, n in (
        open_qs.values_list("status", "urgency")
        .annotate(n=Count("id"))
        .values_list("status", "urgency", "n")
    ):  # one grouped query for both
        by_state[status] = by_state.get(status, 0) + n
        by_urgency[urgency] = by_urgency.get(urgency, 0) + n
    overdue = qs.filter(overdue_q(now)).values("pk").count()  # wo_running_clock_idx
    local = timezone.localtime(now)
    first = (
        local.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=330)
    ).replace(day=1)
    measured = qs.filter(  # wo_created_idx: the window, not ten years of history
        created_at__gte=first, on_site_due_at__isnull=False, arrived_at__isnull=False
    )
    totals = measured.aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(arrived_at__lte=F("on_site_due_at")))
    )
    total = totals["total"] or 0
    compliance = round(100.0 * (totals["on_time"] or 0) / total, 1) if total else None
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
        for m, n in qs.filter(completed_at__gte=first)  # wo_completed_idx
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


# --- dashboard cache -----------------------------------------------------------------------
# The figures are cached per scope under a version number that every work-order write bumps
# (``dashboard_version_bump``: signals in apps.ServiceConfig.ready — every audited change of
# a work order, including each workflow transition, and every save()). The TTL is only a
# safety net (e.g. "overdue" changes with the clock, not with a write).
DASHBOARD_TTL_SECONDS = 60
DASHBOARD_VERSION_KEY = "service:dashboard:version"


def _dashboard_version() -> str:
    """The current version token ("" when the cache is unavailable). A random token, not a
    counter: a counter restarting after an eviction could meet an old cached entry."""
    try:
        version = cache.get(DASHBOARD_VERSION_KEY)
        if version is None:
            cache.add(DASHBOARD_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(DASHBOARD_VERSION_KEY)
        return str(version or "")
    except Exception:  # the cache is an optimisation: without it the figures are computed
        return ""


def dashboard_version_bump() -> None:
    """Invalidate every cached dashboard (called on each work-order write)."""
    with contextlib.suppress(Exception):  # cache down: nothing cached to invalidate
        cache.set(DASHBOARD_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _dashboard_scope(user: Any) -> str:
    return "all" if perms.work_order_scope_q(user) is None else f"user{user.pk}"


def _versioned(key: str, compute: Callable[[], _T]) -> _T:
    """``compute()`` from the cache entry ``key`` if it was stored under the current version
    token. A hit is one round trip: the token and the entry, ``(version, value)``, are read
    together (MGET). A write bumps the token, so an entry of an older version is recomputed
    (one computed while a write happened carries the token read before: stale at once)."""
    try:
        got = cache.get_many([DASHBOARD_VERSION_KEY, key])
    except Exception:  # the cache is an optimisation: without it the figures are computed
        return compute()
    version = got.get(DASHBOARD_VERSION_KEY)
    entry = got.get(key)
    if version is not None and isinstance(entry, tuple) and entry[0] == version:
        return cast(_T, entry[1])
    if version is None:
        version = _dashboard_version()
    value = compute()
    if version:
        with contextlib.suppress(Exception):  # cache down: not kept
            cache.set(key, (version, value), timeout=DASHBOARD_TTL_SECONDS)
    return value


def dashboard_figures_cached(*, user: Any) -> dict[str, Any]:
    """``dashboard_figures`` from the cache when no work order changed since (per scope:
    the whole company, or this user's own scope)."""
    return _versioned(
        f"service:dashboard:figures:{_dashboard_scope(user)}",
        lambda: dashboard_figures(user=user),
    )


def dashboard_rendered_cached(*, user: Any, variant: str, render: Callable[[Any], bytes]) -> bytes:
    """A rendering of the dashboard figures (e.g. the API's JSON in one language) kept as
    bytes under the same version token: a hit is one cache round trip and no work at all
    (docs/benchmarks.md, ``counts_by_state_rps``)."""
    return _versioned(
        f"service:dashboard:{variant}:{_dashboard_scope(user)}",
        lambda: render(dashboard_figures_cached(user=user)),
    )


def dashboard_payload(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with their labels in the active language (the API's and the page's)."""
    by_state = figures.get("by_state", {}) or {}
    by_urgency = figures.get("by_urgency", {}) or {}
    states, urgencies = set(WOStatus.values), set(Urgency.values)
    return {
        **{k: v for k, v in figures.items() if k not in {"by_state", "by_urgency"}},
        "by_state": [
            {"key": k, "label": str(WOStatus(k).label), "value": v}
            for k, v in by_state.items()
            if k in states
        ],
        "by_urgency": [
            {"key": k, "label": str(Urgency(k).label), "value": v}
            for k, v in by_urgency.items()
            if k in urgencies
        ],
    }
