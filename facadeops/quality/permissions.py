"""Who may see and move improvement actions: the owner works on it; the service head,
quality and management see every action and check its efficacy; management cancels."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from facadeops.core.roles import Role, has_role, is_staff_member, sees_everything

from .models import ImprovementAction

R = Role
CHECKERS = (R.SERVICE_HEAD, R.QUALITY, R.MANAGEMENT)


def scoped(user: Any, qs: QuerySet[ImprovementAction]) -> QuerySet[ImprovementAction]:
    if not getattr(user, "is_authenticated", False) or not is_staff_member(user):
        return qs.none()
    if sees_everything(user) or has_role(user, *CHECKERS, R.TECH_HEAD):
        return qs
    return qs.filter(owner_id=user.pk)


def is_owner(user: Any, action: ImprovementAction) -> bool:
    return bool(action.owner_id == getattr(user, "pk", None)) or has_role(user, R.MANAGEMENT)


def can_create(user: Any) -> bool:
    return has_role(user, *CHECKERS)
