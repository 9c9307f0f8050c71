"""Attachments API (mounted by the project: ``api.add_router(PREFIX, router)``).

- ``GET  /attachments?target_type=app.model&target_id=…`` — the record's attachments
- ``POST /attachments`` (multipart: target_type, target_id, file, caption) — 201
- ``GET  /attachments/{id}/download`` — the file (``nosniff``, safe name)
- ``DELETE /attachments/{id}`` — 204 (uploader or manager role)

A record the caller may not see is 404; a refused file is 422 with ``fields.file``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from .api import ErrorOut, Page, paginate
from .attachment_views import file_response
from .attachments import (
    access_attachment,
    attachment_add,
    attachment_list,
    attachment_remove,
    resolve_target,
    target_key,
)
from .errors import NotFound
from .models import Attachment

PREFIX = "/attachments"
router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    target_type: str
    target_id: str
    kind: str
    mime: str
    original_name: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    caption: str
    uploaded_by_id: int | None = None
    uploaded_by_name: str
    uploaded_at: dt.datetime
    download_url: str
    has_thumbnail: bool


class AttachmentFilter(Schema):
    target_type: str
    target_id: str
    page: int = 1
    page_size: int = 50


def _download_url(request: HttpRequest, att: Attachment) -> str:
    ns = getattr(getattr(request, "resolver_match", None), "namespace", "") or "api"
    try:
        return reverse(f"{ns}:attachment_download", kwargs={"attachment_id": att.pk})
    except NoReverseMatch:  # pragma: no cover - only when mounted without a namespace
        return ""


def _out(request: HttpRequest, att: Attachment, key: str) -> dict[str, Any]:
    user = att.uploaded_by
    return {
        "id": att.pk,
        "target_type": key,
        "target_id": att.object_id,
        "kind": att.kind,
        "mime": att.mime,
        "original_name": att.original_name,
        "size": att.size,
        "sha256": att.sha256,
        "width": att.width,
        "height": att.height,
        "caption": att.caption,
        "uploaded_by_id": att.uploaded_by_id,
        "uploaded_by_name": (user.get_full_name() or user.get_username()) if user else "",
        "uploaded_at": att.uploaded_at,
        "download_url": _download_url(request, att),
        "has_thumbnail": bool(att.thumbnail),
    }


@router.get(
    "",
    response={200: Page[AttachmentOut], 404: ErrorOut, 422: ErrorOut},
    url_name="attachment_list",
    summary="Attachments of a record",
)
def list_attachments(request: HttpRequest, filters: Query[AttachmentFilter]) -> Any:
    target = resolve_target(
        user=request.user, target_type=filters.target_type, target_id=filters.target_id
    )
    key = target_key(target)
    page = paginate(
        attachment_list(user=request.user, target=target),
        page=filters.page,
        page_size=filters.page_size,
    )
    page["results"] = [_out(request, a, key) for a in page["results"]]
    return page


@router.post(
    "",
    response={201: AttachmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    url_name="attachment_create",
    summary="Upload an attachment (multipart)",
)
def create_attachment(
    request: HttpRequest,
    target_type: Form[str],
    target_id: Form[str],
    file: File[UploadedFile | None] = None,
    caption: Form[str] = "",
) -> Any:
    target = resolve_target(user=request.user, target_type=target_type, target_id=target_id)
    att = attachment_add(actor=request.user, target=target, upload=file, caption=caption)
    return Status(201, _out(request, att, target_key(target)))


@router.get(
    "/{attachment_id}/download",
    response={200: None, 404: ErrorOut},
    url_name="attachment_download",
    summary="Download the file",
)
def download_attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    att, _target = access_attachment(user=request.user, attachment_id=attachment_id)
    try:
        return file_response(att)
    except FileNotFoundError as exc:
        raise NotFound() from exc


@router.delete(
    "/{attachment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    url_name="attachment_delete",
    summary="Remove an attachment",
)
def delete_attachment(request: HttpRequest, attachment_id: int) -> Any:
    att, _target = access_attachment(user=request.user, attachment_id=attachment_id)
    attachment_remove(actor=request.user, attachment=att)
    return Status(204, None)
