# ruff: noqa: F811  (pytest fixtures imported from test_process_flow)
"""Service-level clocks (DOM-4), the working calendar, SLA flags, escalation (X-9.2) and
the role queues (X-9.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Forbidden
from facadeops.notifications.models import Notification
from facadeops.service import selectors, sla
from facadeops.service import services as sv
from facadeops.service.demo import walk
from facadeops.service.models import CalendarDay, DefectType, WorkOrder, WOStatus

from .test_process_flow import (  # noqa: F401  (fixtures)
    _fast_passwords,
    crew,
    make_request,
    people,
    wo,
    world,
)

S = WOStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai, no DST


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


# --- seeded data ------------------------------------------------------------------------------
def test_defect_catalogue_is_seeded() -> None:
    """DOM-3: the defect catalogue with default severities is data."""
    assert DefectType.objects.count() == 17
    assert DefectType.objects.get(code="GL-01").default_severity == "S1"
    assert DefectType.objects.get(code="SL-01").default_severity == "S3"
    assert DefectType.objects.get(code="WL-01").default_severity == "S2"


def test_working_calendar_is_seeded_from_china_holidays() -> None:
    """DOM-4: official holidays and swapped working weekends (调休) of 2026 are data."""
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).is_working_day is False
    assert CalendarDay.objects.get(date=dt.date(2026, 9, 20)).is_working_day is True  # Sunday
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_working_day is True  # Sat
    assert sla.is_working_day(dt.date(2026, 10, 7)) is False  # Wednesday, holiday
    assert sla.is_working_day(dt.date(2026, 10, 8)) is True
    assert sla.is_working_day(dt.date(2026, 10, 11)) is False  # ordinary Sunday


# --- due_at -----------------------------------------------------------------------------------
def test_24x7_clock_runs_through_holidays() -> None:
    """DOM-4: emergency clocks run around the clock, holidays included."""
    assert sla.due_at(at(2026, 9, 30, 22), Decimal("2"), "24x7") == at(2026, 10, 1, 0)
    assert sla.due_at(at(2026, 9, 30, 16), 24, "24x7") == at(2026, 10, 1, 16)


def test_working_days_skip_the_national_day_holiday() -> None:
    """DOM-4: a working-days clock stops over 2026-10-01…07 and resumes on the 8th."""
    assert sla.due_at(at(2026, 9, 30, 17), 2, "working_days") == at(2026, 10, 8, 10)
    # 48 working hours from Wednesday 30 Sep 16:00 (9-hour days, Sat 10 Oct worked)
    assert sla.due_at(at(2026, 9, 30, 16), 48, "working_days") == at(2026, 10, 14, 10)


def test_working_days_count_swapped_working_weekends() -> None:
    """DOM-4: Sunday 2026-09-20 and Saturday 2026-10-10 are working days (调休)."""
    assert sla.due_at(at(2026, 9, 18, 17), 2, "working_days") == at(2026, 9, 20, 10)
    assert sla.due_at(at(2026, 10, 9, 17), 2, "working_days") == at(2026, 10, 10, 10)
    # an ordinary weekend plus the Mid-Autumn holiday (Fri 25 Sep) is skipped
    assert sla.due_at(at(2026, 9, 24, 17), 2, "working_days") == at(2026, 9, 28, 10)
    # before opening and at night the clock waits for the next working morning
    assert sla.due_at(at(2026, 9, 28, 6), 1, "working_days") == at(2026, 9, 28, 9, 30)
    assert sla.due_at(at(2026, 9, 28, 23), 1, "working_days") == at(2026, 9, 29, 9, 30)


def test_calendar_rule_is_data(people: dict[str, Any]) -> None:
    """DOM-4: editing the calendar changes the deadline (the rule is data)."""
    before = sla.due_at(at(2026, 9, 24, 17), 2, "working_days")
    sv.calendar_day_set(
        actor=people["head"], date=dt.date(2026, 9, 28), is_working_day=False, name="公司停工"
    )
    assert sla.due_at(at(2026, 9, 24, 17), 2, "working_days") == at(2026, 9, 29, 10)
    assert before == at(2026, 9, 28, 10)
    with pytest.raises(Forbidden):
        sv.calendar_day_set(actor=people["tech"], date=dt.date(2026, 9, 29), is_working_day=False)


@pytest.mark.parametrize(
    ("urgency", "hours", "clock"),
    [("emergency", 2, "24x7"), ("urgent", 24, "24x7"), ("normal", 48, "working_days")],
)
def test_dom4_deadline_per_urgency(people, world, urgency, hours, clock) -> None:
    """DOM-4 / REG-2.2.1: the on-site deadline set at triage follows the service level of
    the urgency (company defaults: 2 h / 24 h around the clock, 48 working hours)."""
    reported = at(2026, 9, 30, 16)
    req = make_request(people, world, urgency=urgency, reported_at=reported)
    wo = sv.request_convert(actor=people["head"], request=req)
    sv.work_order_triage(
        actor=people["head"],
        work_order=wo,
        nature="repair",
        urgency=urgency,
        technician=people["tech"],
        exterior_work=False,
        expected_version=wo.version,
    )
    wo.refresh_from_db()
    assert wo.on_site_due_at == sla.due_at(reported, hours, clock)
    expected = {
        "emergency": at(2026, 9, 30, 18),
        "urgent": at(2026, 10, 1, 16),
        "normal": at(2026, 10, 14, 10),
    }
    assert wo.on_site_due_at == expected[urgency]


def test_contract_service_level_overrides_default(people, world) -> None:
    """X-1.3 / DOM-4: an active contract's own level wins over the company default."""
    from facadeops.customers.models import ServiceContract, ServiceLevel

    today = timezone.localdate()
    contract = ServiceContract.objects.create(
        number="HT-T-1",
        customer=world["customer_a"],
        title="维保合同",
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=300),
        status="active",
    )
    contract.projects.add(world["project_a"])
    ServiceLevel.objects.create(
        contract=contract,
        urgency="urgent",
        respond_within_hours=1,
        on_site_within_hours=4,
        clock="24x7",
    )
    req = make_request(people, world, urgency="urgent")
    wo = sv.request_convert(actor=people["head"], request=req)
    sv.work_order_triage(
        actor=people["head"],
        work_order=wo,
        nature="repair",
        urgency="urgent",
        technician=people["tech"],
        exterior_work=False,
        expected_version=wo.version,
    )
    wo.refresh_from_db()
    assert wo.on_site_due_at == req.reported_at + dt.timedelta(hours=4)


# --- flags and escalation (X-9.2) -------------------------------------------------------------
def _triaged(people: dict[str, Any], wo: WorkOrder) -> WorkOrder:
    sv.work_order_triage(
        actor=people["head"],
        work_order=wo,
        nature="repair",
        urgency="urgent",
        technician=people["tech"],
        exterior_work=False,
        expected_version=wo.version,
    )
    wo.refresh_from_db()
    return wo


def test_sla_flags(people, world, wo) -> None:
    """X-9.2: deadlines are visible — ok, warning (last quarter or last hour), overdue."""
    wo = _triaged(people, wo)
    due = wo.on_site_due_at
    assert sla.sla_flags(wo, now=due - dt.timedelta(hours=20))["on_site"] == "ok"
    assert sla.sla_flags(wo, now=due - dt.timedelta(hours=2))["on_site"] == "warning"
    assert sla.sla_flags(wo, now=due + dt.timedelta(minutes=1))["on_site"] == "overdue"
    assert selectors.sla_flags(wo, now=due)["complete"] is None  # not running yet


def test_escalation_steps_up_and_is_idempotent(people, world, wo) -> None:
    """X-9.2: late work is escalated to the next person up — service head, then project
    manager, then management; each step audited and notified once."""
    wo = _triaged(people, wo)
    due = wo.on_site_due_at

    assert sla.escalate_overdue(now=due - dt.timedelta(minutes=1)) == []

    def run(now: dt.datetime) -> list[WorkOrder]:
        return sla.escalate_overdue(now=now)

    # level 1: service head
    assert [w.pk for w in run(due + dt.timedelta(minutes=1))] == [wo.pk]
    wo.refresh_from_db()
    assert wo.escalation_level == 1
    # idempotent at the same time
    assert run(due + dt.timedelta(minutes=2)) == []
    assert AuditEvent.objects.filter(verb="wo.escalated", target_id=str(wo.pk)).count() == 1
    # level 2: project manager, level 3: management
    run(due + dt.timedelta(hours=5))
    wo.refresh_from_db()
    assert wo.escalation_level == 2
    run(due + dt.timedelta(hours=25))
    wo.refresh_from_db()
    assert wo.escalation_level == 3
    run(due + dt.timedelta(hours=100))
    wo.refresh_from_db()
    assert wo.escalation_level == 3
    assert AuditEvent.objects.filter(verb="wo.escalated", target_id=str(wo.pk)).count() == 3


def test_escalation_notifies_the_next_person_up(
    people, world, wo, django_capture_on_commit_callbacks
) -> None:
    """X-9.2: notifications go out on commit to the head, the PM, then management."""
    wo = _triaged(people, wo)
    due = wo.on_site_due_at

    def notified(user: Any) -> int:
        return Notification.objects.filter(recipient=user, verb="wo.escalated").count()

    def run(now: dt.datetime) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sla.escalate_overdue(now=now)

    run(due + dt.timedelta(minutes=1))
    assert (notified(people["head"]), notified(people["pm"]), notified(people["manager"])) == (
        1,
        0,
        0,
    )
    run(due + dt.timedelta(minutes=1))
    assert notified(people["head"]) == 1
    run(due + dt.timedelta(hours=30))  # jumps two levels at once
    assert (notified(people["head"]), notified(people["pm"]), notified(people["manager"])) == (
        1,
        1,
        1,
    )


def test_arrival_stops_the_on_site_escalation(people, world, crew, wo) -> None:
    """X-9.2: once the technician has checked in, the on-site clock no longer escalates."""
    walk(wo, S.ASSESSING, crew)
    wo.refresh_from_db()
    assert sla.escalate_overdue(now=wo.on_site_due_at + dt.timedelta(hours=3)) == []
    assert sla.sla_flags(wo)["on_site"] == "ok"


def test_celery_task_wrapper(people, world, wo) -> None:
    """X-9.2: the periodic task runs the same escalation (eager in tests)."""
    from facadeops.service.tasks import escalate_overdue_task

    _triaged(people, wo)
    assert escalate_overdue_task.apply().get() == 0  # nothing late yet


# --- queues and dashboard (X-9.5) -------------------------------------------------------------
def _bulk(world: dict[str, Any], people: dict[str, Any], n: int, start: int) -> None:
    now = timezone.now()
    for i in range(n):
        wo = WorkOrder.objects.create(
            number=f"GD-T-{start + i:05d}",
            customer=world["customer_a"],
            project=world["project_a"],
            title=f"批量 {i}",
            urgency=["emergency", "urgent", "normal"][i % 3],
            technician=people["tech"],
            lead=people["lead"],
            service_head=people["head"],
            project_manager=people["pm"],
            on_site_due_at=now + dt.timedelta(hours=(i % 5) - 2),
        )
        wo.members.add(people["member"])


@pytest.mark.parametrize("user_key", ["head", "tech", "lead", "pm", "tech_head", "quality"])
def test_queues_query_count_does_not_grow(
    people, world, user_key, django_assert_max_num_queries
) -> None:
    """X-9.5: my work today, board, inboxes and dashboard: a fixed number of queries,
    5 rows or 30 rows."""
    user = people[user_key]

    def run() -> None:
        list(selectors.my_work_today(user=user))
        selectors.board(user=user)
        list(selectors.approvals_inbox(user=user))
        list(selectors.inspections_inbox(user=user))
        list(selectors.work_order_list(user=user))
        list(selectors.request_list(user=user))
        selectors.dashboard_figures(user=user)

    _bulk(world, people, 5, 0)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_max_num_queries(14):
        run()
    _bulk(world, people, 25, 100)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_max_num_queries(14):
        run()


def test_overdue_first_and_board(people, world) -> None:
    """X-9.2 / X-9.5: overdue work first in every queue; the board groups by state with
    SLA flags."""
    _bulk(world, people, 5, 0)
    now = timezone.now()
    ordered = list(selectors.overdue_first(WorkOrder.objects.all(), now))
    late = [w for w in ordered if w.on_site_due_at < now]
    assert ordered[: len(late)] == late and late
    board = selectors.board(user=people["head"], now=now)
    assert len(board[S.NEW]) == 5
    assert board[S.NEW][0].sla["on_site"] == "overdue"
    assert selectors.board(user=people["outsider"], now=now)[S.NEW] == []


def test_dashboard_figures(people, world, crew, wo) -> None:
    """X-9.5: open work by state and urgency, overdue, SLA compliance, 12-month trend."""
    walk(wo, S.ASSESSING, crew)  # arrived on time
    _bulk(world, people, 3, 0)
    figures = selectors.dashboard_figures(user=people["manager"])
    assert figures["open"] == 4
    assert figures["by_state"][S.ASSESSING] == 1 and figures["by_state"][S.NEW] == 3
    assert sum(figures["by_urgency"].values()) == 4
    assert figures["overdue"] >= 1
    assert figures["sla_compliance"] == 100.0 and figures["sla_measured"] == 1
    assert len(figures["trend"]["months"]) == 12
    assert figures["trend"]["created"][-1] == 4
    assert selectors.dashboard_figures(user=world["customer_user_b"])["open"] == 0
    # The compliance covers the work orders of the last 12 months: a late arrival of a work
    # order created 13 months ago does not count; the same one created this year does.
    other = WorkOrder.objects.exclude(pk=wo.pk).filter(on_site_due_at__isnull=False).first()
    late = other.on_site_due_at + dt.timedelta(hours=1)
    old = timezone.now() - dt.timedelta(days=400)
    WorkOrder.objects.filter(pk=other.pk).update(created_at=old, arrived_at=late)
    figures = selectors.dashboard_figures(user=people["manager"])
    assert figures["sla_compliance"] == 100.0 and figures["sla_measured"] == 1
    WorkOrder.objects.filter(pk=other.pk).update(created_at=timezone.now())
    figures = selectors.dashboard_figures(user=people["manager"])
    assert figures["sla_compliance"] == 50.0 and figures["sla_measured"] == 2


def test_caller_lookup_by_phone(people, world) -> None:
    """REG-2.1.1: typing a phone number finds the caller, the customer and its projects."""
    found = selectors.caller_lookup(phone="+86 138-0161-0001")
    assert [c.name for c in found["contacts"]] == ["周建华"]
    assert found["customers"] == [world["customer_a"]]
    assert found["projects"] == [world["project_a"]]
    assert selectors.caller_lookup(phone="021 5888 0001")["customers"] == [world["customer_a"]]
    assert selectors.caller_lookup(phone="12")["contacts"] == []
