"""REG-1.3: roles, several roles per person, departments as data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from facadeops.accounts import services
from facadeops.accounts.models import Department
from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Forbidden, InvalidInput
from facadeops.core.roles import ROLE_PERMISSIONS, Role, has_role, user_roles

pytestmark = pytest.mark.django_db


def test_ten_roles_exist_as_groups_with_their_permission_sets() -> None:
    """REG-1.3: each of the ten roles is a group holding exactly its permission set."""
    assert len(Role) == 10
    for role in Role:
        group = Group.objects.get(name=role.value)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        wanted = set(ROLE_PERMISSIONS[role])
        # Only permissions of models that exist now can be granted.
        assert have <= wanted
        assert {c for c in wanted if c.startswith("accounts.")} <= have
    assert not Group.objects.get(name=Role.CUSTOMER).permissions.exists()


def test_person_with_several_roles_gets_the_union(make_user, manager) -> None:
    """REG-1.3: a person may hold several roles and gets the union of their permissions."""
    user = make_user("technician")
    assert not user.has_perm("accounts.view_employee")
    services.user_set_roles(actor=manager, user=user, roles=["technician", "quality"])
    from facadeops.accounts.models import User

    user = User.objects.get(pk=user.pk)  # fresh permission cache
    assert user_roles(user) == {"technician", "quality"}
    assert has_role(user, Role.TECHNICIAN) and has_role(user, Role.QUALITY)
    assert user.has_perm("accounts.view_employee")  # from quality
    assert not user.has_perm("accounts.add_employee")
    event = AuditEvent.objects.get(verb="roles_changed", target_id=str(user.pk))
    assert event.before == {"roles": ["technician"]}
    assert event.after == {"roles": ["quality", "technician"]}


def test_only_management_sets_roles(make_user) -> None:
    """REG-1.3: role assignment is a management task."""
    head = make_user("service_head")
    target = make_user("technician")
    with pytest.raises(Forbidden):
        services.user_set_roles(actor=head, user=target, roles=["management"])
    assert user_roles(target) == {"technician"}


def test_role_assignment_rejects_bad_roles(make_user, manager, customer_user) -> None:
    """REG-1.3: unknown roles, staff roles for customer logins, and locking oneself out
    are refused with a field message."""
    staff = make_user("technician")
    with pytest.raises(InvalidInput) as exc:
        services.user_set_roles(actor=manager, user=staff, roles=["wizard"])
    assert "roles" in exc.value.fields
    with pytest.raises(InvalidInput):
        services.user_set_roles(actor=manager, user=customer_user, roles=["customer", "agent"])
    with pytest.raises(InvalidInput):
        services.user_set_roles(actor=manager, user=staff, roles=["customer"])
    with pytest.raises(InvalidInput):
        services.user_set_roles(actor=manager, user=manager, roles=["technician"])
    assert user_roles(staff) == {"technician"}


def test_departments_are_data(manager) -> None:
    """REG-1.3: departments are records, created and renamed at run time, audited."""
    dept = services.department_create(actor=manager, data={"code": "facade2", "name": "二分部"})
    services.department_update(actor=manager, department=dept, data={"name": "第二服务部"})
    assert Department.objects.get(pk=dept.pk).name == "第二服务部"
    assert AuditEvent.objects.filter(target_id=str(dept.pk), verb="updated").exists()
    with pytest.raises(InvalidInput) as exc:
        services.department_create(actor=manager, data={"code": "facade2", "name": "重复"})
    assert "code" in exc.value.fields
    with pytest.raises(InvalidInput):
        services.department_update(actor=manager, department=dept, data={"parent": dept})
