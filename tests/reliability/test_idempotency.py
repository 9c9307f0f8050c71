"""Idempotent creates (issue 4): ``Idempotency-Key`` on API POSTs — the same request twice
creates one record and answers the same; the same key with another body is refused (422)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from facadeops.core.models import IdempotencyKey
from facadeops.customers.models import Customer
from facadeops.service.models import ServiceRequest

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any], key: str | None, **extra: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers, **extra)


@pytest.fixture
def manager_client(make_user: Callable[..., Any], login: Callable[[Any], Client]) -> Client:
    return login(make_user("management"))


def test_customer_create_twice_with_one_key_creates_one(manager_client: Client) -> None:
    """Issue 4: the same create sent twice with one key creates one customer, same answer."""
    body = {"name": "幂等测试物业有限公司", "city": "上海"}
    first = _post(manager_client, "/api/v1/customers/customers", body, "key-cust-1")
    second = _post(manager_client, "/api/v1/customers/customers", body, "key-cust-1")
    assert first.status_code == 201, first.content
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true" and first["Idempotent-Replayed"] == "false"
    assert Customer.objects.filter(name=body["name"]).count() == 1


def test_without_a_key_each_request_is_its_own(manager_client: Client) -> None:
    """Control: without the header, two creates are two attempts (here: unique name → 422)."""
    body = {"name": "无幂等键物业", "city": "上海"}
    assert _post(manager_client, "/api/v1/customers/customers", body, None).status_code == 201
    again = _post(manager_client, "/api/v1/customers/customers", body, None)
    assert again.status_code == 422
    assert not again.has_header("Idempotent-Replayed")


def test_same_key_different_body_is_422(manager_client: Client) -> None:
    """Issue 4: reusing a key for a different request is refused with a clear message."""
    url = "/api/v1/customers/customers"
    assert _post(manager_client, url, {"name": "甲物业"}, "k-2").status_code == 201
    r = _post(manager_client, url, {"name": "乙物业"}, "k-2")
    assert r.status_code == 422
    assert r.json()["code"] == "invalid" and "Idempotency-Key" in r.json()["fields"]
    assert not Customer.objects.filter(name="乙物业").exists()


def test_keys_belong_to_their_caller(make_user: Callable[..., Any], manager_client: Client) -> None:
    """The same key from another user is that user's own request."""
    other = Client()
    other.force_login(make_user("management"))
    url = "/api/v1/customers/customers"
    assert _post(manager_client, url, {"name": "丙物业"}, "shared").status_code == 201
    assert _post(other, url, {"name": "丁物业"}, "shared").status_code == 201
    assert Customer.objects.filter(name__in=["丙物业", "丁物业"]).count() == 2


def test_refused_request_is_replayed_not_rerun(manager_client: Client) -> None:
    """A 4xx answer is remembered too: the retry gets the same refusal, nothing is created."""
    url = "/api/v1/customers/customers"
    first = _post(manager_client, url, {"name": ""}, "k-bad")
    second = _post(manager_client, url, {"name": ""}, "k-bad")
    assert first.status_code == second.status_code == 422
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"


def test_bad_key_is_422(manager_client: Client) -> None:
    r = _post(manager_client, "/api/v1/customers/customers", {"name": "x"}, "has space")
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["fields"]
    assert not Customer.objects.filter(name="x").exists()


def test_service_request_create_with_token_is_idempotent(make_user: Callable[..., Any]) -> None:
    """Issue 4 on REG-2.1.2: a hotline request sent twice with one key (token auth) → one BX."""
    from facadeops.accounts.services import api_token_create
    from facadeops.customers import services as cs

    manager = make_user("management")
    agent = make_user("agent")
    customer = cs.customer_create(actor=manager, data={"name": "幂等报修客户"})
    project = cs.project_create(
        actor=manager,
        data={
            "customer": customer,
            "name": "幂等大厦",
            "city": "上海",
            "address": "世纪大道2号",
            "project_manager": make_user("project_manager"),
        },
    )
    _token, raw = api_token_create(actor=agent, name="热线系统")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {
        "kind": "repair",
        "channel": "hotline",
        "customer_id": customer.pk,
        "project_id": project.pk,
        "caller_name": "陈先生",
        "caller_phone": "13900001111",
        "description": "玻璃幕墙渗水",
        "urgency": "urgent",
    }
    first = _post(client, "/api/v1/service/requests", body, "bx-1")
    second = _post(client, "/api/v1/service/requests", body, "bx-1")
    assert first.status_code == 201, first.content
    assert second.status_code == 201 and second.json()["number"] == first.json()["number"]
    assert ServiceRequest.objects.filter(project=project).count() == 1
    assert IdempotencyKey.objects.filter(key="bx-1").count() == 1


def test_gets_and_pages_ignore_the_header(manager_client: Client) -> None:
    r = manager_client.get("/api/v1/customers/customers", HTTP_IDEMPOTENCY_KEY="x")
    assert r.status_code == 200 and not r.has_header("Idempotent-Replayed")
    assert IdempotencyKey.objects.count() == 0
