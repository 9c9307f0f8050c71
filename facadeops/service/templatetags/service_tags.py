"""``{% load service_tags %}{% service_buttons wo action_url %}`` — the engine's buttons for
a work order, minus the moves that are taken by their own form (triage, check-in,
assignment, internal acceptance, customer acceptance): those forms show instead."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from facadeops.core.workflow import available_transitions

register = template.Library()

# Steps whose service records the data and takes the move in one go.
FORM_MOVES = frozenset(
    {
        "triage",
        "check_in",
        "assign",
        "internal_pass",
        "internal_fail",
        "customer_accept",
        "customer_reject",
    }
)


@register.inclusion_tag("core/_transitions.html", takes_context=True)
def service_buttons(context: dict[str, Any], obj: Any, action_url: str) -> dict[str, Any]:

    user = context["request"].user
    return {
        "transitions": [t for t in available_transitions(obj, user) if t.name not in FORM_MOVES],
        "action_url": action_url,
        "object": obj,
        "csrf_token": context.get("csrf_token"),
        "no_steps": _("No step is open to you now."),
    }
