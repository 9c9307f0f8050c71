from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.core.workflow import available_transitions

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    """Render one list cell: dates local, booleans as ✓, related sets joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Model):
        return str(value)
    if hasattr(value, "all"):
        return "、".join(str(v) for v in value.all()) or "—"
    return str(value)


@register.inclusion_tag("core/_transitions.html", takes_context=True)
def workflow_buttons(context: dict[str, Any], obj: Any, action_url: str) -> dict[str, Any]:
    """The workflow buttons this user may press on this object (from the engine)."""
    user = context["request"].user
    return {
        "transitions": available_transitions(obj, user),
        "action_url": action_url,
        "object": obj,
        "csrf_token": context.get("csrf_token"),
        "no_steps": _("No step is open to you now."),
    }
