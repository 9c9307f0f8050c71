"""Fixtures of the planning tests: people per role and projects built with the customers
services (facade systems from the seeded catalogue)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from facadeops.customers import services as customer_services
from facadeops.customers.models import FacadeSystem, GlassType

_seq = itertools.count(1)


@pytest.fixture
def p(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "manager": make_user("management", full_name="吴总经理"),
        "head": make_user("service_head", full_name="王建国"),
        "tech_head": make_user("tech_head", full_name="赵工"),
        "pm": make_user("project_manager", full_name="李项目"),
        "pm2": make_user("project_manager", full_name="钱项目"),
        "technician": make_user("technician", full_name="张技术"),
        "staff": make_user("service_staff", full_name="刘师傅"),
        "agent": make_user("agent", full_name="孙客服"),
    }


@pytest.fixture
def make_project(p: dict[str, Any]) -> Callable[..., Any]:
    def _make(
        systems: tuple[str, ...] = ("unitised-glass",),
        completion: dt.date | None = dt.date(2020, 3, 15),
        city: str = "上海",
        **extra: Any,
    ) -> Any:
        n = next(_seq)
        customer = customer_services.customer_create(
            actor=p["manager"], data={"name": f"测试物业{n}", "city": city}
        )
        project = customer_services.project_create(
            actor=p["manager"],
            data={
                "customer": customer,
                "name": f"测试大厦{n}",
                "city": city,
                "project_manager": p["pm"],
                "service_head": p["head"],
                "completion_date": completion,
                **extra,
            },
        )
        project.facade_systems.set(FacadeSystem.objects.filter(code__in=systems))
        project.glass_types.set(GlassType.objects.filter(code="tempered"))
        return project

    return _make


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Refusal reasons are matched in English in the planning tests."""
