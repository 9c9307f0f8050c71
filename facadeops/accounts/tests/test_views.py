"""People pages: list, detail, forms, roles, certificates, departments — scope and errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from facadeops.accounts import services
from facadeops.accounts.models import (
    Certificate,
    CertificateType,
    Department,
    Employee,
    EmployeeStatus,
    User,
)
from facadeops.core.roles import user_roles

pytestmark = pytest.mark.django_db


def _employees(make_employee, n: int) -> None:
    for _ in range(n):
        make_employee("service_staff")


@pytest.mark.parametrize("rows", [5, 30])
def test_employee_list_query_count_constant(
    rows, login, manager, make_employee, cert_type, django_assert_max_num_queries
) -> None:
    """X-9.4: the employee list costs the same number of queries for 5 or 30 rows."""
    _employees(make_employee, rows)
    for emp in Employee.objects.all()[:3]:
        services.certificate_add(
            actor=manager,
            employee=emp,
            data={
                "type": cert_type("work_at_height"),
                "number": f"H{emp.pk}",
                "valid_from": dt.date(2020, 1, 1),
                "valid_to": dt.date(2099, 1, 1),
            },
        )
    client = login(manager)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("accounts:employee_list"))
    assert r.status_code == 200
    assert r.content.count(b"/accounts/employees/") >= min(rows, 25)
    assert b"2099-01-01" in r.content


def test_employee_list_filters_search_sort_export(login, manager, make_employee) -> None:
    """X-9.4: filter by department/status/role, search, sort, and export what is shown."""
    dept = services.department_create(actor=manager, data={"code": "tech", "name": "技术部门"})
    make_employee("technician", full_name="张技术", department=dept, employee_no="A1")
    make_employee("service_staff", full_name="李服务", employee_no="A2")
    make_employee("service_staff", full_name="王入职", employee_no="A3", activate=False)
    client = login(manager)
    url = reverse("accounts:employee_list")
    page = client.get(url, {"department": dept.pk}).content.decode()
    assert "张技术" in page and "李服务" not in page
    page = client.get(url, {"role": "service_staff"}).content.decode()
    assert "李服务" in page and "张技术" not in page
    page = client.get(url, {"status": EmployeeStatus.ONBOARDING}).content.decode()
    assert "王入职" in page and "李服务" not in page
    page = client.get(url, {"q": "李服"}).content.decode()
    assert "李服务" in page and "张技术" not in page
    page = client.get(url, {"sort": "-employee_no"}).content.decode()
    table = page[page.index('id="record-table"') :]  # the rows only (a random token may hold "A1")
    assert table.index(">A3<") < table.index(">A1<")
    r = client.get(url, {"export": "xlsx", "role": "technician"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(r.content)).active
    assert ws is not None
    names = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["张技术"]


@pytest.mark.parametrize("role", ["service_head", "tech_head", "project_manager", "quality"])
def test_heads_may_view_but_not_change(role, login, make_user, make_employee) -> None:
    """REG-1.3: heads, PM and quality view employees and certificates, change nothing."""
    emp = make_employee()
    client = login(make_user(role))
    assert client.get(reverse("accounts:employee_list")).status_code == 200
    r = client.get(reverse("accounts:employee_detail", args=[emp.pk]))
    assert r.status_code == 200 and b'id="edit-link"' not in r.content
    assert b"data-transition" not in r.content
    for name in ("employee_edit", "employee_roles", "certificate_add"):
        assert client.get(reverse(f"accounts:{name}", args=[emp.pk])).status_code == 403
    assert client.get(reverse("accounts:employee_create")).status_code == 403
    r = client.post(
        reverse("accounts:employee_transition", args=[emp.pk]),
        {"transition": "start_leaving", "note": "x", "version": emp.version},
    )
    emp.refresh_from_db()
    assert emp.status == EmployeeStatus.ACTIVE


def test_staff_see_only_their_own_record(login, make_employee) -> None:
    """REG-1.3: service staff see their own employee record and profile, nobody else's."""
    me = make_employee("service_staff")
    other = make_employee("service_staff")
    client = login(me.user)
    assert client.get(reverse("accounts:employee_list")).status_code == 403
    assert client.get(reverse("accounts:employee_detail", args=[me.pk])).status_code == 200
    assert client.get(reverse("accounts:employee_detail", args=[other.pk])).status_code == 404
    r = client.get(reverse("accounts:profile"))
    assert r.status_code == 200 and me.employee_no.encode() in r.content


def test_customer_denied_every_people_page(login, customer_user, make_employee) -> None:
    """REG-1.3: customers see none of the people data (403/404 everywhere)."""
    emp = make_employee()
    cert = Certificate.objects.create(
        employee=emp,
        type=CertificateType.objects.get(code="welder"),
        number="C1",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2030, 1, 1),
    )
    dept = Department.objects.create(code="x", name="某部门")
    client = login(customer_user)
    forbidden = [
        reverse("accounts:employee_list"),
        reverse("accounts:employee_create"),
        reverse("accounts:department_list"),
        reverse("accounts:department_create"),
        reverse("accounts:department_edit", args=[dept.pk]),
    ]
    for url in forbidden:
        assert client.get(url).status_code == 403, url
    hidden = [
        reverse("accounts:employee_detail", args=[emp.pk]),
        reverse("accounts:employee_edit", args=[emp.pk]),
        reverse("accounts:employee_roles", args=[emp.pk]),
        reverse("accounts:certificate_add", args=[emp.pk]),
        reverse("accounts:certificate_edit", args=[cert.pk]),
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url
    r = client.post(
        reverse("accounts:employee_transition", args=[emp.pk]),
        {"transition": "start_leaving", "note": "x"},
    )
    assert r.status_code == 404
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_create_employee_via_form(login, manager) -> None:
    """REG-1.3: management creates login + employee with roles and department in one go."""
    dept = services.department_create(actor=manager, data={"code": "svc", "name": "服务部门"})
    client = login(manager)
    r = client.post(
        reverse("accounts:employee_create"),
        {
            "username": "newbie",
            "full_name": "新员工",
            "employee_no": "E9001",
            "department": dept.pk,
            "roles": ["service_staff", "technician"],
            "password": "Strong-pass-2026",
            "hire_date": "2024-05-06",
        },
    )
    emp = Employee.objects.get(employee_no="E9001")
    assert r.status_code == 302 and r["Location"] == emp.get_absolute_url()
    assert emp.user.department == dept and emp.department == dept
    assert user_roles(emp.user) == {"service_staff", "technician"}
    assert emp.user.check_password("Strong-pass-2026")
    assert emp.status == EmployeeStatus.ONBOARDING
    page = client.get(emp.get_absolute_url()).content.decode()
    assert 'data-transition="activate"' in page
    assert 'id="timeline"' in page and "employee.activate" not in page


def test_create_employee_errors_shown_nothing_written(login, manager, make_employee) -> None:
    """Bad input: every field error shown at once, status 422, nothing half-written."""
    make_employee(username="taken", employee_no="E0001")
    client = login(manager)
    r = client.post(
        reverse("accounts:employee_create"),
        {
            "username": "taken",
            "full_name": "某人",
            "employee_no": "E0001",
            "password": "123",
            "roles": ["customer"],
        },
    )
    assert r.status_code == 422
    assert r.content.count(b"invalid-feedback") >= 1
    r = client.post(
        reverse("accounts:employee_create"),
        {"username": "taken", "full_name": "某人", "employee_no": "E0001", "password": "123"},
    )
    assert r.status_code == 422
    page = r.content.decode()
    assert page.count("invalid-feedback") >= 3  # username, employee number, password
    assert User.objects.filter(username="taken").count() == 1
    assert Employee.objects.count() == 1


def test_edit_employee_and_stale_conflict(login, manager, make_employee) -> None:
    """X-9.1: edits carry the version; a stale save shows the conflict message."""
    emp = make_employee()
    client = login(manager)
    url = reverse("accounts:employee_edit", args=[emp.pk])
    r = client.get(url)
    assert f'name="version" value="{emp.version}"'.encode() in r.content
    data = {
        "version": emp.version,
        "full_name": "改名",
        "employee_no": emp.employee_no,
        "position": "班组长",
        "phone": "13900001111",
    }
    assert client.post(url, data).status_code == 302
    emp.refresh_from_db()
    assert emp.position == "班组长" and emp.user.full_name == "改名"
    assert emp.user.phone == "13900001111"
    r = client.post(url, {**data, "position": "别的"})
    assert r.status_code == 422 and b'id="form-errors"' in r.content
    emp.refresh_from_db()
    assert emp.position == "班组长"


def test_roles_form(login, manager, make_employee) -> None:
    """REG-1.3: role assignment page sets several roles at once."""
    emp = make_employee("technician")
    client = login(manager)
    url = reverse("accounts:employee_roles", args=[emp.pk])
    r = client.post(url, {"roles": ["technician", "quality"]})
    assert r.status_code == 302
    assert user_roles(User.objects.get(pk=emp.user_id)) == {"technician", "quality"}
    r = client.post(url, {"roles": ["wizard"]})
    assert r.status_code == 422 and b"invalid-feedback" in r.content


def test_certificate_add_edit_and_badges(login, manager, make_employee, cert_type) -> None:
    """X-6.5: certificates are recorded on the employee page with validity badges; bad
    dates are refused with a field message; stale edits conflict."""
    emp = make_employee()
    client = login(manager)
    add = reverse("accounts:certificate_add", args=[emp.pk])
    today = dt.date.today()
    r = client.post(
        add,
        {
            "type": cert_type("work_at_height").pk,
            "number": "T1",
            "valid_from": "2026-05-02",
            "valid_to": "2026-05-01",
        },
    )
    assert r.status_code == 422 and b"invalid-feedback" in r.content
    for number, start, end in [
        ("T-valid", today - dt.timedelta(days=10), today + dt.timedelta(days=400)),
        ("T-soon", today - dt.timedelta(days=10), today + dt.timedelta(days=5)),
        ("T-old", today - dt.timedelta(days=400), today - dt.timedelta(days=1)),
    ]:
        r = client.post(
            add,
            {
                "type": cert_type("work_at_height").pk,
                "number": number,
                "valid_from": start.isoformat(),
                "valid_to": end.isoformat(),
            },
        )
        assert r.status_code == 302
    page = client.get(emp.get_absolute_url()).content.decode()
    assert 'data-state="valid"' in page
    assert 'data-state="expiring"' in page
    assert 'data-state="expired"' in page
    cert = Certificate.objects.get(number="T-old")
    edit = reverse("accounts:certificate_edit", args=[cert.pk])
    data = {
        "version": cert.version,
        "type": cert.type_id,
        "number": "T-old",
        "valid_from": cert.valid_from.isoformat(),
        "valid_to": (today + dt.timedelta(days=700)).isoformat(),
    }
    assert client.post(edit, data).status_code == 302
    r = client.post(edit, data)  # same (now stale) version again
    assert r.status_code == 422 and b'id="form-errors"' in r.content


def test_workflow_buttons_on_detail(login, manager, make_employee) -> None:
    """REG-6.4: the detail page offers the engine's steps; a missing reason is reported."""
    emp = make_employee()
    client = login(manager)
    page = client.get(emp.get_absolute_url()).content.decode()
    assert 'data-transition="start_leaving"' in page
    url = reverse("accounts:employee_transition", args=[emp.pk])
    r = client.post(url, {"transition": "start_leaving", "version": emp.version}, follow=True)
    emp.refresh_from_db()
    assert emp.status == EmployeeStatus.ACTIVE
    assert b"alert-danger" in r.content
    client.post(url, {"transition": "start_leaving", "note": "合同到期", "version": emp.version})
    emp.refresh_from_db()
    assert emp.status == EmployeeStatus.LEAVING


def test_department_pages(login, manager, make_user) -> None:
    """REG-1.3: departments are listed for viewers and edited by management."""
    client = login(manager)
    r = client.post(reverse("accounts:department_create"), {"code": "qa", "name": "质量部门"})
    assert r.status_code == 302
    dept = Department.objects.get(code="qa")
    r = client.post(reverse("accounts:department_create"), {"code": "qa", "name": "再一个"})
    assert r.status_code == 422
    r = client.post(
        reverse("accounts:department_edit", args=[dept.pk]),
        {"code": "qa", "name": "质量管理部", "is_active": "on"},
    )
    assert r.status_code == 302
    assert Department.objects.get(pk=dept.pk).name == "质量管理部"
    viewer = login(make_user("quality"))
    assert viewer.get(reverse("accounts:department_list")).status_code == 200
    assert viewer.get(reverse("accounts:department_create")).status_code == 403
