"""The API create of a request resolves the project with its customer in one query
(issue 7); the refusals stay what they were: a project of another customer, an unknown
customer or project id (also beyond the integer range) are 422 with the field named."""

from __future__ import annotations

from typing import Any

import pytest

from facadeops.service.models import ServiceRequest

from .test_views_support import World, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db

API = "/api/v1/service/requests"


def _post(client: Any, **ids: Any) -> Any:
    body = {"caller_name": "陈先生", "description": "渗水", **ids}
    return client.post(API, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_create_refusals_name_the_field(world: World, login: Any) -> None:
    client = login(world.agent)
    r = _post(client, customer_id=world.customer.pk, project_id=world.other_project.pk)
    assert r.status_code == 422
    assert r.json()["fields"]["project"] == ["This project does not belong to the chosen customer."]
    zh = client.post(
        API,
        {"caller_name": "陈先生", "description": "渗水", "customer_id": world.customer.pk,
         "project_id": world.other_project.pk},
        content_type="application/json",
    )  # fmt: skip
    assert zh.json()["fields"]["project"] == ["该幕墙项目不属于所选客户。"]
    r = _post(client, customer_id=999_999, project_id=world.project.pk)
    assert r.status_code == 422 and "customer_id" in r.json()["fields"]
    r = _post(client, customer_id=world.customer.pk, project_id=10**30)
    assert r.status_code == 422 and "project_id" in r.json()["fields"]
    assert not ServiceRequest.objects.exists()


def test_project_alone_brings_its_customer(world: World, login: Any) -> None:
    r = _post(login(world.agent), project_id=world.project.pk)
    assert r.status_code == 201, r.content
    assert r.json()["customer_id"] == world.project.customer_id
