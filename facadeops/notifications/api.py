"""Inbox API (X-9.3): ``/api/v1/notifications`` — only ever the caller's own entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from facadeops.core.api import ErrorOut, Page, paginate
from facadeops.core.errors import InvalidInput

from . import selectors, services

PREFIX = "/notifications"
router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    url: str
    actor_id: int | None = None
    actor_name: str
    target_type: str
    target_id: str
    created_at: dt.datetime
    read_at: dt.datetime | None = None


class InboxQuery(Schema):
    unread: bool = False
    page: int = 1
    page_size: int = 50


class UnreadCountOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(
        None, description="Notifications to mark as read; leave out and set all=true for all."
    )
    all: bool = False


class MarkReadOut(Schema):
    marked: int
    unread: int


def _out(n: Any) -> dict[str, Any]:
    actor = n.actor
    ct = n.target_type
    return {
        "id": n.pk,
        "verb": n.verb,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "actor_id": n.actor_id,
        "actor_name": (actor.get_full_name() or actor.get_username()) if actor else "",
        "target_type": f"{ct.app_label}.{ct.model}" if ct else "",
        "target_id": n.target_id,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("", response={200: Page[NotificationOut]}, url_name="notification_list")
def inbox(request: HttpRequest, filters: Query[InboxQuery]) -> Any:
    qs = selectors.inbox(user=request.user, unread_only=filters.unread).select_related(
        "target_type"
    )
    page = paginate(qs, page=filters.page, page_size=filters.page_size)
    page["results"] = [_out(n) for n in page["results"]]
    return page


@router.get("/unread-count", response={200: UnreadCountOut}, url_name="notification_unread")
def unread_count(request: HttpRequest) -> Any:
    return {"unread": selectors.unread_count(user=request.user)}


@router.post("/read", response={200: MarkReadOut, 422: ErrorOut}, url_name="notification_read")
def mark_read(request: HttpRequest, payload: MarkReadIn) -> Any:
    if payload.ids is None and not payload.all:
        msg = _("Give the ids to mark as read, or all=true.")
        raise InvalidInput(msg, fields={"ids": [msg]})
    ids = None if payload.all else payload.ids
    marked = services.mark_read(user=request.user, ids=ids)
    return {"marked": marked, "unread": selectors.unread_count(user=request.user)}
