"""Helpers shared by the stages of the service process (REG-2): the audit context of
sub-records, writes of records with optional files, input cleaning, the workflow
pre-check, deferred notifications and the signature pad's images."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from facadeops.audit.services import record
from facadeops.core.errors import Forbidden, InvalidInput, TransitionNotAllowed
from facadeops.core.roles import Role, has_role
from facadeops.core.workflow import workflow_for
from facadeops.notifications.services import notify

from ..models import WorkOrder, WOStatus

R = Role
S = WOStatus

M = TypeVar("M", bound=models.Model)

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_SIDE = 4000


def _wo_context(obj: Any) -> Any:
    """Sub-records of a work order show on the work order's timeline."""
    return obj.work_order


def _project_context(wo: WorkOrder) -> Any:
    return wo.project


# core.audit.snapshot() cannot read an empty file field (hasattr(FieldFile, "url") raises
# ValueError); records with optional files are written with these two helpers instead.
def _snap(obj: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(value, FieldFile):
            value = value.name or ""
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[f.name] = value
    return out


def _clean_or_invalid(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc


def _create_with_file(
    model: type[M], *, actor: Any, data: dict[str, Any], files: dict[str, ContentFile[bytes]]
) -> M:
    obj = model(**data)
    for name, content in files.items():
        getattr(obj, name).save("signature.png", content, save=False)
    _clean_or_invalid(obj)
    obj.save()
    record(actor=actor, verb="created", target=obj, after=_snap(obj), context=_wo_context(obj))
    return obj


def _update_with_file(obj: M, *, actor: Any, data: dict[str, Any], verb: str = "updated") -> M:
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = _snap(current)
    for key, value in data.items():
        setattr(current, key, value)
    _clean_or_invalid(current)
    current.save()
    after = _snap(current)
    changed = [k for k in after if after[k] != before.get(k) and k != "updated_at"]
    if changed:
        record(
            actor=actor,
            verb=verb,
            target=current,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
            context=_wo_context(current),
        )
    return current


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _resolve(model: type[models.Model], value: Any, field: str) -> Any:
    """An instance of ``model`` from an instance or a primary key (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    try:
        return model._default_manager.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise _invalid(field, _("Choose a valid entry.")) from exc


def _decimal(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _invalid(field, _("Enter a number.")) from exc
    if not result.is_finite() or result <= 0:
        raise _invalid(field, _("The quantity must be greater than zero."))
    if result > Decimal("99999999"):
        raise _invalid(field, _("The quantity is too large."))
    return result.quantize(Decimal("0.01"))


def _text(value: Any) -> str:
    return str(value or "").strip()


def _precheck(obj: Any, name: str, actor: Any) -> None:
    """State, role and scope of a workflow step before any data is written: a wrong
    state is a 409 (TransitionNotAllowed), a wrong role or object a 403 (Forbidden)."""
    wf = workflow_for(obj)
    t = wf.get(name)
    current = getattr(obj, wf.state_field)
    if current not in t.sources:
        raise TransitionNotAllowed(
            reasons=[
                _("“%(step)s” is not possible while the record is “%(state)s”.")
                % {"step": t.label or t.name, "state": wf.states(current).label}
            ]
        )
    if not has_role(actor, t.roles):
        raise Forbidden(_("Your role does not allow “%(step)s”.") % {"step": t.label or t.name})
    if (wf.scope and not wf.scope(actor, obj)) or (t.scope and not t.scope(actor, obj)):
        raise Forbidden(_("This record is outside your responsibility."))


def _fresh(wo: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_related("project", "customer").get(pk=wo.pk)


def _notify_later(
    recipients: Iterable[Any], *, verb: str, title: str, target: Any, actor: Any
) -> None:
    ids = sorted({u.pk for u in recipients if u is not None and u.pk != getattr(actor, "pk", None)})
    if not ids:
        return
    model, pk, actor_id = type(target), target.pk, getattr(actor, "pk", None)

    def send() -> None:
        notify(
            recipient_ids=ids,
            verb=verb,
            title=title,
            target=model._default_manager.get(pk=pk),
            actor_id=actor_id,
        )

    transaction.on_commit(send)


def _team(wo: WorkOrder) -> list[Any]:
    return [u for u in [wo.lead, *wo.members.all()] if u is not None]


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def _decode_signature(data_url: Any, field: str) -> ContentFile[bytes]:
    """A signature image from the signature pad's data URL, checked with Pillow,
    re-encoded as PNG; refuses empty (blank) signatures."""
    value = _text(data_url)
    match = re.fullmatch(r"data:image/(png|jpeg|jpg|webp);base64,([A-Za-z0-9+/=\s]+)", value)
    if not value:
        raise _invalid(field, _("Please sign in the signature box."))
    if match is None:
        raise _invalid(field, _("The signature is not a valid image."))
    if len(match.group(2)) > SIGNATURE_MAX_BYTES * 4 // 3 + 8:
        raise _invalid(field, _("The signature image is too large."))
    try:
        raw = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _invalid(field, _("The signature is not a valid image.")) from exc
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as img:
            if img.width > SIGNATURE_MAX_SIDE or img.height > SIGNATURE_MAX_SIDE:
                raise _invalid(field, _("The signature image is too large."))
            rgba = img.convert("RGBA")
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _invalid(field, _("The signature is not a valid image.")) from exc
    # Blank: fully transparent, or a single colour everywhere.
    alpha_min, alpha_max = rgba.getchannel("A").getextrema()
    colours = rgba.convert("L").getextrema()
    if alpha_max == 0 or (alpha_min == alpha_max and colours[0] == colours[1]):
        raise _invalid(field, _("The signature is empty. Please sign in the box."))
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="signature.png")
