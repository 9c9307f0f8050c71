"""Reads of the intake channels, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from facadeops.core.errors import NotFound
from facadeops.core.tokens import token_digest
from facadeops.service.selectors import caller_lookup

from .models import HotlineCall, WebSubmission
from .permissions import require_desk


def submission_by_token(*, raw: str) -> WebSubmission:
    """The public tracking page: the token is the only key (404 otherwise)."""

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


POP_MINUTES = 60


def hotline_pops(*, user: Any, limit: int = 5) -> list[dict[str, Any]]:
    """REG-2.1.1 hotline: the calls of the last hour not yet linked to a request, routed to
    this agent or to every duty agent, each with the caller looked up by number."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    require_desk(user)
    since = timezone.now() - timedelta(minutes=POP_MINUTES)
    calls = list(
        HotlineCall.objects.select_related("agent")
        .filter(started_at__gte=since, request__isnull=True)
        .filter(Q(agent__isnull=True) | Q(agent_id=user.pk))
        .order_by("-started_at", "-id")[:limit]
    )
    return [{"call": c, "found": caller_lookup(phone=c.caller_number, user=user)} for c in calls]


def hotline_call_get(*, user: Any, pk: Any) -> HotlineCall:
    require_desk(user)
    try:
        return HotlineCall.objects.select_related("request").get(pk=pk)
    except (HotlineCall.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
