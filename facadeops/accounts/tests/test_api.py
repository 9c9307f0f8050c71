"""People API: scoping, filters, query counts, errors, customers denied."""

from __future__ import annotations

import datetime as dt

import pytest

from facadeops.accounts import services

pytestmark = pytest.mark.django_db
API = "/api/v1/accounts"


@pytest.mark.parametrize("rows", [5, 30])
def test_user_and_employee_lists_constant_queries(
    rows, login, manager, make_employee, django_assert_max_num_queries
) -> None:
    """X-9.4: list endpoints cost the same queries for 5 or 30 rows."""
    for _ in range(rows):
        make_employee("service_staff")
    client = login(manager)
    with django_assert_max_num_queries(8):
        r = client.get(f"{API}/users", {"page_size": 100})
    assert r.status_code == 200 and r.json()["count"] == rows + 1
    with django_assert_max_num_queries(9):
        r = client.get(f"{API}/employees", {"page_size": 100})
    assert r.status_code == 200 and len(r.json()["results"]) == rows


def test_user_list_filters_sort_and_bad_sort(login, manager, make_user, make_employee) -> None:
    """X-9.4: users filter by role, department, active; sort; a bad sort gets 422."""
    dept = services.department_create(actor=manager, data={"code": "q", "name": "质量部门"})
    make_user("quality", username="qx1", department=dept)
    make_user("technician", username="tx1", is_active=False)
    client = login(manager)
    r = client.get(f"{API}/users", {"role": "quality"}).json()
    assert [u["username"] for u in r["results"]] == ["qx1"]
    assert r["results"][0]["roles"] == ["quality"]
    assert r["results"][0]["department"]["code"] == "q"
    r = client.get(f"{API}/users", {"department": dept.pk}).json()
    assert [u["username"] for u in r["results"]] == ["qx1"]
    r = client.get(f"{API}/users", {"is_active": "false"}).json()
    assert [u["username"] for u in r["results"]] == ["tx1"]
    # "x1" matches no generated user (usernames userN, names 测试用户N), whatever N is
    r = client.get(f"{API}/users", {"sort": "-username", "q": "x1"}).json()
    assert [u["username"] for u in r["results"]] == ["tx1", "qx1"]
    r = client.get(f"{API}/users", {"sort": "password"})
    assert r.status_code == 422 and "sort" in r.json()["fields"]
    r = client.get(f"{API}/users", {"page": "abc"})
    assert r.status_code == 422


def test_employee_detail_with_certificates(login, manager, make_employee, cert_type) -> None:
    """X-6.5: an employee's certificates with their state, and height validity."""
    emp = make_employee("technician")
    services.certificate_add(
        actor=manager,
        employee=emp,
        data={
            "type": cert_type("work_at_height"),
            "number": "H1",
            "valid_from": dt.date(2020, 1, 1),
            "valid_to": dt.date(2099, 12, 31),
        },
    )
    client = login(make_user_role(manager, "quality"))
    body = client.get(f"{API}/employees/{emp.pk}").json()
    assert body["employee_no"] == emp.employee_no
    assert body["height_valid_until"] == "2099-12-31"
    assert body["certificates"][0]["type_code"] == "work_at_height"
    assert body["certificates"][0]["state"] == "valid"
    assert body["roles"] == ["technician"]


def make_user_role(manager, role):
    from facadeops.accounts.models import User

    user = User.objects.create_user(username=f"viewer-{role}", password="x-Secret-123")
    services.user_set_roles(actor=manager, user=user, roles=[role])
    return user


def test_staff_scope(login, make_employee, make_user) -> None:
    """REG-1.3: staff without view rights see only themselves; users list is 403."""
    me = make_employee("service_staff")
    other = make_employee("service_staff")
    client = login(me.user)
    r = client.get(f"{API}/employees").json()
    assert [e["id"] for e in r["results"]] == [me.pk]
    assert client.get(f"{API}/employees/{other.pk}").status_code == 404
    assert client.get(f"{API}/employees/{me.pk}").status_code == 200
    assert client.get(f"{API}/users").status_code == 403
    assert client.get(f"{API}/users/{other.user_id}").status_code == 404
    assert client.get(f"{API}/users/{me.user_id}").status_code == 200
    assert client.get(f"{API}/departments").status_code == 200
    me_body = client.get(f"{API}/me").json()
    assert me_body["employee_id"] == me.pk and me_body["roles"] == ["service_staff"]


def test_customer_denied_every_people_endpoint(login, customer_user, make_employee) -> None:
    """REG-1.3: customers get 403/404 on every people endpoint; /me and own tokens work."""
    emp = make_employee()
    client = login(customer_user)
    assert client.get(f"{API}/users").status_code == 403
    assert client.get(f"{API}/users/{emp.user_id}").status_code == 404
    assert client.get(f"{API}/departments").status_code == 403
    assert client.get(f"{API}/employees").status_code == 403
    assert client.get(f"{API}/employees/{emp.pk}").status_code == 404
    body = client.get(f"{API}/me").json()
    assert body["customer_id"] == customer_user.customer_id and body["employee_id"] is None
    assert client.get(f"{API}/tokens").status_code == 200


def test_anonymous_gets_401(client) -> None:
    """X-9 API: no session and no token → 401 with the error shape."""
    r = client.get(f"{API}/me")
    assert r.status_code == 401
    assert set(r.json()) == {"code", "message", "fields"}


def test_unknown_employee_404(login, manager) -> None:
    r = login(manager).get(f"{API}/employees/999999")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
