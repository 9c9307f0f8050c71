"""Who may see and do what in planning (role AND object scope).

Staff see every project's register and plans (the customers app's scope: staff see all);
a customer user sees only its own customer's projects. Writing is by role: the service head
drafts and edits plans, the technical head reviews, the project manager of the project
approves; service head, technical head and technicians keep the facade register."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from facadeops.core.errors import Forbidden
from facadeops.core.roles import Role, has_role, is_staff_member

R = Role

PLAN_EDITORS = frozenset({R.SERVICE_HEAD, R.MANAGEMENT})
REGISTER_EDITORS = frozenset({R.SERVICE_HEAD, R.TECH_HEAD, R.TECHNICIAN, R.MANAGEMENT})
RULE_EDITORS = frozenset({R.TECH_HEAD, R.MANAGEMENT})
# DOM-2 forecasts feed the weather gate of exterior work: the service head dispatches that
# work, the technical head owns the weather limits and the safety of work at height, the
# 24-hour desk (agents) receives the weather bureau's warnings at night; management too.
FORECAST_EDITORS = frozenset({R.SERVICE_HEAD, R.TECH_HEAD, R.MANAGEMENT, R.AGENT})
FEEDBACK_ROLES = frozenset({R.SERVICE_STAFF, R.SERVICE_HEAD, R.TECHNICIAN})


def is_customer_user(user: Any) -> bool:
    return bool(getattr(user, "customer_id", None)) and not is_staff_member(user)


def can_view_project(user: Any, project: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_customer_user(user):
        return bool(project.customer_id == user.customer_id)
    return is_staff_member(user)


def can_view_elevation(user: Any, elevation: Any) -> bool:
    return can_view_project(user, elevation.project)


def can_edit_register(user: Any, obj: Any = None) -> bool:
    return has_role(user, REGISTER_EDITORS)


def require(user: Any, roles: frozenset[str], what: Any) -> None:
    if not has_role(user, roles):
        raise Forbidden(_("Your role does not allow %(what)s.") % {"what": what})


def is_plan_pm(user: Any, plan: Any) -> bool:
    """Only the project's own project manager approves its plan."""
    return bool(plan.project.project_manager_id == user.pk)
