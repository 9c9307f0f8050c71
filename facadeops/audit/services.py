"""``record()`` — the one way an audit event is written, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile

from .context import request_id_var
from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def record(
    *,
    actor: Any,
    verb: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    context: models.Model | None = None,
) -> AuditEvent:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_repr = ""
    if actor_obj is not None:
        actor_repr = actor_obj.get_full_name() or actor_obj.get_username()
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_repr=actor_repr[:200],
        verb=verb[:80],
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        context_type=(
            ContentType.objects.get_for_model(context, for_concrete_model=False)
            if context is not None
            else None
        ),
        context_id=str(context.pk) if context is not None else "",
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        note=note,
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
    )


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited values of a record's concrete fields (FKs by id, files by name)."""
    result: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"created_at", "updated_at", "version", "password"} or f.generated:
            continue  # generated columns are derived from audited fields
        raw = getattr(obj, f.attname)
        if f.is_relation and raw is not None:
            # Keep the id for machines and the name for people: "李明 (#6)".
            try:
                related = getattr(obj, f.name)
            except ObjectDoesNotExist:
                related = None
            result[f.name] = f"{related} (#{raw})" if related is not None else raw
        else:
            result[f.name] = _jsonable(raw)
    return result
