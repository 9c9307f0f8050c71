"""Preparation and execution (REG-2.2.3, REG-2.3.1): materials and tools drawn, progress
notes, replaced parts. Pause/resume and change requests are workflow steps
(``record.work_order_transition``); a changed plan is written with ``plan.plan_save``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from facadeops.core.errors import InvalidInput
from facadeops.core.services import create_record
from facadeops.materials.models import Material

from .. import permissions as perms
from ..models import MaterialDraw, PartReplacement, WorkLog, WorkLogKind, WorkOrder
from ._common import S, _decimal, _invalid, _resolve, _text, _wo_context

# =========================================================================================
# Materials and tools (REG-2.2.3)
# =========================================================================================
DRAW_STATES = {S.ASSIGNED, S.READY, S.IN_PROGRESS, S.PAUSED, S.RECTIFICATION}


def material_draw(
    *, actor: Any, work_order: WorkOrder, material: Any, quantity: Any, tools: str = ""
) -> MaterialDraw:
    """REG-2.2.3: materials and tools drawn for the work order."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, DRAW_STATES, _("Drawing materials"))
    mat = _resolve(Material, material, "material")
    if mat is None:
        raise _invalid("material", _("Choose the material."))
    return create_record(
        MaterialDraw,
        actor=actor,
        data={
            "work_order": work_order,
            "material": mat,
            "quantity": _decimal(quantity, "quantity"),
            "tools": _text(tools),
            "drawn_by": actor,
        },
        context=_wo_context,
    )


# =========================================================================================
# Execution (REG-2.3.1)
# =========================================================================================
WORK_STATES = {S.IN_PROGRESS, S.PAUSED, S.CHANGE_REVIEW, S.CHANGE_APPROVAL, S.RECTIFICATION}


def progress_log(
    *, actor: Any, work_order: WorkOrder, text: str, percent_done: Any = None
) -> WorkLog:
    perms.require_team(actor, work_order, technician_too=True)
    perms.require_open(work_order)
    perms.require_state(work_order, WORK_STATES, _("A progress note"))
    text = _text(text)
    if not text:
        raise _invalid("text", _("Write what was done."))
    if percent_done not in (None, ""):
        try:
            percent_done = int(percent_done)
        except (TypeError, ValueError) as exc:
            raise _invalid("percent_done", _("Enter a whole number.")) from exc
        if not 0 <= percent_done <= 100:
            raise _invalid("percent_done", _("Enter a value between 0 and 100."))
    else:
        percent_done = None
    return create_record(
        WorkLog,
        actor=actor,
        data={
            "work_order": work_order,
            "kind": WorkLogKind.PROGRESS,
            "author": actor,
            "text": text,
            "percent_done": percent_done,
        },
        context=_wo_context,
    )


def part_replacement_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    old_part: str,
    material: Any,
    quantity: Any,
    batch: str,
    location: str = "",
) -> PartReplacement:
    """REG-2.3.1: every replaced part — old part, new part, quantity, batch/spec."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, WORK_STATES, _("Recording a replaced part"))
    mat = _resolve(Material, material, "material")
    errors: dict[str, list[str]] = {}
    if mat is None:
        errors["material"] = [_("Choose the new part from the catalogue.")]
    if not _text(old_part):
        errors["old_part"] = [_("Describe the old part removed.")]
    if not _text(batch):
        errors["batch"] = [_("Give the batch or specification of the new part.")]
    try:
        qty = _decimal(quantity, "quantity")
    except InvalidInput as exc:
        errors.update(exc.fields)
        qty = Decimal(0)
    if errors:
        raise InvalidInput(fields=errors)
    return create_record(
        PartReplacement,
        actor=actor,
        data={
            "work_order": work_order,
            "old_part": _text(old_part),
            "material": mat,
            "quantity": qty,
            "batch": _text(batch),
            "location": _text(location),
            "recorded_by": actor,
        },
        context=_wo_context,
    )
