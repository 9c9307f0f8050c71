from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for, navigation_for
from .roles import user_roles


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: company name, navigation per role (lazy). The inbox
    badge comes from ``facadeops.notifications.context_processors.inbox``."""
    user = getattr(request, "user", None)

    return {
        "company_name": settings.FACADEOPS_COMPANY_NAME,
        "nav": SimpleLazyObject(lambda: navigation_for(user)),
        "nav_menu": SimpleLazyObject(lambda: menu_for(user)),
        "my_roles": SimpleLazyObject(lambda: sorted(user_roles(user))),
    }
