"""The annual plan's chain (REG-3.1.3, REG-3.2.2) on the core engine.

draft ─submit→ tech_review ─review→ pm_approval ─approve→ approved ─publish→ published.
A quarterly revision (revision > 1) goes from draft straight to the project manager
(REG-3.2.2: "approved by the project manager"). Review and approval may return the plan
to draft with a note. Publishing a revision retires the previous one (``is_current``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.core.roles import Role
from facadeops.core.workflow import Transition, TransitionContext, Workflow, register
from facadeops.service.rules import users_with_role

from .models import AnnualPlan, PlanStatus
from .permissions import is_plan_pm

S = PlanStatus
R = Role


def _has_items(plan: AnnualPlan, ctx: TransitionContext) -> list[str]:
    reasons = []
    items = list(plan.items.all())
    if not items:
        reasons.append(_("The plan has no items."))
    missing = [i for i in items if not i.responsible_id]
    if missing:
        reasons.append(_("%(n)s item(s) have no responsible person.") % {"n": len(missing)})
    return reasons


def _submit_target(plan: AnnualPlan, ctx: TransitionContext) -> str:
    return S.PM_APPROVAL if plan.revision > 1 else S.TECH_REVIEW


def _mark_reviewed(plan: AnnualPlan, ctx: TransitionContext) -> None:
    plan.reviewed_by = ctx.actor


def _mark_approved(plan: AnnualPlan, ctx: TransitionContext) -> None:
    plan.approved_by = ctx.actor


def _mark_published(plan: AnnualPlan, ctx: TransitionContext) -> None:
    plan.published_at = timezone.now()
    plan.is_current = True
    AnnualPlan.objects.filter(project_id=plan.project_id, year=plan.year).exclude(
        pk=plan.pk
    ).update(is_current=False)


def _tech_heads(plan: AnnualPlan, ctx: TransitionContext) -> list[Any]:

    return users_with_role(R.TECH_HEAD)


def _pm(plan: AnnualPlan, ctx: TransitionContext) -> list[Any]:
    return [plan.project.project_manager]


def _drafter(plan: AnnualPlan, ctx: TransitionContext) -> list[Any]:
    return [plan.drafted_by]


def _project(plan: AnnualPlan) -> Any:
    return plan.project


PLAN_WORKFLOW = register(
    AnnualPlan,
    Workflow(
        name="annual_plan",
        states=PlanStatus,
        audit_context=_project,
        transitions=[
            Transition(
                "submit",
                S.DRAFT,
                _submit_target,
                {R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Submit for review"),
                guards=[_has_items],
                notify=lambda p, c: _pm(p, c) if p.revision > 1 else _tech_heads(p, c),
            ),
            Transition(
                "review",
                S.TECH_REVIEW,
                S.PM_APPROVAL,
                {R.TECH_HEAD},
                label=gettext_lazy("Reviewed (technical department)"),
                effects=[_mark_reviewed],
                notify=_pm,
                style="success",
            ),
            Transition(
                "approve",
                S.PM_APPROVAL,
                S.APPROVED,
                {R.PROJECT_MANAGER},
                label=gettext_lazy("Approve"),
                scope=is_plan_pm,
                effects=[_mark_approved],
                notify=_drafter,
                style="success",
            ),
            Transition(
                "return",
                (S.TECH_REVIEW, S.PM_APPROVAL),
                S.DRAFT,
                {R.TECH_HEAD, R.PROJECT_MANAGER},
                label=gettext_lazy("Return for revision"),
                requires_note=True,
                notify=_drafter,
                style="danger",
            ),
            Transition(
                "publish",
                S.APPROVED,
                S.PUBLISHED,
                {R.SERVICE_HEAD, R.MANAGEMENT},
                label=gettext_lazy("Publish"),
                effects=[_mark_published],
                style="success",
            ),
        ],
    ),
)
