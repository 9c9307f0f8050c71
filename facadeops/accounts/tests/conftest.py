"""Fixtures of the People tests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

_no = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    return make_user("management", username="boss")


@pytest.fixture
def customer_user(make_user: Callable[..., Any]) -> Any:
    from facadeops.customers.models import Customer

    customer = Customer.objects.create(code="KH-2026-900001", name="测试物业有限公司")
    return make_user("customer", username="cust", customer=customer)


@pytest.fixture
def make_employee(db: Any, manager: Any) -> Callable[..., Any]:
    """make_employee("service_staff", status="active", **fields) through the service."""
    from facadeops.accounts import services

    def _make(*roles: str, activate: bool = True, **fields: Any) -> Any:
        n = next(_no)
        fields.setdefault("username", f"emp{n}")
        fields.setdefault("full_name", f"员工{n}")
        fields.setdefault("employee_no", f"T{n:05d}")
        fields.setdefault("hire_date", dt.date(2020, 1, 1))
        fields.setdefault("password", "pw-for-tests-123")
        emp = services.employee_create(actor=manager, roles=roles or ("service_staff",), **fields)
        if activate:
            services.employee_transition(actor=manager, employee=emp, name="activate")
            emp.refresh_from_db()
        return emp

    return _make


@pytest.fixture
def cert_type(db: Any) -> Callable[[str], Any]:
    from facadeops.accounts.models import CertificateType

    def _get(code: str) -> Any:
        return CertificateType.objects.get(code=code)

    return _get
