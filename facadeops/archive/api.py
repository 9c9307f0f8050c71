"""Archive API (REG-2.5.2): search (full text incl. Chinese, project, customer, date, type),
an entry, its dossier PDF, the disposal list and the approved disposal. Thin: parse, call a
selector or service, serialise. Scoped like the UI (customers see only their own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from facadeops.core.api import ErrorOut, Page, apply_sort, paginate
from facadeops.core.errors import NotFound

from . import selectors, services

PREFIX = "/archive"
router = Router(tags=["archive"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
SORTS = {
    "record_date": "record_date",
    "number": "number",
    "title": "title",
    "retention_until": "retention_until",
    "archived_at": "archived_at",
}


class RecordTypeOut(Schema):
    id: int
    code: str
    name: str
    retention_years: int
    description: str
    is_active: bool


class EntryOut(Schema):
    id: int
    record_type: str
    record_type_name: str
    classification: str
    title: str
    number: str
    customer_id: int | None
    customer_name: str
    project_id: int | None
    project_name: str
    record_date: dt.date
    archived_at: dt.datetime
    archived_by: str
    retention_until: dt.date
    has_dossier: bool
    dossier_sha256: str
    disposed_at: dt.datetime | None
    disposal_note: str


class DisposeIn(Schema):
    note: str


def _out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "record_type": e.record_type.code,
        "record_type_name": e.record_type.name,
        "classification": e.classification,
        "title": e.title,
        "number": e.number,
        "customer_id": e.customer_id,
        "customer_name": e.customer.name if e.customer_id else "",
        "project_id": e.project_id,
        "project_name": e.project.name if e.project_id else "",
        "record_date": e.record_date,
        "archived_at": e.archived_at,
        "archived_by": e.archived_by.get_full_name() or e.archived_by.get_username(),
        "retention_until": e.retention_until,
        "has_dossier": bool(e.dossier),
        "dossier_sha256": e.dossier_sha256,
        "disposed_at": e.disposed_at,
        "disposal_note": e.disposal_note,
    }


@router.get("/entries", response={200: Page[EntryOut], **ERRORS}, summary="Search the archive")
def entry_search(
    request: HttpRequest,
    q: str = "",
    project: int | None = None,
    customer: int | None = None,
    type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    disposed: bool | None = None,
    sort: str = "-record_date",
    page: int = 1,
    page_size: int = 25,
) -> Any:
    """Every term of `q` must occur in the record's text (Chinese works: `q=玻璃自爆`)."""
    qs = selectors.entry_search(
        user=request.user,
        q=q,
        project=project,
        customer=customer,
        date_from=date_from,
        date_to=date_to,
    )
    if type:
        qs = qs.filter(record_type__code=type)
    if disposed is not None:
        qs = qs.filter(disposed_at__isnull=not disposed)
    qs = apply_sort(qs, sort, SORTS, "-record_date")
    data = paginate(qs, page=page, page_size=page_size)
    data["results"] = [_out(e) for e in data["results"]]
    return data


@router.get("/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="One entry")
def entry_get(request: HttpRequest, entry_id: int) -> Any:
    return _out(selectors.entry_get(user=request.user, pk=entry_id))


@router.get(
    "/entries/{entry_id}/dossier",
    response={200: None, **ERRORS},
    summary="The dossier PDF of an entry",
)
def entry_dossier(request: HttpRequest, entry_id: int) -> Any:
    entry = selectors.entry_get(user=request.user, pk=entry_id)
    if not entry.dossier:
        raise NotFound()
    response = FileResponse(entry.dossier.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{entry.number}.pdf"'
    return response


@router.get(
    "/disposal",
    response={200: Page[EntryOut], **ERRORS},
    summary="Entries past their retention period",
)
def disposal_due(request: HttpRequest, page: int = 1, page_size: int = 25) -> Any:
    data = paginate(selectors.disposal_due(user=request.user), page=page, page_size=page_size)
    data["results"] = [_out(e) for e in data["results"]]
    return data


@router.post(
    "/entries/{entry_id}/dispose",
    response={200: EntryOut, **ERRORS},
    summary="Approve the disposal of an entry past retention (management)",
)
def entry_dispose(request: HttpRequest, entry_id: int, body: DisposeIn) -> Any:
    entry = selectors.entry_get(user=request.user, pk=entry_id)
    entry = services.entry_dispose(actor=request.user, entry=entry, note=body.note)
    return _out(selectors.entry_get(user=request.user, pk=entry.pk))


@router.get("/record-types", response={200: list[RecordTypeOut], **ERRORS})
def record_types(request: HttpRequest) -> Any:
    return list(selectors.record_type_list(user=request.user))
