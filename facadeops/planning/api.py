"""REST API of maintenance planning (REG-3, DOM-1, DOM-2) — scoped exactly like the pages.

Thin: parse, resolve ids, call a selector or service, serialise. Errors come from
core.errors (422 with fields, 403, 404, 409 conflict / transition_not_allowed). A plan
lists the ``transitions`` the caller may take now; item edits carry the plan's version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from facadeops.core.api import (
    ERRORS,
    Page,
    TransitionOut,
    apply_sort,
    paginate,
    transitions_out,
)
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.core.roles import is_staff_member
from facadeops.service.models import DefectType

from . import selectors, services
from .models import AnnualPlan, ItemType, Origin, PlanItem, PlanStatus, Rain

PREFIX = "/planning"
router = Router(tags=["planning"])


# -- schemas ----------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    project_id: int
    project_name: str
    year: int
    revision: int
    previous_id: int | None
    is_current: bool
    status: PlanStatus
    reason: str
    drafted_by_id: int
    reviewed_by_id: int | None
    approved_by_id: int | None
    published_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_project_name(obj: AnnualPlan) -> str:
        return obj.project.name


class ItemOut(Schema):
    id: int
    plan_id: int
    key: str
    item_type: ItemType
    content: str
    window_start: dt.date
    window_end: dt.date
    responsible_id: int | None
    origin: Origin
    source: str
    exterior_work: bool
    work_order_id: int | None
    effect: str
    satisfaction: int | None


class PlanDetailOut(PlanOut):
    facts: dict[str, Any]
    items: list[ItemOut]
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_items(obj: AnnualPlan) -> list[Any]:
        return list(obj.items.all())

    @staticmethod
    def resolve_transitions(obj: AnnualPlan) -> list[dict[str, Any]]:
        return list(getattr(obj, "_api_transitions", []))


class StepIn(Schema):
    transition: str = Field(..., max_length=40)
    version: int
    note: str = Field("", max_length=2000)


class ItemIn(Schema):
    version: int
    item_type: ItemType = ItemType.MAINTENANCE
    content: str = Field(..., max_length=5000)
    window_start: dt.date
    window_end: dt.date
    responsible_id: int | None = None
    exterior_work: bool = True


class FeedbackIn(Schema):
    effect: str = Field(..., max_length=5000)
    satisfaction: int


class DueOut(Schema):
    project_id: int
    project_name: str
    rule_code: str
    rule_name: str
    source: str
    due_on: dt.date
    last_done: dt.date | None
    overdue: bool
    event: str
    pending_inspection_id: int | None


class PanelOut(Schema):
    id: int
    axis: int
    floor: int
    label: str
    facade_system: str | None
    glass_type: str | None
    worst_open_severity: str
    open_defects: int


class ElevationMapOut(Schema):
    id: int
    project_id: int
    name: str
    orientation: str
    axes: int
    floors: int
    background_attachment_id: int | None
    panels: list[PanelOut]


class PinIn(Schema):
    panel_id: int
    defect_type_id: int
    severity: str = Field("", pattern=r"^(S1|S2|S3)?$")
    notes: str = Field("", max_length=300)


class PinOut(Schema):
    id: int
    panel_id: int
    defect_type_id: int
    severity: str
    notes: str
    resolved_at: dt.datetime | None


class ForecastIn(Schema):
    city: str = Field(..., max_length=60)
    date: dt.date
    wind_ms: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=1)
    beaufort: int | None = Field(None, ge=0, le=17)
    rain: Rain = Rain.NONE
    snow: bool = False
    fog: bool = False
    temp_min: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    temp_max: Decimal | None = Field(None, max_digits=4, decimal_places=1)


class ForecastOut(Schema):
    id: int
    city: str
    date: dt.date
    wind_ms: Decimal | None
    beaufort: int | None
    rain: Rain
    snow: bool
    fog: bool
    temp_min: Decimal | None
    temp_max: Decimal | None
    source: str


class AtRiskOut(Schema):
    work_order_id: int
    number: str
    project_id: int
    city: str
    date: dt.date
    reasons: list[str]


# -- helpers ----------------------------------------------------------------------------------


def _detail(plan: AnnualPlan, user: Any) -> AnnualPlan:
    plan._api_transitions = transitions_out(plan, user)  # type: ignore[attr-defined]
    return plan


def _check_version(plan: AnnualPlan, version: int) -> None:
    if version != plan.version:
        raise Conflict()


def _item_data(payload: ItemIn) -> dict[str, Any]:
    responsible = None
    if payload.responsible_id is not None:
        responsible = (
            get_user_model().objects.filter(pk=payload.responsible_id, is_active=True).first()
        )
        if responsible is None:
            raise InvalidInput(
                fields={
                    "responsible_id": [
                        _("There is no such record (id %(id)s).") % {"id": payload.responsible_id}
                    ]
                }
            )
    return {
        "item_type": payload.item_type,
        "content": payload.content,
        "window_start": payload.window_start,
        "window_end": payload.window_end,
        "responsible": responsible,
        "exterior_work": payload.exterior_work,
    }


# -- annual plans -----------------------------------------------------------------------------
@router.get("/plans", response={200: Page[PlanOut], **ERRORS})
def list_plans(
    request: HttpRequest,
    q: str = "",
    year: int | None = None,
    status: PlanStatus | None = None,
    current: bool | None = None,
    sort: str = "-year",
    page: int = 1,
    page_size: int = 50,
) -> Any:
    qs: QuerySet[Any] = selectors.plan_list(user=request.user)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if current is not None:
        qs = qs.filter(is_current=current)
    if q.strip():
        term = q.strip()[:100]
        qs = qs.filter(Q(project__name__icontains=term) | Q(project__code__icontains=term))
    qs = apply_sort(
        qs,
        sort,
        {"year": "year", "project": "project__name", "status": "status", "revision": "revision"},
        "-year",
    )
    return paginate(qs, page=page, page_size=page_size)


@router.get("/plans/{pk}", response={200: PlanDetailOut, **ERRORS})
def get_plan(request: HttpRequest, pk: int) -> Any:
    return _detail(selectors.plan_get(user=request.user, pk=pk), request.user)


@router.get("/plans/{pk}/transitions", response={200: list[TransitionOut], **ERRORS})
def plan_transitions(request: HttpRequest, pk: int) -> Any:
    return transitions_out(selectors.plan_get(user=request.user, pk=pk), request.user)


@router.post("/plans/{pk}/steps", response={200: PlanDetailOut, **ERRORS})
def plan_step(request: HttpRequest, pk: int, payload: StepIn) -> Any:
    """REG-3.1.3 / REG-3.2.2: submit, review, approve, return, publish (the engine)."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    _check_version(plan, payload.version)
    services.plan_transition(
        actor=request.user, plan=plan, name=payload.transition, note=payload.note
    )
    return _detail(selectors.plan_get(user=request.user, pk=pk), request.user)


class ReviseIn(Schema):
    reason: str = Field(..., max_length=2000)


@router.post("/plans/{pk}/revisions", response={201: PlanOut, **ERRORS})
def revise_plan(request: HttpRequest, pk: int, payload: ReviseIn) -> Any:
    plan = selectors.plan_get(user=request.user, pk=pk)
    return Status(201, services.plan_revise(actor=request.user, plan=plan, reason=payload.reason))


@router.post("/plans/{pk}/items", response={201: ItemOut, **ERRORS})
def add_item(request: HttpRequest, pk: int, payload: ItemIn) -> Any:
    plan = selectors.plan_get(user=request.user, pk=pk)
    item = services.item_add(
        actor=request.user, plan=plan, data=_item_data(payload), expected_version=payload.version
    )
    return Status(201, item)


@router.get("/items/{pk}", response={200: ItemOut, **ERRORS})
def get_item(request: HttpRequest, pk: int) -> Any:
    return selectors.item_get(user=request.user, pk=pk)


@router.put("/items/{pk}", response={200: ItemOut, **ERRORS})
def update_item(request: HttpRequest, pk: int, payload: ItemIn) -> Any:
    item = selectors.item_get(user=request.user, pk=pk)
    return services.item_update(
        actor=request.user, item=item, data=_item_data(payload), expected_version=payload.version
    )


@router.post("/items/{pk}/feedback", response={200: ItemOut, **ERRORS})
def item_feedback(request: HttpRequest, pk: int, payload: FeedbackIn) -> Any:
    item = selectors.item_get(user=request.user, pk=pk)
    return services.item_feedback(
        actor=request.user, item=item, effect=payload.effect, satisfaction=payload.satisfaction
    )


@router.get("/items", response={200: Page[ItemOut], **ERRORS})
def list_items(
    request: HttpRequest,
    plan_id: int | None = None,
    responsible_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Any:
    plans = selectors.plan_list(user=request.user)
    # one plan (any revision) when asked for, else the current revisions
    plans = plans.filter(pk=plan_id) if plan_id is not None else plans.filter(is_current=True)
    qs: QuerySet[Any] = PlanItem.objects.filter(plan__in=plans.values("pk"))
    if responsible_id is not None:
        qs = qs.filter(responsible_id=responsible_id)
    if start is not None:
        qs = qs.filter(window_end__gte=start)
    if end is not None:
        qs = qs.filter(window_start__lte=end)
    return paginate(qs.order_by("window_start", "pk"), page=page, page_size=page_size)


# -- DOM-1 portfolio, facade register ---------------------------------------------------------
@router.get("/portfolio", response={200: list[DueOut], **ERRORS})
def portfolio(request: HttpRequest, within_days: int = 90, overdue: bool = False) -> Any:
    within_days = max(1, min(within_days, 730))
    rows = selectors.due_inspections(user=request.user, within_days=within_days)
    return [
        {
            "project_id": d.project.pk,
            "project_name": d.project.name,
            "rule_code": d.rule.code,
            "rule_name": d.rule.name,
            "source": d.rule.source,
            "due_on": d.due_on,
            "last_done": d.last_done,
            "overdue": d.overdue,
            "event": d.event,
            "pending_inspection_id": d.pending_inspection_id,
        }
        for d in rows
        if d.overdue or not overdue
    ]


@router.get("/elevations/{pk}/map", response={200: ElevationMapOut, **ERRORS})
def elevation_map(request: HttpRequest, pk: int) -> Any:
    """DOM-3: each panel with the worst severity of its open pinned defects."""
    elevation = selectors.elevation_get(user=request.user, pk=pk)
    bg = selectors.background_of(elevation)
    return {
        "id": elevation.pk,
        "project_id": elevation.project_id,
        "name": elevation.name,
        "orientation": elevation.orientation,
        "axes": elevation.axes,
        "floors": elevation.floors,
        "background_attachment_id": bg.pk if bg is not None else None,
        "panels": [
            {
                "id": c["panel"].pk,
                "axis": c["panel"].axis,
                "floor": c["panel"].floor,
                "label": c["panel"].label,
                "facade_system": str(c["panel"].facade_system or "") or None,
                "glass_type": str(c["panel"].glass_type or "") or None,
                "worst_open_severity": c["worst"],
                "open_defects": c["open"],
            }
            for c in selectors.elevation_map(elevation=elevation)
        ],
    }


@router.post("/elevations/{pk}/pins", response={201: PinOut, **ERRORS})
def pin_defect(request: HttpRequest, pk: int, payload: PinIn) -> Any:

    elevation = selectors.elevation_get(user=request.user, pk=pk)
    panel = elevation.panels.filter(pk=payload.panel_id).first()
    if panel is None:
        raise InvalidInput(fields={"panel_id": [_("This panel is not on this elevation.")]})
    defect = DefectType.objects.filter(pk=payload.defect_type_id, is_active=True).first()
    if defect is None:
        raise InvalidInput(fields={"defect_type_id": [_("Choose a defect from the catalogue.")]})
    pin = services.defect_pin(
        actor=request.user,
        panel=panel,
        defect_type=defect,
        severity=payload.severity,
        notes=payload.notes,
    )
    return Status(201, pin)


# -- DOM-2 weather ----------------------------------------------------------------------------
@router.get("/forecasts", response={200: list[ForecastOut], **ERRORS})
def list_forecasts(request: HttpRequest, city: str = "") -> Any:

    if not is_staff_member(request.user):
        raise Forbidden()
    qs = selectors.forecast_list()
    if city.strip():
        qs = qs.filter(city=city.strip())
    return list(qs[:500])


@router.post("/forecasts", response={200: ForecastOut, **ERRORS})
def save_forecast(request: HttpRequest, payload: ForecastIn) -> Any:
    data = payload.dict()
    return services.forecast_save(
        actor=request.user, city=data.pop("city"), date=data.pop("date"), data=data
    )


@router.get("/at-risk", response={200: list[AtRiskOut], **ERRORS})
def at_risk(request: HttpRequest, days: int = 3) -> Any:
    """DOM-2: open exterior work orders of the coming days whose forecast breaks a limit."""

    if not is_staff_member(request.user):
        raise Forbidden()
    rows = selectors.at_risk(user=request.user, days=max(0, min(days, 14)), on=timezone.localdate())
    return [
        {
            "work_order_id": r["work_order"].pk,
            "number": r["work_order"].number,
            "project_id": r["work_order"].project_id,
            "city": r["work_order"].project.city,
            "date": r["date"],
            "reasons": [str(x) for x in r["reasons"]],
        }
        for r in rows
    ]
