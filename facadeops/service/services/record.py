"""The service record (REG-2.5.1), the generic workflow step with the archiving of the
work order's dossier (REG-2.5.2), and the working calendar (DOM-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from facadeops.archive import permissions as archive_permissions
from facadeops.archive.models import ArchiveEntry
from facadeops.archive.selectors import entry_for_source
from facadeops.archive.services import ARCHIVE_LANGUAGE, WORK_ORDER_DOSSIER, archive_record
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.core.roles import has_role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition

from .. import permissions as perms
from .. import rules
from ..documents import dossier_text, render_dossier_pdf
from ..models import CalendarDay, ServiceRecord, WorkLogKind, WorkOrder
from ._common import (
    R,
    S,
    _create_with_file,
    _decode_signature,
    _fresh,
    _precheck,
    _text,
    _update_with_file,
)


# =========================================================================================
# Service record (REG-2.5.1)
# =========================================================================================
def _record_values(wo: WorkOrder) -> dict[str, Any]:
    fmt = "%Y-%m-%d %H:%M"
    start = wo.started_at or wo.arrived_at or wo.created_at
    end = wo.completed_at or timezone.now()
    project = wo.project
    place = " ".join(p for p in [project.name, project.city, project.address] if p)
    location = wo.request.location if wo.request_id and wo.request else ""
    if location:
        place = f"{place} · {location}"
    plan = rules.approved_plan(wo)
    replacements = wo.replacements.select_related("material").order_by("id")
    materials = "\n".join(
        f"{r.old_part} → {r.material} × {r.quantity} ({r.batch})" for r in replacements
    )
    last_log = wo.logs.filter(kind=WorkLogKind.PROGRESS).order_by("-created_at", "-id").first()
    return {
        "service_time": f"{timezone.localtime(start):{fmt}} – {timezone.localtime(end):{fmt}}",
        "place": place[:300],
        "customer_name": str(wo.customer)[:200],
        "content": plan.content if plan else wo.description,
        "result": last_log.text if last_log else "",
        "materials_text": materials,
    }


def service_record_fill(*, actor: Any, work_order: WorkOrder) -> ServiceRecord:
    """REG-2.5.1: fill the service record from the work order (time, place, customer,
    content, result, replaced materials). Re-filling refreshes the facts and keeps the
    content and result already written."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, {S.RECORD}, _("The service record"))
    wo = _fresh(work_order)
    values = _record_values(wo)
    with transaction.atomic():
        existing = ServiceRecord.objects.filter(work_order=wo).first()
        if existing is None:
            return _create_with_file(
                ServiceRecord, actor=actor, data={"work_order": wo, **values}, files={}
            )
        for keep in ("content", "result"):
            if getattr(existing, keep).strip():
                values.pop(keep)
        return _update_with_file(existing, actor=actor, data=values)


def service_record_sign(
    *, actor: Any, work_order: WorkOrder, content: str, result: str, signature_data_url: str
) -> ServiceRecord:
    """REG-2.5.1: the staff member confirms content and result and signs."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, {S.RECORD}, _("Signing the service record"))
    errors: dict[str, list[str]] = {}
    if not _text(content):
        errors["content"] = [_("Describe the service content.")]
    if not _text(result):
        errors["result"] = [_("Describe the result of the repair or maintenance.")]
    signature = None
    try:
        signature = _decode_signature(signature_data_url, "signature")
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        rec = ServiceRecord.objects.filter(work_order=work_order).first()
        if rec is None:
            rec = service_record_fill(actor=actor, work_order=work_order)
        assert signature is not None
        field = rec.staff_signature.field
        stored = field.storage.save(field.generate_filename(rec, "signature.png"), signature)
        rec = _update_with_file(
            rec,
            actor=actor,
            data={
                "content": _text(content),
                "result": _text(result),
                "staff_signature": stored,
                "signed_by": actor,
                "signed_at": timezone.now(),
            },
            verb="record.signed",
        )
    return rec


# =========================================================================================
# Generic steps
# =========================================================================================
def work_order_transition(
    *, actor: Any, work_order: WorkOrder, name: str, note: str = ""
) -> WorkOrder:
    """Take a workflow step (submit_findings, submit_plan, approve/return, prepare, start,
    pause, resume, request_change, approve/reject change, complete, rectified,
    submit_record, approve/return record, archive, hold, resume_hold, cancel). Every
    refusal lists all its reasons. Archiving also files the work order in the archive
    (REG-2.5.2) in the same transaction."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, name, actor)
    with transaction.atomic():
        wo = transition(work_order, name, actor=actor, note=_text(note))
        if name == "archive":
            archive_work_order(actor=actor, work_order=wo)
    return wo


def archive_work_order(*, actor: Any, work_order: WorkOrder) -> ArchiveEntry:
    """REG-2.5.2: the service head archives a work order whose service record was reviewed
    — its dossier (service report, internal acceptance reports, every plan version with its
    material list, work log) as one PDF, classified, with its retention period and its full
    text, through the generic ``archive.services.archive_record``. Idempotent. Called by the
    "archive" step (``work_order_transition``) in the same transaction."""
    if not archive_permissions.can_archive(actor):
        raise Forbidden(_("Only the service head archives work orders."))
    if work_order.status not in {S.TO_ARCHIVE, S.ARCHIVED}:
        raise Conflict(
            _("Only a work order whose service record has been reviewed can be archived."),
            code="not_ready",
        )
    existing = entry_for_source(work_order, record_type_code=WORK_ORDER_DOSSIER)
    if existing is not None:
        return existing
    with translation.override(ARCHIVE_LANGUAGE):
        classification = f"{work_order.get_nature_display()} · {work_order.get_urgency_display()}"
        text = dossier_text(work_order)
    pdf = render_dossier_pdf(work_order)
    finished = work_order.completed_at or work_order.archived_at or timezone.now()
    return archive_record(
        actor=actor,
        source=work_order,
        record_type_code=WORK_ORDER_DOSSIER,
        title=work_order.title,
        number=work_order.number,
        record_date=timezone.localdate(finished),
        pdf=pdf,
        search_text=text,
        customer=work_order.customer,
        project=work_order.project,
        classification=classification,
        context=work_order.project,
    )


def calendar_day_set(*, actor: Any, date: dt.date, is_working_day: bool, name: str = "") -> Any:
    """Edit the working calendar (DOM-4): mark a day as worked or off."""
    if not has_role(actor, R.SERVICE_HEAD, R.MANAGEMENT):
        raise Forbidden(_("Your role does not allow this."))
    existing = CalendarDay.objects.filter(date=date).first()
    data = {"is_working_day": bool(is_working_day), "name": _text(name), "source": str(actor)}
    if existing is None:
        return create_record(CalendarDay, actor=actor, data={"date": date, **data})
    return update_record(existing, actor=actor, data=data, expected_version=None)
