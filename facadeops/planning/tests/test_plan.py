"""Annual plan: gathering, drafting, review and approval (REG-3.1.1 – REG-3.1.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facadeops.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from facadeops.planning import services
from facadeops.planning.models import AnnualPlan, DraftRun, PlanStatus
from facadeops.service.models import DefectFinding, DefectType, WorkOrder

pytestmark = pytest.mark.django_db


def _wo(project: Any, p: dict[str, Any]) -> WorkOrder:
    from facadeops.service.services import work_order_create

    return work_order_create(
        actor=p["head"], project=project, title="玻璃自爆", nature="repair", urgency="emergency"
    )


def test_gathering_facts(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.1: per project usage, condition and history (work orders, defects by
    severity, last inspections, age)."""
    project = make_project(("hidden-frame-glass",), completion=dt.date(2014, 6, 1))
    wo = _wo(project, p)
    DefectFinding.objects.create(
        work_order=wo, defect_type=DefectType.objects.get(code="GL-01"), severity="S1"
    )
    year = timezone.localdate().year
    facts = services.gather_facts([project], year)[project.pk]
    assert facts["work_orders"] == 1
    assert facts["defects"]["S1"] == 1
    assert facts["age_years"] == year - 2014
    assert facts["use"] == "office"
    assert "hidden-frame-glass" in facts["facade_systems"]


def test_draft_from_statutory_and_rules(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.2: the draft has items with project, type, content, window and responsible
    person, from the statutory schedule and the age/material/history rules (data):
    sealant sampling for hidden-frame walls after 10 years, denser inspection after a
    recent S1 defect, yearly cleaning."""
    year = timezone.localdate().year + 1
    old_hidden = make_project(("hidden-frame-glass",), completion=dt.date(year - 12, 6, 1))
    young = make_project(("stone",), completion=dt.date(year - 3, 6, 1))
    DefectFinding.objects.create(
        work_order=_wo(old_hidden, p),
        defect_type=DefectType.objects.get(code="GL-01"),
        severity="S1",
    )
    run = services.draft_plans(actor=p["head"], year=year)
    assert run.done == 2 and run.finished_at is not None
    plan = AnnualPlan.objects.get(project=old_hidden, year=year)
    keys = set(plan.items.values_list("key", flat=True))
    assert {"PR-02#05", "PR-03#03", "PR-03#06", "PR-03#09", "PR-03#12", "PR-01#04"} <= keys
    assert any(k.startswith("DOM-1.3#") for k in keys) is False  # PR-02 already samples yearly
    assert all(i.responsible == p["head"] and i.window_start.year == year for i in plan.items.all())
    young_keys = set(
        AnnualPlan.objects.get(project=young, year=year).items.values_list("key", flat=True)
    )
    assert "PR-02#05" not in young_keys and "PR-03#03" not in young_keys
    assert "PR-01#04" in young_keys and "PR-05#06" in young_keys
    item = plan.items.get(key="PR-02#05")
    assert item.origin == "rule" and "JGJ 102" in item.source


def test_draft_is_idempotent_and_reports_progress(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.2: bulk drafting skips projects that have a plan and reports progress."""
    for _ in range(3):
        make_project()
    year = timezone.localdate().year + 1
    seen: list[tuple[int, int]] = []
    services.draft_plans(
        actor=p["head"], year=year, batch_size=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(2, 3), (3, 3)]
    again = services.draft_plans(actor=p["head"], year=year)
    assert again.done == 0 and again.skipped == 3 and again.percent == 100
    assert AnnualPlan.objects.filter(year=year).count() == 3
    assert DraftRun.objects.count() == 2
    with pytest.raises(Forbidden):
        services.draft_plans(actor=p["staff"], year=year)
    with pytest.raises(InvalidInput):
        services.draft_plans(actor=p["head"], year=1900)


def _plan(p: dict[str, Any], make_project: Any) -> AnnualPlan:
    project = make_project()
    year = timezone.localdate().year + 1
    services.draft_plans(
        actor=p["head"], year=year, projects=type(project).objects.filter(pk=project.pk)
    )
    return AnnualPlan.objects.get(project=project, year=year)


def test_review_and_approval_chain(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.3: the draft is editable; the technical department reviews, the project's
    own project manager approves, then it is published — on the workflow engine."""
    plan = _plan(p, make_project)
    item = plan.items.first()
    assert item is not None
    services.item_update(
        actor=p["head"],
        item=item,
        data={"content": "外立面清洗（含雨棚）"},
        expected_version=plan.version,
    )
    with pytest.raises(Conflict):  # stale version
        services.item_update(actor=p["head"], item=item, data={"content": "x"}, expected_version=1)
    with pytest.raises(TransitionNotAllowed):
        services.plan_transition(actor=p["tech_head"], plan=plan, name="submit")
    services.plan_transition(actor=p["head"], plan=plan, name="submit")
    assert plan.status == PlanStatus.TECH_REVIEW
    with pytest.raises(Conflict):  # no edits after submission
        services.item_update(actor=p["head"], item=item, data={"content": "y"})
    with pytest.raises(TransitionNotAllowed) as err:
        services.plan_transition(actor=p["tech_head"], plan=plan, name="return")
    assert err.value.reasons  # a note is required
    services.plan_transition(actor=p["tech_head"], plan=plan, name="review", note="同意")
    assert plan.status == PlanStatus.PM_APPROVAL and plan.reviewed_by == p["tech_head"]
    with pytest.raises(TransitionNotAllowed):  # another project's manager
        services.plan_transition(actor=p["pm2"], plan=plan, name="approve")
    services.plan_transition(actor=p["pm"], plan=plan, name="approve")
    services.plan_transition(actor=p["head"], plan=plan, name="publish")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at and plan.is_current
    assert plan.approved_by == p["pm"]


def test_submit_refuses_items_without_responsible(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.2: every item names its responsible person before review."""
    plan = _plan(p, make_project)
    services.item_add(
        actor=p["head"],
        plan=plan,
        data={
            "content": "开启扇五金检查",
            "window_start": dt.date(plan.year, 5, 1),
            "window_end": dt.date(plan.year, 5, 31),
        },
    )
    with pytest.raises(TransitionNotAllowed) as err:
        services.plan_transition(actor=p["head"], plan=plan, name="submit")
    assert any("responsible" in r for r in err.value.reasons)
    with pytest.raises(InvalidInput) as bad:
        services.item_add(
            actor=p["head"],
            plan=plan,
            data={
                "content": "x",
                "window_start": dt.date(plan.year, 5, 1),
                "window_end": dt.date(plan.year, 4, 1),
            },
        )
    assert "window_end" in bad.value.fields
