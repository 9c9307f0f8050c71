"""The ten roles of REG-1.3 (SPEC §0).

Each role is a Django group whose name is the role code; a person may hold several.
Permission sets per role live in ``ROLE_PERMISSIONS`` and are applied after every migrate
(``facadeops.accounts.signals``). Departments are data, not code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Iterable


class Role(models.TextChoices):
    AGENT = "agent", _("Customer-service agent")
    SERVICE_HEAD = "service_head", _("Service head")
    TECHNICIAN = "technician", _("Technician")
    TECH_HEAD = "tech_head", _("Technical head")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SERVICE_STAFF = "service_staff", _("Service staff")
    QUALITY = "quality", _("Quality inspector")
    PROCUREMENT = "procurement", _("Procurement officer")
    MANAGEMENT = "management", _("Management")
    CUSTOMER = "customer", _("Customer")


STAFF_ROLES = frozenset(r.value for r in Role if r != Role.CUSTOMER)
ALL_ROLES = frozenset(r.value for r in Role)

# "app_label.codename" permission sets per role (Django model permissions). Object scope is
# checked separately in each app's permissions.py.
_VIEW_REFERENCE = [
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_project",
    "customers.view_servicecontract",
    "customers.view_facadesystem",
    "customers.view_glasstype",
    "materials.view_material",
    "materials.view_materialcategory",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: [
        *_VIEW_REFERENCE,
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contact",
        "customers.change_contact",
    ],
    Role.SERVICE_HEAD: [
        *_VIEW_REFERENCE,
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contact",
        "customers.change_contact",
        "customers.add_project",
        "customers.change_project",
        "customers.add_servicecontract",
        "customers.change_servicecontract",
        "accounts.view_employee",
        "accounts.view_certificate",
    ],
    Role.TECHNICIAN: [*_VIEW_REFERENCE],
    Role.TECH_HEAD: [
        *_VIEW_REFERENCE,
        "customers.add_facadesystem",
        "customers.change_facadesystem",
        "customers.add_glasstype",
        "customers.change_glasstype",
        "materials.add_material",
        "materials.change_material",
        "materials.add_materialcategory",
        "materials.change_materialcategory",
        "accounts.view_employee",
        "accounts.view_certificate",
    ],
    Role.PROJECT_MANAGER: [
        *_VIEW_REFERENCE,
        "customers.add_project",
        "customers.change_project",
        "customers.add_servicecontract",
        "customers.change_servicecontract",
        "accounts.view_employee",
        "accounts.view_certificate",
    ],
    Role.SERVICE_STAFF: [*_VIEW_REFERENCE],
    Role.QUALITY: [*_VIEW_REFERENCE, "accounts.view_employee", "accounts.view_certificate"],
    Role.PROCUREMENT: [
        *_VIEW_REFERENCE,
        "materials.add_material",
        "materials.change_material",
        "materials.add_materialcategory",
        "materials.change_materialcategory",
    ],
    Role.MANAGEMENT: [
        *_VIEW_REFERENCE,
        "customers.add_facadesystem",
        "customers.change_facadesystem",
        "customers.add_glasstype",
        "customers.change_glasstype",
        "customers.view_servicelevel",
        "customers.change_servicelevel",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contact",
        "customers.change_contact",
        "customers.add_project",
        "customers.change_project",
        "customers.add_servicecontract",
        "customers.change_servicecontract",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_employee",
        "accounts.add_employee",
        "accounts.change_employee",
        "accounts.view_certificate",
        "accounts.add_certificate",
        "accounts.change_certificate",
        "accounts.view_department",
        "accounts.add_department",
        "accounts.change_department",
    ],
    # Customers get no model permissions: what they see is decided by object scope alone.
    Role.CUSTOMER: [],
}

# -- planning (REG-3, DOM-1, DOM-2): model permissions for the admin; the pages and API
# decide by role and object scope (facadeops.planning.permissions) --
_PLANNING_VIEW = [
    "planning.view_annualplan",
    "planning.view_planitem",
    "planning.view_inspectionrule",
    "planning.view_elevation",
    "planning.view_inspection",
    "planning.view_forecast",
]
_PLANNING_PERMISSIONS: dict[str, list[str]] = {
    Role.SERVICE_HEAD: [
        *_PLANNING_VIEW,
        "planning.add_annualplan",
        "planning.change_annualplan",
        "planning.change_planitem",
        "planning.add_elevation",
        "planning.add_paneldefect",
        "planning.add_inspection",
        "planning.add_forecast",
    ],
    Role.TECH_HEAD: [
        *_PLANNING_VIEW,
        "planning.change_inspectionrule",
        "planning.add_elevation",
        "planning.add_paneldefect",
        "planning.add_inspection",
    ],
    Role.TECHNICIAN: [
        *_PLANNING_VIEW,
        "planning.add_elevation",
        "planning.add_paneldefect",
        "planning.add_inspection",
    ],
    Role.PROJECT_MANAGER: list(_PLANNING_VIEW),
    Role.SERVICE_STAFF: ["planning.view_annualplan", "planning.view_planitem"],
    Role.QUALITY: list(_PLANNING_VIEW),
    Role.AGENT: ["planning.view_forecast", "planning.add_forecast"],
    Role.MANAGEMENT: [
        *_PLANNING_VIEW,
        "planning.add_annualplan",
        "planning.change_annualplan",
        "planning.change_inspectionrule",
        "planning.add_forecast",
    ],
}
for _role, _codes in _PLANNING_PERMISSIONS.items():
    ROLE_PERMISSIONS.setdefault(_role, []).extend(_codes)


def user_roles(user: Any) -> frozenset[str]:
    """The role codes a user holds (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_facadeops_roles", None)
    if cached is None:
        cached = frozenset(
            name for name in user.groups.values_list("name", flat=True) if name in ALL_ROLES
        )
        user._facadeops_roles = cached
    return cached


def has_role(user: Any, *roles: str | Iterable[str]) -> bool:
    """True if the user holds any of the given roles. Superusers hold every staff role."""
    wanted: set[str] = set()
    for r in roles:
        if isinstance(r, str):
            wanted.add(r)
        else:
            wanted.update(r)
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return bool(wanted & STAFF_ROLES) or not wanted
    return bool(user_roles(user) & wanted)


def is_staff_member(user: Any) -> bool:
    """Employees of the service company (any role but customer)."""
    return bool(getattr(user, "is_superuser", False)) or bool(user_roles(user) & STAFF_ROLES)


def sees_everything(user: Any) -> bool:
    """Management and superusers see every object of the company."""
    return bool(getattr(user, "is_superuser", False)) or Role.MANAGEMENT in user_roles(user)
