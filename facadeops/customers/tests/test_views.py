"""UI: lists (X-9.4), detail pages, forms, scope, conflicts, timelines (X-9.1, X-1.2)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.messages import get_messages

from facadeops.customers import services
from facadeops.customers.models import Contact, ContractStatus, Customer, FacadeSystem, Project

pytestmark = pytest.mark.django_db


def test_project_list_filter_sort_search_export(
    login: Any, manager: Any, customer_a: Any, customer_b: Any, make_project: Any
) -> None:
    """X-9.4: the project list filters, searches, sorts and exports the filtered rows to a
    real xlsx (read back with openpyxl)."""
    make_project(customer_a, name="A座大厦", city="上海")
    make_project(customer_a, name="B座中心", city="杭州")
    p3 = make_project(customer_b, name="C座大厦", city="深圳")
    p3.facade_systems.set([FacadeSystem.objects.get(code="stone")])
    client = login(manager)
    r = client.get("/customers/projects/", {"customer": customer_a.pk})
    body = r.content.decode()
    assert "A座大厦" in body and "B座中心" in body and "C座大厦" not in body
    body = client.get("/customers/projects/", {"q": "大厦"}).content.decode()
    assert "A座大厦" in body and "C座大厦" in body and "B座中心" not in body
    body = client.get(
        "/customers/projects/", {"facade_system": FacadeSystem.objects.get(code="stone").pk}
    ).content.decode()
    assert "C座大厦" in body and "A座大厦" not in body
    body = client.get("/customers/projects/", {"sort": "-name"}).content.decode()
    assert body.index("C座大厦") < body.index("B座中心") < body.index("A座大厦")
    body = client.get("/customers/projects/", {"sort": "name"}).content.decode()
    assert body.index("A座大厦") < body.index("B座中心") < body.index("C座大厦")
    r = client.get("/customers/projects/", {"q": "大厦", "sort": "name", "export": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    names = [row[1] for row in rows[1:]]
    assert names == ["A座大厦", "C座大厦"]
    assert rows[0][1] in {"项目名称", "project name"}


@pytest.mark.parametrize("url", ["/customers/", "/customers/projects/", "/customers/contracts/"])
def test_list_query_count_constant(
    url: str,
    login: Any,
    manager: Any,
    customer_a: Any,
    make_project: Any,
    make_contract: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """X-9.4: a list page's query count does not grow with its rows (5 vs 25 rows)."""
    client = login(manager)

    def add(n: int) -> None:
        for _ in range(n):
            p = make_project(customer_a)
            make_contract(customer_a, [p])
            services.customer_create(
                actor=manager, data={"name": f"客户{Customer.objects.count()}"}
            )

    add(5)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    add(20)
    with django_assert_max_num_queries(14):
        r = client.get(url)
    assert r.status_code == 200 and len(r.context["rows"]) == 25


def test_customer_scope_pages(
    login: Any,
    customer_user_a: Any,
    customer_a: Any,
    customer_b: Any,
    make_project: Any,
    make_contract: Any,
) -> None:
    """REG-1.3 scope: a customer user of company A sees A's records and gets 404 on B's
    customer, project and contract pages; cannot create or edit."""
    pa, pb = make_project(customer_a), make_project(customer_b)
    ca, cb = make_contract(customer_a, [pa]), make_contract(customer_b, [pb])
    client = login(customer_user_a)
    for url in (
        f"/customers/{customer_a.pk}/",
        f"/customers/projects/{pa.pk}/",
        f"/customers/contracts/{ca.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        f"/customers/{customer_b.pk}/",
        f"/customers/projects/{pb.pk}/",
        f"/customers/contracts/{cb.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    body = client.get("/customers/projects/").content.decode()
    assert pa.name in body and pb.name not in body
    assert client.get("/customers/projects/new/").status_code == 403
    assert client.get(f"/customers/projects/{pa.pk}/edit/").status_code == 403
    r = client.post(f"/customers/contracts/{ca.pk}/transition/", {"transition": "activate"})
    assert r.status_code == 302
    ca.refresh_from_db()
    assert ca.status == ContractStatus.DRAFT


def test_customer_create_and_edit_conflict(login: Any, manager: Any) -> None:
    """X-1.1 + X-9.1: create a customer; a stale edit shows the conflict and writes nothing."""
    client = login(manager)
    r = client.post("/customers/new/", {"name": "厦门世茂物业", "city": "厦门", "is_active": "on"})
    c = Customer.objects.get(name="厦门世茂物业")
    assert r.status_code == 302 and r["Location"] == c.get_absolute_url()
    r = client.post(
        f"/customers/{c.pk}/edit/",
        {"name": "厦门世茂物业", "city": "厦门市", "version": 1, "is_active": "on"},
    )
    assert r.status_code == 302
    r = client.post(
        f"/customers/{c.pk}/edit/",
        {"name": "厦门世茂物业", "city": "XM", "version": 1, "is_active": "on"},
    )
    assert r.status_code == 200
    assert 'id="form-errors"' in r.content.decode()
    c.refresh_from_db()
    assert c.city == "厦门市" and c.version == 2


def test_customer_form_errors(login: Any, manager: Any, customer_a: Any) -> None:
    """X-1.1: a duplicate name and a bad e-mail are shown on the form."""
    r = login(manager).post("/customers/new/", {"name": customer_a.name, "email": "nope"})
    assert r.status_code == 200
    form = r.context["form"]
    assert "email" in form.errors
    r = login(manager).post("/customers/new/", {"name": customer_a.name})
    assert r.context["form"].errors


def test_contact_add_and_edit(login: Any, manager: Any, customer_a: Any) -> None:
    """X-1.1: contacts are added and edited from the customer page; errors shown."""
    client = login(manager)
    r = client.post(
        f"/customers/{customer_a.pk}/contacts/new/", {"name": "周建华", "title": "工程部经理"}
    )
    assert r.status_code == 200 and "phone" in r.context["form"].errors
    r = client.post(f"/customers/{customer_a.pk}/contacts/new/", {"name": "周建华", "phone": "138"})
    assert r.status_code == 302
    contact = Contact.objects.get(name="周建华")
    r = client.post(f"/customers/contacts/{contact.pk}/edit/", {"name": "周建华", "phone": "139"})
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "139"
    body = client.get(customer_a.get_absolute_url()).content.decode()
    assert "周建华" in body and 'id="timeline"' in body


def test_project_form_create_and_errors(login: Any, manager: Any, customer_a: Any, pm: Any) -> None:
    """X-1.2: the project form creates a project and shows validation messages."""
    client = login(manager)
    data = {
        "customer": customer_a.pk,
        "name": "新项目",
        "use_type": "office",
        "design_service_life_years": 25,
        "project_manager": pm.pk,
        "completion_date": "2020-01-01",
        "warranty_end": "2019-01-01",
        "facade_systems": [FacadeSystem.objects.get(code="stone").pk],
        "is_active": "on",
    }
    r = client.post("/customers/projects/new/", data)
    assert r.status_code == 200 and "warranty_end" in r.context["form"].errors
    assert not Project.objects.exists()
    data["warranty_end"] = "2022-01-01"
    r = client.post("/customers/projects/new/", data)
    p = Project.objects.get()
    assert r.status_code == 302 and [f.code for f in p.facade_systems.all()] == ["stone"]


def test_project_detail_whole_history(
    login: Any,
    manager: Any,
    customer_a: Any,
    make_project: Any,
    make_contract: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """X-1.2: the project page shows all fields, age, warranty status, its contracts with
    their service levels and its whole history, including the covering contracts' moves."""
    p = make_project(customer_a, name="陆家嘴中心")
    services.project_update(
        actor=manager, project=p, data={"notes": "东立面更换"}, version=p.version
    )
    c = make_contract(customer_a, [p], title="2026年度维保")
    services.contract_transition(actor=manager, contract=c, name="activate")
    client = login(manager)
    r = client.get(p.get_absolute_url())
    body = r.content.decode()
    assert "陆家嘴中心" in body and "2026年度维保" in body and 'id="warranty-status"' in body
    verbs = [row["event"].verb for row in r.context["rows"]]
    assert "created" in verbs and "updated" in verbs and "contract.activate" in verbs
    timeline = body[body.index('id="timeline"') :]
    assert timeline.count('class="list-group-item small"') == len(verbs) >= 4
    assert "2026年度维保" in timeline  # the contract's events name it
    assert 'class="table table-sm mb-0 service-levels"' in body


def test_contract_pages_and_transition_messages(
    login: Any, manager: Any, customer_a: Any, make_project: Any
) -> None:
    """X-1.3: create a contract in the UI; a refused move shows every reason as a message;
    the service-level table is editable; a stale version is refused."""
    client = login(manager)
    p = make_project(customer_a)
    r = client.post(
        "/customers/contracts/new/",
        {
            "customer": customer_a.pk,
            "title": "维保",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    )
    assert r.status_code == 302
    c = customer_a.contracts.get()
    c.service_levels.filter(urgency="normal").delete()
    r = client.post(
        f"/customers/contracts/{c.pk}/transition/", {"transition": "activate", "version": c.version}
    )
    msgs = [str(m) for m in get_messages(r.wsgi_request) if m.level_tag == "error"]
    assert len(msgs) == 2, msgs
    c.refresh_from_db()
    assert c.status == ContractStatus.DRAFT
    levels = {
        "version": c.version,
        **{f"{u}-respond_within_hours": "1" for u in ("emergency", "urgent", "normal")},
        **{f"{u}-on_site_within_hours": "4" for u in ("emergency", "urgent", "normal")},
        **{f"{u}-clock": "24x7" for u in ("emergency", "urgent", "normal")},
    }
    levels["urgent-on_site_within_hours"] = "0.5"
    r = client.post(f"/customers/contracts/{c.pk}/levels/", levels)
    assert r.status_code == 422 and "urgent-on_site_within_hours" in r.context["levels_form"].errors
    levels["urgent-on_site_within_hours"] = "24"
    r = client.post(f"/customers/contracts/{c.pk}/levels/", levels)
    assert r.status_code == 302 and c.service_levels.count() == 3
    r = client.post(f"/customers/contracts/{c.pk}/levels/", levels)  # stale version
    assert r.status_code == 422
    r = client.post(
        f"/customers/contracts/{c.pk}/edit/",
        {
            "title": "维保",
            "projects": [p.pk],
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "version": c.version + 1,
        },
    )
    assert r.status_code == 302
    c.refresh_from_db()
    r = client.post(
        f"/customers/contracts/{c.pk}/transition/", {"transition": "activate", "version": c.version}
    )
    c.refresh_from_db()
    assert c.status == ContractStatus.ACTIVE
    body = client.get(c.get_absolute_url()).content.decode()
    assert 'data-transition="suspend"' in body and 'data-transition="terminate"' in body


def test_catalogue_pages(login: Any, make_user: Any, technician: Any) -> None:
    """X-1.2: the technical head maintains the facade-system catalogue; others may not."""
    client = login(make_user("tech_head", password=None))
    assert client.get("/customers/facade-systems/").status_code == 200
    r = client.post(
        "/customers/facade-systems/new/",
        {"code": "glass-brick", "name": "玻璃砖幕墙", "category": "glass", "is_active": "on"},
    )
    assert r.status_code == 302 and FacadeSystem.objects.filter(code="glass-brick").exists()
    r = client.post(
        "/customers/facade-systems/new/",
        {"code": "glass-brick", "name": "重复", "category": "glass"},
    )
    assert r.status_code == 200 and r.context["form"].errors
    assert login(technician).get("/customers/facade-systems/").status_code == 403
