from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from ..selectors import timeline_for

register = template.Library()


@register.inclusion_tag("audit/_timeline.html")
def timeline(obj: models.Model, limit: int = 200) -> dict[str, Any]:
    """The X-9.1 timeline partial shown on every detail page."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return {"events": list(timeline_for(obj, limit=limit)), "object": obj, "object_ct_id": ct.pk}


@register.filter
def verb_label(verb: str) -> str:
    from ..verbs import label_for

    return str(label_for(verb))
