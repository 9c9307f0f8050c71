"""Shared fixtures of the complaints tests: the people of REG-4 and two customers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from facadeops.accounts.models import Department
from facadeops.customers.models import Contact, Customer, Project


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "agent": make_user("agent", full_name="刘晓燕"),
        "head": make_user("service_head", full_name="王建国"),
        "other_head": make_user("service_head", full_name="别的负责人"),
        "tech": make_user("technician", full_name="张伟"),
        "tech_head": make_user("tech_head", full_name="陈志强"),
        "pm": make_user("project_manager", full_name="李明"),
        "pm2": make_user("project_manager", full_name="别的项目经理"),
        "staff": make_user("service_staff", full_name="赵磊"),
        "outsider": make_user("service_staff", full_name="局外人"),
        "quality": make_user("quality", full_name="孙丽"),
        "manager": make_user("management", full_name="吴海峰"),
    }


@pytest.fixture
def world(people: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    a = Customer.objects.create(code="KH-C-1", name="上海陆家嘴物业", phone="021-58880001")
    b = Customer.objects.create(code="KH-C-2", name="深圳华润物业")
    contact = Contact.objects.create(customer=a, name="周建华", phone="13801610001")
    pa = Project.objects.create(
        code="XM-C-1",
        customer=a,
        name="陆家嘴中心",
        project_manager=people["pm"],
        service_head=people["head"],
        city="上海",
    )
    pb = Project.objects.create(
        code="XM-C-2", customer=b, name="华润大厦", project_manager=people["pm2"]
    )
    dept = Department.objects.get_or_create(code="service", defaults={"name": "服务部门"})[0]
    return {
        "customer_a": a,
        "customer_b": b,
        "contact": contact,
        "project_a": pa,
        "project_b": pb,
        "dept": dept,
        "customer_user_a": make_user("customer", customer=a, full_name="客户甲"),
        "customer_user_b": make_user("customer", customer=b, full_name="客户乙"),
    }
