"""X-9.2: at 80 % of a deadline the assignee is warned (clock controlled by passing now)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from facadeops.intake.sla import warn_due_soon
from facadeops.notifications.models import Notification
from facadeops.service import services as sv
from facadeops.service.demo import walk
from facadeops.service.models import WorkOrder, WOStatus
from facadeops.service.sla import escalate_overdue
from facadeops.service.tests.test_process_flow import make_request

pytestmark = pytest.mark.django_db


def test_assignee_warned_once_at_80_percent_then_head_at_deadline(
    people: dict[str, Any],
    world: dict[str, Any],
    crew: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """X-9.2: 80 % → the assignee (technician) is warned, once; at the deadline the head is
    told (escalation) — the warning job does not warn a late order again."""
    wo = sv.request_convert(actor=people["head"], request=make_request(people, world))
    wo = walk(wo, WOStatus.DISPATCHED, crew)
    start = wo.created_at
    # test set-up: a 10-hour on-site window (the triage took none from a contract)
    WorkOrder.objects.filter(pk=wo.pk).update(on_site_due_at=start + dt.timedelta(hours=10))
    tech = people["tech"]

    def warnings() -> int:
        return Notification.objects.filter(recipient=tech, verb="wo.sla_warning.on_site").count()

    assert warn_due_soon(start + dt.timedelta(hours=7, minutes=59)) == []
    assert warnings() == 0
    assert len(warn_due_soon(start + dt.timedelta(hours=8, minutes=1))) == 1
    assert warnings() == 1
    assert warn_due_soon(start + dt.timedelta(hours=9)) == []  # once only
    assert warnings() == 1
    assert warn_due_soon(start + dt.timedelta(hours=10, minutes=1)) == []
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(start + dt.timedelta(hours=10, minutes=1))
    assert Notification.objects.filter(recipient=people["head"], verb="wo.escalated").exists()


def test_no_warning_once_arrived(people: dict[str, Any], world: dict[str, Any], crew: Any) -> None:
    """X-9.2: a met clock does not warn."""
    wo = sv.request_convert(actor=people["head"], request=make_request(people, world))
    wo = walk(wo, WOStatus.ASSESSING, crew)
    WorkOrder.objects.filter(pk=wo.pk).update(
        on_site_due_at=wo.created_at + dt.timedelta(hours=10), complete_due_at=None
    )
    assert warn_due_soon(wo.created_at + dt.timedelta(hours=9)) == []


def test_one_order_warned_does_not_hide_another_of_the_same_assignee(
    people: dict[str, Any], world: dict[str, Any], crew: Any
) -> None:
    """X-9.2: "warned once" is per work order: the technician warned about one order is
    still warned about a second one when it reaches 80 %, and neither is warned twice."""
    first = walk(
        sv.request_convert(actor=people["head"], request=make_request(people, world)),
        WOStatus.DISPATCHED,
        crew,
    )
    second = walk(
        sv.request_convert(actor=people["head"], request=make_request(people, world)),
        WOStatus.DISPATCHED,
        crew,
    )
    start = first.created_at
    WorkOrder.objects.filter(pk=first.pk).update(on_site_due_at=start + dt.timedelta(hours=10))
    WorkOrder.objects.filter(pk=second.pk).update(
        on_site_due_at=second.created_at + dt.timedelta(hours=20)
    )

    def warned(wo: Any) -> int:
        return Notification.objects.filter(
            recipient=people["tech"], verb="wo.sla_warning.on_site", target_id=str(wo.pk)
        ).count()

    assert [wo.pk for wo, _ in warn_due_soon(start + dt.timedelta(hours=9))] == [first.pk]
    assert (warned(first), warned(second)) == (1, 0)
    assert [wo.pk for wo, _ in warn_due_soon(start + dt.timedelta(hours=17))] == [second.pk]
    assert (warned(first), warned(second)) == (1, 1)
    assert warn_due_soon(start + dt.timedelta(hours=18)) == []
