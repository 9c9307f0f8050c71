"""Pages of the service process (REG-2, X-9.5): each role's pages, every step as a form,
refusals (403/404), bad input (422), stale versions (409) and query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from facadeops.service.models import ServiceRequest, WorkOrder, WOStatus

from .test_views_support import (
    World,
    advance,
    new_work_order,
    png_upload,
    signature_data_url,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.django_db


def detail(wo: WorkOrder) -> str:
    return reverse("service:workorder_detail", args=[wo.pk])


def step_url(wo: WorkOrder, step: str) -> str:
    return reverse("service:workorder_step", args=[wo.pk, step])


# -- requests (REG-2.1.2) -------------------------------------------------------------------------
def test_hotline_lookup_finds_caller_customer_and_projects(world: World, login: Any) -> None:
    """REG-2.1.1/2.1.2: the phone number finds the caller, the customer and its projects."""
    from facadeops.customers.models import Contact

    Contact.objects.create(customer=world.customer, name="刘经理", phone="138-0013-8000")
    client = login(world.agent)
    r = client.get(reverse("service:caller_lookup"), {"caller_phone": "13800138000"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "刘经理" in html and world.customer.name in html and world.project.name in html
    r = client.get(reverse("service:caller_lookup"), {"caller_phone": "13999999999"})
    assert 'id="caller-new"' in r.content.decode()


def test_hotline_lookup_refused_to_technician(world: World, login: Any) -> None:
    r = login(world.tech).get(reverse("service:caller_lookup"), {"caller_phone": "13800138000"})
    assert r.status_code == 403


def test_hotline_entry_records_request_with_all_fields(world: World, login: Any) -> None:
    """REG-2.1.2: customer, contact, project, problem, report time, channel, number BX-…"""
    client = login(world.agent)
    assert client.get(reverse("service:hotline")).status_code == 200
    r = client.post(
        reverse("service:hotline"),
        {
            "caller_phone": "13900001111",
            "caller_name": "陈先生",
            "customer": world.customer.pk,
            "project": world.project.pk,
            "kind": "repair",
            "channel": "hotline",
            "urgency": "urgent",
            "location": "东立面12层",
            "description": "玻璃幕墙渗水",
            "reported_at": "2026-03-02T09:30",
            "photos": [png_upload()],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    req = ServiceRequest.objects.get()
    assert req.number.startswith("BX-")
    assert req.customer == world.customer and req.project == world.project
    assert req.channel == "hotline" and req.received_by == world.agent
    assert r["Location"] == req.get_absolute_url()
    page = client.get(req.get_absolute_url())
    assert page.status_code == 200 and "玻璃幕墙渗水" in page.content.decode()


def test_hotline_bad_input_is_422_with_messages(world: World, login: Any) -> None:
    client = login(world.agent)
    r = client.post(
        reverse("service:hotline"),
        {
            "caller_name": "",
            "customer": world.other_customer.pk,
            "project": world.project.pk,
            "kind": "repair",
            "channel": "hotline",
            "urgency": "normal",
            "description": "",
            "reported_at": "not a date",
        },
    )
    assert r.status_code == 422
    form = r.context["form"]
    assert {"caller_name", "description", "reported_at", "project"} <= set(form.errors)
    assert ServiceRequest.objects.count() == 0


def test_hotline_refused_to_customer(world: World, login: Any) -> None:
    assert login(world.customer_user).get(reverse("service:hotline")).status_code == 403


def _inquiry(world: World) -> ServiceRequest:
    from facadeops.service import services

    return services.request_create(
        actor=world.agent,
        data={
            "kind": "inquiry",
            "channel": "hotline",
            "caller_name": "陈先生",
            "caller_phone": "13900001111",
            "customer": world.customer,
            "description": "保养周期是多久？",
            "urgency": "normal",
        },
    )


def test_inquiry_answered_and_closed_without_work_order(world: World, login: Any) -> None:
    """REG-2.1.2: inquiries are answered and closed without a work order."""
    req = _inquiry(world)
    client = login(world.agent)
    page = client.get(req.get_absolute_url())
    assert 'id="answer-form"' in page.content.decode()
    assert 'id="convert-btn"' not in page.content.decode()
    r = client.post(
        reverse("service:request_action", args=[req.pk, "answer"]),
        {"answer": "每年两次常规保养", "close": "on"},
    )
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == "closed" and req.answer == "每年两次常规保养"
    assert not WorkOrder.objects.exists()


def test_inquiry_answer_empty_is_422(world: World, login: Any) -> None:
    req = _inquiry(world)
    r = login(world.agent).post(
        reverse("service:request_action", args=[req.pk, "answer"]), {"answer": ""}
    )
    assert r.status_code == 422
    req.refresh_from_db()
    assert req.status == "new"


def test_request_converted_to_work_order(world: World, login: Any) -> None:
    """REG-2.1.2: a request becomes a work order, traceable from the request."""
    from facadeops.service import services

    req = services.request_create(
        actor=world.agent,
        data={
            "kind": "repair",
            "channel": "hotline",
            "caller_name": "陈先生",
            "customer": world.customer,
            "project": world.project,
            "description": "玻璃破裂",
            "urgency": "emergency",
        },
    )
    client = login(world.agent)
    r = client.post(reverse("service:request_action", args=[req.pk, "convert"]))
    wo = WorkOrder.objects.get(request=req)
    assert r.status_code == 302 and r["Location"] == wo.get_absolute_url()
    assert wo.number.startswith("GD-")
    assert wo.number in client.get(req.get_absolute_url()).content.decode()


def test_request_of_other_customer_is_404(world: World, login: Any) -> None:
    req = _inquiry(world)
    r = login(world.other_customer_user).get(req.get_absolute_url())
    assert r.status_code == 404


def test_request_edit_stale_version_is_409(world: World, login: Any) -> None:
    req = _inquiry(world)
    client = login(world.agent)
    data = {
        "kind": "inquiry",
        "channel": "hotline",
        "urgency": "normal",
        "caller_name": "陈先生",
        "caller_phone": "13900001111",
        "customer": world.customer.pk,
        "description": "改过的问题",
        "reported_at": "2026-03-02T09:30",
        "version": req.version,
    }
    assert client.post(reverse("service:request_edit", args=[req.pk]), data).status_code == 302
    r = client.post(reverse("service:request_edit", args=[req.pk]), data)  # the old version
    assert r.status_code == 409
    assert r.context["form"].non_field_errors()


def test_request_list_query_count_does_not_grow(
    world: World, login: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.4/X-9.5: the request list's queries do not grow with its rows."""
    client = login(world.agent)
    for _ in range(3):
        _inquiry(world)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("service:request_list")).status_code == 200
    for _ in range(20):
        _inquiry(world)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("service:request_list"))
    assert r.status_code == 200 and len(r.context["rows"]) == 23


# -- work-order list ------------------------------------------------------------------------------
def test_work_order_list_scoped_filtered_overdue_first_and_exported(
    world: World, login: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.5/X-9.2: list with filters, overdue first; query count does not grow with rows."""
    import datetime as dt

    from django.utils import timezone

    own = [new_work_order(world, title=f"工单{i}") for i in range(3)]
    new_work_order(world, title="别家工单", project=world.other_project)
    late = own[1]
    WorkOrder.objects.filter(pk=late.pk).update(
        on_site_due_at=timezone.now() - dt.timedelta(hours=3)
    )
    client = login(world.head)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("service:workorder_list"))
    assert r.status_code == 200
    rows = [row["object"] for row in r.context["rows"]]
    assert rows[0].pk == late.pk
    for i in range(20):
        new_work_order(world, title=f"更多{i}")
    with django_assert_max_num_queries(14):
        r = client.get(reverse("service:workorder_list"))
    assert len(r.context["rows"]) == 24
    r = client.get(reverse("service:workorder_list"), {"customer": world.other_customer.pk})
    assert [row["object"].title for row in r.context["rows"]] == ["别家工单"]
    r = client.get(reverse("service:workorder_list"), {"export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    # a customer sees only its own customer's work orders
    r = login(world.other_customer_user).get(reverse("service:workorder_list"))
    assert [row["object"].title for row in r.context["rows"]] == ["别家工单"]


# -- work-order detail and steps ---------------------------------------------------------------
def test_detail_shows_only_the_forms_the_engine_offers(world: World, login: Any) -> None:
    wo = new_work_order(world)
    head_page = login(world.head).get(detail(wo)).content.decode()
    assert 'id="form-triage"' in head_page
    # the technician not (yet) dispatched does not see it; quality sees it without the form
    assert login(world.tech).get(detail(wo)).status_code == 404
    quality_page = login(world.quality).get(detail(wo))
    assert quality_page.status_code == 200
    assert 'id="form-triage"' not in quality_page.content.decode()


def test_detail_of_other_customer_is_404(world: World, login: Any) -> None:
    wo = new_work_order(world)
    assert login(world.other_customer_user).get(detail(wo)).status_code == 404
    assert login(world.customer_user).get(detail(wo)).status_code == 200


def test_triage_form_sets_deadline_and_stale_version_is_409(world: World, login: Any) -> None:
    """REG-2.2.1: the service head triages; a stale version shows a conflict."""
    wo = new_work_order(world)
    client = login(world.head)
    data = {
        "nature": "repair",
        "urgency": "emergency",
        "technician": world.tech.pk,
        "version": wo.version,
    }
    r = client.post(step_url(wo, "triage"), {**data, "version": wo.version + 5})
    assert r.status_code == 409
    assert r.context["forms"]["triage"].non_field_errors()
    r = client.post(step_url(wo, "triage"), data)
    assert r.status_code == 302
    wo.refresh_from_db()
    assert wo.status == WOStatus.DISPATCHED and wo.technician == world.tech
    assert wo.on_site_due_at is not None


def test_triage_bad_input_and_wrong_role(world: World, login: Any) -> None:
    wo = new_work_order(world)
    r = login(world.head).post(
        step_url(wo, "triage"), {"nature": "x", "urgency": "normal", "version": wo.version}
    )
    assert r.status_code == 422
    assert {"nature", "technician"} <= set(r.context["forms"]["triage"].errors)
    data = {"nature": "repair", "urgency": "normal", "technician": world.tech.pk, "version": 1}
    assert login(world.quality).post(step_url(wo, "triage"), data).status_code == 403
    assert login(world.tech).post(step_url(wo, "triage"), data).status_code == 404
    wo.refresh_from_db()
    assert wo.status == WOStatus.NEW


def test_transition_button_shows_every_refusal_reason(world: World, login: Any) -> None:
    """REG-2.2.1: findings cannot be submitted without situation, difficulty and a photo."""
    wo = advance(world, new_work_order(world), WOStatus.ASSESSING)
    client = login(world.tech)
    r = client.post(
        reverse("service:workorder_transition", args=[wo.pk]),
        {"transition": "submit_findings", "version": wo.version},
        follow=True,
    )
    msgs = [str(m) for m in r.context["messages"]]
    assert len(msgs) >= 3
    wo.refresh_from_db()
    assert wo.status == WOStatus.ASSESSING


def test_transition_stale_version_refused(world: World, login: Any) -> None:
    wo = advance(world, new_work_order(world), WOStatus.PLAN_REVIEW)
    r = login(world.tech_head).post(
        reverse("service:workorder_transition", args=[wo.pk]),
        {"transition": "approve_plan_tech", "version": wo.version - 1},
        follow=True,
    )
    wo.refresh_from_db()
    assert wo.status == WOStatus.PLAN_REVIEW
    assert any(
        "changed by someone else" in str(m) or "修改" in str(m) for m in r.context["messages"]
    )


def test_assessment_defect_and_plan_forms(world: World, login: Any) -> None:
    """REG-2.2.1/2.2.2: findings, DOM-3 defect, plan with material lines, versions kept."""
    wo = advance(world, new_work_order(world), WOStatus.ASSESSING)
    client = login(world.tech)
    page = client.get(detail(wo)).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    r = client.post(step_url(wo, "assessment"), {"situation": "胶条老化", "difficulty": "simple"})
    assert r.status_code == 302
    r = client.post(step_url(wo, "defect"), {"defect_type": world.defect_type.pk, "quantity": 0})
    assert r.status_code == 422 and "quantity" in r.context["forms"]["defect"].errors
    r = client.post(step_url(wo, "defect"), {"defect_type": world.defect_type.pk, "quantity": 2})
    assert r.status_code == 302
    assert wo.defects.get().severity == world.defect_type.default_severity
    from facadeops.core.attachments import attachment_add

    attachment_add(actor=world.tech, target=wo, upload=png_upload(), caption="现场")
    client.post(
        reverse("service:workorder_transition", args=[wo.pk]),
        {"transition": "submit_findings", "version": wo.version},
    )
    wo.refresh_from_db()
    assert wo.status == WOStatus.PLANNING
    plan_post = {
        "content": "重新打胶",
        "tools": "胶枪",
        "schedule_start": "2026-12-01T08:00",
        "schedule_end": "2026-12-01T17:00",
        "safety_measures": "警戒区",
        "access_method": "interior",
        "material_0": world.material.pk,
        "quantity_0": "3",
        "note_0": "",
    }
    r = client.post(step_url(wo, "plan"), {**plan_post, "quantity_0": "-1"})
    assert r.status_code == 422 and r.context["forms"]["plan"].non_field_errors()
    r = client.post(step_url(wo, "plan"), plan_post)
    assert r.status_code == 302
    plan = wo.plans.get()
    assert plan.materials.get().quantity == 3


def test_plan_for_height_without_safety_items_cannot_be_submitted(world: World, login: Any) -> None:
    """REG-2.2.2/DOM-2: exterior work at height needs gondola/rope, certified staff, briefing."""
    wo = advance(world, new_work_order(world), WOStatus.PLANNING)
    client = login(world.tech)
    client.post(
        step_url(wo, "plan"),
        {
            "content": "更换玻璃",
            "schedule_start": "2026-12-01T08:00",
            "schedule_end": "2026-12-01T17:00",
            "safety_measures": "吊篮作业",
            "access_method": "gondola",
        },
    )
    r = client.post(
        reverse("service:workorder_transition", args=[wo.pk]),
        {"transition": "submit_plan", "version": wo.version},
        follow=True,
    )
    msgs = " ".join(str(m) for m in r.context["messages"])
    assert "持证上岗" in msgs and "安全技术交底" in msgs
    wo.refresh_from_db()
    assert wo.status == WOStatus.PLANNING


def test_assign_form_marks_certified_staff(world: World, login: Any) -> None:
    wo = advance(world, new_work_order(world), WOStatus.APPROVED)
    client = login(world.pm)
    r = client.get(detail(wo))
    assert 'id="form-assign"' in r.content.decode()
    r = client.post(
        step_url(wo, "assign"),
        {"lead": world.staff.pk, "requirements": "", "deadline": "", "version": wo.version},
    )
    assert r.status_code == 422
    r = login(world.tech_head).post(
        step_url(wo, "assign"),
        {
            "lead": world.staff.pk,
            "requirements": "按方案",
            "deadline": "2026-12-05T17:00",
            "version": wo.version,
        },
    )
    assert r.status_code == 403


def test_customer_acceptance_with_signature_and_rejection(world: World, login: Any) -> None:
    """REG-2.4.1: signed on the phone, or rejected with a reason → rectification."""
    wo = advance(world, new_work_order(world), WOStatus.CUSTOMER_ACCEPTANCE)
    client = login(world.staff)
    page = client.get(detail(wo)).content.decode()
    assert "data-signature-for" in page
    r = client.post(step_url(wo, "acceptance"), {"accepted": "1", "signer_name": "刘经理"})
    assert r.status_code == 422
    r = client.post(
        step_url(wo, "acceptance"),
        {
            "accepted": "1",
            "signer_name": "刘经理",
            "signature_data_url": "data:image/png;base64,xx",
        },
    )
    assert r.status_code == 422
    wo.refresh_from_db()
    assert wo.status == WOStatus.CUSTOMER_ACCEPTANCE
    r = client.post(
        step_url(wo, "acceptance"),
        {"accepted": "0", "signer_name": "刘经理", "reason": "玻璃上仍有胶痕"},
    )
    assert r.status_code == 302
    wo.refresh_from_db()
    assert wo.status == WOStatus.RECTIFICATION


def test_service_record_signed_and_archived_is_read_only(world: World, login: Any) -> None:
    """REG-2.5.1/2.5.2: record filled, signed, reviewed; archived work order refuses changes."""
    wo = advance(world, new_work_order(world), WOStatus.RECORD)
    client = login(world.staff)
    assert client.post(step_url(wo, "record_fill")).status_code == 302
    r = client.post(
        step_url(wo, "record_sign"),
        {"content": "打胶", "result": "合格", "signature_data_url": signature_data_url()},
    )
    assert r.status_code == 302
    wo = advance(world, wo, WOStatus.ARCHIVED)
    r = login(world.staff).post(step_url(wo, "progress"), {"text": "再改一下"})
    assert r.status_code in {409, 403}
    assert not wo.logs.filter(text="再改一下").exists()


def test_detail_query_count_does_not_grow(
    world: World, login: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.5: the detail page's queries do not grow with its records."""
    from decimal import Decimal

    from facadeops.service import services

    wo = advance(world, new_work_order(world), WOStatus.IN_PROGRESS)
    client = login(world.staff)
    client.get(detail(wo))
    with django_assert_max_num_queries(80) as ctx1:
        assert client.get(detail(wo)).status_code == 200
    for i in range(8):
        services.progress_log(actor=world.staff, work_order=wo, text=f"进度{i}", percent_done=i)
        services.part_replacement_add(
            actor=world.staff,
            work_order=wo,
            old_part=f"旧胶条{i}",
            material=world.material,
            quantity=Decimal("1"),
            batch="B1",
        )
    with django_assert_max_num_queries(len(ctx1.captured_queries)):
        assert client.get(detail(wo)).status_code == 200


# -- pages per role (X-9.5) ---------------------------------------------------------------------
def test_board_by_state_with_sla_and_query_count(
    world: World, login: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.5: the service head's board; query count does not grow with rows."""
    for i in range(3):
        new_work_order(world, title=f"看板{i}")
    client = login(world.head)
    with django_assert_max_num_queries(12) as ctx:
        r = client.get(reverse("service:board"))
    assert r.status_code == 200 and 'data-state="new"' in r.content.decode()
    for i in range(15):
        new_work_order(world, title=f"更多{i}")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        r = client.get(reverse("service:board"))
    # issue 7: a column shows its first BOARD_COLUMN_LIMIT cards and the total, with a
    # link to the filtered list for the rest
    from facadeops.service.selectors import BOARD_COLUMN_LIMIT

    html = r.content.decode()
    assert html.count("wo-card") == BOARD_COLUMN_LIMIT == 10
    assert '<span class="badge text-bg-light board-count">18</span>' in html
    assert f'href="{reverse("service:workorder_list")}?status=new"' in html
    assert login(world.tech).get(reverse("service:board")).status_code == 403


def test_my_work_today_approvals_inspections_dashboard(world: World, login: Any) -> None:
    """X-9.5: my work today (technician), approvals (PM / tech head), inspections (quality),
    dashboard."""
    wo = advance(world, new_work_order(world), WOStatus.DISPATCHED)
    r = login(world.tech).get(reverse("service:my_work_today"))
    assert wo.number in r.content.decode()
    wo2 = advance(world, new_work_order(world, title="第二单"), WOStatus.PLAN_REVIEW)
    assert wo2.number in login(world.tech_head).get(reverse("service:approvals")).content.decode()
    assert login(world.staff).get(reverse("service:approvals")).status_code == 403
    wo3 = advance(world, new_work_order(world, title="第三单"), WOStatus.COMPLETED)
    r = login(world.quality).get(reverse("service:inspections"))
    assert wo3.number in r.content.decode()
    assert login(world.tech).get(reverse("service:inspections")).status_code == 403
    r = login(world.management).get(reverse("service:dashboard"))
    assert r.status_code == 200 and "dashboard-data" in r.content.decode()
    data = login(world.management).get(reverse("service:dashboard_data")).json()
    assert data["open"] == 3 and {i["key"] for i in data["by_state"]} >= {"dispatched"}
    assert login(world.customer_user).get(reverse("service:dashboard")).status_code == 403


def test_navigation_entries_per_role(world: World, login: Any) -> None:
    from facadeops.core.navigation import navigation_for

    names = {i["name"] for i in navigation_for(world.head)}
    assert {"service:workorder_list", "service:board", "service:request_list"} <= names
    names = {i["name"] for i in navigation_for(world.tech)}
    assert "service:my_work_today" in names and "service:board" not in names
    names = {i["name"] for i in navigation_for(world.quality)}
    assert "service:inspections" in names


def test_returned_plan_revised_as_new_version_with_changes_marked(world: World, login: Any) -> None:
    """REG-2.2.2: either reviewer may return the plan with a comment; every version is kept
    and the history marks what changed."""
    wo = advance(world, new_work_order(world), WOStatus.PLAN_REVIEW)
    r = login(world.tech_head).post(
        reverse("service:workorder_transition", args=[wo.pk]),
        {"transition": "return_plan_tech", "version": wo.version, "note": "请补充警戒范围"},
    )
    assert r.status_code == 302
    wo.refresh_from_db()
    assert wo.status == WOStatus.PLANNING
    client = login(world.tech)
    r = client.post(
        step_url(wo, "plan"),
        {
            "content": "拆除旧胶，清洁，重新打胶；警戒范围 10 m",
            "schedule_start": "2026-12-01T08:00",
            "schedule_end": "2026-12-01T17:00",
            "safety_measures": "设置 10 m 警戒区",
            "access_method": "interior",
            "material_0": world.material.pk,
            "quantity_0": "2",
        },
    )
    assert r.status_code == 302
    assert list(wo.plans.order_by("version_no").values_list("outcome", flat=True)) == [
        "returned",
        "draft",
    ]
    page = client.get(detail(wo)).content.decode()
    assert page.count('class="border rounded p-2 mb-2 plan-version"') == 2
    assert "请补充警戒范围" in page and "plan-changed" in page
