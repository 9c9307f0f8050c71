"""The complaint chain of REG-4 at service level, on the engine: intake, investigation,
handling plan with its reviews, handling, the customer's verdict and the rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.complaints import services as cs
from facadeops.complaints.models import (
    CauseCategory,
    Complaint,
    ComplaintStatus,
    CustomerUpdate,
    HandlingPlan,
    PlanOutcome,
    Severity,
    TeamRole,
    UpdateKind,
    Verdict,
)
from facadeops.complaints.rules import current_round
from facadeops.complaints.selectors import complaint_get, complaint_list
from facadeops.core.attachments import attachment_add
from facadeops.core.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from facadeops.notifications.models import Notification
from facadeops.service.demo import photo
from facadeops.service.models import WOStatus

S = ComplaintStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media")]


def _complaint(people: dict[str, Any], world: dict[str, Any], **data: Any) -> Complaint:
    payload = {
        "project": world["project_a"],
        "contact": world["contact"],
        "category": "quality",
        "severity": "serious",
        "subject": "维修后仍然漏水",
        "description": "上周维修的12层窗户，下雨后仍然漏水。",
        "location": "东立面 12F",
    }
    payload.update(data)
    return cs.complaint_create(actor=people["agent"], data=payload)


def _investigated(people: dict[str, Any], world: dict[str, Any], c: Complaint) -> Complaint:
    cs.team_set(
        actor=people["head"],
        complaint=c,
        leader=people["tech"],
        members=[(people["staff"], TeamRole.SERVICE_STAFF), (people["quality"], TeamRole.QUALITY)],
    )
    if c.status == S.RECEIVED:  # a later round starts investigating on the rejection
        cs.complaint_transition(actor=people["head"], complaint=c, name="start_investigation")
    cs.arrival_record(actor=people["tech"], complaint=c)
    attachment_add(actor=people["tech"], target=current_round(c), upload=photo("leak.png"))
    cs.findings_update(
        actor=people["tech"],
        complaint=c,
        data={
            "findings": "窗框与副框之间打胶不连续",
            "cause_category": "workmanship",
            "root_cause": "上次维修打胶前未清理旧胶",
            "whys": ["为什么漏水？打胶不连续", "为什么不连续？旧胶未清理"],
            "responsible_department": world["dept"],
            "responsible_person": people["staff"],
        },
    )
    return cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_findings")


def _plan(
    people: dict[str, Any], c: Complaint, summary: str = "清理旧胶，重新打胶，淋水试验"
) -> Any:
    soon = timezone.localdate() + dt.timedelta(days=5)
    return cs.plan_save(
        actor=people["tech"],
        complaint=c,
        summary=summary,
        expected_completion=soon,
        measures=[
            {
                "description": "清除旧胶并重新打胶",
                "deadline": soon,
                "responsible": people["staff"],
                "site_work": True,
            },
            {
                "description": "淋水试验并向客户汇报",
                "deadline": soon,
                "responsible": people["tech"],
            },
        ],
    )


def _approved(people: dict[str, Any], c: Complaint) -> Complaint:
    _plan(people, c)
    cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_plan")
    cs.complaint_transition(actor=people["tech_head"], complaint=c, name="approve_plan_tech")
    return cs.complaint_transition(actor=people["pm"], complaint=c, name="approve_plan")


def _handled(people: dict[str, Any], c: Complaint) -> Complaint:
    plan = HandlingPlan.objects.get(round=current_round(c), outcome=PlanOutcome.APPROVED)
    for m in plan.measures.all():
        cs.measure_done(actor=m.responsible, complaint=c, measure_id=m.pk, note="已完成")
    cs.result_save(actor=people["tech"], complaint=c, result="已重新打胶，淋水试验无渗漏。")
    return cs.complaint_transition(actor=people["tech"], complaint=c, name="report_result")


# --- REG-4.1 ------------------------------------------------------------------------------
def test_reg_4_1_2_a_complaint_records_who_what_where_and_when_with_a_ts_number(
    people: dict[str, Any], world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """REG-4.1.2: customer, contact, project (and where on the facade), category, severity,
    description, time and channel; a TS- number; the service head is notified and the
    customer gets the acknowledgement with the number at once."""
    with django_capture_on_commit_callbacks(execute=True):
        c = _complaint(people, world)
    assert c.number.startswith(f"TS-{timezone.localdate().year}-")
    assert (c.customer, c.contact, c.project) == (
        world["customer_a"],
        world["contact"],
        world["project_a"],
    )
    assert c.contact_name == "周建华" and c.contact_phone == "13801610001"
    assert (c.category, c.severity.code, c.channel, c.location) == (
        "quality",
        "serious",
        "hotline",
        "东立面 12F",
    )
    assert c.received_by == people["agent"] and c.service_head == people["head"]
    assert c.status == S.RECEIVED and c.round_no == 1
    ack = CustomerUpdate.objects.get(complaint=c)
    assert ack.kind == UpdateKind.ACKNOWLEDGEMENT and c.number in ack.text
    told = set(Notification.objects.values_list("recipient_id", "verb"))
    assert (people["head"].pk, "complaint.created") in told
    assert (world["customer_user_a"].pk, "complaint.ack") in told
    assert (world["customer_user_b"].pk, "complaint.ack") not in told
    assert AuditEvent.objects.filter(verb="created", target_id=str(c.pk)).exists()


def test_reg_4_1_1_complaints_come_in_on_every_channel_and_from_the_customer_s_own_portal(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.1.1: the same channels as requests; a customer user complains about their own
    project only."""
    for channel in ("hotline", "email", "website", "portal", "onsite"):
        c = cs.complaint_create(
            actor=people["agent"],
            channel=channel,
            data={
                "project": world["project_a"],
                "category": "attitude",
                "severity": "general",
                "subject": "态度",
                "description": "说明",
                "contact_name": "周",
            },
        )
        assert c.channel == channel
    own = cs.complaint_create(
        actor=world["customer_user_a"],
        channel="portal",
        data={"project": world["project_a"], "subject": "太慢", "description": "等了三天"},
    )
    assert own.customer == world["customer_a"] and own.severity.code == "general"
    assert own.contact_name == "客户甲" and own.received_by is None
    with pytest.raises(NotFound):
        cs.complaint_create(
            actor=world["customer_user_a"],
            channel="portal",
            data={"project": world["project_b"], "subject": "x", "description": "y"},
        )
    with pytest.raises(Forbidden):
        _complaint({"agent": people["tech"]}, world)


def test_reg_4_1_2_bad_input_gets_every_message_and_writes_nothing(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as exc:
        cs.complaint_create(
            actor=people["agent"],
            channel="plan",
            data={
                "project": None,
                "category": "nonsense",
                "severity": "unknown",
                "subject": " ",
                "description": "",
            },
        )
    assert set(exc.value.fields) == {
        "project",
        "category",
        "severity",
        "subject",
        "description",
        "contact_name",
        "channel",
    }
    with pytest.raises(InvalidInput) as exc:
        _complaint(people, world, project=world["project_b"], contact=world["contact"])
    assert "contact" in exc.value.fields
    assert not Complaint.objects.exists() and not CustomerUpdate.objects.exists()


# --- REG-4.2 ------------------------------------------------------------------------------
def test_reg_4_2_1_the_service_head_forms_the_team_with_a_leader_before_it_is_sent(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.2.1: the project's service head forms the team (people with a role, a leader) before
    sending it."""
    c = _complaint(people, world)
    with pytest.raises(TransitionNotAllowed) as exc:
        cs.complaint_transition(actor=people["head"], complaint=c, name="start_investigation")
    assert len(exc.value.reasons) == 2  # leader and members
    with pytest.raises(Forbidden):
        cs.team_set(
            actor=people["tech"],
            complaint=c,
            leader=people["tech"],
            members=[(people["staff"], "service_staff")],
        )
    with pytest.raises(InvalidInput) as bad:
        cs.team_set(
            actor=people["head"],
            complaint=c,
            leader=world["customer_user_a"],
            members=[(people["staff"], "boss")],
        )
    assert set(bad.value.fields) == {"leader", "members"}
    r = cs.team_set(
        actor=people["head"],
        complaint=c,
        leader=people["tech"],
        members=[(people["staff"], TeamRole.SERVICE_STAFF), (people["quality"], TeamRole.QUALITY)],
    )
    assert r.leader == people["tech"] and r.members.count() == 2
    # the project's own service head, not another one
    with pytest.raises(TransitionNotAllowed):
        cs.complaint_transition(actor=people["other_head"], complaint=c, name="start_investigation")
    c = cs.complaint_transition(actor=people["head"], complaint=c, name="start_investigation")
    assert c.status == S.INVESTIGATING


def test_reg_4_2_2_the_team_is_on_site_within_the_service_level_and_brings_evidence(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.2.2: the severity's service level sets the on-site deadline (the SLA clock of
    DOM-4); findings need the arrival and photos or videos."""
    c = _complaint(people, world, severity="major")
    r = current_round(c)
    assert r is not None and r.on_site_due_at is not None
    major = Severity.objects.get(code="major")
    from facadeops.service.sla import deadlines_for

    assert r.on_site_due_at == deadlines_for(c.project, major.urgency, start=c.received_at)[0]
    cs.team_set(
        actor=people["head"],
        complaint=c,
        leader=people["tech"],
        members=[(people["staff"], "service_staff")],
    )
    cs.complaint_transition(actor=people["head"], complaint=c, name="start_investigation")
    with pytest.raises(TransitionNotAllowed) as exc:
        cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_findings")
    reasons = " ".join(exc.value.reasons)
    assert "arrival" in reasons and "photo" in reasons and "root cause" in reasons
    with pytest.raises(Forbidden):  # not on the team
        cs.arrival_record(actor=people["outsider"], complaint=c)
    cs.arrival_record(actor=people["tech"], complaint=c)
    event = AuditEvent.objects.filter(verb="complaint.arrived").latest("id")
    assert event.after["late"] is (timezone.now() > r.on_site_due_at)
    with pytest.raises(NotFound):  # evidence only by the team (outsiders do not see it)
        attachment_add(actor=people["outsider"], target=current_round(c), upload=photo())
    with pytest.raises(Forbidden):  # the project manager sees it but does not investigate
        attachment_add(actor=people["pm"], target=current_round(c), upload=photo())


def test_reg_4_2_3_root_cause_with_category_whys_and_who_is_responsible(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.2.3: root cause as a category, text and up to five whys; the responsible department
    and person."""
    c = _investigated(people, world, _complaint(people, world))
    assert c.status == S.PLANNING
    r = current_round(c)
    assert r is not None
    assert r.cause_category == CauseCategory.objects.get(code="workmanship")
    assert r.whys == ["为什么漏水？打胶不连续", "为什么不连续？旧胶未清理"]
    assert (r.responsible_department, r.responsible_person) == (world["dept"], people["staff"])
    with pytest.raises(InvalidInput) as exc:
        cs.findings_update(
            actor=people["tech"], complaint=c, data={"whys": ["w"] * 6, "cause_category": "nope"}
        )
    assert set(exc.value.fields) == {"whys", "cause_category"}


# --- REG-4.3.1 ----------------------------------------------------------------------------
def test_reg_4_3_1_plan_reviewed_by_the_tech_head_approved_by_the_pm_returns_keep_versions(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.3.1: the technical head reviews, the project manager approves; a return needs the
    comment and keeps the version."""
    c = _investigated(people, world, _complaint(people, world))
    with pytest.raises(InvalidInput) as exc:
        cs.plan_save(
            actor=people["tech"],
            complaint=c,
            summary="",
            expected_completion=None,
            measures=[{"description": "", "deadline": None, "responsible": None}],
        )
    assert set(exc.value.fields) == {"summary", "expected_completion", "measures"}
    _plan(people, c, summary="第一稿")
    cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_plan")
    with pytest.raises(TransitionNotAllowed):  # only the technical head reviews
        cs.complaint_transition(actor=people["pm"], complaint=c, name="approve_plan_tech")
    with pytest.raises(TransitionNotAllowed):  # a return needs the reason
        cs.complaint_transition(actor=people["tech_head"], complaint=c, name="return_plan_tech")
    c = cs.complaint_transition(
        actor=people["tech_head"], complaint=c, name="return_plan_tech", note="缺少淋水试验"
    )
    assert c.status == S.PLANNING
    first = HandlingPlan.objects.get(round=current_round(c), version_no=1)
    assert first.outcome == PlanOutcome.RETURNED and first.comment == "缺少淋水试验"
    with pytest.raises(TransitionNotAllowed):  # the returned version cannot go again
        cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_plan")
    second = _plan(people, c, summary="第二稿：含淋水试验")
    assert second.version_no == 2
    cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_plan")
    cs.complaint_transition(
        actor=people["tech_head"], complaint=c, name="approve_plan_tech", note="同意"
    )
    with pytest.raises(NotFound):  # another project's manager does not even see it
        cs.complaint_transition(actor=people["pm2"], complaint=c, name="approve_plan")
    c = cs.complaint_transition(actor=people["pm"], complaint=c, name="approve_plan")
    assert c.status == S.HANDLING
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.outcome, first.summary) == (PlanOutcome.RETURNED, "第一稿")
    assert second.outcome == PlanOutcome.APPROVED
    assert (second.reviewed_by, second.approved_by) == (people["tech_head"], people["pm"])
    assert [m.description for m in second.measures.all()] == [
        "清除旧胶并重新打胶",
        "淋水试验并向客户汇报",
    ]


def test_reg_4_3_1_a_measure_on_the_facade_opens_a_linked_work_order(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.3.1: a measure needing facade work opens a REG-2 work order, which must be completed
    first."""
    c = _approved(people, _investigated(people, world, _complaint(people, world)))
    plan = HandlingPlan.objects.get(round=current_round(c), outcome=PlanOutcome.APPROVED)
    site = plan.measures.get(site_work=True)
    wo = cs.measure_work_order(actor=people["head"], complaint=c, measure_id=site.pk)
    site.refresh_from_db()
    assert site.work_order == wo and wo in c.work_orders.all()
    assert wo.project == c.project and wo.status == WOStatus.NEW and c.number in wo.title
    for m in plan.measures.all():
        cs.measure_done(actor=m.responsible, complaint=c, measure_id=m.pk)
    cs.result_save(actor=people["tech"], complaint=c, result="完成")
    with pytest.raises(TransitionNotAllowed) as exc:  # its work order is not completed yet
        cs.complaint_transition(actor=people["tech"], complaint=c, name="report_result")
    assert wo.number in " ".join(exc.value.reasons)


# --- REG-4.3.2, 4.3.3 ---------------------------------------------------------------------
def test_reg_4_3_2_the_customer_is_told_progress_expected_completion_and_the_result(
    people: dict[str, Any], world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """REG-4.3.2: progress, expected completion and the result reach the customer (portal inbox)
    and are logged."""
    c = _approved(people, _investigated(people, world, _complaint(people, world)))
    soon = timezone.localdate() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        cs.customer_update_add(
            actor=people["agent"], complaint=c, text="材料已到，明天施工", expected_completion=soon
        )
        cs.customer_update_add(
            actor=people["agent"], complaint=c, kind="phone", text="电话告知客户进度"
        )
    with pytest.raises(InvalidInput):
        cs.customer_update_add(actor=people["agent"], complaint=c, text=" ")
    with pytest.raises(Forbidden):
        cs.customer_update_add(actor=people["outsider"], complaint=c, text="x")
    kinds = list(CustomerUpdate.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds == ["ack", "progress", "phone"]
    assert CustomerUpdate.objects.get(kind="progress").expected_completion == soon
    assert Notification.objects.filter(
        recipient=world["customer_user_a"], verb="complaint.progress"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        c = _handled(people, c)
    assert c.status == S.FEEDBACK
    assert Notification.objects.filter(
        recipient=world["customer_user_a"], verb="complaint.result"
    ).exists()


def test_reg_4_3_3_a_rejected_result_opens_a_new_round_escalated_and_every_round_is_kept(
    people: dict[str, Any], world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """REG-4.3.3: a rejection opens a new round one escalation level up; every round is kept side
    by side."""
    c = _handled(people, _approved(people, _investigated(people, world, _complaint(people, world))))
    with pytest.raises(NotFound):  # another customer does not see it
        cs.complaint_transition(actor=world["customer_user_b"], complaint=c, name="accept")
    with pytest.raises(TransitionNotAllowed):  # the reason is required
        cs.complaint_transition(actor=world["customer_user_a"], complaint=c, name="reject")
    with django_capture_on_commit_callbacks(execute=True):
        c = cs.complaint_transition(
            actor=world["customer_user_a"], complaint=c, name="reject", note="雨后又漏了"
        )
    assert (c.status, c.round_no, c.escalation_level) == (S.INVESTIGATING, 2, 1)
    first, second = list(c.rounds.order_by("number"))
    assert (first.verdict, first.verdict_reason, first.verdict_by) == (
        Verdict.REJECTED,
        "雨后又漏了",
        world["customer_user_a"],
    )
    assert second.reason == "雨后又漏了" and second.on_site_due_at is not None
    assert second.leader == first.leader and second.members.count() == first.members.count()
    assert Notification.objects.filter(
        recipient=people["head"], verb="complaint.escalated"
    ).exists()
    # the second round needs its own arrival, evidence and findings
    with pytest.raises(TransitionNotAllowed):
        cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_findings")
    c = _investigated(people, world, c)
    c = _handled(people, _approved(people, c))
    c = cs.complaint_transition(
        actor=people["agent"], complaint=c, name="accept", note="客户电话确认满意"
    )
    assert c.status == S.CLOSED and c.closed_at is not None
    rounds = list(c.rounds.order_by("number"))
    assert [r.verdict for r in rounds] == [Verdict.REJECTED, Verdict.ACCEPTED]
    assert [r.plans.count() for r in rounds] == [1, 1]
    kinds = list(CustomerUpdate.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds.count("result") == 2 and kinds.count("verdict") == 2
    c = cs.complaint_transition(actor=people["head"], complaint=c, name="archive")
    assert c.status == S.ARCHIVED
    with pytest.raises(Exception, match="closed"):
        cs.customer_update_add(actor=people["agent"], complaint=c, text="x")


# --- scope --------------------------------------------------------------------------------
def test_customers_see_only_their_own_complaints_and_staff_by_role_or_team(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    a = _complaint(people, world)
    b = _complaint(people, world, project=world["project_b"], contact=None, contact_name="钱")
    assert list(complaint_list(user=world["customer_user_a"])) == [a]
    assert list(complaint_list(user=world["customer_user_b"])) == [b]
    with pytest.raises(NotFound):
        complaint_get(user=world["customer_user_b"], pk=a.pk)
    assert set(complaint_list(user=people["agent"])) == {a, b}
    assert list(complaint_list(user=people["pm2"])) == [b]  # their project only
    assert list(complaint_list(user=people["outsider"])) == []
    cs.team_set(
        actor=people["head"],
        complaint=a,
        leader=people["tech"],
        members=[(people["outsider"], "service_staff")],
    )
    assert list(complaint_list(user=people["outsider"])) == [a]  # on the team
    with pytest.raises(NotFound):
        complaint_get(user=people["outsider"], pk="x")


def test_reg_4_2_2_a_team_late_on_site_climbs_the_escalation_ladder(
    people: dict[str, Any], world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """REG-4.2.2 / X-9.2: late on site → service head, then project manager, then
    management, at the ladder's lateness steps; idempotent; arrival stops it."""
    from facadeops.complaints.sla import escalate_late

    c = _complaint(people, world)
    r = current_round(c)
    assert r is not None and r.on_site_due_at is not None
    due = r.on_site_due_at
    assert escalate_late(due - dt.timedelta(minutes=1)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert [x.pk for x in escalate_late(due + dt.timedelta(minutes=1))] == [c.pk]
    c.refresh_from_db()
    assert c.escalation_level == 1
    assert escalate_late(due + dt.timedelta(minutes=2)) == []  # idempotent
    with django_capture_on_commit_callbacks(execute=True):
        escalate_late(due + dt.timedelta(hours=25))
    c.refresh_from_db()
    assert c.escalation_level == 3
    told = set(
        Notification.objects.filter(verb="complaint.escalated").values_list(
            "recipient_id", flat=True
        )
    )
    assert {people["head"].pk, people["pm"].pk, people["manager"].pk} <= told
    events = AuditEvent.objects.filter(verb="complaint.escalated", target_id=str(c.pk))
    assert [e.after["escalation_level"] for e in events.order_by("id")] == [1, 3]
    other = _complaint(people, world)
    cs.team_set(
        actor=people["head"],
        complaint=other,
        leader=people["tech"],
        members=[(people["staff"], "service_staff")],
    )
    cs.complaint_transition(actor=people["head"], complaint=other, name="start_investigation")
    cs.arrival_record(actor=people["tech"], complaint=other)
    assert other.pk not in [x.pk for x in escalate_late(due + dt.timedelta(hours=30))]


def test_reg_4_1_1_a_request_becomes_a_complaint_and_a_complaint_a_request_keeping_the_trail(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.1.1: the agent converts one into the other; both keep the other's number."""
    from facadeops.service import services as sv
    from facadeops.service.models import RequestStatus

    req = sv.request_create(
        actor=people["agent"],
        data={"kind": "repair", "channel": "email", "customer": world["customer_a"],
              "project": world["project_a"], "contact": world["contact"], "caller_name": "周建华",
              "caller_phone": "13801610001", "description": "维修三次仍漏水，要求投诉处理"},
    )  # fmt: skip
    c = cs.complaint_from_request(
        actor=people["agent"], request=req, category="quality", severity="serious", subject="仍漏水"
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.CANCELLED and c.source_request == req
    assert (c.channel, c.description, c.received_at) == ("email", req.description, req.reported_at)
    assert c.number in AuditEvent.objects.filter(verb="request.cancel").latest("id").note
    with pytest.raises(Exception, match="new request"):
        cs.complaint_from_request(
            actor=people["agent"], request=req, category="quality", severity="general", subject="x"
        )
    other = _complaint(people, world, subject="其实是报修")
    with pytest.raises(Forbidden):
        cs.complaint_to_request(actor=people["agent"], complaint=other)
    new_req = cs.complaint_to_request(actor=people["head"], complaint=other, note="属于维修")
    other.refresh_from_db()
    assert other.status == S.CANCELLED and new_req.project == other.project
    assert new_req.number in AuditEvent.objects.filter(verb="complaint.withdraw").latest("id").note
