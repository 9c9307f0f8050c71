"""The improvement action on the engine:
open ─start→ in_progress ─complete→ done ─check_efficacy→ effective, or back to in_progress
when the figures show it did not work (reopened); cancel from open/in progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.core.roles import Role
from facadeops.core.workflow import Transition, TransitionContext, Workflow, register

from . import efficacy
from . import permissions as perms
from .models import ActionStatus, ImprovementAction

S = ActionStatus
R = Role


def _owner(a: ImprovementAction, ctx: TransitionContext) -> list[Any]:
    return [a.owner]


def _mark_done(a: ImprovementAction, ctx: TransitionContext) -> None:
    a.done_at = timezone.now()
    a.check_on = timezone.localdate() + dt.timedelta(days=a.check_after_days)


def _check_due(a: ImprovementAction, ctx: TransitionContext) -> list[str]:
    if a.check_on and timezone.localdate() < a.check_on:
        return [_("The efficacy is checked from %(day)s on.") % {"day": a.check_on.isoformat()}]
    return []


def _evaluate(a: ImprovementAction, ctx: TransitionContext) -> str:
    """The target of the check: compute the figures (kept for the effect) and decide —
    effective, or back in progress (reopened)."""
    now = ctx.data.get("now") or timezone.now()
    result = efficacy.evaluate(a.measure, a.measure_params, done_at=a.done_at or now, now=now)
    ctx.data["_efficacy"] = (now, result)
    return S.EFFECTIVE if result.effective else S.IN_PROGRESS


def _record_efficacy(a: ImprovementAction, ctx: TransitionContext) -> None:
    now, result = ctx.data["_efficacy"]
    a.checked_at = now
    a.rate_before, a.rate_after = result.rate_before, result.rate_after
    a.efficacy_pct = result.efficacy_pct
    a.evidence = {"before": result.before, "after": result.after, "windows": result.windows}
    if not result.effective:  # reopened: done again later, checked again after that
        a.reopened += 1
        a.done_at = None
        a.check_on = None


ACTION = register(
    ImprovementAction,
    Workflow(
        name="improvement_action",
        states=ActionStatus,
        transitions=[
            Transition(
                "start",
                S.OPEN,
                S.IN_PROGRESS,
                {
                    R.SERVICE_HEAD,
                    R.TECH_HEAD,
                    R.QUALITY,
                    R.PROJECT_MANAGER,
                    R.MANAGEMENT,
                    R.TECHNICIAN,
                    R.SERVICE_STAFF,
                    R.AGENT,
                    R.PROCUREMENT,
                },
                label=gettext_lazy("Start"),
                scope=perms.is_owner,
            ),
            Transition(
                "complete",
                S.IN_PROGRESS,
                S.DONE,
                {
                    R.SERVICE_HEAD,
                    R.TECH_HEAD,
                    R.QUALITY,
                    R.PROJECT_MANAGER,
                    R.MANAGEMENT,
                    R.TECHNICIAN,
                    R.SERVICE_STAFF,
                    R.AGENT,
                    R.PROCUREMENT,
                },
                label=gettext_lazy("Done"),
                scope=perms.is_owner,
                requires_note=True,
                effects=[_mark_done],
                style="success",
            ),
            Transition(
                "check_efficacy",
                S.DONE,
                _evaluate,
                set(perms.CHECKERS),
                label=gettext_lazy("Check the efficacy"),
                guards=[_check_due],
                effects=[_record_efficacy],
                notify=_owner,
            ),
            Transition(
                "cancel",
                [S.OPEN, S.IN_PROGRESS],
                S.CANCELLED,
                {R.MANAGEMENT},
                label=gettext_lazy("Cancel"),
                requires_note=True,
                style="secondary",
            ),
        ],
    ),
)
