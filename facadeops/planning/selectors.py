"""Scoped reads of planning."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from facadeops.core.attachments import attachments_of
from facadeops.core.errors import NotFound
from facadeops.customers.selectors import project_list
from facadeops.service.models import PartReplacement, WorkOrder, WOStatus
from facadeops.service.selectors import work_order_list

from .models import (
    BLOCKED_WO_STATES,
    DONE_WO_STATES,
    AnnualPlan,
    ChecklistResult,
    Elevation,
    Forecast,
    Inspection,
    InspectionRule,
    Panel,
    PanelDefect,
    PlanItem,
    QuarterlyReview,
)
from .schedule import Due, project_due
from .weather import access_method_of, violations

SEVERITY_RANK = {"S1": 1, "S2": 2, "S3": 3}


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def projects_visible(*, user: Any) -> QuerySet[Any]:
    return project_list(user=user)


def due_inspections(*, user: Any, on: dt.date | None = None, within_days: int = 90) -> list[Due]:
    """DOM-1 portfolio: every inspection due within ``within_days`` or overdue, across
    the projects the user may see, plus DOM-1.5 event inspections still open. A fixed
    number of queries whatever the number of projects."""
    on = on or timezone.localdate()
    horizon = on + dt.timedelta(days=within_days)
    projects = list(
        projects_visible(user=user).filter(is_active=True, completion_date__isnull=False)
    )
    ids = [p.pk for p in projects]
    rules = list(InspectionRule.objects.filter(is_active=True))
    last: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for row in (
        Inspection.objects.filter(project_id__in=ids, performed_on__isnull=False)
        .exclude(rule=None)
        .values("project_id", "rule_id")
        .annotate(last=Max("performed_on"))
    ):
        last[row["project_id"]][row["rule_id"]] = row["last"]
    out: list[Due] = []
    for p in projects:
        out.extend(d for d in project_due(p, rules, last[p.pk], on=on) if d.due_on <= horizon)
    by_id = {p.pk: p for p in projects}
    for insp in Inspection.objects.filter(
        project_id__in=ids, performed_on__isnull=True, due_on__isnull=False
    ).select_related("rule"):
        if insp.rule is None:
            continue
        out.append(
            Due(
                by_id[insp.project_id],
                insp.rule,
                insp.due_on,  # type: ignore[arg-type]
                None,
                insp.due_on < on,  # type: ignore[operator]
                pending_inspection_id=insp.pk,
                event=insp.trigger_event,
            )
        )
    return sorted(out, key=lambda d: (d.due_on, d.project.name))


def project_schedule(*, user: Any, project: Any, on: dt.date | None = None) -> list[Due]:
    on = on or timezone.localdate()
    last = dict(
        Inspection.objects.filter(project=project, performed_on__isnull=False)
        .exclude(rule=None)
        .values("rule_id")
        .annotate(last=Max("performed_on"))
        .values_list("rule_id", "last")
    )
    return project_due(project, InspectionRule.objects.filter(is_active=True), last, on=on)


def elevation_get(*, user: Any, pk: Any) -> Elevation:
    ids = projects_visible(user=user).values("pk")
    return _get(Elevation.objects.select_related("project").filter(project__in=ids), pk)


def panel_get(*, user: Any, pk: Any) -> Panel:
    ids = projects_visible(user=user).values("pk")
    return _get(
        Panel.objects.select_related("elevation__project", "facade_system", "glass_type").filter(
            elevation__project__in=ids
        ),
        pk,
    )


def elevation_map(*, elevation: Elevation) -> list[dict[str, Any]]:
    """DOM-3 colour per panel: the worst open severity of its pinned defects."""
    panels = elevation.panels.select_related("facade_system", "glass_type").prefetch_related(
        "defects"
    )
    cells = []
    for p in panels:
        open_sev = [d.severity for d in p.defects.all() if d.resolved_at is None]
        worst = min(open_sev, key=lambda s: SEVERITY_RANK[s]) if open_sev else ""
        cells.append({"panel": p, "worst": worst, "open": len(open_sev)})
    return cells


def plan_list(*, user: Any) -> QuerySet[AnnualPlan]:
    ids = projects_visible(user=user).values("pk")
    return AnnualPlan.objects.filter(project__in=ids).select_related(
        "project", "project__customer", "drafted_by"
    )


def plan_get(*, user: Any, pk: Any) -> AnnualPlan:
    return _get(
        plan_list(user=user).prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related("responsible", "work_order"),
            )
        ),
        pk,
    )


def item_get(*, user: Any, pk: Any) -> PlanItem:
    ids = projects_visible(user=user).values("pk")
    return _get(
        PlanItem.objects.select_related("plan__project", "work_order", "responsible").filter(
            plan__project__in=ids
        ),
        pk,
    )


def item_state(item: PlanItem, on: dt.date) -> str:
    wo = item.work_order
    if wo is not None and wo.status in DONE_WO_STATES:
        return "done"
    if wo is not None and wo.status in BLOCKED_WO_STATES:
        return "blocked"
    if item.window_end < on:
        return "late"
    return "open"


def progress(*, user: Any, year: int, on: dt.date | None = None) -> dict[str, Any]:
    """REG-3.3.2: done / late / blocked / open of the current published plans, by month,
    project and person — one query."""
    on = on or timezone.localdate()
    items = (
        PlanItem.objects.filter(
            plan__in=plan_list(user=user).filter(year=year, is_current=True, status="published")
        )
        .select_related("work_order", "responsible", "plan__project")
        .only(
            "window_start",
            "window_end",
            "work_order__status",
            "responsible__full_name",
            "responsible__username",
            "plan__project__name",
        )
    )
    empty = {"done": 0, "late": 0, "blocked": 0, "open": 0}
    by_month: dict[int, dict[str, int]] = {m: dict(empty) for m in range(1, 13)}
    by_project: dict[str, dict[str, int]] = defaultdict(lambda: dict(empty))
    by_person: dict[str, dict[str, int]] = defaultdict(lambda: dict(empty))
    total = dict(empty)
    for item in items:
        s = item_state(item, on)
        by_month[item.window_start.month][s] += 1
        by_project[item.plan.project.name][s] += 1
        who = item.responsible.full_name or item.responsible.username if item.responsible else "—"
        by_person[who][s] += 1
        total[s] += 1
    return {
        "total": total,
        "by_month": by_month,
        "by_project": dict(sorted(by_project.items())),
        "by_person": dict(sorted(by_person.items())),
    }


def at_risk(*, user: Any, days: int = 3, on: dt.date | None = None) -> list[dict[str, Any]]:
    """DOM-2: the dispatcher's view — open exterior work orders planned in the coming days
    whose day's forecast breaks a limit."""

    on = on or timezone.localdate()
    end = on + dt.timedelta(days=days)
    forecasts = {(f.city, f.date): f for f in Forecast.objects.filter(date__range=(on, end))}
    waiting = [
        WOStatus.APPROVED,
        WOStatus.ASSIGNED,
        WOStatus.READY,
        WOStatus.PAUSED,
        WOStatus.DISPATCHED,
        WOStatus.NEW,
    ]
    out = []
    for wo in (
        work_order_list(user=user)
        .filter(exterior_work=True, status__in=waiting)
        .select_related("project")
        .prefetch_related("plans")
    ):
        plans = sorted(wo.plans.all(), key=lambda p: -p.version_no)
        when = None
        if plans and plans[0].schedule_start:
            when = timezone.localtime(plans[0].schedule_start).date()
        elif wo.complete_due_at:
            when = timezone.localtime(wo.complete_due_at).date()
        days_to_check = (
            [when]
            if when and on <= when <= end
            else ([on + dt.timedelta(days=i) for i in range(days + 1)] if when is None else [])
        )
        for day in days_to_check:
            f = forecasts.get((wo.project.city, day))
            if f is None:
                continue
            reasons = violations(f, access_method_of(wo))
            if reasons:
                out.append({"work_order": wo, "date": day, "reasons": reasons})
                break
    return out


def panel_history(*, panel: Panel) -> dict[str, Any]:
    """A panel's history: its pinned defects (open and resolved), the repairs (work orders
    of the findings pinned to it) and the parts replaced in those work orders."""

    pins = list(
        panel.defects.select_related("defect_type", "finding__work_order", "inspection").order_by(
            "-created_at", "-id"
        )
    )
    wo_ids = {p.finding.work_order_id for p in pins if p.finding is not None}
    wo_ids |= set(
        panel.checklistresult_set.exclude(work_order=None).values_list("work_order_id", flat=True)
    )
    work_orders = list(WorkOrder.objects.filter(pk__in=wo_ids).order_by("-created_at"))
    parts = list(
        PartReplacement.objects.filter(work_order_id__in=wo_ids)
        .select_related("material", "work_order")
        .order_by("-created_at")
    )
    return {"pins": pins, "work_orders": work_orders, "parts": parts}


def background_of(elevation: Elevation) -> Any:
    """The latest image attached to the elevation (drawing or photo), or None."""

    return attachments_of(elevation).filter(kind="image").first()


def rule_list() -> QuerySet[InspectionRule]:
    return InspectionRule.objects.all()


def forecast_list(*, on: dt.date | None = None) -> QuerySet[Forecast]:
    on = on or timezone.localdate()
    return Forecast.objects.filter(date__gte=on - dt.timedelta(days=7))


def inspection_get(*, user: Any, pk: Any) -> Inspection:
    ids = projects_visible(user=user).values("pk")
    return _get(
        Inspection.objects.select_related("project", "rule", "elevation", "inspector").filter(
            project__in=ids
        ),
        pk,
    )


def review_get(*, user: Any, pk: Any) -> Any:

    ids = projects_visible(user=user).values("pk")
    return _get(
        QuarterlyReview.objects.select_related("plan__project", "reviewed_by").filter(
            plan__project__in=ids
        ),
        pk,
    )


def pin_get(*, user: Any, pk: Any) -> PanelDefect:
    ids = projects_visible(user=user).values("pk")
    return _get(
        PanelDefect.objects.select_related("panel__elevation").filter(
            panel__elevation__project__in=ids
        ),
        pk,
    )


def checklist_result_get(*, user: Any, pk: Any) -> ChecklistResult:
    ids = projects_visible(user=user).values("pk")
    return _get(
        ChecklistResult.objects.select_related(
            "inspection__project", "inspection__elevation", "item"
        ).filter(inspection__project__in=ids),
        pk,
    )
