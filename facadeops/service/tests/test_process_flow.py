"""The service process (REG-2) at service level: the happy path and its branches.

Fixtures here are shared with the other test_process_* modules (imported there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import InvalidInput, TransitionNotAllowed
from facadeops.service import services as sv
from facadeops.service.demo import Crew, photo, plan_data, signature_data_url, walk
from facadeops.service.models import (
    Plan,
    PlanStatus,
    QualityCheckKind,
    RequestStatus,
    ServiceRequest,
    WorkOrder,
    WOStatus,
)

S = WOStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Hundreds of test users: a fast hasher (PBKDF2 takes ~1 s per user here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- fixtures ---------------------------------------------------------------------------------
def _employee(user: Any, n: int) -> Any:
    from facadeops.accounts.models import Employee

    return Employee.objects.create(user=user, employee_no=f"T{n:05d}")


def give_height_certificate(user: Any, *, valid_to: dt.date | None = None) -> None:
    from facadeops.accounts.models import Certificate, CertificateType, Employee

    employee = Employee.objects.filter(user=user).first() or _employee(user, user.pk)
    ctype = CertificateType.objects.filter(is_work_at_height=True).order_by("id").first()
    assert ctype is not None, "the accounts migrations seed a work-at-height certificate type"
    today = timezone.localdate()
    Certificate.objects.create(
        employee=employee,
        type=ctype,
        number=f"H-{user.pk}",
        valid_from=today - dt.timedelta(days=100),
        valid_to=valid_to or today + dt.timedelta(days=400),
    )


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    p = {
        "agent": make_user("agent", full_name="刘晓燕"),
        "head": make_user("service_head", full_name="王建国"),
        "tech": make_user("technician", full_name="张伟"),
        "tech2": make_user("technician", full_name="黄志明"),
        "tech_head": make_user("tech_head", full_name="陈志强"),
        "pm": make_user("project_manager", full_name="李明"),
        "pm2": make_user("project_manager", full_name="别的项目经理"),
        "lead": make_user("service_staff", full_name="赵磊"),
        "member": make_user("service_staff", full_name="马强"),
        "uncertified": make_user("service_staff", full_name="林涛"),
        "outsider": make_user("service_staff", full_name="局外人"),
        "quality": make_user("quality", full_name="孙丽"),
        "manager": make_user("management", full_name="吴海峰"),
    }
    give_height_certificate(p["lead"])
    give_height_certificate(p["member"])
    return p


@pytest.fixture
def world(people: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    from facadeops.customers.models import Contact, Customer, Project
    from facadeops.materials.models import Material, MaterialCategory

    a = Customer.objects.create(code="KH-T-1", name="上海陆家嘴物业", phone="021-58880001")
    b = Customer.objects.create(code="KH-T-2", name="深圳华润物业")
    Contact.objects.create(customer=a, name="周建华", phone="138 0161 0001")
    pa = Project.objects.create(
        code="XM-T-1",
        customer=a,
        name="陆家嘴中心",
        project_manager=people["pm"],
        service_head=people["head"],
        city="上海",
        address="陆家嘴环路1000号",
    )
    pb = Project.objects.create(
        code="XM-T-2",
        customer=b,
        name="华润大厦",
        project_manager=people["pm"],
        service_head=people["head"],
    )
    cat = MaterialCategory.objects.create(code="GL", name="玻璃")
    mats = [
        Material.objects.create(code="M-1", name="钢化中空玻璃", unit="m²", category=cat),
        Material.objects.create(code="M-2", name="耐候胶", unit="支", category=cat),
    ]
    return {
        "customer_a": a,
        "customer_b": b,
        "project_a": pa,
        "project_b": pb,
        "materials": mats,
        "customer_user_a": make_user("customer", customer=a, full_name="客户甲"),
        "customer_user_b": make_user("customer", customer=b, full_name="客户乙"),
    }


@pytest.fixture
def crew(people: dict[str, Any], world: dict[str, Any]) -> Crew:
    return Crew(
        head=people["head"],
        tech=people["tech"],
        tech_head=people["tech_head"],
        pm=people["pm"],
        lead=people["lead"],
        members=[people["member"]],
        quality=people["quality"],
        materials=world["materials"],
        at_height=True,
    )


def make_request(people: dict[str, Any], world: dict[str, Any], **data: Any) -> ServiceRequest:
    base = {
        "kind": "repair",
        "channel": "hotline",
        "project": world["project_a"],
        "caller_name": "周建华",
        "caller_phone": "13801610001",
        "description": "东立面12层玻璃自爆",
        "location": "东立面 12F",
        "urgency": "urgent",
    }
    base.update(data)
    return sv.request_create(actor=people["agent"], data=base)


@pytest.fixture
def wo(people: dict[str, Any], world: dict[str, Any]) -> WorkOrder:
    req = make_request(people, world)
    return sv.request_convert(actor=people["head"], request=req)


# --- REG-2.1.2 ---------------------------------------------------------------------------------
def test_request_records_every_field_and_gets_a_reference_number(people, world) -> None:
    """REG-2.1.2: customer, contact, project, description, report time, channel; BX-number;
    the agent who took the call; the known caller is matched by phone number."""
    req = make_request(people, world, caller_phone="138-0161-0001")
    assert req.number.startswith("BX-") and len(req.number) == len("BX-2026-000001")
    assert req.customer == world["customer_a"]  # taken from the project
    assert req.contact is not None and req.contact.name == "周建华"
    assert req.channel == "hotline" and req.received_by == people["agent"]
    assert req.reported_at is not None and req.status == RequestStatus.NEW
    assert AuditEvent.objects.filter(verb="created", target_id=str(req.pk)).exists()


def test_new_caller_becomes_a_contact(people, world) -> None:
    """REG-2.1.2 / REG-2.1.1: a caller whose number is unknown is recorded as a contact."""
    req = make_request(people, world, caller_name="新来电", caller_phone="13999990000")
    assert req.contact is not None
    assert req.contact.customer == world["customer_a"] and req.contact.phone == "13999990000"


def test_request_bad_input_is_refused_with_fields(people, world) -> None:
    """REG-2.1.2: a project of another customer / no description → 422 with fields."""
    with pytest.raises(InvalidInput) as exc:
        make_request(people, world, customer=world["customer_b"])
    assert "project" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        make_request(people, world, description="")
    assert "description" in exc.value.fields
    assert ServiceRequest.objects.count() == 0


def test_inquiry_is_answered_and_closed_without_work_order(people, world) -> None:
    """REG-2.1.2: inquiries are answered and closed without a work order."""
    req = make_request(people, world, kind="inquiry", description="幕墙检查周期？")
    with pytest.raises(TransitionNotAllowed):
        sv.request_convert(actor=people["head"], request=req)
    sv.request_answer(actor=people["agent"], request=req, answer="一年一次，之后每五年。")
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED and req.answer
    assert not WorkOrder.objects.exists()


def test_request_becomes_work_order_with_photos_and_notes(people, world) -> None:
    """REG-2.1.2: traceable to the end — the work order points at the request; photos and
    notes carry over."""
    from facadeops.core.attachments import attachments_of

    req = sv.request_create(
        actor=people["agent"],
        data={
            "project": world["project_a"],
            "caller_name": "周建华",
            "caller_phone": "13801610001",
            "description": "雨棚玻璃破裂",
            "location": "南立面 2F",
            "urgency": "emergency",
        },
        uploads=[photo("a.png")],
    )
    wo = sv.request_convert(actor=people["head"], request=req)
    req.refresh_from_db()
    assert req.status == RequestStatus.CONVERTED and wo.request == req
    assert wo.number.startswith("GD-") and wo.urgency == "emergency"
    assert "南立面 2F" in wo.description and "周建华" in wo.description
    assert attachments_of(wo).filter(kind="image").count() == 1
    assert wo.project_manager == people["pm"] and wo.service_head == people["head"]


# --- the whole chain ------------------------------------------------------------------
def test_full_happy_path_at_service_level(people, world, crew, wo) -> None:
    """REG-2.2.1, REG-2.2.2, REG-2.2.3, REG-2.3.1, REG-2.3.2, REG-2.4.2, REG-2.4.1,
    REG-2.5.1: every step by its own role, each one audited, ending archived."""
    walk(wo, S.DISPATCHED, crew)
    assert wo.technician == people["tech"] and wo.on_site_due_at is not None
    walk(wo, S.PLANNING, crew)
    assert wo.arrived_at is not None and wo.assessment.situation
    assert wo.defects.get().severity == "S1"  # DOM-3 default of GL-01
    walk(wo, S.APPROVED, crew)
    plan = wo.plans.get()
    assert plan.outcome == PlanStatus.APPROVED
    assert plan.tech_reviewed_by == people["tech_head"] and plan.approved_by == people["pm"]
    walk(wo, S.IN_PROGRESS, crew)
    assert wo.lead == people["lead"] and list(wo.members.all()) == [people["member"]]
    assert wo.draws.count() == 2 and wo.started_at is not None
    walk(wo, S.CUSTOMER_ACCEPTANCE, crew)
    assert wo.replacements.get().batch == "2026-03 批次"
    internal = wo.quality_checks.get(kind=QualityCheckKind.INTERNAL_ACCEPTANCE)
    assert internal.passed and internal.report_number == f"{wo.number}-NY01"
    walk(wo, S.RECORD, crew)
    acc = wo.acceptances.get()
    assert acc.accepted and acc.signature.name.endswith(".png")
    walk(wo, S.TO_ARCHIVE, crew)
    record = wo.service_record
    assert record.signed_by == people["lead"] and record.reviewed_by == people["head"]
    assert "陆家嘴中心" in record.place and record.customer_name == "上海陆家嘴物业"
    assert "自爆钢化玻璃" in record.materials_text
    walk(wo, S.ARCHIVED, crew)
    assert wo.archived_at is not None
    verbs = set(AuditEvent.objects.filter(target_id=str(wo.pk)).values_list("verb", flat=True))
    for step in (
        "triage",
        "check_in",
        "submit_plan",
        "approve_plan_tech",
        "approve_plan",
        "assign",
        "prepare",
        "start",
        "complete",
        "internal_pass",
        "customer_accept",
        "submit_record",
        "approve_record",
        "archive",
    ):
        assert f"wo.{step}" in verbs, step


def test_triage_sets_on_site_deadline_from_service_level(people, world, wo) -> None:
    """REG-2.2.1 / DOM-4: urgent = 24 h around the clock (company default level)."""
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
    assert wo.status == S.DISPATCHED
    assert wo.on_site_due_at == wo.request.reported_at + dt.timedelta(hours=24)


def test_plan_returned_keeps_every_version(people, world, crew, wo) -> None:
    """REG-2.2.2: the technical head and the project manager can each return the plan
    with a comment; every version is kept."""
    walk(wo, S.PLAN_REVIEW, crew)
    sv.work_order_transition(
        actor=people["tech_head"], work_order=wo, name="return_plan_tech", note="补充吊篮验收。"
    )
    assert wo.status == S.PLANNING
    v1 = wo.plans.get(version_no=1)
    assert v1.outcome == PlanStatus.RETURNED and v1.review_comment == "补充吊篮验收。"
    walk(wo, S.PLAN_APPROVAL, crew)
    sv.work_order_transition(
        actor=people["pm"], work_order=wo, name="return_plan_pm", note="工期太长"
    )
    walk(wo, S.APPROVED, crew)
    outcomes = list(wo.plans.order_by("version_no").values_list("version_no", "outcome"))
    assert outcomes == [(1, "returned"), (2, "returned"), (3, "approved")]


def test_change_request_needs_tech_head_and_pm(people, world, crew, wo) -> None:
    """REG-2.3.1: a new problem → the technician revises the plan; the technical head AND
    the project manager approve; work goes on under the new version."""
    walk(wo, S.IN_PROGRESS, crew)
    sv.plan_save(
        actor=people["tech"],
        work_order=wo,
        data=plan_data(at_height=True, change=True),
        materials=[(world["materials"][0], Decimal("5"), "")],
        is_change=True,
    )
    sv.work_order_transition(actor=people["tech"], work_order=wo, name="request_change")
    assert wo.status == S.CHANGE_REVIEW
    # the PM cannot approve before the technical head
    with pytest.raises(TransitionNotAllowed):
        sv.work_order_transition(actor=people["pm"], work_order=wo, name="approve_change")
    sv.work_order_transition(actor=people["tech_head"], work_order=wo, name="approve_change_tech")
    assert wo.status == S.CHANGE_APPROVAL
    sv.work_order_transition(actor=people["pm"], work_order=wo, name="approve_change")
    assert wo.status == S.IN_PROGRESS
    plans = {p.version_no: p.outcome for p in Plan.objects.filter(work_order=wo)}
    assert plans == {1: PlanStatus.SUPERSEDED, 2: PlanStatus.APPROVED}
    from facadeops.service.rules import approved_plan

    assert approved_plan(wo).is_change and approved_plan(wo).materials.get().quantity == 5


def test_supervision_finding_orders_rectification_until_it_passes(people, world, crew, wo) -> None:
    """REG-2.3.2: a finding orders rectification, re-checked until it passes; the work
    cannot be completed while it is open."""
    walk(wo, S.IN_PROGRESS, crew)
    sv.quality_check_add(
        actor=people["quality"],
        work_order=wo,
        kind="supervision",
        follows_plan=True,
        materials_correct=False,
        result_meets_standard=True,
        documents_complete=True,
        passed=False,
        findings="使用了非方案规定的耐候胶。",
    )
    rect = wo.rectifications.get()
    sv.completion_update(
        actor=people["lead"],
        work_order=wo,
        site_cleaned=True,
        facade_restored=True,
        cordon_removed=True,
        expected_version=wo.version,
    )
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["lead"], work_order=wo, name="complete")
    assert any("rectification" in r for r in exc.value.reasons)
    sv.rectification_done(actor=people["lead"], rectification=rect)
    sv.rectification_verify(
        actor=people["quality"], rectification=rect, passed=False, findings="仍有一处未更换。"
    )
    rect.refresh_from_db()
    assert rect.done_at is None and rect.verified_at is None
    sv.rectification_done(actor=people["lead"], rectification=rect)
    sv.rectification_verify(actor=people["quality"], rectification=rect, passed=True)
    rect.refresh_from_db()
    assert rect.verified_at is not None
    sv.work_order_transition(actor=people["lead"], work_order=wo, name="complete")
    assert wo.status == S.COMPLETED
    assert wo.quality_checks.filter(kind="recheck").count() == 2


def test_failed_internal_acceptance_goes_back_to_rectification(people, world, crew, wo) -> None:
    """REG-2.4.2: internal acceptance before the customer; failing sends the work back,
    and after rectification a new internal acceptance is needed."""
    walk(wo, S.COMPLETED, crew)
    sv.quality_check_add(
        actor=people["quality"],
        work_order=wo,
        kind="internal_acceptance",
        follows_plan=True,
        materials_correct=True,
        result_meets_standard=False,
        documents_complete=True,
        passed=False,
        rectification="胶缝不饱满，重新打胶。",
    )
    wo.refresh_from_db()
    assert wo.status == S.RECTIFICATION
    rect = wo.rectifications.get()
    with pytest.raises(TransitionNotAllowed):
        sv.work_order_transition(actor=people["lead"], work_order=wo, name="rectified")
    sv.rectification_done(actor=people["lead"], rectification=rect)
    sv.work_order_transition(actor=people["lead"], work_order=wo, name="rectified")
    assert wo.status == S.COMPLETED
    # the earlier (failed) check does not count; a new passed one is needed
    with pytest.raises(TransitionNotAllowed):
        sv.work_order_transition(actor=people["quality"], work_order=wo, name="internal_pass")
    walk(wo, S.CUSTOMER_ACCEPTANCE, crew)
    rect.refresh_from_db()
    assert rect.verified_at is not None


def test_customer_rejects_with_reason_then_rectification(people, world, crew, wo) -> None:
    """REG-2.4.1: the customer may reject with a reason → rectification; signing accepts."""
    walk(wo, S.CUSTOMER_ACCEPTANCE, crew)
    with pytest.raises(InvalidInput) as exc:
        sv.customer_acceptance_record(
            actor=world["customer_user_a"],
            work_order=wo,
            accepted=False,
            signer_name="客户甲",
            reason="",
        )
    assert "reason" in exc.value.fields
    sv.customer_acceptance_record(
        actor=world["customer_user_a"],
        work_order=wo,
        accepted=False,
        signer_name="客户甲",
        reason="玻璃有划痕",
    )
    wo.refresh_from_db()
    assert wo.status == S.RECTIFICATION and wo.rectifications.get().source == "customer"
    sv.rectification_done(actor=people["lead"], rectification=wo.rectifications.get())
    sv.work_order_transition(actor=people["lead"], work_order=wo, name="rectified")
    walk(wo, S.CUSTOMER_ACCEPTANCE, crew)
    sv.customer_acceptance_record(
        actor=world["customer_user_a"],
        work_order=wo,
        accepted=True,
        signer_name="客户甲",
        signature_data_url=signature_data_url(),
    )
    wo.refresh_from_db()
    assert wo.status == S.RECORD


def test_signature_must_be_a_real_non_blank_image(people, world, crew, wo) -> None:
    """REG-2.4.1: the signature pad's image is checked (not empty, a real image)."""
    import base64
    import io

    from PIL import Image

    walk(wo, S.CUSTOMER_ACCEPTANCE, crew)
    blank = io.BytesIO()
    Image.new("RGBA", (200, 80), (255, 255, 255, 0)).save(blank, format="PNG")
    bad = [
        "",
        "data:image/png;base64,!!!",
        "data:image/png;base64," + base64.b64encode(b"not an image").decode(),
        "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode(),
        "javascript:alert(1)",
    ]
    for value in bad:
        with pytest.raises(InvalidInput) as exc:
            sv.customer_acceptance_record(
                actor=people["lead"],
                work_order=wo,
                accepted=True,
                signer_name="周建华",
                signature_data_url=value,
            )
        assert "signature" in exc.value.fields
    wo.refresh_from_db()
    assert wo.status == S.CUSTOMER_ACCEPTANCE and not wo.acceptances.exists()


def test_service_record_returned_by_head_then_approved(people, world, crew, wo) -> None:
    """REG-2.5.1: filled from the work order, signed by the staff member, reviewed by the
    service head (who may return it)."""
    walk(wo, S.RECORD, crew)
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["lead"], work_order=wo, name="submit_record")
    assert any("service record" in r for r in exc.value.reasons)
    walk(wo, S.RECORD_REVIEW, crew)
    sv.work_order_transition(
        actor=people["head"], work_order=wo, name="return_record", note="结果描述不完整"
    )
    assert wo.status == S.RECORD
    walk(wo, S.TO_ARCHIVE, crew)
    assert wo.service_record.reviewed_by == people["head"]


def test_hold_and_resume_return_to_the_held_state(people, world, crew, wo) -> None:
    """REG-2.2.x: hold/resume brings the work order back where it was held."""
    walk(wo, S.PLAN_APPROVAL, crew)
    sv.work_order_transition(actor=people["head"], work_order=wo, name="hold", note="业主要求暂缓")
    assert wo.status == S.ON_HOLD and wo.held_from == S.PLAN_APPROVAL
    sv.work_order_transition(actor=people["pm"], work_order=wo, name="resume_hold")
    assert wo.status == S.PLAN_APPROVAL and wo.held_from == ""


def test_cancel_needs_a_reason_and_an_allowed_role(people, world, wo) -> None:
    """Cancel with a reason, by the service head or management only."""
    from facadeops.core.errors import Forbidden

    with pytest.raises(Forbidden):
        sv.work_order_transition(actor=people["tech_head"], work_order=wo, name="cancel", note="x")
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["head"], work_order=wo, name="cancel", note=" ")
    assert exc.value.reasons
    sv.work_order_transition(
        actor=people["manager"], work_order=wo, name="cancel", note="业主自行处理"
    )
    assert wo.status == S.CANCELLED
    event = AuditEvent.objects.get(verb="wo.cancel", target_id=str(wo.pk))
    assert event.note == "业主自行处理"


def test_reassign_technician_and_team(people, world, crew, wo) -> None:
    """REG-2.2.1 / REG-2.2.3: the service head sends another technician; the PM changes
    the team — never to someone without a height certificate (X-6.5)."""
    walk(wo, S.DISPATCHED, crew)
    sv.work_order_reassign(
        actor=people["head"], work_order=wo, technician=people["tech2"], note="张伟请假"
    )
    wo.refresh_from_db()
    assert wo.technician == people["tech2"]
    crew.tech = people["tech2"]
    walk(wo, S.ASSIGNED, crew)
    with pytest.raises(InvalidInput) as exc:
        sv.work_order_reassign(
            actor=people["pm"], work_order=wo, members=[people["uncertified"]], note="换人"
        )
    assert "林涛" in exc.value.fields["members"][0]
    sv.work_order_reassign(actor=people["pm"], work_order=wo, members=[], note="一人即可")
    assert list(wo.members.all()) == []
