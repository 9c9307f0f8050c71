"""``{% load attachment_tags %}{% attachments obj %}`` — photos, videos and documents of a
record, with an upload form (htmx) for those allowed to add."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from facadeops.core.attachment_views import partial_context

register = template.Library()


@register.inclusion_tag("core/attachments/_attachments.html", takes_context=True)
def attachments(context: dict[str, Any], obj: models.Model) -> dict[str, Any]:
    request = context.get("request")
    if request is None or obj is None:
        return {"visible": False}
    ctx = partial_context(request, obj)
    ctx["csrf_token"] = context.get("csrf_token")
    ctx["request"] = request
    return ctx
