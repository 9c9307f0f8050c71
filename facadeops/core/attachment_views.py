"""HTML side of attachments: the ``{% attachments obj %}`` partial re-rendered by htmx,
upload, download (scope-checked, ``nosniff``), thumbnail and delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .attachments import (
    access_attachment,
    attachment_add,
    attachment_remove,
    attachments_of,
    can_attach,
    can_remove,
    can_view_attachments,
    resolve_target,
    target_key,
)
from .errors import FacadeOpsError, NotFound
from .models import Attachment


def partial_context(
    request: HttpRequest,
    target: models.Model,
    *,
    errors: list[str] | None = None,
    caption: str = "",
) -> dict[str, Any]:
    """Everything ``core/attachments/_attachments.html`` needs (one query for the list)."""
    user = request.user
    if not can_view_attachments(user, target):
        return {"visible": False}
    key = target_key(target)
    try:
        upload_url = reverse("attachments:upload", args=[key, target.pk])
        partial_url = reverse("attachments:partial", args=[key, target.pk])
    except NoReverseMatch:  # the attachment URLs are not mounted: show nothing
        return {"visible": False}
    items: list[dict[str, Any]] = []
    for att in attachments_of(target):
        items.append(
            {
                "object": att,
                "download_url": reverse("attachments:download", args=[att.pk]),
                "view_url": reverse("attachments:download", args=[att.pk]) + "?inline=1"
                if att.is_image
                else "",
                "thumbnail_url": reverse("attachments:thumbnail", args=[att.pk])
                if att.thumbnail
                else "",
                "delete_url": reverse("attachments:delete", args=[att.pk])
                if can_remove(user, att, target)
                else "",
            }
        )
    return {
        "visible": True,
        "target": target,
        "dom_id": f"attachments-{key.replace('.', '-')}-{target.pk}",
        "images": [i for i in items if i["object"].kind == Attachment.Kind.IMAGE],
        "files": [i for i in items if i["object"].kind != Attachment.Kind.IMAGE],
        "count": len(items),
        "can_attach": can_attach(user, target),
        "upload_url": upload_url,
        "partial_url": partial_url,
        "errors": errors or [],
        "caption": caption,
    }


def _render_partial(
    request: HttpRequest, target: models.Model, *, errors: list[str] | None = None, **kw: Any
) -> HttpResponse:
    ctx = partial_context(request, target, errors=errors, **kw)
    html = render_to_string("core/attachments/_attachments.html", ctx, request=request)
    return HttpResponse(html)


def _back(request: HttpRequest, target: models.Model) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    get_url = getattr(target, "get_absolute_url", None)
    return redirect(get_url() if callable(get_url) else "core:home")


def _target_or_404(request: HttpRequest, target_type: str, target_id: str) -> models.Model:
    try:
        return resolve_target(user=request.user, target_type=target_type, target_id=target_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _attachment_or_404(request: HttpRequest, pk: int) -> tuple[Attachment, models.Model]:
    try:
        return access_attachment(user=request.user, attachment_id=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@login_required
@require_GET
def partial_view(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    target = _target_or_404(request, target_type, target_id)
    return _render_partial(request, target)


@login_required
@require_POST
def upload_view(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    target = _target_or_404(request, target_type, target_id)
    caption = request.POST.get("caption", "")
    errors: list[str] = []
    try:
        attachment_add(
            actor=request.user, target=target, upload=request.FILES.get("file"), caption=caption
        )
    except NotFound as exc:  # pragma: no cover - resolve_target already checked visibility
        raise Http404(str(exc.message)) from exc
    except FacadeOpsError as exc:
        errors = [m for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]
        if not request.headers.get("HX-Request"):
            for e in errors:
                messages.error(request, e)
            return _back(request, target)
        response = _render_partial(request, target, errors=errors, caption=caption)
        response.status_code = 403 if exc.status == 403 else 200
        return response
    if request.headers.get("HX-Request"):
        return _render_partial(request, target)
    return _back(request, target)


@login_required
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    att, target = _attachment_or_404(request, pk)
    try:
        attachment_remove(actor=request.user, attachment=att)
    except NotFound as exc:  # pragma: no cover - checked above
        raise Http404(str(exc.message)) from exc
    except FacadeOpsError as exc:
        if not request.headers.get("HX-Request"):
            messages.error(request, str(exc.message))
            return _back(request, target)
        response = _render_partial(request, target, errors=[str(exc.message)])
        response.status_code = exc.status
        return response
    if request.headers.get("HX-Request"):
        return _render_partial(request, target)
    return _back(request, target)


def file_response(att: Attachment, *, inline: bool = False) -> FileResponse:
    """Stream the stored file under its safe display name; never sniffed by the browser."""
    inline = inline and att.is_image  # only re-encoded images are shown in the browser
    response = FileResponse(
        att.file.open("rb"),
        as_attachment=not inline,
        filename=att.original_name,
        content_type=att.mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


@login_required
@require_GET
def download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    att, _target = _attachment_or_404(request, pk)
    try:
        return file_response(att, inline=request.GET.get("inline") == "1")
    except FileNotFoundError as exc:
        raise Http404(str(NotFound.default_message)) from exc


@login_required
@require_GET
def thumbnail_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    att, _target = _attachment_or_404(request, pk)
    if not att.thumbnail:
        raise Http404(str(NotFound.default_message))
    try:
        fh = att.thumbnail.open("rb")
    except FileNotFoundError as exc:
        raise Http404(str(NotFound.default_message)) from exc
    ctype = "image/webp" if str(att.thumbnail.name).endswith(".webp") else "image/jpeg"
    response = FileResponse(fh, content_type=ctype)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
