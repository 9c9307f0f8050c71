"""REST API of the service process (REG-2, X-9.5) — scoped exactly like the pages.

Thin: parse, resolve ids, call a selector or service, serialise. Errors come from
core.errors (422 with fields, 403, 404, 409 conflict / transition_not_allowed).
Every work order lists the ``transitions`` the caller may take now.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder

from facadeops.core.api import (
    ERRORS,
    Page,
    TransitionOut,
    apply_sort,
    paginate,
    transitions_out,
)
from facadeops.core.choices import Urgency
from facadeops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from facadeops.core.listing import capped_count
from facadeops.core.roles import Role, has_role
from facadeops.customers.models import Contact, Customer, Project
from facadeops.materials.models import Material

from . import permissions as perms
from . import selectors, services
from .models import (
    OPEN_STATES,
    AccessMethod,
    Channel,
    DefectType,
    Difficulty,
    Nature,
    QualityCheckKind,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    Severity,
    WorkOrder,
    WOStatus,
)

PREFIX = "/service"
router = Router(tags=["service"])


# -- helpers -----------------------------------------------------------------------------------
def _get(model: Any, pk: Any, field: str, qs: Any = None) -> Any:
    if pk is None:
        return None
    obj = (qs if qs is not None else model._default_manager).filter(pk=pk).first()
    if obj is None:
        raise InvalidInput(fields={field: [_("There is no such record (id %(id)s).") % {"id": pk}]})
    return obj


def _user(pk: Any, field: str) -> Any:
    return _get(get_user_model(), pk, field, get_user_model().objects.filter(is_active=True))


def _material(pk: Any, field: str = "material_id") -> Any:

    return _get(Material, pk, field, Material.objects.filter(is_active=True))


def _wo(request: HttpRequest, pk: int) -> WorkOrder:
    return selectors.work_order_get(user=request.user, pk=pk)


# -- schemas ----------------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    number: str
    kind: RequestKind
    channel: Channel
    status: RequestStatus
    customer_id: int | None
    contact_id: int | None
    project_id: int | None
    caller_name: str
    caller_phone: str
    caller_email: str
    customer_text: str
    project_text: str
    location: str
    description: str
    reported_at: dt.datetime
    urgency: Urgency
    received_by_id: int | None
    answer: str
    work_order_id: int | None = None
    version: int

    @staticmethod
    def resolve_work_order_id(obj: ServiceRequest) -> int | None:
        wo = getattr(obj, "work_order", None) if obj.status == RequestStatus.CONVERTED else None
        return wo.pk if wo is not None else None


class RequestDetailOut(RequestOut):
    transitions: list[TransitionOut] = []


class RequestIn(Schema):
    kind: RequestKind = RequestKind.REPAIR
    channel: Channel = Channel.HOTLINE
    customer_id: int | None = None
    contact_id: int | None = None
    project_id: int | None = None
    caller_name: str = Field(..., max_length=100)
    caller_phone: str = Field("", max_length=40)
    caller_email: str = Field("", max_length=254)
    customer_text: str = Field("", max_length=200)
    project_text: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    description: str
    reported_at: dt.datetime | None = None
    urgency: Urgency = Urgency.NORMAL


class WorkOrderOut(Schema):
    id: int
    number: str
    title: str
    status: WOStatus
    nature: Nature
    urgency: Urgency
    exterior_work: bool
    customer_id: int
    customer_name: str
    project_id: int
    project_name: str
    request_id: int | None
    service_head_id: int | None
    technician_id: int | None
    project_manager_id: int | None
    lead_id: int | None
    on_site_due_at: dt.datetime | None
    complete_due_at: dt.datetime | None
    arrived_at: dt.datetime | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    archived_at: dt.datetime | None
    escalation_level: int
    # "ok" | "warning" | "overdue", or null: no deadline, or its clock does not run
    sla: dict[str, str | None]
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_customer_name(obj: WorkOrder) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_project_name(obj: WorkOrder) -> str:
        return obj.project.name

    @staticmethod
    def resolve_sla(obj: WorkOrder) -> dict[str, str | None]:
        return selectors.sla_flags(obj)


class DefectOut(Schema):
    id: int
    defect_type_id: int
    defect_code: str
    severity: Severity
    location: str
    quantity: int
    notes: str

    @staticmethod
    def resolve_defect_code(obj: Any) -> str:
        return obj.defect_type.code


class PlanMaterialOut(Schema):
    material_id: int
    quantity: Decimal
    note: str


class PlanOut(Schema):
    id: int
    version_no: int
    outcome: str
    is_change: bool
    change_reason: str
    content: str
    tools: str
    schedule_start: dt.datetime | None
    schedule_end: dt.datetime | None
    safety_measures: str
    access_method: AccessMethod
    safety_briefing_signed: bool
    certified_staff_only: bool
    review_comment: str
    materials: list[PlanMaterialOut]

    @staticmethod
    def resolve_materials(obj: Any) -> list[Any]:
        return list(obj.materials.all())


class WorkOrderDetailOut(WorkOrderOut):
    description: str
    requirements: str
    member_ids: list[int]
    site_cleaned: bool
    facade_restored: bool
    cordon_removed: bool
    transitions: list[TransitionOut]
    defects: list[DefectOut]
    plans: list[PlanOut]

    @staticmethod
    def resolve_member_ids(obj: WorkOrder) -> list[int]:
        return [m.pk for m in obj.members.all()]

    @staticmethod
    def resolve_transitions(obj: WorkOrder) -> list[dict[str, Any]]:
        return list(getattr(obj, "_api_transitions", []))

    @staticmethod
    def resolve_defects(obj: WorkOrder) -> list[Any]:
        return list(obj.defects.select_related("defect_type"))

    @staticmethod
    def resolve_plans(obj: WorkOrder) -> list[Any]:
        return list(obj.plans.prefetch_related("materials").order_by("-version_no"))


def _detail(request: HttpRequest, wo: WorkOrder) -> WorkOrder:
    wo._api_transitions = transitions_out(wo, request.user)  # type: ignore[attr-defined]
    return wo


class CreatedOut(Schema):
    id: int
    kind: str


def _created(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "kind": obj._meta.model_name}


# -- requests -------------------------------------------------------------------------------------
@router.get("/requests", response={200: Page[RequestOut], **ERRORS})
def list_requests(
    request: HttpRequest,
    q: str = "",
    status: RequestStatus | None = None,
    kind: RequestKind | None = None,
    sort: str = "-reported_at",
    page: int = 1,
    page_size: int = 50,
) -> Any:
    qs: QuerySet[Any] = selectors.request_list(user=request.user).select_related("work_order")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if q.strip():
        term = q.strip()[:100]
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(caller_name__icontains=term)
            | Q(caller_phone__icontains=term)
            | Q(description__icontains=term)
        )
    qs = apply_sort(
        qs,
        sort,
        {"reported_at": "reported_at", "number": "number", "status": "status"},
        "-reported_at",
    )
    return paginate(qs, page=page, page_size=page_size)


@router.get("/requests/{pk}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, pk: int) -> Any:
    req = selectors.request_get(user=request.user, pk=pk)
    data = RequestOut.from_orm(req).dict()
    data["transitions"] = transitions_out(req, request.user)
    return data


@router.post("/requests", response={201: RequestOut, **ERRORS})
def create_request(request: HttpRequest, payload: RequestIn) -> Any:

    body = payload.dict()
    data = {k: v for k, v in body.items() if k not in {"customer_id", "contact_id", "project_id"}}
    # The project comes with its customer (one query); the customer is read on its own
    # only when it is not the project's (the service then refuses the pair).
    project = None
    if body["project_id"] is not None:
        project = Project.objects.select_related("customer").filter(pk=body["project_id"]).first()
    if project is not None and body["customer_id"] == project.customer_id:
        data["customer"] = project.customer
    else:
        data["customer"] = _get(Customer, body["customer_id"], "customer_id")
    data["contact"] = _get(Contact, body["contact_id"], "contact_id")
    if project is None:
        data["project"] = _get(Project, body["project_id"], "project_id")  # None or 422
    else:
        data["project"] = project
    if data["reported_at"] is None:
        data.pop("reported_at")
    req = services.request_create(actor=request.user, data=data)
    return Status(201, req)


class RequestPatch(RequestIn):
    version: int


@router.put("/requests/{pk}", response={200: RequestOut, **ERRORS})
def update_request(request: HttpRequest, pk: int, payload: RequestPatch) -> Any:
    """Correct a request still open (REG-2.1.2); a stale ``version`` is a 409."""

    req = selectors.request_get(user=request.user, pk=pk)
    body = payload.dict()
    version = body.pop("version")
    data = {k: v for k, v in body.items() if k not in {"customer_id", "contact_id", "project_id"}}
    data["customer"] = _get(Customer, body["customer_id"], "customer_id")
    data["contact"] = _get(Contact, body["contact_id"], "contact_id")
    data["project"] = _get(Project, body["project_id"], "project_id")
    if data["reported_at"] is None:
        data.pop("reported_at")
    return services.request_update(
        actor=request.user, request=req, data=data, expected_version=version
    )


class AnswerIn(Schema):
    answer: str
    close: bool = True


@router.post("/requests/{pk}/answer", response={200: RequestOut, **ERRORS})
def answer_request(request: HttpRequest, pk: int, payload: AnswerIn) -> Any:
    req = selectors.request_get(user=request.user, pk=pk)
    return services.request_answer(
        actor=request.user, request=req, answer=payload.answer, close=payload.close
    )


class NoteIn(Schema):
    note: str = ""


@router.post("/requests/{pk}/cancel", response={200: RequestOut, **ERRORS})
def cancel_request(request: HttpRequest, pk: int, payload: NoteIn) -> Any:
    req = selectors.request_get(user=request.user, pk=pk)
    return services.request_cancel(actor=request.user, request=req, note=payload.note)


@router.post("/requests/{pk}/convert", response={201: WorkOrderOut, **ERRORS})
def convert_request(request: HttpRequest, pk: int) -> Any:
    req = selectors.request_get(user=request.user, pk=pk)
    return Status(201, services.request_convert(actor=request.user, request=req))


# -- work orders ----------------------------------------------------------------------------------
WO_SORTS = {
    "number": "number",
    "created_at": "created_at",
    "on_site_due_at": "on_site_due_at",
    "complete_due_at": "complete_due_at",
    "urgency": "urgency",
    "status": "status",
}


@router.get("/work-orders", response={200: Page[WorkOrderOut], **ERRORS})
def list_work_orders(
    request: HttpRequest,
    q: str = "",
    status: list[WOStatus] | None = Query(None),  # noqa: B008
    urgency: Urgency | None = None,
    project_id: int | None = None,
    customer_id: int | None = None,
    assignee_id: int | None = None,
    open_only: bool = False,
    sort: str = "",
    page: int = 1,
    page_size: int = 50,
) -> Any:
    """Overdue first unless ``sort`` is given (X-9.2)."""
    qs: QuerySet[Any] = selectors.work_order_list(user=request.user).select_related(None)
    if status:
        qs = qs.filter(status__in=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATES)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if assignee_id:
        qs = qs.filter(
            Q(technician_id=assignee_id)
            | Q(lead_id=assignee_id)
            | Q(members=assignee_id)
            | Q(service_head_id=assignee_id)
        ).distinct()
    if q.strip():
        term = q.strip()[:100]
        qs = qs.filter(
            Q(number__icontains=term) | Q(title__icontains=term) | Q(project__name__icontains=term)
        )
    # A page reads only the columns a row shows (and its SLA flags need), as plain rows; the
    # count reads the work orders alone.
    if sort:
        qs = apply_sort(qs, sort, WO_SORTS, "-created_at")
        return _list_response(paginate(_Columns(qs), page=page, page_size=page_size))
    # Overdue first, read as two index-backed segments (late, then the rest).
    rows = selectors.OverdueFirst(qs, columns=_LIST_COLUMNS)
    return _list_response(paginate(rows, page=page, page_size=page_size))


class _Columns:
    """A queryset's rows as the list's column values (sliced), counted without the joins."""

    def __init__(self, qs: QuerySet[Any]) -> None:
        self.qs = qs

    def capped_count(self, cap: int) -> tuple[int, bool]:

        return capped_count(self.qs, cap)

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return list(self.qs.values(*_LIST_COLUMNS)[key])


# The list's rows: WorkOrderOut's fields, in its order, from plain column values.
_LIST_FIELDS = list(WorkOrderOut.model_fields)
_LIST_COLUMNS = [
    *(f for f in _LIST_FIELDS if f not in {"customer_name", "project_name", "sla"}),
    "customer__name",
    "project__name",
]


def _list_response(page: dict[str, Any]) -> HttpResponse:
    """The page as ``Page[WorkOrderOut]`` renders it (same keys, order, values and JSON —
    asserted in test_query_counts.py), built from the rows' column values instead of model
    instances validated by pydantic: ≈ 3× less CPU per page of 50 (docs/benchmarks.md,
    ``wo_list_rps``). The OpenAPI schema is the declared one."""
    from types import SimpleNamespace

    now = timezone.now()
    results = []
    for row in page["results"]:
        row["customer_name"] = row.pop("customer__name")
        row["project_name"] = row.pop("project__name")
        flags = selectors.sla_flags(SimpleNamespace(**row), now)  # type: ignore[arg-type]
        row["sla"] = flags
        results.append({f: row[f] for f in _LIST_FIELDS})
    page["results"] = results
    body = json.dumps(page, cls=NinjaJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/work-orders/{pk}", response={200: WorkOrderDetailOut, **ERRORS})
def get_work_order(request: HttpRequest, pk: int) -> Any:
    return _detail(request, _wo(request, pk))


@router.get("/work-orders/{pk}/transitions", response={200: list[TransitionOut], **ERRORS})
def list_transitions(request: HttpRequest, pk: int) -> Any:
    return transitions_out(_wo(request, pk), request.user)


class TransitionIn(Schema):
    note: str = ""
    version: int | None = None


@router.post("/work-orders/{pk}/transitions/{name}", response={200: WorkOrderDetailOut, **ERRORS})
def take_transition(request: HttpRequest, pk: int, name: str, payload: TransitionIn) -> Any:
    wo = _wo(request, pk)
    if payload.version is not None and payload.version != wo.version:
        raise Conflict()
    services.work_order_transition(actor=request.user, work_order=wo, name=name, note=payload.note)
    return _detail(request, _wo(request, pk))


class WorkOrderIn(Schema):
    project_id: int
    title: str = Field(..., max_length=200)
    description: str = ""
    nature: Nature = Nature.REPAIR
    urgency: Urgency = Urgency.NORMAL
    exterior_work: bool = False


@router.post("/work-orders", response={201: WorkOrderOut, **ERRORS})
def create_work_order(request: HttpRequest, payload: WorkOrderIn) -> Any:

    wo = services.work_order_create(
        actor=request.user,
        project=_get(Project, payload.project_id, "project_id"),
        title=payload.title,
        description=payload.description,
        nature=payload.nature,
        urgency=payload.urgency,
        exterior_work=payload.exterior_work,
    )
    return Status(201, wo)


class TriageIn(Schema):
    nature: Nature
    urgency: Urgency
    technician_id: int
    exterior_work: bool = False
    version: int


@router.post("/work-orders/{pk}/triage", response={200: WorkOrderDetailOut, **ERRORS})
def triage(request: HttpRequest, pk: int, payload: TriageIn) -> Any:
    wo = _wo(request, pk)
    services.work_order_triage(
        actor=request.user,
        work_order=wo,
        nature=payload.nature,
        urgency=payload.urgency,
        technician=_user(payload.technician_id, "technician_id"),
        exterior_work=payload.exterior_work,
        expected_version=payload.version,
    )
    return _detail(request, _wo(request, pk))


class CheckInIn(Schema):
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)


@router.post("/work-orders/{pk}/check-in", response={201: CreatedOut, **ERRORS})
def check_in(request: HttpRequest, pk: int, payload: CheckInIn) -> Any:
    a = services.work_order_check_in(
        actor=request.user,
        work_order=_wo(request, pk),
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(201, _created(a))


class AssessmentIn(Schema):
    situation: str
    difficulty: Difficulty


@router.post("/work-orders/{pk}/assessment", response={200: CreatedOut, **ERRORS})
def assessment(request: HttpRequest, pk: int, payload: AssessmentIn) -> Any:
    a = services.assessment_update(
        actor=request.user,
        work_order=_wo(request, pk),
        situation=payload.situation,
        difficulty=payload.difficulty,
    )
    return _created(a)


class DefectIn(Schema):
    defect_type_id: int
    severity: Severity | None = None
    location: str = Field("", max_length=200)
    quantity: int = Field(1, ge=1)
    notes: str = ""


@router.post("/work-orders/{pk}/defects", response={201: CreatedOut, **ERRORS})
def add_defect(request: HttpRequest, pk: int, payload: DefectIn) -> Any:
    d = services.defect_add(
        actor=request.user,
        work_order=_wo(request, pk),
        defect_type=_get(DefectType, payload.defect_type_id, "defect_type_id"),
        severity=payload.severity,
        location=payload.location,
        quantity=payload.quantity,
        notes=payload.notes,
    )
    return Status(201, _created(d))


class PlanLineIn(Schema):
    material_id: int
    quantity: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    note: str = Field("", max_length=200)


class PlanIn(Schema):
    content: str
    tools: str = ""
    schedule_start: dt.datetime | None = None
    schedule_end: dt.datetime | None = None
    safety_measures: str = ""
    access_method: AccessMethod = AccessMethod.INTERIOR
    safety_briefing_signed: bool = False
    certified_staff_only: bool = False
    change_reason: str = ""
    is_change: bool = False
    materials: list[PlanLineIn] = []


@router.post("/work-orders/{pk}/plan", response={200: PlanOut, **ERRORS})
def save_plan(request: HttpRequest, pk: int, payload: PlanIn) -> Any:
    body = payload.dict()
    lines = [
        (
            _material(line["material_id"], f"materials.{i}.material_id"),
            line["quantity"],
            line["note"],
        )
        for i, line in enumerate(body.pop("materials"))
    ]
    is_change = body.pop("is_change")
    return services.plan_save(
        actor=request.user,
        work_order=_wo(request, pk),
        data=body,
        materials=lines,
        is_change=is_change,
    )


class AssignIn(Schema):
    lead_id: int
    member_ids: list[int] = []
    requirements: str
    deadline: dt.datetime
    version: int


@router.post("/work-orders/{pk}/assign", response={200: WorkOrderDetailOut, **ERRORS})
def assign(request: HttpRequest, pk: int, payload: AssignIn) -> Any:
    wo = _wo(request, pk)
    services.work_order_assign(
        actor=request.user,
        work_order=wo,
        lead=_user(payload.lead_id, "lead_id"),
        members=[_user(m, "member_ids") for m in payload.member_ids],
        requirements=payload.requirements,
        deadline=payload.deadline,
        expected_version=payload.version,
    )
    return _detail(request, _wo(request, pk))


class ReassignIn(Schema):
    technician_id: int | None = None
    lead_id: int | None = None
    member_ids: list[int] | None = None
    note: str


@router.post("/work-orders/{pk}/reassign", response={200: WorkOrderDetailOut, **ERRORS})
def reassign(request: HttpRequest, pk: int, payload: ReassignIn) -> Any:
    services.work_order_reassign(
        actor=request.user,
        work_order=_wo(request, pk),
        technician=_user(payload.technician_id, "technician_id"),
        lead=_user(payload.lead_id, "lead_id"),
        members=None
        if payload.member_ids is None
        else [_user(m, "member_ids") for m in payload.member_ids],
        note=payload.note,
    )
    return _detail(request, _wo(request, pk))


@router.post("/work-orders/{pk}/acknowledge", response={201: CreatedOut, **ERRORS})
def acknowledge(request: HttpRequest, pk: int) -> Any:
    return Status(
        201, _created(services.plan_acknowledge(actor=request.user, work_order=_wo(request, pk)))
    )


class DrawIn(Schema):
    material_id: int
    quantity: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    tools: str = ""


@router.post("/work-orders/{pk}/draws", response={201: CreatedOut, **ERRORS})
def draw(request: HttpRequest, pk: int, payload: DrawIn) -> Any:
    d = services.material_draw(
        actor=request.user,
        work_order=_wo(request, pk),
        material=_material(payload.material_id),
        quantity=payload.quantity,
        tools=payload.tools,
    )
    return Status(201, _created(d))


class ProgressIn(Schema):
    text: str
    percent_done: int | None = Field(None, ge=0, le=100)


@router.post("/work-orders/{pk}/progress", response={201: CreatedOut, **ERRORS})
def progress(request: HttpRequest, pk: int, payload: ProgressIn) -> Any:
    log = services.progress_log(
        actor=request.user,
        work_order=_wo(request, pk),
        text=payload.text,
        percent_done=payload.percent_done,
    )
    return Status(201, _created(log))


class PartIn(Schema):
    old_part: str = Field(..., max_length=200)
    material_id: int
    quantity: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    batch: str = Field(..., max_length=100)
    location: str = Field("", max_length=200)


@router.post("/work-orders/{pk}/parts", response={201: CreatedOut, **ERRORS})
def part(request: HttpRequest, pk: int, payload: PartIn) -> Any:
    p = services.part_replacement_add(
        actor=request.user,
        work_order=_wo(request, pk),
        old_part=payload.old_part,
        material=_material(payload.material_id),
        quantity=payload.quantity,
        batch=payload.batch,
        location=payload.location,
    )
    return Status(201, _created(p))


class QualityIn(Schema):
    kind: QualityCheckKind
    follows_plan: bool
    materials_correct: bool
    result_meets_standard: bool
    documents_complete: bool
    passed: bool
    findings: str = ""
    rectification: str = ""


@router.post("/work-orders/{pk}/quality-checks", response={201: CreatedOut, **ERRORS})
def quality_check(request: HttpRequest, pk: int, payload: QualityIn) -> Any:
    qc = services.quality_check_add(
        actor=request.user, work_order=_wo(request, pk), **payload.dict()
    )
    return Status(201, _created(qc))


def _rectification(request: HttpRequest, pk: int, rid: int) -> Any:
    rect = _wo(request, pk).rectifications.filter(pk=rid).first()
    if rect is None:
        raise NotFound()
    return rect


class RectDoneIn(Schema):
    note: str = ""


@router.post("/work-orders/{pk}/rectifications/{rid}/done", response={200: CreatedOut, **ERRORS})
def rectification_done(request: HttpRequest, pk: int, rid: int, payload: RectDoneIn) -> Any:
    r = services.rectification_done(
        actor=request.user, rectification=_rectification(request, pk, rid), note=payload.note
    )
    return _created(r)


class RectVerifyIn(Schema):
    passed: bool
    findings: str = ""


@router.post("/work-orders/{pk}/rectifications/{rid}/verify", response={200: CreatedOut, **ERRORS})
def rectification_verify(request: HttpRequest, pk: int, rid: int, payload: RectVerifyIn) -> Any:
    r = services.rectification_verify(
        actor=request.user,
        rectification=_rectification(request, pk, rid),
        passed=payload.passed,
        findings=payload.findings,
    )
    return _created(r)


class CompletionIn(Schema):
    site_cleaned: bool
    facade_restored: bool
    cordon_removed: bool
    version: int


@router.post("/work-orders/{pk}/completion", response={200: WorkOrderDetailOut, **ERRORS})
def completion(request: HttpRequest, pk: int, payload: CompletionIn) -> Any:
    services.completion_update(
        actor=request.user,
        work_order=_wo(request, pk),
        site_cleaned=payload.site_cleaned,
        facade_restored=payload.facade_restored,
        cordon_removed=payload.cordon_removed,
        expected_version=payload.version,
    )
    return _detail(request, _wo(request, pk))


class AcceptanceIn(Schema):
    accepted: bool
    signer_name: str = Field(..., max_length=100)
    signature_data_url: str = Field("", max_length=2_000_000)
    reason: str = ""
    channel: str = Field("onsite", max_length=20)


@router.post("/work-orders/{pk}/acceptance", response={201: CreatedOut, **ERRORS})
def acceptance(request: HttpRequest, pk: int, payload: AcceptanceIn) -> Any:
    acc = services.customer_acceptance_record(
        actor=request.user, work_order=_wo(request, pk), **payload.dict()
    )
    return Status(201, _created(acc))


@router.post("/work-orders/{pk}/record/fill", response={200: CreatedOut, **ERRORS})
def record_fill(request: HttpRequest, pk: int) -> Any:
    return _created(services.service_record_fill(actor=request.user, work_order=_wo(request, pk)))


class RecordSignIn(Schema):
    content: str
    result: str
    signature_data_url: str = Field(..., max_length=2_000_000)


@router.post("/work-orders/{pk}/record/sign", response={200: CreatedOut, **ERRORS})
def record_sign(request: HttpRequest, pk: int, payload: RecordSignIn) -> Any:
    rec = services.service_record_sign(
        actor=request.user, work_order=_wo(request, pk), **payload.dict()
    )
    return _created(rec)


# -- pages per role (X-9.5) ----------------------------------------------------------------
class BoardColumnOut(Schema):
    state: WOStatus
    label: str
    # Open work orders in this state (all of them); ``work_orders`` holds the first
    # ``BOARD_COLUMN_LIMIT`` (10), overdue first — the rest via ``list_url``.
    count: int
    list_url: str
    work_orders: list[WorkOrderOut]


@router.get("/board", response={200: list[BoardColumnOut], **ERRORS})
def board(request: HttpRequest) -> Any:

    if not has_role(request.user, Role.SERVICE_HEAD, Role.MANAGEMENT):
        raise Forbidden()
    return [
        {
            "state": col["state"],
            "label": str(WOStatus(col["state"]).label),
            "count": col["count"],
            "list_url": f"/api/v1{PREFIX}/work-orders?status={col['state']}",
            "work_orders": col["work_orders"],
        }
        for col in selectors.board_columns(user=request.user)
    ]


@router.get("/my-work-today", response={200: list[WorkOrderOut], **ERRORS})
def my_work_today(request: HttpRequest) -> Any:
    return list(selectors.my_work_today(user=request.user).select_related("customer", "project"))


@router.get("/dashboard", response={200: dict[str, Any], **ERRORS})
def dashboard(request: HttpRequest) -> Any:

    if not has_role(request.user, *perms.DASHBOARD_ROLES):
        raise Forbidden()

    def render(figures: dict[str, Any]) -> bytes:
        # as ninja renders a dict: its JSON encoder, UTF-8
        return json.dumps(selectors.dashboard_payload(figures), cls=NinjaJSONEncoder).encode()

    # The JSON itself is cached (per scope and language) under the figures' version: a hit
    # is one cache round trip (docs/benchmarks.md, counts_by_state_rps).
    body = selectors.dashboard_rendered_cached(
        user=request.user, variant=f"api-json:{get_language()}", render=render
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")
