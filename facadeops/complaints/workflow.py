"""The complaint chain of REG-4, as data on the core engine.

received ─start_investigation→ investigating ─submit_findings→ planning ─submit_plan→
plan_review ─approve_plan_tech→ plan_approval ─approve_plan→ handling ─report_result→
feedback ─accept→ closed ─archive→ archived.
Returns: return_plan_tech / return_plan → planning (with the reviewer's comment, the
version kept). The customer's rejection (reject) → investigating: a new round, one
escalation level up (REG-4.3.3). withdraw from the open states before handling.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.core.roles import Role
from facadeops.core.workflow import Transition, TransitionContext, Workflow, register
from facadeops.service.rules import users_with_role

from . import permissions as perms
from . import rules
from .models import Analysis, AnalysisStatus, Complaint, ComplaintStatus

S = ComplaintStatus
R = Role


def _head(c: Complaint, ctx: TransitionContext) -> list[Any]:
    return [c.service_head] if c.service_head_id else users_with_role(R.SERVICE_HEAD)


def _leader(c: Complaint, ctx: TransitionContext) -> list[Any]:
    r = rules.current_round(c)
    return [r.leader] if r is not None and r.leader_id else []


def _tech_heads(c: Complaint, ctx: TransitionContext) -> list[Any]:
    return users_with_role(R.TECH_HEAD)


def _pm(c: Complaint, ctx: TransitionContext) -> list[Any]:
    return [c.project.project_manager] if c.project.project_manager_id else []


def _mark_closed(c: Complaint, ctx: TransitionContext) -> None:
    c.closed_at = timezone.now()


def _mark_archived(c: Complaint, ctx: TransitionContext) -> None:
    c.archived_at = timezone.now()


COMPLAINT = register(
    Complaint,
    Workflow(
        name="complaint",
        states=ComplaintStatus,
        audit_context=lambda c: c.project,
        transitions=[
            Transition(
                "start_investigation",
                S.RECEIVED,
                S.INVESTIGATING,
                {R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Send the team"),
                scope=perms.is_head,
                guards=[rules.team_formed],
                notify=_leader,
            ),
            Transition(
                "submit_findings",
                S.INVESTIGATING,
                S.PLANNING,
                {R.TECHNICIAN, R.SERVICE_STAFF, R.QUALITY, R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Findings complete"),
                scope=perms.can_investigate,
                guards=[rules.investigation_complete],
                notify=_head,
            ),
            Transition(
                "submit_plan",
                S.PLANNING,
                S.PLAN_REVIEW,
                {R.TECHNICIAN, R.SERVICE_STAFF, R.QUALITY, R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Submit the handling plan"),
                scope=perms.can_investigate,
                guards=[rules.plan_complete],
                effects=[rules.plan_mark_submitted],
                notify=_tech_heads,
            ),
            Transition(
                "approve_plan_tech",
                S.PLAN_REVIEW,
                S.PLAN_APPROVAL,
                {R.TECH_HEAD},
                label=gettext_lazy("Pass technical review"),
                effects=[rules.plan_mark_reviewed],
                notify=_pm,
                style="success",
            ),
            Transition(
                "return_plan_tech",
                S.PLAN_REVIEW,
                S.PLANNING,
                {R.TECH_HEAD},
                label=gettext_lazy("Return the plan"),
                requires_note=True,
                effects=[rules.plan_mark_returned],
                notify=_leader,
                style="danger",
            ),
            Transition(
                "approve_plan",
                S.PLAN_APPROVAL,
                S.HANDLING,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Approve the plan"),
                scope=perms.is_project_manager,
                effects=[rules.plan_mark_approved],
                notify=_leader,
                style="success",
            ),
            Transition(
                "return_plan",
                S.PLAN_APPROVAL,
                S.PLANNING,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Return the plan"),
                scope=perms.is_project_manager,
                requires_note=True,
                effects=[rules.plan_mark_returned],
                notify=_leader,
                style="danger",
            ),
            Transition(
                "report_result",
                S.HANDLING,
                S.FEEDBACK,
                {R.TECHNICIAN, R.SERVICE_STAFF, R.QUALITY, R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Report the result to the customer"),
                scope=perms.can_investigate,
                guards=[rules.handling_complete],
                effects=[rules.result_mark_reported],
            ),
            Transition(
                "accept",
                S.FEEDBACK,
                S.CLOSED,
                {R.CUSTOMER, R.AGENT, R.SERVICE_HEAD},
                label=gettext_lazy("Customer accepts the result"),
                scope=perms.is_own_customer,
                effects=[rules.verdict_accepted, _mark_closed],
                notify=_head,
                style="success",
            ),
            Transition(
                "reject",
                S.FEEDBACK,
                S.INVESTIGATING,
                {R.CUSTOMER, R.AGENT, R.SERVICE_HEAD},
                label=gettext_lazy("Customer rejects the result"),
                scope=perms.is_own_customer,
                requires_note=True,
                effects=[rules.verdict_rejected_new_round],
                notify=_head,
                style="danger",
                confirm=gettext_lazy("The complaint goes back to investigation as a new round."),
            ),
            Transition(
                "archive",
                S.CLOSED,
                S.ARCHIVED,
                {R.SERVICE_HEAD},
                label=gettext_lazy("Archive the file"),
                scope=perms.is_head,
                effects=[_mark_archived],
            ),
            Transition(
                "withdraw",
                [S.RECEIVED, S.INVESTIGATING, S.PLANNING],
                S.CANCELLED,
                {R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Withdraw"),
                scope=perms.is_head,
                requires_note=True,
                style="secondary",
                confirm=gettext_lazy("Withdraw this complaint? The reason is kept."),
            ),
        ],
    ),
)


def _has_conclusions(a: Analysis, ctx: TransitionContext) -> list[str]:
    return [] if a.conclusions.strip() else [_("Write the conclusions of the analysis.")]


def _managers(a: Analysis, ctx: TransitionContext) -> list[Any]:
    return users_with_role(R.MANAGEMENT)


def _drafter(a: Analysis, ctx: TransitionContext) -> list[Any]:
    return [a.drafted_by]


def _mark_analysis_approved(a: Analysis, ctx: TransitionContext) -> None:
    a.approved_by = ctx.actor
    a.approved_at = timezone.now()


A = AnalysisStatus
ANALYSIS = register(
    Analysis,
    Workflow(
        name="complaint_analysis",
        states=AnalysisStatus,
        transitions=[
            Transition(
                "submit",
                A.DRAFT,
                A.SUBMITTED,
                {R.SERVICE_HEAD},
                label=gettext_lazy("Submit for approval"),
                guards=[_has_conclusions],
                notify=_managers,
            ),
            Transition(
                "approve",
                A.SUBMITTED,
                A.APPROVED,
                {R.MANAGEMENT},
                label=gettext_lazy("Approve"),
                effects=[_mark_analysis_approved],
                notify=_drafter,
                style="success",
            ),
            Transition(
                "return",
                A.SUBMITTED,
                A.DRAFT,
                {R.MANAGEMENT},
                label=gettext_lazy("Return"),
                requires_note=True,
                notify=_drafter,
                style="danger",
            ),
        ],
    ),
)
