"""User journeys of the service process (REG-2) in the browser, each step by its own role:
(a) the whole chain from the hotline call to the archive, signature drawn on the canvas;
(b) a change request approved mid-work and a failed internal acceptance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from facadeops.service.models import ServiceRequest, WorkOrder, WOStatus
from facadeops.service.tests.test_views_support import (
    World,
    advance,
    new_work_order,
    png_bytes,
    world,
)

__all__ = ["world"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"


def sign_in(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def open_wo(page: Any, wo: WorkOrder) -> None:
    page.goto(reverse("service:workorder_detail", args=[wo.pk]))


def press(page: Any, transition: str, note: str = "") -> None:
    form = page.locator(f"form:has(button[data-transition={transition}])")
    if note:
        form.locator("input[name=note]").fill(note)
    form.locator(f"button[data-transition={transition}]").click()
    page.wait_for_load_state("networkidle")


def submit_step(page: Any, step: str) -> None:
    page.locator(f"#form-{step} button.step-submit").click()
    page.wait_for_load_state("networkidle")


def status_of(wo: WorkOrder) -> str:
    wo.refresh_from_db()
    return wo.status


def draw_signature(page: Any, pad_id: str) -> None:
    pad = page.locator(f"#{pad_id}")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + 150)
    page.mouse.down()
    page.mouse.move(x + 120, y + 40, steps=12)
    page.mouse.move(x + 220, y + 140, steps=12)
    page.mouse.move(x + 300, y + 60, steps=12)
    page.mouse.up()


def photo(tmp_path: Any) -> str:
    path = tmp_path / "site.png"
    path.write_bytes(png_bytes((64, 48), "teal"))
    return str(path)


def test_whole_chain_each_step_by_its_role(page: Any, world: World, tmp_path: Any) -> None:
    """REG-2.1.2 … REG-2.5.2 in the browser: hotline → triage → on site → plan → review →
    approval → assignment → preparation → execution → completion → internal acceptance →
    customer signature → service record → review → archive (X-9.5 pages on the way)."""
    w = world
    # -- the agent takes the call (REG-2.1.2) --
    sign_in(page, w.agent)
    page.goto(reverse("service:hotline"))
    page.fill("#id_caller_phone", "13912345678")
    page.fill("#id_caller_name", "刘经理")
    page.select_option("#id_customer", str(w.customer.pk))
    page.select_option("#id_project", str(w.project.pk))
    page.select_option("#id_kind", "repair")
    page.select_option("#id_urgency", "urgent")
    page.fill("#id_location", "东立面12层")
    page.fill("#id_description", "12层窗角渗水，玻璃周边胶条开裂")
    page.set_input_files("#id_photos", photo(tmp_path))
    page.locator("#hotline-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    req = ServiceRequest.objects.get()
    assert req.number in page.content()
    page.click("#convert-btn")
    page.wait_for_load_state("networkidle")
    wo = WorkOrder.objects.get(request=req)
    assert wo.number in page.content()

    # -- the service head triages (REG-2.2.1) --
    sign_in(page, w.head)
    page.goto(reverse("service:board"))
    assert wo.number in page.content()
    open_wo(page, wo)
    page.select_option("#form-triage select[name=technician]", str(w.tech.pk))
    page.select_option("#form-triage select[name=urgency]", "urgent")
    submit_step(page, "triage")
    assert status_of(wo) == WOStatus.DISPATCHED

    # -- the technician on site: check-in, findings, defect, photo, plan --
    sign_in(page, w.tech)
    page.goto(reverse("service:my_work_today"))
    page.locator(f".today-card[data-number='{wo.number}'] a.btn-primary").click()
    page.wait_for_load_state("networkidle")
    submit_step(page, "check_in")
    assert status_of(wo) == WOStatus.ASSESSING
    page.fill("#form-assessment textarea[name=situation]", "窗角胶条老化开裂，局部渗水")
    page.select_option("#form-assessment select[name=difficulty]", "simple")
    submit_step(page, "assessment")
    page.select_option("#form-defect select[name=defect_type]", str(w.defect_type.pk))
    page.fill("#form-defect input[name=location]", "东立面12层 C轴")
    submit_step(page, "defect")
    page.set_input_files("#camera-file", photo(tmp_path))
    page.locator("#camera-upload button").click()
    page.wait_for_load_state("networkidle")
    press(page, "submit_findings")
    assert status_of(wo) == WOStatus.PLANNING
    page.fill("#form-plan textarea[name=content]", "清除旧胶，清洁基面，重新注胶")
    page.fill("#form-plan textarea[name=tools]", "胶枪、刮刀")
    start = timezone.localtime() + dt.timedelta(days=1)
    page.fill("#form-plan input[name=schedule_start]", start.strftime("%Y-%m-%dT08:00"))
    page.fill("#form-plan input[name=schedule_end]", start.strftime("%Y-%m-%dT17:00"))
    page.fill("#form-plan textarea[name=safety_measures]", "设置警戒区")
    page.select_option("#form-plan select[name=access_method]", "interior")
    page.select_option("#form-plan select[name=material_0]", str(w.material.pk))
    page.fill("#form-plan input[name=quantity_0]", "2")
    submit_step(page, "plan")
    press(page, "submit_plan")
    assert status_of(wo) == WOStatus.PLAN_REVIEW

    # -- technical head reviews, project manager approves and assigns (REG-2.2.2/2.2.3) --
    sign_in(page, w.tech_head)
    page.goto(reverse("service:approvals"))
    assert wo.number in page.content()
    open_wo(page, wo)
    press(page, "approve_plan_tech")
    assert status_of(wo) == WOStatus.PLAN_APPROVAL
    sign_in(page, w.pm)
    open_wo(page, wo)
    press(page, "approve_plan")
    assert status_of(wo) == WOStatus.APPROVED
    page.select_option("#form-assign select[name=lead]", str(w.staff.pk))
    page.fill("#form-assign textarea[name=requirements]", "按方案施工，注意安全")
    deadline = timezone.localtime() + dt.timedelta(days=3)
    page.fill("#form-assign input[name=deadline]", deadline.strftime("%Y-%m-%dT17:00"))
    submit_step(page, "assign")
    assert status_of(wo) == WOStatus.ASSIGNED

    # -- the staff: read the plan, draw materials, start, log, complete --
    sign_in(page, w.staff)
    open_wo(page, wo)
    submit_step(page, "acknowledge")
    page.select_option("#form-draw select[name=material]", str(w.material.pk))
    page.fill("#form-draw input[name=quantity]", "2")
    submit_step(page, "draw")
    press(page, "prepare")
    assert status_of(wo) == WOStatus.READY
    press(page, "start")
    assert status_of(wo) == WOStatus.IN_PROGRESS
    page.fill("#form-progress textarea[name=text]", "旧胶已清除")
    page.set_input_files("#progress-photos", photo(tmp_path))
    submit_step(page, "progress")
    page.fill("#form-part input[name=old_part]", "老化胶条")
    page.select_option("#form-part select[name=material]", str(w.material.pk))
    page.fill("#form-part input[name=quantity]", "1")
    page.fill("#form-part input[name=batch]", "B2026-03")
    submit_step(page, "part")
    for name in ("site_cleaned", "facade_restored", "cordon_removed"):
        page.check(f"#form-completion input[name={name}]")
    submit_step(page, "completion")
    press(page, "complete")
    assert status_of(wo) == WOStatus.COMPLETED

    # -- quality: internal acceptance (REG-2.4.2) --
    sign_in(page, w.quality)
    page.goto(reverse("service:inspections"))
    assert wo.number in page.content()
    open_wo(page, wo)
    for name in (
        "follows_plan",
        "materials_correct",
        "result_meets_standard",
        "documents_complete",
    ):
        page.check(f"#form-quality input[name={name}]")
    page.check("#form-quality input[name=passed][value='1']")
    submit_step(page, "quality")
    assert status_of(wo) == WOStatus.CUSTOMER_ACCEPTANCE

    # -- the customer signs on the staff member's phone (REG-2.4.1) --
    sign_in(page, w.staff)
    open_wo(page, wo)
    page.fill("#form-acceptance input[name=signer_name]", "刘经理")
    draw_signature(page, "acceptance-pad")
    submit_step(page, "acceptance")
    assert status_of(wo) == WOStatus.RECORD
    assert wo.acceptances.get().signature

    # -- service record: filled, signed, submitted (REG-2.5.1) --
    submit_step(page, "record_fill")
    draw_signature(page, "record-pad")
    submit_step(page, "record_sign")
    press(page, "submit_record")
    assert status_of(wo) == WOStatus.RECORD_REVIEW

    # -- the service head reviews and archives (REG-2.5.2) --
    sign_in(page, w.head)
    open_wo(page, wo)
    press(page, "approve_record")
    assert status_of(wo) == WOStatus.TO_ARCHIVE
    press(page, "archive")
    assert status_of(wo) == WOStatus.ARCHIVED
    try:
        search_url = reverse("archive:entry_list")
    except NoReverseMatch:  # the archive pages are not mounted in this build
        return
    # the dossier is found by a Chinese full-text search in the archive (REG-2.5.2)
    page.goto(search_url)
    page.fill("#id_q", "陆家嘴金融中心")
    page.locator("#list-filter button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    results = page.locator("#list-results")
    assert wo.number in results.inner_text() or wo.title in results.inner_text()
    results.locator("tbody a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("a[href$='dossier.pdf']").count() >= 1


def test_change_request_mid_work_and_failed_internal_acceptance(page: Any, world: World) -> None:
    """REG-2.3.1: a change of plan approved by the technical head AND the project manager
    while work goes on; REG-2.4.2: a failed internal acceptance goes back to rectification."""
    w = world
    wo = advance(w, new_work_order(w), WOStatus.IN_PROGRESS)

    sign_in(page, w.tech)
    open_wo(page, wo)
    page.fill("#form-plan textarea[name=change_reason]", "拆除后发现副框锈蚀，需要更换连接件")
    page.fill("#form-plan textarea[name=content]", "更换锈蚀连接件，重新注胶")
    page.select_option("#form-plan select[name=material_0]", str(w.material.pk))
    page.fill("#form-plan input[name=quantity_0]", "4")
    submit_step(page, "plan")
    press(page, "request_change")
    assert status_of(wo) == WOStatus.CHANGE_REVIEW

    sign_in(page, w.tech_head)
    open_wo(page, wo)
    press(page, "approve_change_tech")
    assert status_of(wo) == WOStatus.CHANGE_APPROVAL
    sign_in(page, w.pm)
    open_wo(page, wo)
    press(page, "approve_change")
    assert status_of(wo) == WOStatus.IN_PROGRESS
    versions = list(wo.plans.order_by("version_no").values_list("outcome", "is_change"))
    assert versions == [("superseded", False), ("approved", True)]
    page.goto(reverse("service:workorder_detail", args=[wo.pk]))
    assert page.locator(".plan-version").count() == 2

    # the staff completes; quality fails the internal acceptance
    from facadeops.service import services

    services.material_draw(actor=w.staff, work_order=wo, material=w.material, quantity=Decimal("2"))
    sign_in(page, w.staff)
    open_wo(page, wo)
    for name in ("site_cleaned", "facade_restored", "cordon_removed"):
        page.check(f"#form-completion input[name={name}]")
    submit_step(page, "completion")
    press(page, "complete")
    assert status_of(wo) == WOStatus.COMPLETED

    sign_in(page, w.quality)
    open_wo(page, wo)
    page.check("#form-quality input[name=passed][value='0']")
    page.fill("#form-quality textarea[name=findings]", "打胶不饱满")
    page.fill("#form-quality textarea[name=rectification]", "12层C轴重新注胶")
    submit_step(page, "quality")
    assert status_of(wo) == WOStatus.RECTIFICATION
    assert wo.rectifications.filter(done_at__isnull=True).count() == 1
    assert "12层C轴重新注胶" in page.content()
