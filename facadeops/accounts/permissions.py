"""Who may see and change people data (REG-1.3).

- management (and superusers) manage people, roles, certificates and departments;
- service head, technical head, project manager and quality inspectors may view employees
  and certificates;
- everyone sees their own profile; customer users see none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facadeops.core.errors import Forbidden
from facadeops.core.roles import Role, user_roles

if TYPE_CHECKING:
    from .models import Employee

PEOPLE_VIEWER_ROLES = frozenset(
    {Role.SERVICE_HEAD, Role.TECH_HEAD, Role.PROJECT_MANAGER, Role.QUALITY, Role.MANAGEMENT}
)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_customer_user(user: Any) -> bool:
    return getattr(user, "customer_id", None) is not None or Role.CUSTOMER in user_roles(user)


def can_manage_people(user: Any) -> bool:
    """Create/edit employees, assign roles, record certificates, edit departments."""
    if not _active(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return not is_customer_user(user) and Role.MANAGEMENT in user_roles(user)


def can_view_people(user: Any) -> bool:
    """See every employee, certificate and department."""
    if can_manage_people(user):
        return True
    if not _active(user) or is_customer_user(user):
        return False
    return bool(user_roles(user) & PEOPLE_VIEWER_ROLES)


def can_view_employee(user: Any, employee: Employee) -> bool:
    return can_view_people(user) or (
        _active(user) and not is_customer_user(user) and employee.user_id == user.pk
    )


def require_manage_people(user: Any) -> None:
    if not can_manage_people(user):
        raise Forbidden()


def require_view_people(user: Any) -> None:
    if not can_view_people(user):
        raise Forbidden()
