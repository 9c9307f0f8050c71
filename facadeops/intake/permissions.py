"""Who may work the intake queues: the customer-service desk (agents, service head,
management). The public website form and tracking page need no login."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from facadeops.core.errors import Forbidden
from facadeops.core.roles import Role, has_role

DESK_ROLES = frozenset({Role.AGENT, Role.SERVICE_HEAD, Role.MANAGEMENT})


def is_desk(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, DESK_ROLES)


def require_desk(user: Any) -> None:
    if not is_desk(user):
        raise Forbidden(_("Only the customer-service desk may see this."))
