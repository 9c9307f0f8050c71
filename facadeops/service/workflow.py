"""The work-order chain of REG-2 and the request life cycle, as data on the core engine.

new ─triage→ dispatched ─check_in→ assessing ─submit_findings→ planning ─submit_plan→
plan_review ─approve_plan_tech→ plan_approval ─approve_plan→ approved ─assign→ assigned
─prepare→ ready ─start→ in_progress (⇄ paused; ─request_change→ change_review
─approve_change_tech→ change_approval ─approve_change→ in_progress) ─complete→ completed
─internal_pass→ customer_acceptance ─customer_accept→ record ─submit_record→ record_review
─approve_record→ to_archive ─archive→ archived.
Failures go back: returns to planning, internal_fail / customer_reject → rectification
─rectified→ completed. hold/resume_hold and cancel from the open states.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.core.roles import Role, has_role
from facadeops.core.workflow import Transition, TransitionContext, Workflow, register

from . import rules
from .models import RequestStatus, ServiceRequest, WorkOrder, WOStatus
from .permissions import is_team

S = WOStatus
R = Role


# --- object scope -------------------------------------------------------------------------
def _is_technician(user: Any, wo: WorkOrder) -> bool:
    return bool(wo.technician_id == user.pk)


def _may_skip_assessment(user: Any, wo: WorkOrder) -> bool:
    """Offered only on routine plan work whose policy allows it (company data)."""
    if not (_is_technician(user, wo) or has_role(user, R.SERVICE_HEAD)):
        return False
    return not rules.may_skip_assessment(wo, None)


def _is_pm(user: Any, wo: WorkOrder) -> bool:
    return wo.project_manager_id in (None, user.pk)


def _is_own_customer(user: Any, wo: WorkOrder) -> bool:
    if has_role(user, R.CUSTOMER):
        return getattr(user, "customer_id", None) == wo.customer_id
    return is_team(user, wo)


def _project(wo: WorkOrder) -> Any:
    return wo.project


# --- notifications: the next actor ---------------------------------------------------------
def _tech(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return [wo.technician]


def _service_head(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return [wo.service_head]


def _pm(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return [wo.project_manager]


def _team(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return [wo.lead, *wo.members.all()]


def _tech_heads(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return rules.users_with_role(R.TECH_HEAD)


def _quality(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return rules.users_with_role(R.QUALITY)


def _customer_users(wo: WorkOrder, ctx: TransitionContext) -> list[Any]:
    return list(wo.customer.users.filter(is_active=True))


# --- effects ---------------------------------------------------------------------------------
def _mark_arrived(wo: WorkOrder, ctx: TransitionContext) -> None:
    wo.arrived_at = wo.arrived_at or timezone.now()


def _mark_started(wo: WorkOrder, ctx: TransitionContext) -> None:
    wo.started_at = wo.started_at or timezone.now()


def _mark_completed(wo: WorkOrder, ctx: TransitionContext) -> None:
    wo.completed_at = timezone.now()


def _mark_archived(wo: WorkOrder, ctx: TransitionContext) -> None:
    wo.archived_at = timezone.now()


def _remember_held_state(wo: WorkOrder, ctx: TransitionContext) -> None:
    wo.held_from = ctx.from_state


def _held_state(wo: WorkOrder, ctx: TransitionContext) -> str:
    return wo.held_from or S.NEW


def _forget_held_state(wo: WorkOrder, ctx: TransitionContext) -> None:
    wo.held_from = ""


HOLDABLE = [
    S.NEW,
    S.DISPATCHED,
    S.ASSESSING,
    S.PLANNING,
    S.PLAN_REVIEW,
    S.PLAN_APPROVAL,
    S.APPROVED,
    S.ASSIGNED,
    S.READY,
    S.PAUSED,
]
CANCELLABLE = [*HOLDABLE, S.ON_HOLD]

WORK_ORDER = register(
    WorkOrder,
    Workflow(
        name="wo",
        states=WOStatus,
        audit_context=_project,
        transitions=[
            Transition(
                "triage",
                S.NEW,
                S.DISPATCHED,
                {R.SERVICE_HEAD},
                label=gettext_lazy("Triage and dispatch technician"),
                guards=[rules.triage_complete],
                notify=_tech,
            ),
            Transition(
                "check_in",
                S.DISPATCHED,
                S.ASSESSING,
                {R.TECHNICIAN},
                label=gettext_lazy("Check in on site"),
                scope=_is_technician,
                guards=[rules.has_assessment],
                effects=[_mark_arrived],
            ),
            Transition(
                "skip_assessment",
                S.DISPATCHED,
                S.PLANNING,
                {R.TECHNICIAN, R.SERVICE_HEAD},
                label=gettext_lazy("Routine work: skip the on-site assessment"),
                scope=_may_skip_assessment,
                guards=[rules.may_skip_assessment],
                style="secondary",
            ),
            Transition(
                "submit_findings",
                S.ASSESSING,
                S.PLANNING,
                {R.TECHNICIAN},
                label=gettext_lazy("Findings recorded"),
                scope=_is_technician,
                guards=[rules.findings_complete],
            ),
            Transition(
                "submit_plan",
                S.PLANNING,
                S.PLAN_REVIEW,
                {R.TECHNICIAN},
                label=gettext_lazy("Submit plan for review"),
                scope=_is_technician,
                guards=[rules.plan_complete, rules.plan_safety_for_height],
                effects=[rules.plan_mark_submitted],
                notify=_tech_heads,
            ),
            Transition(
                "return_plan_tech",
                S.PLAN_REVIEW,
                S.PLANNING,
                {R.TECH_HEAD},
                label=gettext_lazy("Return plan"),
                requires_note=True,
                style="warning",
                effects=[rules.plan_mark_returned],
                notify=_tech,
            ),
            Transition(
                "approve_plan_tech",
                S.PLAN_REVIEW,
                S.PLAN_APPROVAL,
                {R.TECH_HEAD},
                label=gettext_lazy("Plan reviewed"),
                style="success",
                effects=[rules.plan_mark_reviewed],
                notify=_pm,
            ),
            Transition(
                "return_plan_pm",
                S.PLAN_APPROVAL,
                S.PLANNING,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Return plan"),
                scope=_is_pm,
                requires_note=True,
                style="warning",
                effects=[rules.plan_mark_returned],
                notify=_tech,
            ),
            Transition(
                "approve_plan",
                S.PLAN_APPROVAL,
                S.APPROVED,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Approve plan"),
                scope=_is_pm,
                style="success",
                effects=[rules.plan_mark_approved],
            ),
            Transition(
                "assign",
                S.APPROVED,
                S.ASSIGNED,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Assign service staff"),
                scope=_is_pm,
                guards=[rules.assignment_complete, rules.team_certified_for_height],
                notify=_team,
            ),
            Transition(
                "prepare",
                S.ASSIGNED,
                S.READY,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Prepared: plan read, materials drawn"),
                scope=is_team,
                guards=[rules.plan_acknowledged, rules.materials_drawn],
            ),
            Transition(
                "start",
                S.READY,
                S.IN_PROGRESS,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Start work"),
                scope=is_team,
                style="success",
                guards=[rules.team_certified_for_height],  # + DOM-2 weather gate (planning)
                effects=[_mark_started],
            ),
            Transition(
                "pause",
                S.IN_PROGRESS,
                S.PAUSED,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Pause"),
                scope=is_team,
                requires_note=True,
                style="warning",
            ),
            Transition(
                "resume",
                S.PAUSED,
                S.IN_PROGRESS,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Resume"),
                scope=is_team,
                style="success",
                guards=[rules.team_certified_for_height],
            ),
            Transition(
                "request_change",
                [S.IN_PROGRESS, S.PAUSED],
                S.CHANGE_REVIEW,
                {R.TECHNICIAN},
                label=gettext_lazy("Submit change of plan"),
                scope=_is_technician,
                guards=[rules.change_plan_complete, rules.plan_safety_for_height],
                effects=[rules.plan_mark_submitted],
                notify=_tech_heads,
            ),
            Transition(
                "approve_change_tech",
                S.CHANGE_REVIEW,
                S.CHANGE_APPROVAL,
                {R.TECH_HEAD},
                label=gettext_lazy("Change reviewed"),
                style="success",
                effects=[rules.plan_mark_reviewed],
                notify=_pm,
            ),
            Transition(
                "approve_change",
                S.CHANGE_APPROVAL,
                S.IN_PROGRESS,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Approve change"),
                scope=_is_pm,
                style="success",
                guards=[rules.team_certified_for_height],
                effects=[rules.plan_mark_approved],
                notify=_team,
            ),
            Transition(
                "reject_change",
                [S.CHANGE_REVIEW, S.CHANGE_APPROVAL],
                S.IN_PROGRESS,
                {R.TECH_HEAD, R.PROJECT_MANAGER},
                label=gettext_lazy("Reject change"),
                requires_note=True,
                style="warning",
                effects=[rules.plan_mark_returned],
                notify=_tech,
            ),
            Transition(
                "complete",
                S.IN_PROGRESS,
                S.COMPLETED,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Work completed"),
                scope=is_team,
                guards=[rules.completion_checklist, rules.rectifications_closed],
                effects=[_mark_completed],
                notify=_quality,
            ),
            Transition(
                "internal_pass",
                S.COMPLETED,
                S.CUSTOMER_ACCEPTANCE,
                {R.QUALITY},
                label=gettext_lazy("Internal acceptance passed"),
                style="success",
                guards=[rules.internal_acceptance_passed],
                notify=_customer_users,
            ),
            Transition(
                "internal_fail",
                S.COMPLETED,
                S.RECTIFICATION,
                {R.QUALITY},
                label=gettext_lazy("Internal acceptance failed"),
                requires_note=True,
                style="danger",
                guards=[rules.open_rectification],
                notify=_team,
            ),
            Transition(
                "rectified",
                S.RECTIFICATION,
                S.COMPLETED,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Rectification done"),
                scope=is_team,
                guards=[rules.rectifications_done, rules.completion_checklist],
                # a new internal acceptance is needed after every rectification
                effects=[_mark_completed],
                notify=_quality,
            ),
            Transition(
                "customer_accept",
                S.CUSTOMER_ACCEPTANCE,
                S.RECORD,
                {R.SERVICE_STAFF, R.CUSTOMER},
                label=gettext_lazy("Customer accepted"),
                scope=_is_own_customer,
                style="success",
                guards=[rules.signed_acceptance],
                notify=_team,
            ),
            Transition(
                "customer_reject",
                S.CUSTOMER_ACCEPTANCE,
                S.RECTIFICATION,
                {R.SERVICE_STAFF, R.CUSTOMER},
                label=gettext_lazy("Customer rejected"),
                scope=_is_own_customer,
                requires_note=True,
                style="danger",
                guards=[rules.rejection_recorded],
                notify=_team,
            ),
            Transition(
                "submit_record",
                S.RECORD,
                S.RECORD_REVIEW,
                {R.SERVICE_STAFF},
                label=gettext_lazy("Submit service record"),
                scope=is_team,
                guards=[rules.record_signed],
                notify=_service_head,
            ),
            Transition(
                "return_record",
                S.RECORD_REVIEW,
                S.RECORD,
                {R.SERVICE_HEAD},
                label=gettext_lazy("Return service record"),
                requires_note=True,
                style="warning",
                notify=_team,
            ),
            Transition(
                "approve_record",
                S.RECORD_REVIEW,
                S.TO_ARCHIVE,
                {R.SERVICE_HEAD},
                label=gettext_lazy("Service record reviewed"),
                style="success",
                effects=[rules.record_mark_reviewed],
            ),
            Transition(
                "archive",
                S.TO_ARCHIVE,
                S.ARCHIVED,
                {R.SERVICE_HEAD},
                label=gettext_lazy("Archive"),
                style="success",
                effects=[_mark_archived],
            ),
            Transition(
                "hold",
                HOLDABLE,
                S.ON_HOLD,
                {R.SERVICE_HEAD, R.PROJECT_MANAGER},
                label=gettext_lazy("Put on hold"),
                requires_note=True,
                style="secondary",
                effects=[_remember_held_state],
            ),
            Transition(
                "resume_hold",
                S.ON_HOLD,
                _held_state,
                {R.SERVICE_HEAD, R.PROJECT_MANAGER},
                label=gettext_lazy("Resume from hold"),
                style="secondary",
                effects=[_forget_held_state],
            ),
            Transition(
                "cancel",
                CANCELLABLE,
                S.CANCELLED,
                {R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Cancel work order"),
                requires_note=True,
                style="danger",
                confirm=gettext_lazy("Cancel this work order? This cannot be undone."),
            ),
        ],
    ),
)


REQUEST = register(
    ServiceRequest,
    Workflow(
        name="request",
        states=RequestStatus,
        transitions=[
            Transition(
                "answer",
                RequestStatus.NEW,
                RequestStatus.ANSWERED,
                {R.AGENT, R.SERVICE_HEAD},
                label=gettext_lazy("Answer inquiry"),
                guards=[rules.request_answered],
            ),
            Transition(
                "close",
                RequestStatus.ANSWERED,
                RequestStatus.CLOSED,
                {R.AGENT, R.SERVICE_HEAD},
                label=gettext_lazy("Close"),
            ),
            Transition(
                "convert",
                RequestStatus.NEW,
                RequestStatus.CONVERTED,
                {R.AGENT, R.SERVICE_HEAD},
                label=gettext_lazy("Create work order"),
                guards=[rules.request_convertible],
            ),
            Transition(
                "cancel",
                RequestStatus.NEW,
                RequestStatus.CANCELLED,
                {R.AGENT, R.SERVICE_HEAD},
                label=gettext_lazy("Cancel request"),
                requires_note=True,
                style="danger",
            ),
        ],
    ),
)

__all__ = ["REQUEST", "WORK_ORDER", "_"]
