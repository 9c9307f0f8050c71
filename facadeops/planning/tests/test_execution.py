"""Quarterly review (REG-3.2.x), execution (REG-3.3.x) and the weather gate (DOM-2.x)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from facadeops.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from facadeops.planning import selectors, services, weather
from facadeops.planning.models import AnnualPlan, Forecast, PlanStatus, RoutinePolicy
from facadeops.service.models import AccessMethod, Plan, WorkOrder
from facadeops.service.models import PlanStatus as WOPlanStatus

pytestmark = pytest.mark.django_db
YEAR = 2026


def _published(p: dict[str, Any], make_project: Any, **kw: Any) -> AnnualPlan:
    project = make_project(**kw)
    services.draft_plans(
        actor=p["head"], year=YEAR, projects=type(project).objects.filter(pk=project.pk)
    )
    plan = AnnualPlan.objects.get(project=project, year=YEAR)
    for step, who in (
        ("submit", "head"),
        ("review", "tech_head"),
        ("approve", "pm"),
        ("publish", "head"),
    ):
        services.plan_transition(actor=p[who], plan=plan, name=step)
    return plan


def _finish(wo: WorkOrder, when: dt.datetime) -> None:
    WorkOrder.objects.filter(pk=wo.pk).update(status="archived", completed_at=when)


def test_items_become_work_orders_idempotently(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.3.1: items become work orders ahead of their window (lead days are data),
    once, following the REG-2 chain (new work order awaiting triage)."""
    plan = _published(p, make_project)
    on = dt.date(YEAR, 3, 20)  # PR-01 cleaning window April: lead 14 days → 18 March
    created = services.generate_work_orders(on=on)
    item = plan.items.get(key="PR-01#04")
    assert item.work_order is not None and item.work_order in created
    assert item.work_order.status == "new" and item.work_order.nature == "maintenance"
    assert item.work_order.exterior_work
    assert not plan.items.get(key="PR-05#06").work_order_id  # June: not yet
    assert services.generate_work_orders(on=on) == []
    RoutinePolicy.objects.filter(item_type="periodic_inspection").update(lead_days=90)
    again = services.generate_work_orders(on=on)
    assert plan.items.get(key="PR-05#06").work_order in again
    assert services.routine_skips("cleaning") == {"check_in", "submit_findings"}


def test_quarterly_review_outcomes_and_causes(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.2.1: at quarter end plan against actual per item — done, late, missed,
    added — and every deviation needs its cause."""
    plan = _published(
        p, make_project, systems=("hidden-frame-glass",), completion=dt.date(2014, 1, 1)
    )
    services.generate_work_orders(on=dt.date(YEAR, 3, 20))
    revision = services.plan_revise(actor=p["head"], plan=plan, reason="业主要求增加雨棚检查")
    added = services.item_add(
        actor=p["head"],
        plan=revision,
        data={
            "content": "雨棚玻璃检查",
            "window_start": dt.date(YEAR, 4, 1),
            "window_end": dt.date(YEAR, 4, 30),
            "responsible": p["head"],
        },
    )
    services.plan_transition(actor=p["head"], plan=revision, name="submit")
    assert revision.status == PlanStatus.PM_APPROVAL  # REG-3.2.2: straight to the PM
    services.plan_transition(actor=p["pm"], plan=revision, name="approve")
    services.plan_transition(actor=p["head"], plan=revision, name="publish")
    plan.refresh_from_db()
    assert revision.is_current and not plan.is_current
    done, late = revision.items.get(key="PR-01#04"), revision.items.get(key="PR-05#06")
    from facadeops.service.services import work_order_create

    late_wo = work_order_create(
        actor=p["head"], project=plan.project, title="t", nature="maintenance", urgency="normal"
    )
    revision.items.filter(pk=late.pk).update(work_order=late_wo)
    _finish(done.work_order, timezone.make_aware(dt.datetime(YEAR, 4, 20, 10)))
    _finish(late_wo, timezone.make_aware(dt.datetime(YEAR, 7, 3, 10)))
    services.generate_work_orders(on=dt.date(YEAR, 3, 25))
    added.refresh_from_db()
    _finish(added.work_order, timezone.make_aware(dt.datetime(YEAR, 4, 10, 10)))
    lines = {i.key: o for i, o in services.review_lines(revision, 2, on=dt.date(YEAR, 7, 5))}
    assert lines["PR-01#04"] == "done"
    assert lines["PR-05#06"] == "late"
    assert lines[added.key] == "added"
    assert lines["PR-02#05"] == "missed"
    with pytest.raises(InvalidInput) as err:
        services.review_create(
            actor=p["head"], plan=revision, quarter=2, causes={}, on=dt.date(YEAR, 7, 5)
        )
    missed = revision.items.get(key="PR-02#05")
    assert f"cause_{missed.pk}" in err.value.fields and f"cause_{late.pk}" in err.value.fields
    causes = {int(k.removeprefix("cause_")): "人手不足" for k in err.value.fields}
    causes |= {missed.pk: "检测单位排期不足", late.pk: "连续降雨"}
    review = services.review_create(
        actor=p["head"], plan=revision, quarter=2, causes=causes, on=dt.date(YEAR, 7, 5)
    )
    assert review.lines.get(item=missed).cause == "检测单位排期不足"
    with pytest.raises(Conflict):
        services.review_create(actor=p["head"], plan=revision, quarter=2, causes=causes)
    with pytest.raises(InvalidInput):
        services.review_create(actor=p["head"], plan=revision, quarter=5, causes={})


def test_revision_keeps_history_and_diff(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.2.2: the adjustment is a new revision approved by the project manager; the
    old one is kept and a diff shows what changed."""
    plan = _published(p, make_project)
    with pytest.raises(InvalidInput):
        services.plan_revise(actor=p["head"], plan=plan, reason="")
    new = services.plan_revise(actor=p["head"], plan=plan, reason="客户要求提前清洗")
    with pytest.raises(Conflict):
        services.plan_revise(actor=p["head"], plan=plan, reason="again")
    moved = new.items.get(key="PR-01#10")
    services.item_update(
        actor=p["head"],
        item=moved,
        data={"window_start": dt.date(YEAR, 9, 1), "window_end": dt.date(YEAR, 9, 30)},
    )
    services.item_remove(actor=p["head"], item=new.items.get(key="PR-05#06"))
    diff = services.plan_diff(plan, new)
    assert [i.key for i in diff["removed"]] == ["PR-05#06"]
    assert diff["changed"][0][0].key == "PR-01#10"
    services.plan_transition(actor=p["head"], plan=new, name="submit")
    with pytest.raises(TransitionNotAllowed):
        services.plan_transition(actor=p["tech_head"], plan=new, name="approve")
    assert AnnualPlan.objects.filter(project=plan.project, year=YEAR).count() == 2


def test_progress_at_a_glance(
    p: dict[str, Any], make_project: Any, django_assert_max_num_queries: Any
) -> None:
    """REG-3.3.2: done, late, blocked by month, project and person in a fixed number of
    queries."""
    plan = _published(p, make_project)
    services.generate_work_orders(on=dt.date(YEAR, 3, 20))
    cleaning = plan.items.get(key="PR-01#04")
    _finish(cleaning.work_order, timezone.make_aware(dt.datetime(YEAR, 4, 9)))
    with django_assert_max_num_queries(4):
        few = selectors.progress(user=p["head"], year=YEAR, on=dt.date(YEAR, 7, 1))
    assert few["by_month"][4]["done"] == 1
    assert few["by_month"][6]["late"] == 1
    assert few["by_person"]["王建国"]["done"] == 1
    for _ in range(4):
        _published(p, make_project)
    with django_assert_max_num_queries(4):
        many = selectors.progress(user=p["head"], year=YEAR, on=dt.date(YEAR, 7, 1))
    assert many["total"]["late"] > few["total"]["late"]


def test_feedback_on_item(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.3.3: staff feed back the effect and the customer's satisfaction."""
    plan = _published(p, make_project)
    services.generate_work_orders(on=dt.date(YEAR, 3, 20))
    item = plan.items.get(key="PR-01#04")
    with pytest.raises(Conflict):  # not done yet
        services.item_feedback(actor=p["staff"], item=item, effect="干净", satisfaction=5)
    _finish(item.work_order, timezone.now())
    item.refresh_from_db()
    with pytest.raises(Forbidden):
        services.item_feedback(actor=p["agent"], item=item, effect="干净", satisfaction=5)
    with pytest.raises(InvalidInput) as err:
        services.item_feedback(actor=p["staff"], item=item, effect="", satisfaction=9)
    assert set(err.value.fields) == {"effect", "satisfaction"}
    services.item_feedback(actor=p["staff"], item=item, effect="玻璃洁净，无水渍", satisfaction=5)
    item.refresh_from_db()
    assert item.satisfaction == 5 and item.feedback_by == p["staff"]


# --- DOM-2 ------------------------------------------------------------------------------------
def _exterior_wo(p: dict[str, Any], project: Any, method: str) -> WorkOrder:
    from facadeops.service.services import work_order_create

    wo = work_order_create(
        actor=p["head"],
        project=project,
        title="外立面维修",
        nature="repair",
        urgency="normal",
        exterior_work=True,
    )
    Plan.objects.create(
        work_order=wo,
        version_no=1,
        content="更换",
        access_method=method,
        outcome=WOPlanStatus.APPROVED,
        written_by=p["technician"],
        schedule_start=timezone.now(),
    )
    return wo


def _forecast(city: str, **kw: Any) -> Forecast:
    return Forecast.objects.create(city=city, date=timezone.localdate(), **kw)


def test_beaufort_conversion() -> None:
    """DOM-2: wind in m/s or Beaufort force (F4 from 5.5 m/s, F5 from 8.0, F6 from 10.8)."""
    assert weather.beaufort_of_ms(Decimal("5.4")) == 3
    assert weather.beaufort_of_ms(Decimal("5.5")) == 4
    assert weather.beaufort_of_ms(Decimal("8.0")) == 5
    assert weather.beaufort_of_ms(Decimal("10.8")) == 6


def test_exterior_work_blocked_from_force_4(p: dict[str, Any], make_project: Any) -> None:
    """DOM-2.1: no exterior inspection, cleaning or repair at force 4, heavy rain, snow or fog;
    interior work is not blocked."""
    project = make_project(city="青岛")
    wo = _exterior_wo(p, project, AccessMethod.LIFT)
    assert weather.weather_gate(wo) == []  # no forecast
    _forecast("青岛", wind_ms=Decimal("5.6"), rain="heavy", fog=True)
    reasons = weather.weather_gate(wo)
    assert len(reasons) == 3 and all("DOM-2.1" in r for r in reasons)
    assert any("4" in r for r in reasons)
    WorkOrder.objects.filter(pk=wo.pk).update(exterior_work=False)
    wo.refresh_from_db()
    assert weather.weather_gate(wo) == []


def test_gondola_blocked_from_force_5(p: dict[str, Any], make_project: Any) -> None:
    """DOM-2.2: no gondola work from force 5; DOM-2.3 sashes closed from force 6."""
    project = make_project(city="厦门")
    wo = _exterior_wo(p, project, AccessMethod.GONDOLA)
    f = _forecast("厦门", beaufort=5)
    codes = {r.split(" ")[0] for r in weather.weather_gate(wo)}
    assert codes == {"DOM-2.1", "DOM-2.2"}
    assert not weather.sashes_must_close(f)
    f.beaufort = 6
    assert weather.sashes_must_close(f)


def test_rope_access_temperature(p: dict[str, Any], make_project: Any) -> None:
    """DOM-2.4: rope access not above 35 °C or below 0 °C."""
    project = make_project(city="重庆")
    wo = _exterior_wo(p, project, AccessMethod.ROPE)
    _forecast("重庆", beaufort=2, temp_min=Decimal("28"), temp_max=Decimal("38"))
    reasons = weather.weather_gate(wo)
    assert len(reasons) == 1 and "DOM-2.4" in reasons[0] and "35" in reasons[0]
    gondola = _exterior_wo(p, project, AccessMethod.GONDOLA)
    assert weather.weather_gate(gondola) == []


def fake_provider(city: str, day: dt.date) -> dict[str, Any]:
    return {"wind_ms": Decimal("9.0"), "source": "test-provider"}


def test_pluggable_provider_and_at_risk(p: dict[str, Any], make_project: Any) -> None:
    """DOM-2: forecasts come from a pluggable provider; the dispatcher sees the work
    orders at risk in the coming days."""
    project = make_project(city="宁波")
    wo = _exterior_wo(p, project, AccessMethod.GONDOLA)
    WorkOrder.objects.filter(pk=wo.pk).update(status="ready")
    with override_settings(
        PLANNING_WEATHER_PROVIDER="facadeops.planning.tests.test_execution.fake_provider"
    ):
        assert weather.weather_gate(wo)
    assert Forecast.objects.get(city="宁波").source == "test-provider"
    risky = selectors.at_risk(user=p["head"], days=3)
    assert [r["work_order"] for r in risky] == [wo]
    assert selectors.at_risk(user=p["staff"], days=3) == []  # outside the staff member's scope


def test_forecast_entry(p: dict[str, Any]) -> None:
    """DOM-2: forecasts entered by hand (wind required; role checked)."""
    day = timezone.localdate()
    with pytest.raises(Forbidden):
        services.forecast_save(actor=p["staff"], city="上海", date=day, data={"beaufort": 3})
    with pytest.raises(InvalidInput):
        services.forecast_save(actor=p["head"], city="上海", date=day, data={})
    services.forecast_save(actor=p["head"], city="上海", date=day, data={"beaufort": 3})
    services.forecast_save(actor=p["head"], city="上海", date=day, data={"beaufort": 5})
    assert Forecast.objects.get(city="上海").beaufort == 5


def test_routine_work_may_skip_steps_the_company_policy_allows(
    p: dict[str, Any], make_project: Any
) -> None:
    """REG-3.3.1: which REG-2 steps routine maintenance may skip is company data, not code —
    routine cleaning skips the on-site assessment; other work, or cleaning once the policy
    no longer allows it, cannot."""
    from facadeops.core.workflow import available_transitions
    from facadeops.service import services as sv

    plan = _published(p, make_project)
    services.generate_work_orders(on=dt.date(YEAR, 3, 20))
    cleaning = plan.items.get(key="PR-01#04").work_order
    assert cleaning is not None

    def dispatch(wo: WorkOrder) -> WorkOrder:
        return sv.work_order_triage(
            actor=p["head"],
            work_order=wo,
            nature="maintenance",
            urgency="normal",
            technician=p["technician"],
            exterior_work=True,
            expected_version=wo.version,
        )

    wo = dispatch(cleaning)
    assert "skip_assessment" in {t.name for t in available_transitions(wo, p["technician"])}

    RoutinePolicy.objects.filter(item_type="cleaning").update(skip_steps="")
    assert "skip_assessment" not in {t.name for t in available_transitions(wo, p["technician"])}
    with pytest.raises((Forbidden, TransitionNotAllowed)):
        sv.work_order_transition(actor=p["technician"], work_order=wo, name="skip_assessment")

    RoutinePolicy.objects.filter(item_type="cleaning").update(skip_steps="check_in,submit_findings")
    sv.work_order_transition(actor=p["technician"], work_order=wo, name="skip_assessment")
    wo.refresh_from_db()
    assert wo.status == "planning"

    # A repair that is not plan work never skips the assessment.
    repair = sv.work_order_create(
        actor=p["head"],
        project=wo.project,
        title="雨篷玻璃自爆",
        nature="repair",
        urgency="urgent",
    )
    repair = dispatch(repair)
    with pytest.raises((Forbidden, TransitionNotAllowed)):
        sv.work_order_transition(actor=p["technician"], work_order=repair, name="skip_assessment")
