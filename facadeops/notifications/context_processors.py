from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The inbox badge of the page shell: unread count (lazy: one query, only when a page
    shows it)."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if not user or not user.is_authenticated:
            return 0
        return unread_count(user=user)

    return {"unread_count": SimpleLazyObject(unread)}
