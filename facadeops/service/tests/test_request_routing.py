"""REG-2.1.2: a recorded request goes to the service head of its project; a request
without a project (or whose project's head left) goes to every service head."""

from __future__ import annotations

from typing import Any

import pytest

from facadeops.notifications.models import Notification
from facadeops.service import services as sv

from .test_views_support import World, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db


def _record(w: World, **extra: Any) -> Any:
    data = {
        "kind": "repair",
        "channel": "hotline",
        "caller_name": "陈先生",
        "caller_phone": "13900000000",
        "description": "玻璃幕墙渗水",
        "urgency": "urgent",
        **extra,
    }
    return sv.request_create(actor=w.agent, data=data)


def _told(req: Any) -> set[int]:
    return set(
        Notification.objects.filter(verb="request.created", target_id=str(req.pk)).values_list(
            "recipient_id", flat=True
        )
    )


def test_request_goes_to_the_projects_service_head(world: World, make_user: Any) -> None:
    other_head = make_user("service_head", username="head2")
    assert world.project.service_head_id == world.head.pk
    req = _record(world, project=world.project, customer=world.customer)
    assert _told(req) == {world.head.pk}
    assert other_head.pk not in _told(req)  # another head's desk is not told


def test_request_without_a_project_goes_to_every_service_head(world: World, make_user: Any) -> None:
    other_head = make_user("service_head", username="head2")
    req = _record(world, customer=world.customer)
    assert _told(req) == {world.head.pk, other_head.pk}


def test_request_whose_project_head_left_goes_to_every_service_head(
    world: World, make_user: Any
) -> None:
    other_head = make_user("service_head", username="head2")
    world.head.is_active = False
    world.head.save(update_fields=["is_active"])
    req = _record(world, project=world.project, customer=world.customer)
    assert _told(req) == {other_head.pk}
