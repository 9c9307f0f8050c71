"""REST API of customer complaints (REG-4) — scoped exactly like the pages.

Thin: parse, resolve ids, call a selector or service, serialise. Errors come from
core.errors (422 with fields, 403, 404, 409 conflict / transition_not_allowed). Every
complaint lists the ``transitions`` the caller may take now; a complaint the caller may not
see is 404 (``selectors.complaint_get``). The team's evidence (photos, videos) is uploaded
through ``/api/v1/attachments`` on the round (``target_type=complaints.round``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from facadeops.accounts.models import Department
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
from facadeops.core.roles import is_staff_member
from facadeops.customers.models import Project
from facadeops.customers.selectors import contact_get
from facadeops.service.models import Channel
from facadeops.service.selectors import work_order_list

from . import permissions as perms
from . import selectors, services
from .models import (
    Category,
    CauseCategory,
    Complaint,
    ComplaintStatus,
    CustomerUpdate,
    HandlingPlan,
    Measure,
    PlanOutcome,
    Round,
    Severity,
    TeamMember,
    TeamRole,
    UpdateKind,
)

PREFIX = "/complaints"
router = Router(tags=["complaints"])


# -- helpers -----------------------------------------------------------------------------------
def _unknown(field: str, pk: Any) -> InvalidInput:
    return InvalidInput(fields={field: [_("There is no such record (id %(id)s).") % {"id": pk}]})


def _get(qs: QuerySet[Any], pk: int | None, field: str) -> Any:
    """The record ``pk`` of ``qs`` (None for None); an unknown id is a 422 on ``field``."""
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise _unknown(field, pk)
    return obj


def _user(pk: int | None, field: str) -> Any:
    return _get(get_user_model().objects.filter(is_active=True), pk, field)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is read in the server's time zone (Asia/Shanghai)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    return selectors.complaint_get(user=request.user, pk=pk)


def _detail(request: HttpRequest, c: Complaint) -> Complaint:
    c._api_transitions = transitions_out(c, request.user)  # type: ignore[attr-defined]
    return c


def _reread(request: HttpRequest, pk: int) -> Complaint:
    """The complaint as it is now, with its rounds and the caller's transitions."""
    return _detail(request, _complaint(request, pk))


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# The services name the records they were given; the API's fields are their ids.
_FIELD_NAMES = {
    "project": "project_id",
    "contact": "contact_id",
    "work_orders": "work_order_ids",
    "leader": "leader_id",
    "responsible_department": "responsible_department_id",
    "responsible_person": "responsible_person_id",
}


@contextmanager
def _body_fields() -> Iterator[None]:
    """A service's 422 with each message at the request body's field name."""
    try:
        yield
    except InvalidInput as exc:
        exc.fields = {_FIELD_NAMES.get(k, k): v for k, v in exc.fields.items()}
        raise


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise Forbidden()


# -- schemas ----------------------------------------------------------------------------------
class _In(Schema):
    """Bodies and filters of this API. A text with a NUL character is refused at its field
    (PostgreSQL cannot store or compare it), as the forms' ProhibitNullCharactersValidator."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_null_characters(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise PydanticCustomError(
                "null_characters", str(_("A text may not contain NUL characters."))
            )
        return value


class ComplaintSummaryOut(Schema):
    id: int
    number: str
    status: ComplaintStatus
    status_label: str
    channel: Channel
    category: Category
    severity: str  # the severity's code (GET /complaints/severities)
    severity_label: str
    customer_id: int
    customer_name: str
    project_id: int
    project_name: str
    contact_id: int | None
    contact_name: str
    contact_phone: str
    contact_email: str
    location: str
    subject: str
    received_at: dt.datetime
    round_no: int
    escalation_level: int
    service_head_id: int | None
    closed_at: dt.datetime | None
    archived_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_status_label(obj: Complaint) -> str:
        return str(ComplaintStatus(obj.status).label)

    @staticmethod
    def resolve_severity(obj: Complaint) -> str:
        return obj.severity.code

    @staticmethod
    def resolve_severity_label(obj: Complaint) -> str:
        return str(obj.severity)

    @staticmethod
    def resolve_customer_name(obj: Complaint) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_project_name(obj: Complaint) -> str:
        return obj.project.name


class ComplaintTeamMemberOut(Schema):
    user_id: int
    name: str
    role: TeamRole

    @staticmethod
    def resolve_name(obj: TeamMember) -> str:
        return _name(obj.user)


class ComplaintMeasureOut(Schema):
    id: int
    position: int
    description: str
    deadline: dt.date
    responsible_id: int
    responsible_name: str
    site_work: bool
    work_order_id: int | None
    work_order_number: str | None
    done_at: dt.datetime | None
    done_note: str

    @staticmethod
    def resolve_responsible_name(obj: Measure) -> str:
        return _name(obj.responsible)

    @staticmethod
    def resolve_work_order_number(obj: Measure) -> str | None:
        return obj.work_order.number if obj.work_order is not None else None


class ComplaintPlanOut(Schema):
    id: int
    version_no: int
    outcome: PlanOutcome
    summary: str
    expected_completion: dt.date | None
    written_by_id: int
    reviewed_by_id: int | None
    reviewed_at: dt.datetime | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    comment: str
    measures: list[ComplaintMeasureOut]

    @staticmethod
    def resolve_measures(obj: HandlingPlan) -> list[Any]:
        return list(obj.measures.all())


class ComplaintRoundOut(Schema):
    """One round of investigation and handling (REG-4.2–4.3.3); its ``id`` is the
    attachments' ``target_id`` for the evidence (``target_type=complaints.round``)."""

    id: int
    number: int
    reason: str
    leader_id: int | None
    leader_name: str
    members: list[ComplaintTeamMemberOut]
    on_site_due_at: dt.datetime | None
    arrived_at: dt.datetime | None
    findings: str
    cause_category: str | None
    root_cause: str
    whys: list[str]
    responsible_department_id: int | None
    responsible_person_id: int | None
    result: str
    result_at: dt.datetime | None
    verdict: str
    verdict_reason: str
    verdict_at: dt.datetime | None
    plans: list[ComplaintPlanOut]

    @staticmethod
    def resolve_leader_name(obj: Round) -> str:
        return _name(obj.leader)

    @staticmethod
    def resolve_members(obj: Round) -> list[Any]:
        return list(obj.members.all())

    @staticmethod
    def resolve_cause_category(obj: Round) -> str | None:
        return obj.cause_category.code if obj.cause_category is not None else None

    @staticmethod
    def resolve_whys(obj: Round) -> list[str]:
        return [str(w) for w in obj.whys or []]

    @staticmethod
    def resolve_plans(obj: Round) -> list[Any]:
        return list(obj.plans.all())


class ComplaintUpdateOut(Schema):
    """REG-4.3.2: what the customer was told."""

    id: int
    round_no: int
    kind: UpdateKind
    text: str
    expected_completion: dt.date | None
    at: dt.datetime
    by_id: int | None


class ComplaintWorkOrderOut(Schema):
    id: int
    number: str


class ComplaintDetailOut(ComplaintSummaryOut):
    description: str
    received_by_id: int | None
    acknowledged_at: dt.datetime | None
    rounds: list[ComplaintRoundOut]
    updates: list[ComplaintUpdateOut]
    work_orders: list[ComplaintWorkOrderOut]
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_rounds(obj: Complaint) -> list[Any]:
        return list(obj.rounds.all())

    @staticmethod
    def resolve_updates(obj: Complaint) -> list[Any]:
        return list(obj.updates.all())

    @staticmethod
    def resolve_work_orders(obj: Complaint) -> list[Any]:
        return list(obj.work_orders.all())

    @staticmethod
    def resolve_transitions(obj: Complaint) -> list[dict[str, Any]]:
        return list(getattr(obj, "_api_transitions", []))


class ComplaintCreateIn(_In):
    """REG-4.1.2. A customer user complains about one of its own projects; its channel is
    the portal, the contact its own name when none is given, the severity the least one."""

    project_id: int
    contact_id: int | None = None
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    category: Category | None = None
    severity: str = Field("", max_length=20)  # a code of GET /complaints/severities
    subject: str
    description: str
    location: str = Field("", max_length=200)
    channel: Channel | None = None  # hotline when not given (customers: always the portal)
    work_order_ids: list[int] = Field(default_factory=list, max_length=50)


class ComplaintTeamMemberIn(_In):
    user_id: int
    role: TeamRole


class ComplaintTeamIn(_In):
    leader_id: int
    members: list[ComplaintTeamMemberIn] = Field(..., max_length=50)


class ComplaintArrivalIn(_In):
    at: dt.datetime | None = None  # now when not given


class ComplaintFindingsIn(_In):
    """REG-4.2.2, 4.2.3. PUT replaces the round's findings: a field left out is emptied."""

    findings: str = ""
    cause_category: str = Field("", max_length=30)  # a code of GET /complaints/cause-categories
    root_cause: str = ""
    whys: list[str] = Field(default_factory=list, max_length=20)
    responsible_department_id: int | None = None
    responsible_person_id: int | None = None


class ComplaintMeasureIn(_In):
    description: str = ""
    deadline: dt.date | None = None
    responsible_id: int | None = None
    site_work: bool = False


class ComplaintPlanIn(_In):
    """REG-4.3.1. After a return the old version is kept and a new one is written."""

    summary: str = ""
    expected_completion: dt.date | None = None
    measures: list[ComplaintMeasureIn] = Field(default_factory=list, max_length=100)


class ComplaintMeasureDoneIn(_In):
    note: str = ""


class ComplaintUpdateIn(_In):
    kind: Literal["progress", "phone"] = "progress"
    text: str = ""
    expected_completion: dt.date | None = None


class ComplaintResultIn(_In):
    result: str = ""


class ComplaintTransitionIn(_In):
    note: str = ""
    version: int | None = None


class ComplaintSeverityOut(Schema):
    code: str
    name: str
    name_en: str
    label: str
    rank: int
    urgency: Urgency

    @staticmethod
    def resolve_label(obj: Severity) -> str:
        return str(obj)


class ComplaintCauseCategoryOut(Schema):
    code: str
    name: str
    name_en: str
    label: str

    @staticmethod
    def resolve_label(obj: CauseCategory) -> str:
        return str(obj)


# -- complaints ---------------------------------------------------------------------------------
SORTS = {"received_at": "received_at", "number": "number", "status": "status"}


class ComplaintFilter(_In):
    q: str = ""
    status: ComplaintStatus | None = None
    category: Category | None = None
    channel: Channel | None = None
    severity: str = ""  # a severity's code
    project_id: int | None = None
    customer_id: int | None = None
    sort: str = "-received_at"
    page: int = 1
    page_size: int = 50


@router.get(
    "/complaints",
    response={200: Page[ComplaintSummaryOut], **ERRORS},
    url_name="complaint_list",
    summary="List complaints",
)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilter]) -> Any:
    """The complaints the caller may see (customers: their own), newest first; ``q``
    searches the number, subject and contact name; ``sort``: received_at, number, status."""
    f = filters
    qs = selectors.complaint_list(
        user=request.user,
        filters={
            "status": f.status,
            "category": f.category,
            "channel": f.channel,
            "severity": f.severity.strip(),
            "project": f.project_id,
            "customer": f.customer_id,
        },
    )
    if f.q.strip():
        term = f.q.strip()[:100]
        qs = qs.filter(
            Q(number__icontains=term) | Q(subject__icontains=term) | Q(contact_name__icontains=term)
        )
    qs = apply_sort(qs, f.sort, SORTS, "-received_at")
    return paginate(qs, page=f.page, page_size=f.page_size)


@router.post(
    "/complaints",
    response={201: ComplaintDetailOut, **ERRORS},
    url_name="complaint_create",
    summary="Record a complaint",
)
def create_complaint(request: HttpRequest, payload: ComplaintCreateIn) -> Any:
    """REG-4.1.1, 4.1.2: a complaint taken on any channel (agents, service heads,
    management), or a customer user's own (its projects only)."""
    customer_user = perms.is_customer(request.user)
    project = Project.objects.select_related("customer").filter(pk=payload.project_id).first()
    if project is None:
        raise _unknown("project_id", payload.project_id)
    contact = None
    if payload.contact_id is not None:
        try:
            contact = contact_get(user=request.user, pk=payload.contact_id)
        except NotFound as exc:
            raise _unknown("contact_id", payload.contact_id) from exc
    visible = work_order_list(user=request.user).select_related(None)
    work_orders = [
        _get(visible, pk, "work_order_ids") for pk in dict.fromkeys(payload.work_order_ids)
    ]
    data = {
        "project": project,
        "contact": contact,
        "contact_name": payload.contact_name,
        "contact_phone": payload.contact_phone,
        "contact_email": payload.contact_email,
        "category": payload.category or "",
        "severity": payload.severity.strip() or None,
        "subject": payload.subject,
        "description": payload.description,
        "location": payload.location,
    }
    channel = Channel.PORTAL if customer_user else (payload.channel or Channel.HOTLINE)
    with _body_fields():
        c = services.complaint_create(
            actor=request.user, data=data, work_orders=work_orders, channel=channel
        )
    return Status(201, _reread(request, c.pk))


@router.get(
    "/complaints/{id}",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_detail",
    summary="One complaint with its rounds",
)
def get_complaint(request: HttpRequest, id: int) -> Any:
    """Every round (team, arrival, findings and root cause, plan versions with measures,
    result, the customer's verdict), what the customer was told, the related work orders."""
    return _reread(request, id)


@router.post(
    "/complaints/{id}/team",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_team",
    summary="Form the investigation team",
)
def set_team(request: HttpRequest, id: int, payload: ComplaintTeamIn) -> Any:
    """REG-4.2.1: the service head names the round's leader and members (with their role in
    the team); the list replaces the round's team."""
    c = _complaint(request, id)
    leader = _user(payload.leader_id, "leader_id")
    members = [
        (_user(m.user_id, f"members.{i}.user_id"), m.role) for i, m in enumerate(payload.members)
    ]
    with _body_fields():
        services.team_set(actor=request.user, complaint=c, leader=leader, members=members)
    return _reread(request, id)


@router.post(
    "/complaints/{id}/arrival",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_arrival",
    summary="Record the team's arrival on site",
)
def record_arrival(request: HttpRequest, id: int, payload: ComplaintArrivalIn) -> Any:
    """REG-4.2.2: the team is on site (now, or at ``at``); late is visible in the audit."""
    c = _complaint(request, id)
    services.arrival_record(actor=request.user, complaint=c, at=_aware(payload.at))
    return _reread(request, id)


@router.put(
    "/complaints/{id}/findings",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_findings",
    summary="Findings and root cause",
)
def put_findings(request: HttpRequest, id: int, payload: ComplaintFindingsIn) -> Any:
    """REG-4.2.2, 4.2.3: findings, root cause (category, text, up to five whys), the
    responsible department and person of the current round."""
    c = _complaint(request, id)
    data = {
        "findings": payload.findings,
        "cause_category": payload.cause_category.strip(),
        "root_cause": payload.root_cause,
        "whys": payload.whys,
        "responsible_department": _get(
            Department.objects.filter(is_active=True),
            payload.responsible_department_id,
            "responsible_department_id",
        ),
        "responsible_person": _user(payload.responsible_person_id, "responsible_person_id"),
    }
    with _body_fields():
        services.findings_update(actor=request.user, complaint=c, data=data)
    return _reread(request, id)


@router.put(
    "/complaints/{id}/plan",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_plan",
    summary="Write the handling plan",
)
def put_plan(request: HttpRequest, id: int, payload: ComplaintPlanIn) -> Any:
    """REG-4.3.1: the round's handling plan — measures with deadline and responsible person.
    The draft is replaced; after a return a new version is written (the old one is kept)."""
    c = _complaint(request, id)
    measures = [
        {
            "description": m.description,
            "deadline": m.deadline,
            "responsible": _user(m.responsible_id, f"measures.{i}.responsible_id"),
            "site_work": m.site_work,
        }
        for i, m in enumerate(payload.measures)
    ]
    services.plan_save(
        actor=request.user,
        complaint=c,
        summary=payload.summary,
        expected_completion=payload.expected_completion,
        measures=measures,
    )
    return _reread(request, id)


@router.post(
    "/complaints/{id}/measures/{measure_id}/done",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_measure_done",
    summary="Mark a measure done",
)
def measure_done(
    request: HttpRequest, id: int, measure_id: int, payload: ComplaintMeasureDoneIn
) -> Any:
    """REG-4.3.2: a measure of the approved plan is done (its responsible person, the team or
    the service head)."""
    c = _complaint(request, id)
    services.measure_done(actor=request.user, complaint=c, measure_id=measure_id, note=payload.note)
    return _reread(request, id)


@router.post(
    "/complaints/{id}/measures/{measure_id}/work-order",
    response={201: ComplaintWorkOrderOut, **ERRORS},
    url_name="complaint_measure_work_order",
    summary="Open a work order for a measure",
)
def measure_work_order(request: HttpRequest, id: int, measure_id: int) -> Any:
    """REG-4.3.1: a measure that needs work on the facade opens a work order through the
    service process (REG-2), linked to the measure and the complaint."""
    c = _complaint(request, id)
    wo = services.measure_work_order(actor=request.user, complaint=c, measure_id=measure_id)
    return Status(201, wo)


@router.post(
    "/complaints/{id}/updates",
    response={201: ComplaintUpdateOut, **ERRORS},
    url_name="complaint_update",
    summary="Tell the customer (progress, phone call)",
)
def add_update(request: HttpRequest, id: int, payload: ComplaintUpdateIn) -> Any:
    """REG-4.3.2: progress and the expected completion, shown in the portal and sent to the
    customer's users; or a phone call with the customer, logged."""
    c = _complaint(request, id)
    update: CustomerUpdate = services.customer_update_add(
        actor=request.user,
        complaint=c,
        text=payload.text,
        kind=payload.kind,
        expected_completion=payload.expected_completion,
    )
    return Status(201, update)


@router.put(
    "/complaints/{id}/result",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_result",
    summary="The result of the handling",
)
def put_result(request: HttpRequest, id: int, payload: ComplaintResultIn) -> Any:
    """REG-4.3.3: what was done, as the customer will be told it (``report_result`` sends
    it)."""
    c = _complaint(request, id)
    services.result_save(actor=request.user, complaint=c, result=payload.result)
    return _reread(request, id)


@router.get(
    "/complaints/{id}/transitions",
    response={200: list[TransitionOut], **ERRORS},
    url_name="complaint_transitions",
    summary="Steps the caller may take now",
)
def list_transitions(request: HttpRequest, id: int) -> Any:
    return transitions_out(_complaint(request, id), request.user)


@router.post(
    "/complaints/{id}/transitions/{name}",
    response={200: ComplaintDetailOut, **ERRORS},
    url_name="complaint_transition",
    summary="Take a step of the complaint chain",
)
def take_transition(
    request: HttpRequest, id: int, name: str, payload: ComplaintTransitionIn
) -> Any:
    """REG-4.2–4.4: send the team, findings complete, submit / review / approve / return the
    plan, report the result, the customer accepts or rejects (a new round), archive,
    withdraw. A stale ``version`` is a 409."""
    c = _complaint(request, id)
    if payload.version is not None and payload.version != c.version:
        raise Conflict()
    services.complaint_transition(actor=request.user, complaint=c, name=name, note=payload.note)
    return _reread(request, id)


# -- reference data ---------------------------------------------------------------------------
@router.get(
    "/severities",
    response={200: list[ComplaintSeverityOut], **ERRORS},
    url_name="complaint_severities",
    summary="Severities in use",
)
def list_severities(request: HttpRequest) -> Any:
    _staff_only(request)
    return list(Severity.objects.filter(active=True))


@router.get(
    "/cause-categories",
    response={200: list[ComplaintCauseCategoryOut], **ERRORS},
    url_name="complaint_cause_categories",
    summary="Root-cause categories in use",
)
def list_cause_categories(request: HttpRequest) -> Any:
    _staff_only(request)
    return list(CauseCategory.objects.filter(active=True))
