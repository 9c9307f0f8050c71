"""The service process through /api/v1/service (REG-2, X-9.5): scoped lists with filters and
overdue first, the transitions a caller may take, step endpoints, refusals and conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facadeops.service.models import WorkOrder, WOStatus

from .test_views_support import World, advance, new_work_order, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db

API = "/api/v1/service"


def test_create_request_and_read_it_back(world: World, login: Any) -> None:
    """REG-2.1.2: a request through the API gets its BX number and keeps every field."""
    client = login(world.agent)
    r = client.post(
        f"{API}/requests",
        {
            "kind": "repair",
            "channel": "hotline",
            "customer_id": world.customer.pk,
            "project_id": world.project.pk,
            "caller_name": "陈先生",
            "caller_phone": "13900001111",
            "description": "玻璃幕墙渗水",
            "urgency": "urgent",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].startswith("BX-") and body["project_id"] == world.project.pk
    detail = client.get(f"{API}/requests/{body['id']}").json()
    assert {t["name"] for t in detail["transitions"]} >= {"convert", "cancel"}
    r = client.post(f"{API}/requests/{body['id']}/convert")
    assert r.status_code == 201 and r.json()["number"].startswith("GD-")


def test_create_request_bad_input_is_422(world: World, login: Any) -> None:
    r = login(world.agent).post(
        f"{API}/requests",
        {"caller_name": "x", "description": "d", "urgency": "whenever", "project_id": 999999},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid" and "urgency" in r.json()["fields"]
    r = login(world.agent).post(
        f"{API}/requests",
        {"caller_name": "x", "description": "d", "project_id": 999999},
        content_type="application/json",
    )
    assert r.status_code == 422 and "project_id" in r.json()["fields"]


def test_update_request_with_version_and_conflict(world: World, login: Any) -> None:
    """REG-2.1.2: a request is corrected with the version read; a stale one is 409."""
    client = login(world.agent)
    created = client.post(
        f"{API}/requests",
        {"caller_name": "陈先生", "description": "渗水", "customer_id": world.customer.pk},
        content_type="application/json",
    ).json()
    payload = {
        "caller_name": "陈先生",
        "description": "12层渗水",
        "customer_id": world.customer.pk,
        "project_id": world.project.pk,
        "version": created["version"],
    }
    r = client.put(f"{API}/requests/{created['id']}", payload, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["description"] == "12层渗水" and r.json()["project_id"] == world.project.pk
    r = client.put(f"{API}/requests/{created['id']}", payload, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = login(world.other_customer_user).put(
        f"{API}/requests/{created['id']}", payload, content_type="application/json"
    )
    assert r.status_code == 404


def test_work_order_list_scoped_filtered_overdue_first(
    world: World, login: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.5/X-9.2: scoped list, filters, overdue first; queries do not grow with rows."""
    own = [new_work_order(world, title=f"工单{i}") for i in range(3)]
    other = new_work_order(world, title="别家", project=world.other_project)
    WorkOrder.objects.filter(pk=own[2].pk).update(
        on_site_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    client = login(world.head)
    with django_assert_max_num_queries(8) as ctx:
        body = client.get(f"{API}/work-orders").json()
    assert body["count"] == 4 and body["results"][0]["id"] == own[2].pk
    assert body["results"][0]["sla"]["on_site"] == "overdue"
    # not yet on site: the completion clock does not run — null, not a string
    assert body["results"][0]["sla"]["complete"] is None
    n_queries = len(ctx.captured_queries)
    detail = client.get(f"{API}/work-orders/{own[2].pk}").json()
    assert detail["sla"] == {"on_site": "overdue", "complete": None}
    for i in range(15):
        new_work_order(world, title=f"更多{i}")
    with django_assert_max_num_queries(n_queries):
        body = client.get(f"{API}/work-orders", {"page_size": 100}).json()
    assert body["count"] == 19
    body = client.get(f"{API}/work-orders", {"customer_id": world.other_customer.pk}).json()
    assert [r["id"] for r in body["results"]] == [other.pk]
    body = client.get(f"{API}/work-orders", {"status": ["new"], "sort": "number"}).json()
    assert body["count"] == 19
    assert client.get(f"{API}/work-orders", {"sort": "nonsense"}).status_code == 422
    # the other customer sees only its own
    body = login(world.other_customer_user).get(f"{API}/work-orders").json()
    assert [r["id"] for r in body["results"]] == [other.pk]


def test_detail_lists_the_callers_transitions_and_scope(world: World, login: Any) -> None:
    """X-9.5: every work order lists the transitions the caller may take."""
    wo = advance(world, new_work_order(world), WOStatus.PLAN_REVIEW)
    body = login(world.tech_head).get(f"{API}/work-orders/{wo.pk}").json()
    assert {t["name"] for t in body["transitions"]} == {"approve_plan_tech", "return_plan_tech"}
    assert body["plans"][0]["materials"][0]["material_id"] == world.material.pk
    assert login(world.quality).get(f"{API}/work-orders/{wo.pk}").json()["transitions"] == []
    r = login(world.other_customer_user).get(f"{API}/work-orders/{wo.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_transition_endpoint_refusals_and_success(world: World, login: Any) -> None:
    """REG-2.2.2: return needs a comment; wrong role 403; stale version 409; approve moves."""
    wo = advance(world, new_work_order(world), WOStatus.PLAN_REVIEW)
    client = login(world.tech_head)
    r = client.post(
        f"{API}/work-orders/{wo.pk}/transitions/return_plan_tech",
        {"note": ""},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = client.post(
        f"{API}/work-orders/{wo.pk}/transitions/approve_plan_tech",
        {"version": wo.version - 1},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = login(world.pm).post(
        f"{API}/work-orders/{wo.pk}/transitions/approve_plan_tech",
        {},
        content_type="application/json",
    )
    assert r.status_code == 403
    client = login(world.tech_head)
    r = client.post(
        f"{API}/work-orders/{wo.pk}/transitions/approve_plan_tech",
        {"version": wo.version},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "plan_approval"
    r = client.post(
        f"{API}/work-orders/{wo.pk}/transitions/no_such_step", {}, content_type="application/json"
    )
    assert r.status_code == 404


def test_triage_endpoint_and_stale_version(world: World, login: Any) -> None:
    """REG-2.2.1 through the API: stale version 409, bad technician 422, success."""
    wo = new_work_order(world)
    client = login(world.head)
    payload = {
        "nature": "repair",
        "urgency": "emergency",
        "technician_id": world.tech.pk,
        "version": wo.version + 1,
    }
    r = client.post(f"{API}/work-orders/{wo.pk}/triage", payload, content_type="application/json")
    assert r.status_code == 409
    payload["version"] = wo.version
    r = client.post(
        f"{API}/work-orders/{wo.pk}/triage",
        {**payload, "technician_id": 987654},
        content_type="application/json",
    )
    assert r.status_code == 422 and "technician_id" in r.json()["fields"]
    r = client.post(f"{API}/work-orders/{wo.pk}/triage", payload, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "dispatched" and r.json()["on_site_due_at"]


def test_plan_endpoint_validates_lines(world: World, login: Any) -> None:
    wo = advance(world, new_work_order(world), WOStatus.PLANNING)
    client = login(world.tech)
    r = client.post(
        f"{API}/work-orders/{wo.pk}/plan",
        {"content": "打胶", "materials": [{"material_id": world.material.pk, "quantity": "-2"}]},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = client.post(
        f"{API}/work-orders/{wo.pk}/plan",
        {"content": "打胶", "materials": [{"material_id": world.material.pk, "quantity": "2.5"}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["materials"][0]["quantity"] in {"2.50", "2.5", 2.5}


def test_board_my_work_and_dashboard(world: World, login: Any) -> None:
    """X-9.5 through the API: board by state, my work today, dashboard figures."""
    wo = advance(world, new_work_order(world), WOStatus.DISPATCHED)
    columns = login(world.head).get(f"{API}/board").json()
    by_state = {c["state"]: c for c in columns}
    assert [w["id"] for w in by_state["dispatched"]["work_orders"]] == [wo.pk]
    assert login(world.tech).get(f"{API}/board").status_code == 403
    assert [w["id"] for w in login(world.tech).get(f"{API}/my-work-today").json()] == [wo.pk]
    figures = login(world.management).get(f"{API}/dashboard").json()
    assert figures["open"] == 1 and len(figures["trend"]["months"]) == 12
    assert login(world.customer_user).get(f"{API}/dashboard").status_code == 403


def test_unauthenticated_is_401(client: Any, world: World) -> None:
    assert client.get(f"{API}/work-orders").status_code == 401
