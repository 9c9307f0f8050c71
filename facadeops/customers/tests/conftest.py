"""Fixtures of the customers tests: people per role, two customers with projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from facadeops.customers import services
from facadeops.customers.models import Customer, FacadeSystem, GlassType, Project


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    return make_user("management", full_name="吴总", password=None)


@pytest.fixture
def pm(make_user: Callable[..., Any]) -> Any:
    return make_user("project_manager", username="pm1", full_name="李明", password=None)


@pytest.fixture
def service_head(make_user: Callable[..., Any]) -> Any:
    return make_user("service_head", username="head1", full_name="王建国", password=None)


@pytest.fixture
def technician(make_user: Callable[..., Any]) -> Any:
    return make_user("technician", password=None)


@pytest.fixture
def customer_a(manager: Any) -> Customer:
    return services.customer_create(
        actor=manager, data={"name": "上海陆家嘴物业管理有限公司", "city": "上海"}
    )


@pytest.fixture
def customer_b(manager: Any) -> Customer:
    return services.customer_create(
        actor=manager, data={"name": "深圳华润置地物业服务有限公司", "city": "深圳"}
    )


@pytest.fixture
def customer_user_a(make_user: Callable[..., Any], customer_a: Customer) -> Any:
    return make_user("customer", customer=customer_a, password=None)


@pytest.fixture
def make_project(manager: Any, pm: Any) -> Callable[..., Project]:
    counter = iter(range(1, 10_000))

    def _make(customer: Customer, **data: Any) -> Project:
        n = next(counter)
        values: dict[str, Any] = {
            "customer": customer,
            "name": f"测试大厦{n}号",
            "city": customer.city,
            "district": "浦东新区",
            "address": f"世纪大道{n}号",
            "building_height_m": Decimal("120.00"),
            "floors_above": 30,
            "floors_below": 3,
            "facade_area_m2": Decimal("25000"),
            "completion_date": dt.date(2015, 6, 30),
            "warranty_end": dt.date(2017, 6, 30),
            "project_manager": pm,
        }
        values.update(data)
        return services.project_create(
            actor=manager,
            data=values,
            facade_systems=[FacadeSystem.objects.get(code="unitised-glass")],
            glass_types=[GlassType.objects.get(code="insulating")],
        )

    return _make


@pytest.fixture
def make_contract(manager: Any) -> Callable[..., Any]:
    def _make(customer: Customer, projects: list[Project], **data: Any) -> Any:
        values: dict[str, Any] = {
            "title": "幕墙维保合同",
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2027, 12, 31),
            "scheduled_services": "每年清洗一次",
        }
        values.update(data)
        return services.contract_create(
            actor=manager, customer=customer, data=values, projects=projects
        )

    return _make
