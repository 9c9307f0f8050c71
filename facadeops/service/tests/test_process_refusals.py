# ruff: noqa: F811  (pytest fixtures imported from test_process_flow)
"""The refusals of the service process: wrong role, wrong order, missing safety measures,
uncertified staff, another customer's work order, archived records, stale versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from facadeops.core.errors import Conflict, Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from facadeops.service import selectors
from facadeops.service import services as sv
from facadeops.service.demo import plan_data, walk
from facadeops.service.models import AccessMethod, WorkOrder, WOStatus

from .test_process_flow import (  # noqa: F401  (fixtures)
    _fast_passwords,
    crew,
    give_height_certificate,
    make_request,
    people,
    wo,
    world,
)

S = WOStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _snapshot(wo: WorkOrder) -> tuple[Any, ...]:
    fresh = WorkOrder.objects.get(pk=wo.pk)
    return (fresh.status, fresh.version, fresh.technician_id, fresh.lead_id)


def test_wrong_role_cannot_triage(people, world, wo) -> None:
    """REG-2.2.1: only the service head triages; nothing changes on refusal."""
    before = _snapshot(wo)
    for who in ("agent", "pm", "tech_head", "quality"):
        with pytest.raises(Forbidden):
            sv.work_order_triage(
                actor=people[who],
                work_order=wo,
                nature="repair",
                urgency="urgent",
                technician=people["tech"],
                exterior_work=False,
                expected_version=wo.version,
            )
    assert _snapshot(wo) == before


def test_wrong_order_raises_and_changes_nothing(people, world, crew, wo) -> None:
    """REG-2.2.2: the PM cannot approve before the technical head reviewed; a step out of
    order raises and nothing changes."""
    walk(wo, S.PLAN_REVIEW, crew)
    before = _snapshot(wo)
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["pm"], work_order=wo, name="approve_plan")
    assert "not possible" in exc.value.reasons[0] or "不" in exc.value.reasons[0]
    with pytest.raises(TransitionNotAllowed):
        sv.work_order_transition(actor=people["head"], work_order=wo, name="archive")
    assert _snapshot(wo) == before
    # and the technician cannot review his own plan
    with pytest.raises(Forbidden):
        sv.work_order_transition(actor=people["tech"], work_order=wo, name="approve_plan_tech")
    assert _snapshot(wo) == before


def test_only_the_own_technician_works_the_order(people, world, crew, wo) -> None:
    """REG-2.2.1: another technician neither sees nor checks in on the work order."""
    walk(wo, S.DISPATCHED, crew)
    with pytest.raises(NotFound):
        sv.work_order_check_in(actor=people["tech2"], work_order=wo)
    with pytest.raises(NotFound):
        selectors.work_order_get(user=people["tech2"], pk=wo.pk)
    assert _snapshot(wo)[0] == S.DISPATCHED


def test_findings_need_situation_difficulty_and_photo(people, world, crew, wo) -> None:
    """REG-2.2.1: findings record the actual situation and difficulty, with photos — all
    missing items are listed at once."""
    walk(wo, S.ASSESSING, crew)
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["tech"], work_order=wo, name="submit_findings")
    assert len(exc.value.reasons) == 3
    assert _snapshot(wo)[0] == S.ASSESSING


def test_plan_without_safety_items_for_exterior_work_cannot_be_submitted(
    people, world, crew, wo
) -> None:
    """REG-2.2.2 / DOM-2: exterior work at height requires gondola or rope access,
    certified staff and a signed safety briefing — every missing item listed at once."""
    walk(wo, S.PLANNING, crew)  # triaged as exterior work
    data = plan_data(at_height=False)  # interior access, nothing signed
    data["safety_measures"] = ""
    sv.plan_save(actor=people["tech"], work_order=wo, data=data, materials=[])
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["tech"], work_order=wo, name="submit_plan")
    reasons = " | ".join(exc.value.reasons)
    assert len(exc.value.reasons) == 4, reasons  # safety measures + 3 height items
    assert "gondola" in reasons or "吊篮" in reasons
    assert "持证上岗" in reasons and "安全技术交底" in reasons
    assert _snapshot(wo)[0] == S.PLANNING
    fixed = plan_data(at_height=True)
    sv.plan_save(actor=people["tech"], work_order=wo, data=fixed, materials=[])
    assert wo.plans.count() == 1  # the draft was edited, not a new version
    sv.work_order_transition(actor=people["tech"], work_order=wo, name="submit_plan")
    assert wo.status == S.PLAN_REVIEW


def test_plan_bad_material_lines_refused(people, world, crew, wo) -> None:
    """REG-2.2.2: materials from the catalogue with quantities > 0; nothing half written."""
    walk(wo, S.PLANNING, crew)
    with pytest.raises(InvalidInput) as exc:
        sv.plan_save(
            actor=people["tech"],
            work_order=wo,
            data=plan_data(at_height=True),
            materials=[(world["materials"][0], "-1", ""), (999999, Decimal("1"), "")],
        )
    assert len(exc.value.fields["materials"]) == 2
    assert not wo.plans.exists()


def test_uncertified_staff_cannot_be_assigned_to_work_at_height(people, world, crew, wo) -> None:
    """REG-2.2.3 / X-6.5: nobody without a valid work-at-height certificate is assigned
    work at height; every such person is named; nothing is written."""
    from facadeops.accounts.models import User

    expired = people["outsider"]
    give_height_certificate(expired, valid_to=dt.date(2020, 1, 1))
    walk(wo, S.APPROVED, crew)
    before = _snapshot(wo)
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_assign(
            actor=people["pm"],
            work_order=wo,
            lead=people["lead"],
            members=[people["uncertified"], expired],
            requirements="按方案施工",
            deadline=timezone.now() + dt.timedelta(days=2),
            expected_version=wo.version,
        )
    text = " | ".join(exc.value.reasons)
    assert "林涛" in text and "局外人" in text and "赵磊" not in text
    assert _snapshot(wo) == before and not wo.members.exists()
    assert User.objects.get(pk=people["lead"].pk)  # unchanged data


def test_assignment_needs_lead_requirements_deadline(people, world, crew, wo) -> None:
    """REG-2.2.3: lead, requirements and deadline are required."""
    crew.at_height = False
    walk(wo, S.APPROVED, crew)
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_assign(
            actor=people["pm"],
            work_order=wo,
            lead=None,
            members=[],
            requirements="",
            deadline=None,
            expected_version=wo.version,
        )
    assert len(exc.value.reasons) == 3
    with pytest.raises(InvalidInput) as exc2:
        sv.work_order_assign(
            actor=people["pm"],
            work_order=wo,
            lead=people["tech"],  # not service staff
            members=[],
            requirements="x",
            deadline=None,
            expected_version=wo.version,
        )
    assert "lead" in exc2.value.fields


def test_preparation_needs_plan_read_and_materials_drawn(people, world, crew, wo) -> None:
    """REG-2.2.3: staff prepare — read the plan, draw the materials — before work starts."""
    walk(wo, S.ASSIGNED, crew)
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["lead"], work_order=wo, name="prepare")
    assert len(exc.value.reasons) == 3  # acknowledgement + two materials
    with pytest.raises(Forbidden):  # the technician is not on the team
        sv.plan_acknowledge(actor=people["tech"], work_order=wo)
    with pytest.raises(NotFound):  # staff of another task do not even see it
        sv.material_draw(
            actor=people["outsider"], work_order=wo, material=world["materials"][0], quantity=1
        )


def test_stale_version_is_a_conflict(people, world, wo) -> None:
    """X-9.1 concurrency: a stale version is refused (409) and nothing is written."""
    stale = wo.version
    sv.work_order_triage(
        actor=people["head"],
        work_order=wo,
        nature="repair",
        urgency="urgent",
        technician=people["tech"],
        exterior_work=False,
        expected_version=stale,
    )
    wo2 = make_request(people, world)
    wo2 = sv.request_convert(actor=people["head"], request=wo2)
    sv.work_order_transition(actor=people["head"], work_order=wo2, name="hold", note="暂缓")
    with pytest.raises((Conflict, TransitionNotAllowed)):
        sv.work_order_triage(
            actor=people["head"],
            work_order=wo,
            nature="repair",
            urgency="normal",
            technician=people["tech2"],
            exterior_work=False,
            expected_version=stale,
        )
    wo.refresh_from_db()
    assert wo.technician == people["tech"] and wo.urgency == "urgent"


def test_stale_checklist_version_conflict(people, world, crew, wo) -> None:
    """REG-2.4.1 checklist edit with a stale version → Conflict, nothing written."""
    walk(wo, S.IN_PROGRESS, crew)
    stale = wo.version
    sv.progress_log(actor=people["lead"], work_order=wo, text="进行中")
    sv.work_order_transition(actor=people["lead"], work_order=wo, name="pause", note="下雨")
    sv.work_order_transition(actor=people["lead"], work_order=wo, name="resume")
    with pytest.raises(Conflict):
        sv.completion_update(
            actor=people["lead"],
            work_order=wo,
            site_cleaned=True,
            facade_restored=True,
            cordon_removed=True,
            expected_version=stale,
        )
    wo.refresh_from_db()
    assert not wo.site_cleaned


def test_other_customers_work_order_is_not_found(people, world, wo) -> None:
    """REG-1.3 scope: a customer sees only its own customer's work orders (404 otherwise)."""
    own = world["customer_user_a"]
    other = world["customer_user_b"]
    assert selectors.work_order_get(user=own, pk=wo.pk) == wo
    with pytest.raises(NotFound):
        selectors.work_order_get(user=other, pk=wo.pk)
    assert list(selectors.work_order_list(user=other)) == []
    with pytest.raises(NotFound):
        selectors.request_get(user=other, pk=wo.request_id)
    with pytest.raises(NotFound):
        sv.customer_acceptance_record(
            actor=other, work_order=wo, accepted=False, signer_name="x", reason="y"
        )


def test_customer_cannot_take_staff_steps(people, world, crew, wo) -> None:
    """REG-2.4.1: the customer may accept or reject its own work order, nothing else."""
    with pytest.raises(Forbidden):
        sv.work_order_transition(
            actor=world["customer_user_a"], work_order=wo, name="cancel", note="不要了"
        )
    walk(wo, S.CUSTOMER_ACCEPTANCE, crew)
    with pytest.raises(Forbidden):
        sv.progress_log(actor=world["customer_user_a"], work_order=wo, text="x")


def test_service_staff_see_only_their_own_tasks(people, world, crew, wo) -> None:
    """REG-1.3: service staff see only their own tasks; technicians theirs."""
    walk(wo, S.ASSIGNED, crew)
    other = sv.request_convert(actor=people["head"], request=make_request(people, world))
    lead_ids = set(selectors.work_order_list(user=people["lead"]).values_list("pk", flat=True))
    assert lead_ids == {wo.pk}
    assert set(selectors.work_order_list(user=people["member"]).values_list("pk", flat=True)) == {
        wo.pk
    }
    assert not selectors.work_order_list(user=people["outsider"]).exists()
    assert set(selectors.work_order_list(user=people["head"]).values_list("pk", flat=True)) == {
        wo.pk,
        other.pk,
    }


def test_archived_work_order_cannot_change(people, world, crew, wo) -> None:
    """REG-2.5.2: archived records cannot be changed — no step, no log, no checklist, no
    attachment, no reassignment."""
    from facadeops.core.attachments import attachment_add
    from facadeops.service.demo import photo

    walk(wo, S.ARCHIVED, crew)
    before = _snapshot(wo)
    with pytest.raises(Conflict) as exc:
        sv.progress_log(actor=people["lead"], work_order=wo, text="补记")
    assert exc.value.code == "archived"
    with pytest.raises(Conflict):
        sv.work_order_transition(actor=people["head"], work_order=wo, name="cancel", note="x")
    with pytest.raises(Conflict):
        sv.completion_update(
            actor=people["lead"],
            work_order=wo,
            site_cleaned=False,
            facade_restored=False,
            cordon_removed=False,
            expected_version=wo.version,
        )
    with pytest.raises(Conflict):
        sv.work_order_reassign(
            actor=people["head"], work_order=wo, technician=people["tech2"], note="x"
        )
    with pytest.raises(Forbidden):
        attachment_add(actor=people["head"], target=wo, upload=photo())
    assert _snapshot(wo) == before


def test_request_cancel_needs_reason_and_desk_role(people, world) -> None:
    """REG-2.1.2: a request is cancelled with a reason by the agent or the service head."""
    req = make_request(people, world)
    with pytest.raises(Forbidden):
        sv.request_cancel(actor=people["pm"], request=req, note="x")
    with pytest.raises(TransitionNotAllowed):
        sv.request_cancel(actor=people["agent"], request=req, note="")
    sv.request_cancel(actor=people["agent"], request=req, note="重复报修")
    req.refresh_from_db()
    assert req.status == "cancelled"


def test_quality_check_cannot_pass_with_failed_items(people, world, crew, wo) -> None:
    """REG-2.3.2: a check with an unmet item cannot pass; a failure needs the
    rectification text; only quality inspects."""
    walk(wo, S.IN_PROGRESS, crew)
    kwargs = {
        "work_order": wo,
        "kind": "supervision",
        "follows_plan": False,
        "materials_correct": True,
        "result_meets_standard": True,
        "documents_complete": True,
    }
    with pytest.raises(InvalidInput) as exc:
        sv.quality_check_add(actor=people["quality"], passed=True, **kwargs)
    assert "follows_plan" in exc.value.fields
    with pytest.raises(InvalidInput):
        sv.quality_check_add(actor=people["quality"], passed=False, **kwargs)
    with pytest.raises(Forbidden):
        sv.quality_check_add(actor=people["tech_head"], passed=False, findings="x", **kwargs)
    with pytest.raises(Conflict):
        sv.quality_check_add(
            actor=people["quality"],
            work_order=wo,
            kind="internal_acceptance",
            follows_plan=True,
            materials_correct=True,
            result_meets_standard=True,
            documents_complete=True,
            passed=True,
        )
    assert not wo.quality_checks.exists()


def test_height_access_without_exterior_flag_still_needs_safety(people, world, crew, wo) -> None:
    """DOM-2: a gondola plan is work at height even if triage did not flag exterior work."""
    crew.at_height = False
    walk(wo, S.PLANNING, crew)
    data = plan_data(at_height=False)
    data["access_method"] = AccessMethod.ROPE
    sv.plan_save(actor=people["tech"], work_order=wo, data=data, materials=[])
    with pytest.raises(TransitionNotAllowed) as exc:
        sv.work_order_transition(actor=people["tech"], work_order=wo, name="submit_plan")
    assert len(exc.value.reasons) == 2
