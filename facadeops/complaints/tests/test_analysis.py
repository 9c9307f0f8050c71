"""REG-4.4.2: the periodic complaint analysis — figures computed from the records, drafted
by the service head and approved by management on the engine — and the improvement
actions it creates, whose efficacy is checked from the complaints after they are done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facadeops.complaints import services as cs
from facadeops.complaints.models import AnalysisStatus, Complaint
from facadeops.complaints.tests.test_process import (
    _approved,
    _complaint,
    _handled,
    _investigated,
)
from facadeops.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from facadeops.quality.models import ActionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _closed_reopened(people: dict[str, Any], world: dict[str, Any]) -> Complaint:
    c = _handled(people, _approved(people, _investigated(people, world, _complaint(people, world))))
    c = cs.complaint_transition(
        actor=world["customer_user_a"], complaint=c, name="reject", note="仍漏"
    )
    c = _handled(people, _approved(people, _investigated(people, world, c)))
    return cs.complaint_transition(actor=people["agent"], complaint=c, name="accept")


def test_reg_4_4_2_the_quarter_s_figures_come_from_the_records(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    reopened = _closed_reopened(people, world)
    plain = _handled(
        people, _approved(people, _investigated(people, world, _complaint(people, world)))
    )
    cs.complaint_transition(actor=people["agent"], complaint=plain, name="accept")
    _complaint(
        people,
        world,
        category="timeliness",
        project=world["project_b"],
        contact=None,
        contact_name="钱",
    )
    start = _quarter_start(timezone.localdate())
    a = cs.analysis_draft(actor=people["head"], period="quarter", start=start)
    f = a.figures
    assert a.end == (
        dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        - dt.timedelta(days=1)
    )
    assert f["total"] == 3
    assert {r["key"]: r["count"] for r in f["by_category"]} == {"quality": 2, "timeliness": 1}
    assert {r["label"]: r["count"] for r in f["by_project"]} == {"陆家嘴中心": 2, "华润大厦": 1}
    assert f["closed"] == 2 and f["reopened"] == 1 and f["reopen_rate_pct"] == 50.0
    assert f["records"]["reopened"] == [reopened.number]
    assert f["pareto_causes"][0]["key"] == "workmanship"
    assert f["pareto_causes"][-1]["cumulative_pct"] == 100.0
    assert f["repeat_projects"] == [
        {"key": world["project_a"].pk, "label": "陆家嘴中心", "count": 2}
    ]
    assert f["arrived"] == 2 and f["hours_to_arrival_avg"] is not None
    assert f["by_team_leader"][0]["label"] == people["tech"].full_name
    with pytest.raises(Conflict):
        cs.analysis_draft(actor=people["head"], period="quarter", start=start)
    with pytest.raises(InvalidInput):
        cs.analysis_draft(actor=people["head"], period="quarter", start=start.replace(day=2))
    with pytest.raises(Forbidden):
        cs.analysis_draft(actor=people["agent"], period="month", start=start)


def test_reg_4_4_2_drafted_by_the_service_head_approved_by_management_with_returns(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    _complaint(people, world)
    a = cs.analysis_draft(
        actor=people["head"], period="month", start=timezone.localdate().replace(day=1)
    )
    with pytest.raises(TransitionNotAllowed):  # conclusions first
        cs.analysis_transition(actor=people["head"], analysis=a, name="submit")
    a = cs.analysis_update(
        actor=people["head"], analysis=a, conclusions="打胶工艺问题集中", expected_version=a.version
    )
    a = cs.analysis_transition(actor=people["head"], analysis=a, name="submit")
    with pytest.raises(TransitionNotAllowed):
        cs.analysis_transition(actor=people["head"], analysis=a, name="approve")
    a = cs.analysis_transition(
        actor=people["manager"], analysis=a, name="return", note="请补充趋势"
    )
    assert a.status == AnalysisStatus.DRAFT
    a = cs.analysis_update(
        actor=people["head"],
        analysis=a,
        conclusions="打胶工艺问题集中，环比上升",
        expected_version=a.version,
    )
    a = cs.analysis_transition(actor=people["head"], analysis=a, name="submit")
    a = cs.analysis_transition(actor=people["manager"], analysis=a, name="approve")
    assert a.status == AnalysisStatus.APPROVED and a.approved_by == people["manager"]
    with pytest.raises(Conflict):
        cs.analysis_update(
            actor=people["head"], analysis=a, conclusions="改", expected_version=a.version
        )


def test_reg_4_4_2_an_improvement_action_is_checked_by_the_cause_s_complaint_rate(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """The action against a cause is effective when that cause's complaints fell after it
    was done (computed, with the complaint numbers behind the figures); not effective
    reopens it."""
    c1 = _investigated(people, world, _complaint(people, world))
    a = cs.analysis_draft(
        actor=people["head"], period="month", start=timezone.localdate().replace(day=1)
    )
    due = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(InvalidInput) as exc:
        cs.analysis_action_add(
            actor=people["head"],
            analysis=a,
            kind="x",
            title="",
            owner=None,
            due_date=None,
            cause="nope",
        )
    assert "cause" in exc.value.fields
    action = cs.analysis_action_add(
        actor=people["head"],
        analysis=a,
        kind="corrective",
        title="修订打胶作业指导书",
        owner=people["tech"],
        due_date=due,
        cause="workmanship",
        check_after_days=30,
    )
    assert action.source == a and action.status == ActionStatus.OPEN
    from facadeops.quality import services as qs

    qs.action_transition(actor=people["tech"], action=action, name="start")
    with pytest.raises(TransitionNotAllowed):  # what was done, in the note
        qs.action_transition(actor=people["tech"], action=action, name="complete")
    action = qs.action_transition(
        actor=people["tech"], action=action, name="complete", note="已修订并培训"
    )
    assert (
        action.status == ActionStatus.DONE
        and action.check_on == timezone.localdate() + dt.timedelta(days=30)
    )
    with pytest.raises(TransitionNotAllowed):  # not before the check date
        qs.action_transition(actor=people["quality"], action=action, name="check_efficacy")
    # the cause's complaints: one before it was done (c1), two after → not effective
    done = action.done_at
    assert done is not None
    Complaint.objects.filter(pk=c1.pk).update(received_at=done - dt.timedelta(days=10))
    later = [_investigated(people, world, _complaint(people, world)) for _ in range(2)]
    Complaint.objects.filter(pk__in=[c.pk for c in later]).update(
        received_at=done + dt.timedelta(days=5)
    )
    check = done + dt.timedelta(days=31)
    action.check_on = timezone.localdate()
    action.save(update_fields=["check_on"])
    action = qs.action_transition(
        actor=people["quality"], action=action, name="check_efficacy", now=check
    )
    assert action.status == ActionStatus.IN_PROGRESS and action.reopened == 1
    assert action.evidence["before"] == [c1.number]
    assert sorted(action.evidence["after"]) == sorted(c.number for c in later)
    assert action.rate_after > action.rate_before and action.efficacy_pct == 0
    # done again; this time no complaint of that cause after → effective
    action = qs.action_transition(
        actor=people["tech"], action=action, name="complete", note="再次整改"
    )
    Complaint.objects.filter(pk__in=[c.pk for c in later]).update(
        received_at=action.done_at - dt.timedelta(days=3)
    )
    action.check_on = timezone.localdate()
    action.save(update_fields=["check_on"])
    action = qs.action_transition(
        actor=people["quality"],
        action=action,
        name="check_efficacy",
        now=action.done_at + dt.timedelta(days=31),
    )
    assert action.status == ActionStatus.EFFECTIVE and action.efficacy_pct == 100
    # before: the two moved back and c1 (within the window before the second "done")
    assert action.evidence["after"] == [] and len(action.evidence["before"]) == 3
