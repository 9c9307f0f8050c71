"""The portal is for customer users only; they see only their own customer's records (the
service selectors scope by ``user.customer``). Staff who may invite: desk and heads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from facadeops.core.errors import Forbidden
from facadeops.core.roles import Role, has_role
from facadeops.service.permissions import is_customer_user

INVITER_ROLES = frozenset({Role.AGENT, Role.SERVICE_HEAD, Role.MANAGEMENT})


def require_customer(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and is_customer_user(user)):
        raise Forbidden(_("The customer portal is for customer accounts."))


def require_inviter(user: Any) -> None:
    if not has_role(user, INVITER_ROLES):
        raise Forbidden(_("Your role does not allow inviting customers."))
