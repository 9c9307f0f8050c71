"""The plan (REG-2.2.2; changes REG-2.3.1) — every version kept — and its assignment to
the service team (REG-2.2.3, X-6.5), reassignment and the team's acknowledgement. Review
and approval are workflow steps (``record.work_order_transition``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.accounts.models import User
from facadeops.accounts.selectors import users_with_valid_height_certificate
from facadeops.audit.services import record
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.core.roles import has_role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition
from facadeops.materials.models import Material

from .. import permissions as perms
from .. import rules
from ..models import (
    HEIGHT_METHODS,
    AccessMethod,
    Plan,
    PlanMaterial,
    PlanStatus,
    WorkLog,
    WorkLogKind,
    WorkOrder,
)
from ._common import (
    R,
    S,
    _decimal,
    _invalid,
    _notify_later,
    _precheck,
    _project_context,
    _resolve,
    _text,
    _wo_context,
)

# =========================================================================================
# Plan (REG-2.2.2, REG-2.3.1 changes) — every version kept
# =========================================================================================
PLAN_FIELDS = (
    "content",
    "tools",
    "schedule_start",
    "schedule_end",
    "safety_measures",
    "access_method",
    "safety_briefing_signed",
    "certified_staff_only",
    "change_reason",
)


def plan_save(
    *,
    actor: Any,
    work_order: WorkOrder,
    data: dict[str, Any],
    materials: Sequence[tuple[Any, Any, str]],
    is_change: bool = False,
) -> Plan:
    """Write the plan: edits the current draft version, otherwise starts a new version
    (returned, approved and superseded versions are kept unchanged)."""
    perms.require_technician(actor, work_order)
    perms.require_open(work_order)
    if is_change:
        perms.require_state(work_order, {S.IN_PROGRESS, S.PAUSED}, _("A change of plan"))
    else:
        perms.require_state(work_order, {S.PLANNING}, _("Writing the plan"))
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput(
            fields={k: [_("This field cannot be set here.")] for k in sorted(unknown)}
        )
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("safety_briefing_signed", "certified_staff_only"):
            clean[key] = bool(value)
        elif key in ("schedule_start", "schedule_end"):
            clean[key] = value or None
        else:
            clean[key] = _text(value)
    if not is_change:
        clean.pop("change_reason", None)
    if clean.get("access_method") == "":
        clean["access_method"] = AccessMethod.INTERIOR
    lines: list[tuple[Any, Decimal, str]] = []
    errors: list[str] = []
    for i, line in enumerate(materials or []):
        try:
            material, qty, note = line
        except (TypeError, ValueError):
            errors.append(_("Line %(n)s: give the material and the quantity.") % {"n": i + 1})
            continue
        try:
            mat = _resolve(Material, material, "materials")
            quantity = _decimal(qty, "materials")
        except InvalidInput as exc:
            errors.append(
                _("Line %(n)s: %(error)s") % {"n": i + 1, "error": exc.fields["materials"][0]}
            )
            continue
        if mat is None or not mat.is_active:
            errors.append(_("Line %(n)s: choose an active material.") % {"n": i + 1})
            continue
        lines.append((mat, quantity, _text(note)[:200]))
    if errors:
        raise InvalidInput(fields={"materials": errors})
    with transaction.atomic():
        wo = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        current = rules.current_plan(wo)
        if (
            current is not None
            and current.outcome == PlanStatus.DRAFT
            and current.is_change == bool(is_change)
        ):
            plan = update_record(
                current, actor=actor, data=clean, expected_version=None, context=_wo_context
            )
            verb = "plan.updated"
        else:
            last = wo.plans.aggregate(m=Max("version_no"))["m"] or 0
            plan = create_record(
                Plan,
                actor=actor,
                data={
                    **clean,
                    "work_order": wo,
                    "version_no": last + 1,
                    "is_change": bool(is_change),
                    "written_by": actor,
                },
                context=_wo_context,
            )
            verb = "plan.version_created"
        old = sorted(f"{m.material_id}:{m.quantity}:{m.note}" for m in plan.materials.all())
        new = sorted(f"{m.pk}:{q}:{n}" for m, q, n in lines)
        if old != new:
            plan.materials.all().delete()
            PlanMaterial.objects.bulk_create(
                [PlanMaterial(plan=plan, material=m, quantity=q, note=n) for m, q, n in lines]
            )
            record(
                actor=actor,
                verb=verb,
                target=plan,
                before={"materials": old},
                after={"materials": [f"{m} × {q}" for m, q, _n in lines]},
                context=wo,
            )
    return plan


# =========================================================================================
# Assignment and preparation (REG-2.2.3, X-6.5)
# =========================================================================================
def _staff_user(value: Any, field: str) -> Any:
    user = _resolve(User, value, field)
    if user is not None and not (user.is_active and has_role(user, R.SERVICE_STAFF)):
        raise _invalid(field, _("%(name)s is not active service staff.") % {"name": user})
    return user


def work_order_assign(
    *,
    actor: Any,
    work_order: WorkOrder,
    lead: Any,
    members: Iterable[Any],
    requirements: str,
    deadline: dt.datetime | None,
    expected_version: int,
) -> WorkOrder:
    """REG-2.2.3: the project manager assigns the approved plan to named staff with
    requirements and a deadline. Nobody without a valid work-at-height certificate is
    assigned work at height (X-6.5) — every such person is listed at once."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "assign", actor)
    lead_user = _staff_user(lead, "lead")
    team = []
    for m in members or []:
        user = _staff_user(m, "members")
        if user is not None and user != lead_user and user not in team:
            team.append(user)
    if deadline is not None and deadline <= timezone.now():
        raise _invalid("deadline", _("The deadline must be in the future."))
    with transaction.atomic():
        update_record(
            work_order,
            actor=actor,
            data={
                "lead": lead_user,
                "requirements": _text(requirements),
                "complete_due_at": deadline,
            },
            m2m={"members": team},
            expected_version=expected_version,
            context=_project_context,
        )
        transition(work_order, "assign", actor=actor)
    return work_order


def _height_team_reasons(wo: WorkOrder, team: list[Any]) -> list[str]:
    plan = rules.approved_plan(wo)
    if plan is None or plan.access_method not in HEIGHT_METHODS:
        return []
    day = timezone.localdate()
    ok = users_with_valid_height_certificate(team, on=day)
    return [
        _("%(name)s has no valid work-at-height certificate (高处作业证) on %(day)s.")
        % {"name": u, "day": day.isoformat()}
        for u in team
        if u.pk not in ok
    ]


def work_order_reassign(
    *,
    actor: Any,
    work_order: WorkOrder,
    technician: Any = None,
    lead: Any = None,
    members: Iterable[Any] | None = None,
    note: str,
) -> WorkOrder:
    """Hand the work to somebody else: the technician (service head), the lead or the
    members (project manager). A reason is required; X-6.5 applies to the new team."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    note = _text(note)
    if not note:
        raise _invalid("note", _("Please give a reason or comment for this step."))
    data: dict[str, Any] = {}
    m2m: dict[str, list[Any]] = {}
    if technician is not None:
        if not has_role(actor, R.SERVICE_HEAD, R.MANAGEMENT):
            raise Forbidden(_("Only the service head may send another technician."))
        tech = _resolve(User, technician, "technician")
        if not (tech.is_active and has_role(tech, R.TECHNICIAN)):
            raise _invalid("technician", _("The person chosen is not an active technician."))
        data["technician"] = tech
    if lead is not None or members is not None:
        if not has_role(actor, R.PROJECT_MANAGER, R.MANAGEMENT):
            raise Forbidden(_("Only the project manager may change the service team."))
        if work_order.status in {
            S.NEW,
            S.DISPATCHED,
            S.ASSESSING,
            S.PLANNING,
            S.PLAN_REVIEW,
            S.PLAN_APPROVAL,
            S.APPROVED,
        }:
            raise Conflict(_("Assign the service staff first."), code="wrong_state")
        new_lead = _staff_user(lead, "lead") if lead is not None else work_order.lead
        if lead is not None:
            data["lead"] = new_lead
        current_members = (
            list(work_order.members.all())
            if members is None
            else [_staff_user(m, "members") for m in members]
        )
        team_members = [u for u in dict.fromkeys(current_members) if u and u != new_lead]
        if members is not None:
            m2m["members"] = team_members
        reasons = _height_team_reasons(work_order, [u for u in [new_lead, *team_members] if u])
        if reasons:
            raise InvalidInput("; ".join(reasons), fields={"members": reasons})
    if not data and not m2m:
        raise InvalidInput(
            _("Choose who takes over."), fields={"__all__": [_("Choose who takes over.")]}
        )
    with transaction.atomic():
        wo = update_record(
            work_order,
            actor=actor,
            data=data,
            m2m=m2m,
            expected_version=work_order.version,
            context=_project_context,
            note=note,
            verb="wo.reassigned",
        )
    people = [data.get("technician"), data.get("lead"), *m2m.get("members", [])]
    _notify_later(
        [p for p in people if p],
        verb="wo.reassigned",
        title=_("%(number)s was handed to you") % {"number": wo.number},
        target=wo,
        actor=actor,
    )
    return wo


def plan_acknowledge(*, actor: Any, work_order: WorkOrder) -> WorkLog:
    """REG-2.2.3: the staff member confirms having read the (current approved) plan."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(
        work_order, {S.ASSIGNED, S.READY, S.IN_PROGRESS, S.PAUSED}, _("Acknowledging the plan")
    )
    plan = rules.approved_plan(work_order)
    if plan is None:
        raise Conflict(_("There is no approved plan to acknowledge."), code="wrong_state")
    return create_record(
        WorkLog,
        actor=actor,
        data={
            "work_order": work_order,
            "kind": WorkLogKind.ACKNOWLEDGE,
            "author": actor,
            "text": _("Plan version %(v)s read and acknowledged.") % {"v": plan.version_no},
        },
        context=_wo_context,
    )
