from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from .models import AuditEvent


def timeline_for(obj: models.Model, *, limit: int = 200) -> QuerySet[AuditEvent]:
    """Events on the record itself and on every record that names it as context."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    pk = str(obj.pk)
    return (
        AuditEvent.objects.filter(
            Q(target_type=ct, target_id=pk) | Q(context_type=ct, context_id=pk)
        )
        .select_related("target_type")
        .order_by("-at", "-id")[:limit]
    )
