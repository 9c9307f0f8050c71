"""User journeys of maintenance planning (REG-3, DOM-3) in the browser, each step by its
own role: (a) draft → technical review → PM approval → publish → work order generated →
done → quarterly review → revision approved by the PM; (b) on the elevation map, pinning a
defect colours its panel."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from facadeops.planning import services
from facadeops.planning.models import AnnualPlan, PlanStatus
from facadeops.service.models import WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    """People per role and one project; the seeded rule tables are re-seeded after a
    flush (transactional tests)."""
    from facadeops.customers import services as customer_services
    from facadeops.customers.models import FacadeSystem, GlassType
    from facadeops.service.models import DefectType

    seed = importlib.import_module("facadeops.planning.migrations.0002_seed_rules")
    seed.seed(django_apps, None)
    facade, _c = FacadeSystem.objects.get_or_create(
        code="unitised-glass", defaults={"name": "单元式玻璃幕墙", "category": "glass"}
    )
    glass, _c = GlassType.objects.get_or_create(code="tempered", defaults={"name": "钢化玻璃"})
    if not DefectType.objects.filter(is_active=True).exists():
        DefectType.objects.create(code="GL-01", name="玻璃自爆/破裂", default_severity="S1")
    p = {
        "boss": make_user("management", username="boss", full_name="吴总"),
        "head": make_user("service_head", username="head", full_name="王建国"),
        "tech_head": make_user("tech_head", username="techhead", full_name="赵工"),
        "pm": make_user("project_manager", username="pm", full_name="李明"),
        "tech": make_user("technician", username="tech", full_name="张技术"),
    }
    customer = customer_services.customer_create(
        actor=p["boss"], data={"name": "上海陆家嘴物业管理有限公司", "city": "上海"}
    )
    project = customer_services.project_create(
        actor=p["boss"],
        data={
            "customer": customer,
            "name": "陆家嘴金融大厦",
            "city": "上海",
            "project_manager": p["pm"],
            "service_head": p["head"],
            "completion_date": dt.date(2012, 5, 1),
        },
    )
    project.facade_systems.set([facade])
    project.glass_types.set([glass])
    p["project"] = project
    return p


def sign_in(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def press(page: Any, plan: AnnualPlan, transition: str) -> None:
    page.goto(reverse("planning:plan_detail", args=[plan.pk]))
    page.locator(f"button[data-transition={transition}]").click()
    page.wait_for_load_state("networkidle")


def test_plan_from_draft_to_approved_revision(page: Any, people: dict[str, Any]) -> None:
    """REG-3.1.1–3.1.3, REG-3.3.1, REG-3.2.1–3.2.2 in the browser."""
    p = people
    year = timezone.localdate().year
    sign_in(page, p["head"])
    page.goto(reverse("planning:draft_start"))
    page.fill("#id_year", str(year))
    page.locator("#draft-submit").click()
    page.wait_for_load_state("networkidle")
    assert "100%" in page.locator("#draft-progress").inner_text()
    plan = AnnualPlan.objects.get(project=p["project"], year=year)
    assert plan.items.exists()

    press(page, plan, "submit")
    sign_in(page, p["tech_head"])
    press(page, plan, "review")
    sign_in(page, p["pm"])
    press(page, plan, "approve")
    sign_in(page, p["head"])
    press(page, plan, "publish")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert "plan-status" in page.content()

    # the periodic job turns the first item into a work order ahead of its window
    item = plan.items.order_by("window_start", "key").first()
    assert item is not None
    created = services.generate_work_orders(on=item.window_start - dt.timedelta(days=1))
    assert created
    item.refresh_from_db()
    assert item.work_order is not None
    page.goto(reverse("planning:plan_detail", args=[plan.pk]))
    assert item.work_order.number in page.locator("#plan-items").inner_text()
    # the work is done within its window (the REG-2 chain is covered by its own journeys)
    WorkOrder.objects.filter(pk=item.work_order.pk).update(
        status="archived",
        completed_at=timezone.make_aware(dt.datetime.combine(item.window_start, dt.time(10))),
    )

    quarter = (item.window_start.month - 1) // 3 + 1
    page.goto(reverse("planning:review_create", args=[plan.pk]) + f"?quarter={quarter}")
    assert page.locator('[data-outcome="done"]').count() >= 1
    for area in page.locator("#review-lines textarea").all():
        area.fill("人手不足，已顺延")
    page.fill("#analysis", "本季度总体按计划执行。")
    page.locator("#review-submit").click()
    page.wait_for_load_state("networkidle")
    assert plan.reviews.filter(quarter=quarter).exists()

    page.goto(reverse("planning:plan_detail", args=[plan.pk]))
    page.fill("#revise-form textarea[name=reason]", "第二季度起增加一次胶缝检查")
    page.locator("#revise-form button").click()
    page.wait_for_load_state("networkidle")
    revision = AnnualPlan.objects.get(previous=plan)
    page.fill("#item-form #id_content", "增加一次胶缝专项检查")
    page.fill("#item-form #id_window_start", f"{year}-09-01")
    page.fill("#item-form #id_window_end", f"{year}-09-30")
    page.select_option("#item-form #id_responsible", str(p["head"].pk))
    page.locator("#item-form button").click()
    page.wait_for_load_state("networkidle")
    press(page, revision, "submit")
    sign_in(page, p["pm"])
    press(page, revision, "approve")
    sign_in(page, p["head"])
    press(page, revision, "publish")
    revision.refresh_from_db()
    plan.refresh_from_db()
    assert revision.status == PlanStatus.PUBLISHED and revision.is_current
    assert not plan.is_current
    page.goto(reverse("planning:plan_diff", args=[revision.pk]))
    assert "增加一次胶缝专项检查" in page.locator("#diff-added").inner_text()


def test_pinning_a_defect_colours_its_panel(page: Any, people: dict[str, Any]) -> None:
    """DOM-3 on the elevation map: the pinned panel turns red for an S1 defect."""
    p = people
    sign_in(page, p["tech"])
    page.goto(reverse("planning:register", args=[p["project"].pk]))
    page.fill("#elevation-form #id_name", "东立面")
    page.select_option("#elevation-form #id_orientation", "E")
    page.fill("#elevation-form #id_axes", "4")
    page.fill("#elevation-form #id_floors", "3")
    page.locator("#elevation-form button").click()
    page.wait_for_load_state("networkidle")
    elevation = p["project"].elevations.get()
    panel = elevation.panels.get(axis=2, floor=3)
    rect = page.locator(f'rect[data-panel="{panel.pk}"]')
    assert rect.get_attribute("data-worst") == ""
    rect.click()
    page.locator("#pin-form").wait_for()
    page.locator("#pin-form #id_defect_type").select_option(index=1)
    page.select_option("#pin-form #id_severity", "S1")
    page.fill("#pin-form #id_notes", "玻璃自爆")
    page.locator("#pin-submit").click()
    page.wait_for_load_state("networkidle")
    rect = page.locator(f'rect[data-panel="{panel.pk}"]')
    assert rect.get_attribute("data-worst") == "S1"
    assert rect.get_attribute("fill") == "#dc3545"
    assert page.locator('rect[data-worst="S1"]').count() == 1
    assert "玻璃自爆" in page.locator("#panel-history").inner_text()
