from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for, navigation_for
from .roles import user_roles


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: navigation per role, unread inbox count (lazy: one query,
    only when a page shows it)."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if not user or not user.is_authenticated:
            return 0
        from facadeops.notifications.selectors import unread_count

        return unread_count(user=user)

    return {
        "company_name": settings.FACADEOPS_COMPANY_NAME,
        "nav": SimpleLazyObject(lambda: navigation_for(user)),
        "nav_menu": SimpleLazyObject(lambda: menu_for(user)),
        "my_roles": SimpleLazyObject(lambda: sorted(user_roles(user))),
        "unread_count": SimpleLazyObject(unread),
    }
