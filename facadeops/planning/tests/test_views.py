"""Pages of planning: per role and object scope, bad input, stale versions, the elevation
map's colours, and list pages whose query count does not grow with their rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facadeops.planning import services
from facadeops.planning.models import AnnualPlan, DraftRun, Forecast, InspectionRule, PlanStatus
from facadeops.service.models import DefectType

pytestmark = pytest.mark.django_db
YEAR = 2026


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _plan(p: dict[str, Any], project: Any) -> AnnualPlan:
    services.draft_plans(
        actor=p["head"], year=YEAR, projects=type(project).objects.filter(pk=project.pk)
    )
    return AnnualPlan.objects.get(project=project, year=YEAR)


def _publish(p: dict[str, Any], plan: AnnualPlan) -> AnnualPlan:
    for step, who in (
        ("submit", "head"),
        ("review", "tech_head"),
        ("approve", "pm"),
        ("publish", "head"),
    ):
        services.plan_transition(actor=p[who], plan=plan, name=step)
    plan.refresh_from_db()
    return plan


# -- DOM-1 rules and portfolio ------------------------------------------------------------------
def test_rule_table_shows_sources_and_only_tech_head_edits(p: dict[str, Any]) -> None:
    """DOM-1.6: the schedule is an editable table, each rule with its source in the UI;
    only the technical head (or management) edits it; a rule without source is refused."""
    rule = InspectionRule.objects.order_by("code").first()
    assert rule is not None
    months_before = rule.every_months
    page = _client(p["head"]).get(reverse("planning:rule_list"))
    assert page.status_code == 200
    assert rule.source in page.content.decode()
    url = reverse("planning:rule_edit", args=[rule.pk])
    assert _client(p["head"]).get(url).status_code == 403
    c = _client(p["tech_head"])
    form = {
        "name": rule.name,
        "system_codes": rule.system_codes,
        "first_after_months": rule.first_after_months or "",
        "every_months": 36,
        "beyond_design_life_every_months": rule.beyond_design_life_every_months or "",
        "event_due_days": rule.event_due_days,
        "source": "",
        "exterior_work": "on",
        "is_active": "on",
    }
    if rule.event_triggered:
        form["event_triggered"] = "on"
    bad = c.post(url, form)
    assert bad.status_code == 422
    rule.refresh_from_db()
    assert rule.every_months != 36 or rule.source
    ok = c.post(url, {**form, "source": "JGJ 102-2003 §12"})
    assert ok.status_code == 302
    rule.refresh_from_db()
    assert rule.every_months == 36 and rule.source == "JGJ 102-2003 §12"
    from facadeops.audit.models import AuditEvent

    event = AuditEvent.objects.filter(target_id=str(rule.pk), verb="updated").latest("pk")
    assert event.after["source"] == "JGJ 102-2003 §12"  # the audit saw the stored values
    assert event.before.get("every_months", 36) == months_before
    assert (
        _client(p["tech_head"]).get(reverse("planning:rule_edit", args=[999999])).status_code == 404
    )


def test_portfolio_scope_and_queries(
    p: dict[str, Any], make_project: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    """DOM-1: the portfolio lists due/overdue inspections across projects in a fixed number
    of queries; a customer user sees only its own projects."""
    mine = make_project(("hidden-frame-glass",), completion=dt.date(2010, 1, 1))
    c = _client(p["head"])
    url = reverse("planning:portfolio") + "?days=3650"
    with django_assert_max_num_queries(14):
        few = c.get(url)
    for _ in range(8):
        make_project(("hidden-frame-glass",), completion=dt.date(2010, 1, 1))
    with django_assert_max_num_queries(14):
        many = c.get(url)
    assert many.content.decode().count("data-overdue") > few.content.decode().count("data-overdue")
    customer = make_user("customer", customer=mine.customer)
    body = _client(customer).get(url).content.decode()
    assert mine.name in body
    assert "测试大厦" in body and body.count("planning/projects/") >= 1
    others = [
        pr
        for pr in type(mine).objects.exclude(pk=mine.pk).values_list("pk", flat=True)
        if f"/planning/projects/{pr}/" in body
    ]
    assert others == []


# -- facade register and elevation map ----------------------------------------------------------
def test_register_scope_and_bad_input(p: dict[str, Any], make_project: Any, make_user: Any) -> None:
    """Facade register: staff see it, another customer's user gets 404, a role without
    register rights cannot add elevations (403), a bad grid is refused (422)."""
    project = make_project()
    url = reverse("planning:register", args=[project.pk])
    other = make_user("customer", customer=make_project().customer)
    assert _client(other).get(url).status_code == 404
    assert _client(p["agent"]).post(url, {"name": "北", "axes": 3, "floors": 2}).status_code == 403
    c = _client(p["technician"])
    bad = c.post(url, {"name": "北立面", "orientation": "N", "axes": 0, "floors": 2})
    assert bad.status_code == 422
    assert project.elevations.count() == 0
    ok = c.post(url, {"name": "北立面", "orientation": "N", "axes": 3, "floors": 2})
    assert ok.status_code == 302
    assert project.elevations.get().panels.count() == 6
    dup = c.post(url, {"name": "北立面", "orientation": "N", "axes": 3, "floors": 2})
    assert dup.status_code == 422 and project.elevations.count() == 1


def test_pinning_a_defect_colours_its_panel(p: dict[str, Any], make_project: Any) -> None:
    """DOM-3 on the elevation map: the panel takes the colour of its worst open severity
    (S1 red, S2 orange, S3 yellow, none green); its history lists the defect."""
    project = make_project()
    elevation = services.elevation_create(
        actor=p["technician"], project=project, name="东立面", axes=3, floors=2
    )
    panel = elevation.panels.get(axis=2, floor=2)
    c = _client(p["technician"])
    url = reverse("planning:elevation_map", args=[elevation.pk])
    before = c.get(url).content.decode()
    assert before.count('data-worst=""') == 6
    defect = DefectType.objects.filter(is_active=True).order_by("code").first()
    assert defect is not None
    pin = reverse("planning:defect_pin", args=[elevation.pk])
    r = c.post(pin, {"panel": panel.pk, "defect_type": defect.pk, "severity": "S3"})
    assert r.status_code == 302
    r = c.post(
        pin, {"panel": panel.pk, "defect_type": defect.pk, "severity": "S1", "notes": "自爆"}
    )
    after = c.get(url).content.decode()
    assert f'data-panel="{panel.pk}" data-label="{panel.label}" data-worst="S1"' in after
    assert after.count('data-worst=""') == 5 and "#dc3545" in after
    history = c.get(reverse("planning:panel_detail", args=[panel.pk]), HTTP_HX_REQUEST="true")
    assert "自爆" in history.content.decode()
    # bad input: no defect type → 422, nothing written; foreign panel → 404
    assert c.post(pin, {"panel": panel.pk, "defect_type": ""}).status_code == 422
    assert panel.defects.count() == 2
    other = services.elevation_create(
        actor=p["technician"], project=make_project(), name="西立面", axes=1, floors=1
    )
    foreign = other.panels.get()
    assert c.post(pin, {"panel": foreign.pk, "defect_type": defect.pk}).status_code == 404
    assert (
        _client(p["agent"]).post(pin, {"panel": panel.pk, "defect_type": defect.pk}).status_code
        == 403
    )


def test_checklist_form_and_raise_work_order(p: dict[str, Any], make_project: Any) -> None:
    """DOM-1.7: the checklist form per elevation; a failed point needs its note (422) and
    raises a work order from the inspection page."""
    from facadeops.planning.models import ChecklistItem, Inspection

    project = make_project()
    elevation = services.elevation_create(
        actor=p["technician"], project=project, name="南立面", axes=2, floors=2
    )
    items = list(ChecklistItem.objects.filter(is_active=True))
    url = reverse("planning:inspection_create", args=[project.pk])
    c = _client(p["technician"])
    page = c.get(url)
    assert page.status_code == 200
    # the pass/fail radios are Bootstrap form-checks, not styled like text inputs
    html = page.content.decode()
    assert re.search(rf'<input type="radio" name="ok_{items[0].code}"', html)
    assert not re.search(r'<input type="radio"[^>]*class="form-control"', html)
    data: dict[str, Any] = {"performed_on": "2026-01-10", "elevation": elevation.pk}
    for i in items:
        data[f"ok_{i.code}"] = "1"
    data[f"ok_{items[0].code}"] = "0"
    assert c.post(url, data).status_code == 422
    assert not Inspection.objects.filter(project=project).exists()
    data[f"note_{items[0].code}"] = "开启扇五金件松动"
    r = c.post(url, data)
    assert r.status_code == 302
    insp = Inspection.objects.get(project=project)
    failed = insp.results.get(ok=False)
    page = _client(p["head"]).get(insp.get_absolute_url()).content.decode()
    assert "data-raise" in page
    raise_url = reverse("planning:raise_work_order", args=[failed.pk])
    assert _client(p["head"]).post(raise_url).status_code == 302
    failed.refresh_from_db()
    assert failed.work_order is not None and "五金件" in failed.work_order.title


# -- annual plans --------------------------------------------------------------------------------
def test_plan_list_queries_constant(
    p: dict[str, Any], make_project: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.4 on the plan list: the query count does not grow with the rows."""
    for _ in range(2):
        make_project()
    services.draft_plans(actor=p["head"], year=YEAR)
    c = _client(p["head"])
    url = reverse("planning:plan_list")
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
    for _ in range(10):
        make_project()
    services.draft_plans(actor=p["head"], year=YEAR + 1)
    with django_assert_max_num_queries(12):
        body = c.get(url).content.decode()
    assert body.count("/planning/plans/") >= 12


def test_draft_from_the_ui_with_progress(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.1/3.1.2 from the UI: the drafting shows its progress (htmx partial)."""
    make_project()
    c = _client(p["head"])
    assert (
        _client(p["technician"]).post(reverse("planning:draft_start"), {"year": YEAR}).status_code
        == 403
    )
    assert c.post(reverse("planning:draft_start"), {"year": 1900}).status_code == 422
    r = c.post(reverse("planning:draft_start"), {"year": YEAR})
    assert r.status_code == 302
    run = DraftRun.objects.get()
    partial = c.get(reverse("planning:draft_run", args=[run.pk]), HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert 'id="draft-progress"' in text and "100%" in text
    assert AnnualPlan.objects.filter(year=YEAR).count() == 1


def test_plan_chain_on_the_page(p: dict[str, Any], make_project: Any, make_user: Any) -> None:
    """REG-3.1.3: drafted (editable), reviewed by the technical department, approved by the
    project's own project manager, published — via the engine buttons."""
    project = make_project()
    plan = _plan(p, project)
    url = reverse("planning:plan_detail", args=[plan.pk])
    head = _client(p["head"])
    body = head.get(url).content.decode()
    assert 'data-transition="submit"' in body and 'id="item-form"' in body
    t = reverse("planning:plan_transition", args=[plan.pk])
    head.post(t, {"transition": "submit", "version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.TECH_REVIEW
    # wrong role: the engine refuses, nothing changes
    head.post(t, {"transition": "review", "version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.TECH_REVIEW
    _client(p["tech_head"]).post(t, {"transition": "review", "version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PM_APPROVAL
    # another project's PM does not see the button and cannot approve
    assert 'data-transition="approve"' not in _client(p["pm2"]).get(url).content.decode()
    _client(p["pm2"]).post(t, {"transition": "approve", "version": plan.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PM_APPROVAL
    _client(p["pm"]).post(t, {"transition": "approve", "version": plan.version})
    head.post(t, {"transition": "publish", "version": plan.version + 1})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    outsider = make_user("customer", customer=make_project().customer)
    assert _client(outsider).get(url).status_code == 404


def test_item_edit_bad_input_and_stale_version(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.3: items are editable in draft only; a window outside the plan year is
    refused (422); an edit on a stale plan version is refused with a conflict (409)."""
    plan = _plan(p, make_project())
    item = plan.items.order_by("key").first()
    assert item is not None
    c = _client(p["head"])
    url = reverse("planning:item_edit", args=[item.pk])
    data = {
        "item_type": item.item_type,
        "content": "更换耐候胶",
        "window_start": f"{YEAR}-05-01",
        "window_end": f"{YEAR}-05-31",
        "responsible": p["head"].pk,
        "version": plan.version,
    }
    bad = c.post(
        url, {**data, "window_start": f"{YEAR + 1}-05-01", "window_end": f"{YEAR + 1}-06-01"}
    )
    assert bad.status_code == 422
    stale = c.post(url, {**data, "version": plan.version - 1})
    assert stale.status_code == 409
    item.refresh_from_db()
    assert item.content != "更换耐候胶"
    assert c.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.content == "更换耐候胶"
    assert _client(p["technician"]).post(url, data).status_code == 403
    add = c.post(
        reverse("planning:item_add", args=[plan.pk]),
        {**data, "content": "", "version": plan.version + 1},
    )
    assert add.status_code == 422


def test_quarterly_review_revision_and_diff_pages(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.2.1: the review page shows plan against actual and requires a cause for each
    deviation; REG-3.2.2: a revision is started, approved by the PM and its diff shown."""
    plan = _publish(p, _plan(p, make_project()))
    c = _client(p["head"])
    url = reverse("planning:review_create", args=[plan.pk]) + "?quarter=4"
    page = c.get(url)
    assert page.status_code == 200 and 'data-outcome="missed"' in page.content.decode()
    bad = c.post(url, {"quarter": 4})
    assert bad.status_code == 422 and plan.reviews.count() == 0
    causes = {f"cause_{i.pk}": "人手不足" for i in plan.items.all()}
    ok = c.post(url, {"quarter": 4, **causes, "analysis": "全年人手紧张"})
    assert ok.status_code == 302 and plan.reviews.count() == 1
    assert c.post(url, {"quarter": 4, **causes}).status_code == 409
    r = c.post(reverse("planning:plan_revise", args=[plan.pk]), {"reason": ""})
    assert r.status_code == 422
    r = c.post(reverse("planning:plan_revise", args=[plan.pk]), {"reason": "第四季度调整"})
    new = AnnualPlan.objects.get(previous=plan)
    item = new.items.order_by("key").first()
    assert item is not None
    services.item_update(actor=p["head"], item=item, data={"content": "改为全面检查"})
    diff = c.get(reverse("planning:plan_diff", args=[new.pk])).content.decode()
    assert "改为全面检查" in diff
    assert c.get(reverse("planning:plan_diff", args=[plan.pk])).status_code == 404


def test_progress_and_feedback_pages(p: dict[str, Any], make_project: Any, make_user: Any) -> None:
    """REG-3.3.2/3.3.3: the progress page for staff only; feedback needs the work done."""
    plan = _publish(p, _plan(p, make_project()))
    c = _client(p["head"])
    r = c.get(reverse("planning:progress") + f"?year={YEAR}")
    assert r.status_code == 200 and 'id="by-person"' in r.content.decode()
    customer = make_user("customer", customer=plan.project.customer)
    assert _client(customer).get(reverse("planning:progress")).status_code == 403
    item = plan.items.first()
    assert item is not None
    url = reverse("planning:item_feedback", args=[item.pk])
    assert _client(p["agent"]).get(url).status_code == 403
    r = _client(p["staff"]).post(url, {"effect": "良好", "satisfaction": 5})
    assert r.status_code == 409


def test_forecast_entry_and_at_risk(p: dict[str, Any]) -> None:
    """DOM-2: forecasts entered by hand (wind required: 422), by the dispatcher roles only
    (403); the at-risk list renders for staff."""
    c = _client(p["agent"])
    url = reverse("planning:forecasts")
    assert c.post(url, {"city": "上海", "date": "2026-07-01", "rain": "none"}).status_code == 422
    assert (
        c.post(
            url, {"city": "上海", "date": "2026-07-01", "rain": "none", "beaufort": 6}
        ).status_code
        == 302
    )
    assert Forecast.objects.get(city="上海").beaufort == 6
    assert (
        _client(p["technician"])
        .post(url, {"city": "上海", "date": "2026-07-02", "beaufort": 2, "rain": "none"})
        .status_code
        == 403
    )
    assert _client(p["head"]).get(reverse("planning:at_risk")).status_code == 200
