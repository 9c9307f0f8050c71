"""Who may do what to which customer record (role AND object scope).

Staff see all customers, projects and contracts (reference data for every process);
customer users see only their own customer and what belongs to it — anything else does
not exist for them (404). Writes need the Django model permission from core.roles.
"""

from __future__ import annotations

from typing import Any

from facadeops.core.errors import Forbidden
from facadeops.core.roles import Role, has_role, is_staff_member


def is_customer_user(user: Any) -> bool:
    return bool(getattr(user, "customer_id", None)) and not is_staff_member(user)


def can_see_all(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and is_staff_member(user)


def can(user: Any, action: str, model_name: str) -> bool:
    """``can(user, "add", "project")`` — the Django model permission of this app."""
    if not getattr(user, "is_authenticated", False) or is_customer_user(user):
        return False
    return bool(user.has_perm(f"customers.{action}_{model_name}"))


def require(user: Any, action: str, model_name: str) -> None:
    if not can(user, action, model_name):
        raise Forbidden()


def can_manage_catalogues(user: Any) -> bool:
    """Facade systems, glass types and DOM-4 defaults: technical head and management."""
    return is_staff_member(user) and (
        has_role(user, Role.TECH_HEAD, Role.MANAGEMENT)
        or bool(user.has_perm("customers.change_facadesystem"))
    )


def require_catalogues(user: Any) -> None:
    if not can_manage_catalogues(user):
        raise Forbidden()


IMPORT_ROLES = frozenset({Role.MANAGEMENT, Role.SERVICE_HEAD, Role.PROJECT_MANAGER})


def can_import(user: Any) -> bool:
    return is_staff_member(user) and has_role(user, IMPORT_ROLES)


# -- attachments (contract scans, drawings, the use-and-maintenance manual of DOM-5) -------
def _customer_id_of(obj: Any) -> int | None:
    return getattr(obj, "customer_id", None) if not hasattr(obj, "users") else obj.pk


def attachments_view(user: Any, obj: Any) -> bool:
    """Staff see every customer's files; a customer user only its own customer's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_customer_user(user):
        return bool(user.customer_id == _customer_id_of(obj))
    return can_see_all(user)


def attachments_add(user: Any, obj: Any) -> bool:
    """Whoever may change the record may attach files to it."""
    return can(user, "change", obj._meta.model_name)
