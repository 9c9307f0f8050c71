"""The statutory schedule (DOM-1.1 – DOM-1.7) as data, per project and on the portfolio."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.planning import selectors, services
from facadeops.planning.models import ChecklistItem, Inspection, InspectionRule
from facadeops.service.models import WorkOrder

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def _due(project: Any, on: dt.date = ON) -> dict[str, dt.date]:
    return {
        d.rule.code: d.due_on for d in selectors.project_schedule(user=None, project=project, on=on)
    }


def _all_ok() -> dict[str, tuple[bool, str]]:
    return {c.code: (True, "") for c in ChecklistItem.objects.all()}


def test_full_inspection_glass(p: dict[str, Any], make_project: Any) -> None:
    """DOM-1.1: glass curtain wall — 1 year after acceptance, then every 5 years."""
    project = make_project(("unitised-glass",), completion=dt.date(2024, 3, 15))
    assert _due(project)["DOM-1.1"] == dt.date(2025, 3, 15)
    rule = InspectionRule.objects.get(code="DOM-1.1")
    services.inspection_record(
        actor=p["technician"],
        project=project,
        rule=rule,
        performed_on=dt.date(2025, 4, 1),
        results=_all_ok(),
    )
    assert _due(project)["DOM-1.1"] == dt.date(2030, 4, 1)
    stone = make_project(("stone",), completion=dt.date(2024, 3, 15))
    assert "DOM-1.1" not in _due(stone)


def test_tension_check_cable(make_project: Any) -> None:
    """DOM-1.2: rod/cable-supported walls — 6 months after acceptance."""
    project = make_project(("cable-rod-supported",), completion=dt.date(2025, 1, 10))
    assert _due(project)["DOM-1.2"] == dt.date(2025, 7, 10)
    assert "DOM-1.2" not in _due(make_project(("unitised-glass",)))


def test_sealant_sampling_hidden_frame(make_project: Any) -> None:
    """DOM-1.3: hidden-frame glazing — structural silicone sampling after 10 years."""
    project = make_project(("hidden-frame-glass",), completion=dt.date(2016, 9, 1))
    assert _due(project)["DOM-1.3"] == dt.date(2026, 9, 1)
    assert "DOM-1.3" not in _due(make_project(("unitised-glass",)))


def test_safety_appraisal_and_design_life(make_project: Any) -> None:
    """DOM-1.4: every 10 years after handover; on reaching the design life and yearly
    beyond it."""
    young = make_project(("stone",), completion=dt.date(2020, 5, 1))
    assert _due(young)["DOM-1.4"] == dt.date(2030, 5, 1)
    old = make_project(("stone",), completion=dt.date(2000, 5, 1), design_service_life_years=25)
    assert _due(old)["DOM-1.4"] == dt.date(2010, 5, 1)  # never appraised: overdue since 2010
    Inspection.objects.create(
        project=old,
        rule=InspectionRule.objects.get(code="DOM-1.4"),
        performed_on=dt.date(2025, 6, 1),
    )
    assert _due(old)["DOM-1.4"] == dt.date(2026, 6, 1)  # beyond the design life: yearly


def test_cleaning_yearly(make_project: Any) -> None:
    """DOM-1.6: cleaning at least once a year."""
    project = make_project(("aluminium-panel",), completion=dt.date(2025, 2, 1))
    assert _due(project)["DOM-1.6"] == dt.date(2026, 2, 1)


def test_rules_are_data_with_source(p: dict[str, Any], make_project: Any) -> None:
    """DOM-1: the figures are data the company edits (and each keeps its source); only
    the technical department or management may edit."""
    project = make_project(("aluminium-panel",), completion=dt.date(2025, 2, 1))
    rule = InspectionRule.objects.get(code="DOM-1.6")
    assert "JGJ 102" in rule.source
    with pytest.raises(Forbidden):
        services.rule_update(actor=p["staff"], rule=rule, data={"every_months": 3})
    with pytest.raises(InvalidInput) as err:
        services.rule_update(actor=p["tech_head"], rule=rule, data={"source": " "})
    assert "source" in err.value.fields
    services.rule_update(actor=p["tech_head"], rule=rule, data={"first_after_months": 3})
    assert _due(project)["DOM-1.6"] == dt.date(2025, 5, 1)


def test_event_hook_adds_inspection_to_portfolio(p: dict[str, Any], make_project: Any) -> None:
    """DOM-1.5: a disaster event raised by the emergency chapter adds a full inspection
    per affected project, shown on the portfolio until it is done."""
    a, b = make_project(), make_project()
    services.disaster_event(
        actor=p["manager"], projects=[a, b], event="台风“梅花”", occurred_on=dt.date(2026, 5, 20)
    )
    due = [d for d in selectors.due_inspections(user=p["head"], on=ON) if d.event]
    assert {d.project for d in due} == {a, b}
    assert all(d.rule.code == "DOM-1.5" and d.due_on == dt.date(2026, 5, 27) for d in due)
    assert all(d.overdue for d in due)
    pending = Inspection.objects.get(pk=due[0].pending_inspection_id)
    services.inspection_record(
        actor=p["technician"],
        project=pending.project,
        rule=pending.rule,
        performed_on=dt.date(2026, 5, 30),
        results=_all_ok(),
        pending=pending,
    )
    left = [d for d in selectors.due_inspections(user=p["head"], on=ON) if d.event]
    assert len(left) == 1
    with pytest.raises(InvalidInput):
        services.disaster_event(actor=p["manager"], projects=[a], event="", occurred_on=ON)


def test_checklist_complete_and_failed_point_raises_work_order(
    p: dict[str, Any], make_project: Any
) -> None:
    """DOM-1.7: every checklist point is answered, a failed one is described and can raise
    a work order (once)."""
    project = make_project()
    elevation = services.elevation_create(
        actor=p["technician"], project=project, name="东立面", axes=4, floors=3
    )
    with pytest.raises(InvalidInput) as err:
        services.inspection_record(
            actor=p["technician"],
            project=project,
            rule=None,
            performed_on=ON,
            results={"a": (True, ""), "b": (False, "")},
            elevation=elevation,
        )
    assert "results" in err.value.fields and "note_b" in err.value.fields
    results = _all_ok() | {"c": (False, "东立面3层耐候胶开裂")}
    insp = services.inspection_record(
        actor=p["technician"],
        project=project,
        rule=None,
        performed_on=ON,
        results=results,
        elevation=elevation,
    )
    failed = insp.results.get(item__code="c")
    wo = services.checklist_raise_work_order(actor=p["head"], result=failed)
    assert isinstance(wo, WorkOrder) and wo.project == project and wo.exterior_work
    assert "耐候胶开裂" in wo.title
    with pytest.raises(Conflict):
        services.checklist_raise_work_order(actor=p["head"], result=failed)
    with pytest.raises(Conflict):
        services.checklist_raise_work_order(
            actor=p["head"], result=insp.results.get(item__code="a")
        )


def test_portfolio_queries_do_not_grow(
    p: dict[str, Any], make_project: Any, django_assert_max_num_queries: Any
) -> None:
    """DOM-1: the portfolio of due/overdue inspections reads a fixed number of queries."""
    for _ in range(3):
        make_project(("hidden-frame-glass", "cable-rod-supported"), completion=dt.date(2010, 1, 1))
    with django_assert_max_num_queries(6):
        few = selectors.due_inspections(user=p["head"], on=ON)
    for _ in range(9):
        make_project(("hidden-frame-glass", "cable-rod-supported"), completion=dt.date(2010, 1, 1))
    with django_assert_max_num_queries(6):
        many = selectors.due_inspections(user=p["head"], on=ON)
    assert len(many) > len(few) > 0
    assert all(d.overdue == (d.due_on < ON) for d in many)


def test_customer_sees_only_own_portfolio(
    p: dict[str, Any], make_project: Any, make_user: Any
) -> None:
    """DOM-1 / X-1: a customer user sees only its own projects' due inspections."""
    mine, other = make_project(), make_project()
    customer_user = make_user("customer", customer=mine.customer)
    projects = {d.project for d in selectors.due_inspections(user=customer_user, on=ON)}
    assert mine in projects and other not in projects
