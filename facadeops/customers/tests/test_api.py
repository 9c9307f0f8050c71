"""API /api/v1/customers/…: scope, typed errors (422), conflicts (409), creation,
contract transitions, query budgets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from facadeops.customers.models import ContractStatus, Customer, Project

pytestmark = pytest.mark.django_db
API = "/api/v1/customers"


def _json(client: Any, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(data or {}), content_type="application/json"
    )


def test_customer_scope_api(
    login: Any,
    customer_user_a: Any,
    customer_a: Any,
    customer_b: Any,
    make_project: Any,
    make_contract: Any,
) -> None:
    """REG-1.3 scope: a customer user of A lists only A's records and gets 404 on B's
    customer, project, contract; 403 when trying to create."""
    pa, pb = make_project(customer_a), make_project(customer_b)
    ca, cb = make_contract(customer_a, [pa]), make_contract(customer_b, [pb])
    client = login(customer_user_a)
    assert [c["id"] for c in client.get(f"{API}/customers").json()["results"]] == [customer_a.pk]
    assert [p["id"] for p in client.get(f"{API}/projects").json()["results"]] == [pa.pk]
    assert [c["id"] for c in client.get(f"{API}/contracts").json()["results"]] == [ca.pk]
    for url in (
        f"{API}/customers/{customer_b.pk}",
        f"{API}/customers/{customer_b.pk}/contacts",
        f"{API}/projects/{pb.pk}",
        f"{API}/contracts/{cb.pk}",
        f"{API}/contracts/{cb.pk}/transitions",
    ):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.json()["code"] == "not_found"
    assert client.get(f"{API}/projects/{pa.pk}").status_code == 200
    r = _json(client, "post", f"{API}/customers", {"name": "X"})
    assert r.status_code == 403
    r = _json(client, "patch", f"{API}/projects/{pa.pk}", {"version": 1, "name": "改"})
    assert r.status_code == 403
    assert client.get(f"{API}/contracts/{ca.pk}/transitions").json() == []


def test_create_project_via_api(login: Any, manager: Any, customer_a: Any, pm: Any) -> None:
    """X-1.2: create a project through the API (catalogue codes, project manager)."""
    r = _json(
        login(manager),
        "post",
        f"{API}/projects",
        {
            "customer_id": customer_a.pk,
            "name": "API大厦",
            "building_height_m": "88.5",
            "floors_above": 20,
            "facade_systems": ["stone", "unitised-glass"],
            "glass_types": ["laminated"],
            "completion_date": "2018-05-01",
            "warranty_end": "2020-05-01",
            "project_manager_id": pm.pk,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["code"].startswith("XM-") and sorted(body["facade_systems"]) == [
        "stone",
        "unitised-glass",
    ]
    assert body["warranty_status"] == "expired" and body["version"] == 1


def test_api_422_field_errors(
    login: Any, manager: Any, customer_a: Any, pm: Any, technician: Any
) -> None:
    """X-1.2: bad input gets 422 with per-field messages; nothing written."""
    client = login(manager)
    r = _json(
        client,
        "post",
        f"{API}/projects",
        {
            "customer_id": customer_a.pk,
            "name": "X",
            "project_manager_id": pm.pk,
            "floors_above": "many",
        },
    )
    assert r.status_code == 422 and "floors_above" in r.json()["fields"]
    r = _json(
        client,
        "post",
        f"{API}/projects",
        {
            "customer_id": customer_a.pk,
            "name": "X",
            "project_manager_id": technician.pk,
            "completion_date": "2020-01-01",
            "warranty_end": "2019-01-01",
        },
    )
    assert r.status_code == 422
    assert {"project_manager", "warranty_end"} <= set(r.json()["fields"])
    r = _json(
        client,
        "post",
        f"{API}/projects",
        {
            "customer_id": 999999,
            "name": "X",
            "project_manager_id": pm.pk,
            "facade_systems": ["nope"],
        },
    )
    assert r.status_code == 422
    r = client.get(f"{API}/projects", {"sort": "bogus"})
    assert r.status_code == 422 and "sort" in r.json()["fields"]
    assert not Project.objects.exists()


def test_api_409_stale_version(login: Any, manager: Any, customer_a: Any) -> None:
    """X-9.1: PATCH with a stale version gets 409; the current data is kept."""
    client = login(manager)
    r = _json(client, "patch", f"{API}/customers/{customer_a.pk}", {"version": 1, "city": "上海市"})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = _json(client, "patch", f"{API}/customers/{customer_a.pk}", {"version": 1, "city": "X"})
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert Customer.objects.get(pk=customer_a.pk).city == "上海市"


def test_contract_api_workflow(
    login: Any, manager: Any, customer_a: Any, customer_b: Any, make_project: Any
) -> None:
    """X-1.3: create a contract, read its transitions, a refused move is 409 with every
    reason, service levels editable via PATCH, then activate."""
    client = login(manager)
    p = make_project(customer_a)
    foreign = make_project(customer_b)
    r = _json(
        client,
        "post",
        f"{API}/contracts",
        {
            "customer_id": customer_a.pk,
            "project_ids": [foreign.pk],
            "title": "T",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    )
    assert r.status_code == 422 and "projects" in r.json()["fields"]
    r = _json(
        client,
        "post",
        f"{API}/contracts",
        {
            "customer_id": customer_a.pk,
            "title": "T",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    )
    assert r.status_code == 201
    c = r.json()
    assert c["status"] == "draft" and len(c["service_levels"]) == 3
    names = [t["name"] for t in client.get(f"{API}/contracts/{c['id']}/transitions").json()]
    assert names == ["activate", "cancel"]
    r = _json(client, "post", f"{API}/contracts/{c['id']}/transitions/activate", {})
    assert r.status_code == 409 and r.json()["fields"]["__all__"]
    r = _json(
        client,
        "patch",
        f"{API}/contracts/{c['id']}",
        {
            "version": c["version"],
            "project_ids": [p.pk],
            "service_levels": [
                {
                    "urgency": "emergency",
                    "respond_within_hours": "0.5",
                    "on_site_within_hours": "1.5",
                }
            ],
        },
    )
    assert r.status_code == 200, r.content
    c = r.json()
    emergency = next(lv for lv in c["service_levels"] if lv["urgency"] == "emergency")
    assert emergency["on_site_within_hours"] in ("1.5", 1.5)
    r = _json(
        client,
        "post",
        f"{API}/contracts/{c['id']}/transitions/activate",
        {"version": c["version"] - 1},
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = _json(
        client, "post", f"{API}/contracts/{c['id']}/transitions/activate", {"version": c["version"]}
    )
    assert r.status_code == 200 and r.json()["status"] == ContractStatus.ACTIVE
    r = _json(client, "post", f"{API}/contracts/{c['id']}/transitions/fly", {})
    assert r.status_code == 404


def test_contacts_api(login: Any, manager: Any, customer_a: Any) -> None:
    """X-1.1: contacts of a customer via the API; bad input is 422."""
    client = login(manager)
    r = _json(client, "post", f"{API}/customers/{customer_a.pk}/contacts", {"name": "沈丽"})
    assert r.status_code == 422 and "phone" in r.json()["fields"]
    r = _json(
        client,
        "post",
        f"{API}/customers/{customer_a.pk}/contacts",
        {"name": "沈丽", "phone": "13801610002"},
    )
    assert r.status_code == 201
    assert [c["name"] for c in client.get(f"{API}/customers/{customer_a.pk}/contacts").json()] == [
        "沈丽"
    ]


@pytest.mark.parametrize("path", ["customers", "projects", "contracts"])
def test_api_list_query_count_constant(
    path: str,
    login: Any,
    manager: Any,
    customer_a: Any,
    make_project: Any,
    make_contract: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """X-9.4: a list endpoint's query count does not grow with rows (5 vs 25)."""
    from facadeops.customers import services

    client = login(manager)

    def add(n: int) -> None:
        for i in range(n):
            make_contract(customer_a, [make_project(customer_a)])
            services.customer_create(
                actor=manager, data={"name": f"API客户{Customer.objects.count()}-{i}"}
            )

    add(5)
    client.get(f"{API}/{path}")
    with django_assert_max_num_queries(9):
        assert client.get(f"{API}/{path}").status_code == 200
    add(20)
    with django_assert_max_num_queries(9):
        r = client.get(f"{API}/{path}", {"page_size": 100})
    assert r.status_code == 200 and len(r.json()["results"]) >= 25


def test_api_filters_and_search(
    login: Any, manager: Any, customer_a: Any, customer_b: Any, make_project: Any
) -> None:
    """X-9.4: the project endpoint filters by customer, city, facade system; searches; sorts."""
    make_project(customer_a, name="A-一号楼", city="上海")
    make_project(customer_b, name="B-二号楼", city="深圳")
    client = login(manager)
    names = lambda **q: [p["name"] for p in client.get(f"{API}/projects", q).json()["results"]]  # noqa: E731
    assert names(customer_id=customer_b.pk) == ["B-二号楼"]
    assert names(city="上海") == ["A-一号楼"]
    assert names(q="二号") == ["B-二号楼"]
    assert names(sort="-name") == ["B-二号楼", "A-一号楼"]
    assert names(facade_system="unitised-glass", sort="name") == ["A-一号楼", "B-二号楼"]
    assert names(facade_system="stone") == []
