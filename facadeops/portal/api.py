"""Customer portal API: ``/api/v1/portal`` — only the caller's own customer's records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from facadeops.core.api import ErrorOut, Page, paginate
from facadeops.core.errors import InvalidInput
from facadeops.customers.models import Project
from facadeops.service.models import WorkOrder

from . import selectors, services

PREFIX = "/portal"
router = Router(tags=["portal"])


class PageQuery(Schema):
    page: int = 1
    page_size: int = 50


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    address: str


class RequestOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    description: str
    reported_at: dt.datetime
    project_id: int | None = None


class WorkOrderOut(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    project_id: int
    project_name: str
    created_at: dt.datetime


class HistoryOut(Schema):
    at: dt.datetime
    step: str
    status: str


class WorkOrderDetailOut(WorkOrderOut):
    history: list[HistoryOut]


class RatingIn(Schema):
    score: int
    comment: str = ""


class RatingOut(Schema):
    id: int
    work_order_id: int
    score: int
    comment: str


class ComplaintIn(Schema):
    subject: str
    description: str
    project_id: int | None = None
    work_order_id: int | None = None


class ComplaintOut(Schema):
    """The complaint as recorded (REG-4): its number, and its state in the REG-4 chain
    (follow it at ``/api/v1/complaints/complaints/{id}``)."""

    id: int
    number: str
    status: str
    subject: str
    created_at: dt.datetime


def _wo(wo: Any) -> dict[str, Any]:
    return {
        "id": wo.pk,
        "number": wo.number,
        "title": wo.title,
        "status": wo.status,
        "status_label": str(wo.get_status_display()),
        "project_id": wo.project_id,
        "project_name": wo.project.name,
        "created_at": wo.created_at,
    }


@router.get(
    "/projects", response={200: Page[ProjectOut], 403: ErrorOut}, url_name="portal_projects"
)
def projects(request: HttpRequest, q: Query[PageQuery]) -> Any:
    return paginate(selectors.project_list(user=request.user), page=q.page, page_size=q.page_size)


@router.get(
    "/requests", response={200: Page[RequestOut], 403: ErrorOut}, url_name="portal_requests"
)
def requests_(request: HttpRequest, q: Query[PageQuery]) -> Any:
    return paginate(selectors.request_list(user=request.user), page=q.page, page_size=q.page_size)


@router.get(
    "/work-orders", response={200: Page[WorkOrderOut], 403: ErrorOut}, url_name="portal_work_orders"
)
def work_orders(request: HttpRequest, q: Query[PageQuery]) -> Any:
    page = paginate(
        selectors.work_order_list(user=request.user), page=q.page, page_size=q.page_size
    )
    page["results"] = [_wo(w) for w in page["results"]]
    return page


@router.get(
    "/work-orders/{wo_id}",
    response={200: WorkOrderDetailOut, 403: ErrorOut, 404: ErrorOut},
    url_name="portal_work_order",
)
def work_order(request: HttpRequest, wo_id: int) -> Any:
    wo = selectors.work_order_get(user=request.user, pk=wo_id)
    out = _wo(wo)
    out["history"] = [
        {"at": h["at"], "step": str(h["step"]), "status": str(h["status"])}
        for h in selectors.status_history(wo)
    ]
    return out


@router.post(
    "/work-orders/{wo_id}/rating",
    response={201: RatingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="portal_rating",
)
def rating(request: HttpRequest, wo_id: int, payload: RatingIn) -> Any:
    wo = selectors.work_order_get(user=request.user, pk=wo_id)
    r = services.satisfaction_rate(
        actor=request.user, work_order=wo, score=payload.score, comment=payload.comment
    )
    return Status(201, {"id": r.pk, "work_order_id": wo.pk, "score": r.score, "comment": r.comment})


@router.post(
    "/complaints",
    response={201: ComplaintOut, 403: ErrorOut, 422: ErrorOut},
    url_name="portal_complaint",
)
def complaint(request: HttpRequest, payload: ComplaintIn) -> Any:

    data: dict[str, Any] = {"subject": payload.subject, "description": payload.description}
    if payload.project_id is not None:
        data["project"] = Project.objects.filter(pk=payload.project_id).first()
        if data["project"] is None:
            raise InvalidInput(fields={"project_id": [_("Choose a valid entry.")]})
    if payload.work_order_id is not None:
        data["work_order"] = WorkOrder.objects.filter(pk=payload.work_order_id).first()
        if data["work_order"] is None:
            raise InvalidInput(fields={"work_order_id": [_("Choose a valid entry.")]})
    c = services.complaint_file(actor=request.user, data=data)
    return Status(
        201,
        {
            "id": c.pk,
            "number": c.number,
            "status": c.status,
            "subject": c.subject,
            "created_at": c.received_at,
        },
    )
