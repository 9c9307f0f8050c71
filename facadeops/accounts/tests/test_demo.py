"""Demo people: one login per role, field staff with certificates, idempotent guard."""

from __future__ import annotations

import pytest
from django.db import transaction

from facadeops.accounts import demo
from facadeops.accounts.models import Department, Employee, User
from facadeops.accounts.selectors import (
    expiring_certificates,
    users_with_valid_height_certificate,
)
from facadeops.audit.models import AuditEvent
from facadeops.core.roles import Role, user_roles

pytestmark = pytest.mark.django_db


def test_demo_people() -> None:
    """REG-1.3: the demo company has the departments, one user per staff role, an admin,
    field staff with certificates (one expiring, one expired); created audited."""
    assert not demo.already_loaded()
    ctx: dict = {}
    with transaction.atomic():
        demo.load(ctx)
    assert demo.already_loaded()
    assert User.objects.get(username="admin").is_superuser
    assert set(Department.objects.values_list("code", flat=True)) == {
        "service",
        "tech",
        "quality",
        "procurement",
        "management",
    }
    staff_roles = {r.value for r in Role if r != Role.CUSTOMER}
    assert set(ctx["users"]) == staff_roles
    for login in demo.DEMO_LOGINS:
        if login["role"] == Role.CUSTOMER:
            assert login["username"] == "customer"
            continue
        user = User.objects.get(username=login["username"])
        assert login["role"] in user_roles(user)
        assert user.check_password(demo.DEMO_PASSWORD)
    assert {d["role"] for d in demo.DEMO_LOGINS} == {r.value for r in Role}
    assert len(ctx["staff"]) + len(ctx["technicians"]) == 8
    assert Employee.objects.filter(status="active").count() == 15
    expiring = list(expiring_certificates(within_days=30))
    assert [c.employee.user.username for c in expiring] == ["staff2"]
    height = users_with_valid_height_certificate(User.objects.all())
    by_name = {u.username: u.pk for u in User.objects.all()}
    assert by_name["staff"] in height and by_name["staff2"] in height
    assert by_name["staff3"] not in height and by_name["staff5"] not in height
    assert AuditEvent.objects.filter(verb="employee.activate").count() == 15
