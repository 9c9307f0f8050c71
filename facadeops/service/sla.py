"""Service-level clocks (DOM-4) and escalation of late work (X-9.2).

``due_at(start, hours, clock)``: a "24x7" clock adds wall-clock hours; a "working_days"
clock counts only working hours (``WORKING_HOURS``, Shanghai time) on working days. A
working day is Monday–Friday unless the working calendar (``CalendarDay``, seeded from
``holidays.China`` and editable) says otherwise — official holidays on weekdays are off,
swapped weekend days (调休) are worked. The rule is data, not code.

``escalate_overdue(now)`` raises ``escalation_level`` of every late open work order and
notifies the next person up: technician → service head (1) → project manager (2) →
management (3). It is idempotent: running it twice at the same time changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.accounts.models import User
from facadeops.audit.services import record
from facadeops.core.choices import ClockMode
from facadeops.core.roles import Role
from facadeops.customers.selectors import service_level_for
from facadeops.notifications.services import notify

# BEFORE_ARRIVAL / BEFORE_COMPLETION: the states in which the on-site / the completion
# clock runs; defined next to the model, whose stored ``next_due_at`` is computed from them.
from .models import BEFORE_ARRIVAL, BEFORE_COMPLETION, CalendarDay, WorkOrder

# Working hours of a working day (local time). Override with settings.SERVICE_WORKING_HOURS.
WORKING_HOURS: tuple[dt.time, dt.time] = getattr(
    settings, "SERVICE_WORKING_HOURS", (dt.time(8, 30), dt.time(17, 30))
)
# Hours past a deadline at which escalation level 1, 2, 3 is reached.
# Override with settings.SERVICE_ESCALATION_HOURS.
ESCALATION_HOURS: tuple[float, ...] = getattr(settings, "SERVICE_ESCALATION_HOURS", (0, 4, 24))
# Share of the SLA window left at which a clock turns "warning".
WARNING_SHARE = Decimal("0.25")


ESCALATION_LABELS = {
    1: gettext_lazy("service head"),
    2: gettext_lazy("project manager"),
    3: gettext_lazy("management"),
}


# --- working calendar --------------------------------------------------------------------------
class Calendar:
    """Working-day lookups with the calendar exceptions loaded one year per query."""

    def __init__(self) -> None:
        self._years: dict[int, dict[dt.date, bool]] = {}

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._years:
            self._years[year] = dict(
                CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
            )
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        exception = self._year(day.year).get(day)
        if exception is not None:
            return exception
        return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return Calendar().is_working_day(day)


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def due_at(
    start: dt.datetime,
    hours: Decimal | float | int,
    clock: str,
    *,
    calendar: Calendar | None = None,
) -> dt.datetime:
    """The deadline ``hours`` after ``start`` on the given clock (DOM-4). Pass a
    ``calendar`` to share its loaded years between several deadlines of one request."""
    hours = Decimal(str(hours))
    if hours < 0:
        raise ValueError("hours must not be negative")
    if clock != ClockMode.WORKING_DAYS:
        return start + dt.timedelta(seconds=float(hours * 3600))
    cal = calendar if calendar is not None else Calendar()
    tz = timezone.get_current_timezone()
    current = _local(start)
    remaining = dt.timedelta(seconds=float(hours * 3600))
    open_t, close_t = WORKING_HOURS
    for _i in range(3660):  # ten years of days at most
        day = current.date()
        if cal.is_working_day(day):
            window_start = dt.datetime.combine(day, open_t, tzinfo=tz)
            window_end = dt.datetime.combine(day, close_t, tzinfo=tz)
            begin = max(current, window_start)
            if begin < window_end:
                available = window_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        current = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
    raise ValueError("deadline too far in the future")  # pragma: no cover


def deadlines_for(
    project: Any, urgency: str, *, start: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(on site by, complete by) from the project's service level for this urgency."""

    level = service_level_for(project, urgency, on=_local(start).date())
    if level is None:
        return None, None
    cal = Calendar()  # one read of the year's calendar exceptions for both clocks
    on_site = due_at(start, level.on_site_within_hours, level.clock, calendar=cal)
    complete = (
        due_at(start, level.complete_within_hours, level.clock, calendar=cal)
        if level.complete_within_hours
        else None
    )
    return on_site, complete


# --- flags (X-9.2 "deadlines are visible") ------------------------------------------------
def _flag(
    due: dt.datetime | None,
    done: dt.datetime | None,
    running: bool,
    started: dt.datetime | None,
    now: dt.datetime,
) -> str | None:
    if due is None:
        return None
    if done is not None:
        return "ok" if done <= due else "overdue"
    if not running:
        return None
    if now > due:
        return "overdue"
    window = (due - started).total_seconds() if started and started < due else 0
    left = (due - now).total_seconds()
    if left <= max(3600.0, float(WARNING_SHARE) * window):
        return "warning"
    return "ok"


def sla_flags(wo: WorkOrder, now: dt.datetime | None = None) -> dict[str, str | None]:
    """{"on_site": ..., "complete": ...} each "ok" | "warning" | "overdue" | None (no
    deadline, or the clock is not running). A met deadline is "ok", a missed one stays
    "overdue"."""
    now = now or timezone.now()
    return {
        "on_site": _flag(
            wo.on_site_due_at,
            wo.arrived_at,
            wo.status in BEFORE_ARRIVAL,
            wo.created_at,
            now,
        ),
        "complete": _flag(
            wo.complete_due_at,
            wo.completed_at,
            wo.status in BEFORE_COMPLETION,
            wo.created_at,
            now,
        ),
    }


def overdue_q(now: dt.datetime) -> Q:
    """Open work orders past a running deadline (the stored ``next_due_at`` is the running
    clock's deadline: on site by, before arrival; complete by, while the work runs)."""
    return Q(next_due_at__lt=now)


# --- escalation (X-9.2) --------------------------------------------------------------------------
def _late_since(wo: WorkOrder, now: dt.datetime) -> dt.datetime | None:
    if wo.status in BEFORE_ARRIVAL and wo.on_site_due_at and wo.on_site_due_at < now:
        return wo.on_site_due_at
    if wo.status in BEFORE_COMPLETION and wo.complete_due_at and wo.complete_due_at < now:
        return wo.complete_due_at
    return None


def level_due(wo: WorkOrder, now: dt.datetime) -> int:
    since = _late_since(wo, now)
    if since is None:
        return 0
    late_h = (now - since).total_seconds() / 3600
    return sum(1 for h in ESCALATION_HOURS if late_h >= h)


def escalation_recipients(wo: Any, level: int) -> list[Any]:
    """The next person up for ``level``: service head (1), project manager (2),
    management (3). ``wo`` is any record on the ladder — a work order, a complaint —
    with ``service_head``, ``project_manager`` and ``project``."""

    if level <= 1:
        head = wo.service_head or wo.project.service_head
        if head is not None:
            return [head]
        return list(User.objects.filter(groups__name=Role.SERVICE_HEAD, is_active=True))
    if level == 2:
        pm = wo.project_manager or wo.project.project_manager
        return [pm] if pm is not None else []
    return list(User.objects.filter(groups__name=Role.MANAGEMENT, is_active=True).distinct())


def raise_escalation(
    obj: Any,
    *,
    target: int,
    verb: str,
    note: str,
    title: str,
    urgent: bool | None = None,
) -> bool:
    """Raise ``obj``'s escalation level to ``target`` (under its row lock; False when it is
    there already), audit it with ``note`` and tell the people of every new level on the
    ladder once the transaction commits. Shared by every record on the ladder (work
    orders, complaints)."""
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        if target <= locked.escalation_level:
            return False
        before = locked.escalation_level
        model._default_manager.filter(pk=obj.pk).update(escalation_level=target)
        obj.escalation_level = target
        recipients: dict[int, Any] = {}
        for level in range(before + 1, target + 1):
            for user in escalation_recipients(obj, level):
                if user is not None:
                    recipients[user.pk] = user
        record(
            actor=None,
            verb=verb,
            target=obj,
            before={"escalation_level": before},
            after={"escalation_level": target},
            note=note,
            context=obj.project,
        )
        if recipients:
            ids, pk = list(recipients), obj.pk

            def send() -> None:
                notify(
                    recipient_ids=ids,
                    verb=verb,
                    title=title,
                    body="",
                    target=model._default_manager.get(pk=pk),
                    actor_id=None,
                    urgent=urgent,
                )

            transaction.on_commit(send)
    return True


def escalate_overdue(now: dt.datetime | None = None) -> list[WorkOrder]:
    """Raise the escalation level of every late open work order to what its lateness
    calls for, notify the people of each new level and audit it. Returns the escalated
    work orders. Idempotent."""

    now = now or timezone.now()
    escalated: list[WorkOrder] = []
    candidates = (
        WorkOrder.objects.filter(overdue_q(now))
        .select_related("project", "service_head", "project_manager", "technician")
        .order_by("id")
    )
    for wo in candidates:
        target = level_due(wo, now)
        if target <= wo.escalation_level:
            continue
        note = _("Late since %(since)s; escalated to the %(who)s.") % {
            "since": timezone.localtime(_late_since(wo, now) or now).strftime("%Y-%m-%d %H:%M"),
            "who": ESCALATION_LABELS.get(min(target, 3), ""),
        }
        title = _("%(record)s is overdue (escalation level %(level)s)") % {
            "record": wo.number,
            "level": target,
        }
        if raise_escalation(wo, target=target, verb="wo.escalated", note=note, title=title):
            escalated.append(wo)
    return escalated
