"""Work order creation, triage and dispatch (REG-2.2.1, DOM-4) and the on-site assessment:
arrival, findings and defects from the catalogue (REG-2.2.1, DOM-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.accounts.models import User
from facadeops.core.errors import Conflict, Forbidden
from facadeops.core.numbering import next_number
from facadeops.core.roles import has_role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition
from facadeops.customers.models import Project

from .. import permissions as perms
from .. import rules
from ..models import Assessment, DefectFinding, DefectType, WorkOrder
from ..sla import deadlines_for
from ._common import (
    R,
    S,
    _fresh,
    _invalid,
    _notify_later,
    _precheck,
    _project_context,
    _resolve,
    _text,
    _wo_context,
)


# =========================================================================================
# Work order: creation and triage (REG-2.2.1, DOM-4)
# =========================================================================================
def _create_work_order(*, actor: Any, data: dict[str, Any]) -> WorkOrder:
    project = data["project"]
    data.setdefault("customer", project.customer)
    data.setdefault("service_head", project.service_head)
    data.setdefault("project_manager", project.project_manager)

    def number(obj: WorkOrder) -> None:
        obj.number = next_number("GD")

    wo = create_record(
        WorkOrder, actor=actor, data=data, before_save=number, context=_project_context
    )
    heads = [wo.service_head] if wo.service_head else rules.users_with_role(R.SERVICE_HEAD)
    _notify_later(
        heads,
        verb="wo.created",
        title=_("New work order %(number)s awaits triage") % {"number": wo.number},
        target=wo,
        actor=actor,
    )
    return wo


def work_order_create(
    *,
    actor: Any,
    project: Any,
    title: str,
    description: str = "",
    nature: str,
    urgency: str,
    exterior_work: bool = False,
) -> WorkOrder:
    """A work order without a request (e.g. emergencies, planned maintenance)."""
    if not has_role(actor, perms.WORK_ORDER_CREATORS):
        raise Forbidden(_("Your role does not allow creating work orders."))
    project = _resolve(Project, project, "project")
    if project is None:
        raise _invalid("project", _("Choose the project."))
    title = _text(title)
    if not title:
        raise _invalid("title", _("Give the work order a title."))
    with transaction.atomic():
        return _create_work_order(
            actor=actor,
            data={
                "project": project,
                "title": title,
                "description": _text(description),
                "nature": nature,
                "urgency": urgency,
                "exterior_work": bool(exterior_work),
            },
        )


def _clock_start(wo: WorkOrder) -> dt.datetime:
    if wo.request_id:
        return wo.request.reported_at  # type: ignore[union-attr]
    return wo.created_at


def work_order_triage(
    *,
    actor: Any,
    work_order: WorkOrder,
    nature: str,
    urgency: str,
    technician: Any,
    exterior_work: bool,
    expected_version: int,
) -> WorkOrder:
    """REG-2.2.1: the service head sets nature and urgency and sends a technician; the
    on-site deadline follows the contract's service level for that urgency (DOM-4)."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "triage", actor)
    technician = _resolve(User, technician, "technician")
    if technician is not None and not (technician.is_active and has_role(technician, R.TECHNICIAN)):
        raise _invalid("technician", _("The person chosen is not an active technician."))
    with transaction.atomic():
        wo = _fresh(work_order)
        on_site, complete = deadlines_for(wo.project, urgency, start=_clock_start(wo))
        update_record(
            work_order,
            actor=actor,
            data={
                "nature": nature,
                "urgency": urgency,
                "technician": technician,
                "exterior_work": bool(exterior_work),
                "service_head": actor,
                "on_site_due_at": on_site,
                "complete_due_at": complete,
                "escalation_level": 0,
            },
            expected_version=expected_version,
            context=_project_context,
        )
        transition(work_order, "triage", actor=actor)
    return work_order


# =========================================================================================
# On site (REG-2.2.1)
# =========================================================================================
def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _invalid(field, _("Enter a number.")) from exc
    if not result.is_finite() or abs(result) > limit:
        raise _invalid(field, _("The position is out of range."))
    return result.quantize(Decimal("0.000001"))


def work_order_check_in(
    *, actor: Any, work_order: WorkOrder, latitude: Any = None, longitude: Any = None
) -> Assessment:
    """REG-2.2.1: the technician's arrival on site is recorded (time, optional GPS)."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "check_in", actor)
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise _invalid("latitude", _("Give both latitude and longitude, or neither."))
    with transaction.atomic():
        assessment = create_record(
            Assessment,
            actor=actor,
            data={
                "work_order": work_order,
                "technician": actor,
                "arrived_at": timezone.now(),
                "latitude": lat,
                "longitude": lng,
            },
            context=_wo_context,
        )
        transition(work_order, "check_in", actor=actor)
    return assessment


def assessment_update(
    *, actor: Any, work_order: WorkOrder, situation: str, difficulty: str
) -> Assessment:
    """REG-2.2.1: findings — the actual situation and the repair difficulty."""
    perms.require_technician(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, {S.ASSESSING, S.PLANNING}, _("Recording findings"))
    assessment = Assessment.objects.filter(work_order=work_order).first()
    if assessment is None:
        raise Conflict(_("Record the arrival on site first."), code="wrong_state")
    return update_record(
        assessment,
        actor=actor,
        data={"situation": _text(situation), "difficulty": _text(difficulty)},
        expected_version=None,
        context=_wo_context,
    )


DEFECT_STATES = {S.ASSESSING, S.PLANNING, S.IN_PROGRESS, S.PAUSED}


def defect_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    defect_type: Any,
    severity: str | None = None,
    location: str = "",
    quantity: int = 1,
    notes: str = "",
) -> DefectFinding:
    """REG-2.2.1 / DOM-3: a defect from the catalogue with its severity (default: the
    catalogue's)."""
    perms.require_technician(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, DEFECT_STATES, _("Recording defects"))
    dtype = _resolve(DefectType, defect_type, "defect_type")
    if dtype is None or not dtype.is_active:
        raise _invalid("defect_type", _("Choose a defect from the catalogue."))
    try:
        qty = int(quantity)
    except (TypeError, ValueError) as exc:
        raise _invalid("quantity", _("Enter a whole number.")) from exc
    return create_record(
        DefectFinding,
        actor=actor,
        data={
            "work_order": work_order,
            "defect_type": dtype,
            "severity": severity or dtype.default_severity,
            "location": _text(location),
            "quantity": qty,
            "notes": _text(notes),
        },
        context=_wo_context,
    )
