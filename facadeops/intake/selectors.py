"""Reads of the intake channels, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from facadeops.core.errors import NotFound

from .models import WebSubmission
from .permissions import require_desk


def submission_by_token(*, raw: str) -> WebSubmission:
    """The public tracking page: the token is the only key (404 otherwise)."""
    from .services import token_digest

    try:
        return WebSubmission.objects.select_related("request", "request__work_order").get(
            token_digest=token_digest(str(raw or ""))
        )
    except WebSubmission.DoesNotExist as exc:
        raise NotFound() from exc


def submission_queue(*, user: Any, open_only: bool = True) -> QuerySet[WebSubmission]:
    require_desk(user)
    qs = WebSubmission.objects.select_related(
        "request",
        "request__customer",
        "request__project",
        "suggested_customer",
        "suggested_project",
        "suggested_project__customer",
    )
    if open_only:
        qs = qs.filter(request__status="new")
    return qs


def submission_get(*, user: Any, pk: Any) -> WebSubmission:
    try:
        return submission_queue(user=user, open_only=False).get(pk=pk)
    except (WebSubmission.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
