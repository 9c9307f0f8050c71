"""Generic audited, versioned writes that every app's services build on.

``create_record`` and ``update_record`` validate (``full_clean``), write, and audit in one
transaction. ``update_record`` is optimistic: it only writes if the row still has the
version the user started from; otherwise it raises ``Conflict`` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from facadeops.audit.services import record, snapshot

from .errors import Conflict, InvalidInput

M = TypeVar("M", bound=models.Model)


def _clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc


def create_record(
    model: type[M],
    *,
    actor: Any,
    data: dict[str, Any],
    m2m: dict[str, list[Any]] | None = None,
    context: Callable[[M], models.Model | None] | None = None,
    before_save: Callable[[M], None] | None = None,
    note: str = "",
) -> M:
    """Create, validate and audit one record (many-to-many values set after the insert)."""
    with transaction.atomic():
        obj = model(**data)
        if before_save:
            before_save(obj)
        _clean(obj)
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError as exc:
            raise InvalidInput(str(exc).splitlines()[0]) from exc
        after = snapshot(obj)
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
            after[name] = sorted(str(v) for v in values)
        record(
            actor=actor,
            verb="created",
            target=obj,
            after=after,
            note=note,
            context=context(obj) if context else None,
        )
    return obj


def update_record(
    obj: M,
    *,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    m2m: dict[str, list[Any]] | None = None,
    context: Callable[[M], models.Model | None] | None = None,
    note: str = "",
    verb: str = "updated",
) -> M:
    """Apply ``data`` to ``obj`` if nobody changed it since ``expected_version``.

    Versioned models must be given the version the user saw; a stale one raises Conflict.
    Only changed fields are written and audited.
    """
    model = type(obj)
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    if versioned and expected_version is None:
        raise InvalidInput(
            fields={"version": [str(Conflict.default_message)]}, code="version_required"
        )
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        if versioned and current.version != expected_version:  # type: ignore[attr-defined]
            raise Conflict()
        before_all = snapshot(current)
        for key, value in data.items():
            setattr(current, key, value)
        _clean(current)
        after_all = snapshot(current)
        changed = [k for k in after_all if after_all[k] != before_all.get(k)]
        before = {k: before_all.get(k) for k in changed}
        after = {k: after_all[k] for k in changed}
        for name, values in (m2m or {}).items():
            old = sorted(str(v) for v in getattr(current, name).all())
            new = sorted(str(v) for v in values)
            if old != new:
                getattr(current, name).set(values)
                before[name], after[name] = old, new
        if not before and not after:
            return current
        fields = {
            f.attname: getattr(current, f.attname)
            for f in model._meta.concrete_fields
            if f.name in changed
        }
        if versioned:
            fields["version"] = F("version") + 1
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields["updated_at"] = timezone.now()
        if fields:
            filt: dict[str, Any] = {"pk": current.pk}
            if versioned:
                filt["version"] = expected_version
            try:
                with transaction.atomic():
                    written = model._default_manager.filter(**filt).update(**fields)
            except IntegrityError as exc:
                raise InvalidInput(str(exc).splitlines()[0]) from exc
            if not written:  # pragma: no cover - the row lock above makes this unreachable
                raise Conflict()
        current.refresh_from_db()
        record(
            actor=actor,
            verb=verb,
            target=current,
            before=before,
            after=after,
            note=note,
            context=context(current) if context else None,
        )
    for f in model._meta.concrete_fields:
        setattr(obj, f.attname, getattr(current, f.attname))
    return current
