"""Guards and effects of the complaint workflow (REG-4). Each guard returns every reason a
step is refused; the engine lists them all at once."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.core.attachments import attachments_of
from facadeops.core.workflow import TransitionContext
from facadeops.service.models import WOStatus

from .models import Complaint, HandlingPlan, PlanOutcome, Round, Verdict

Reasons = list[str]
# Work orders of measures count as done from completion on (REG-2.4).
WO_DONE = frozenset(
    {
        WOStatus.COMPLETED,
        WOStatus.CUSTOMER_ACCEPTANCE,
        WOStatus.RECORD,
        WOStatus.RECORD_REVIEW,
        WOStatus.TO_ARCHIVE,
        WOStatus.ARCHIVED,
    }
)


def current_round(c: Complaint) -> Round | None:
    return c.rounds.filter(number=c.round_no).first()


def current_plan(r: Round) -> HandlingPlan | None:
    return r.plans.order_by("-version_no").first()


def approved_plan(r: Round) -> HandlingPlan | None:
    return r.plans.filter(outcome=PlanOutcome.APPROVED).order_by("-version_no").first()


# --- REG-4.2.1: the team ---------------------------------------------------------------------
def team_formed(c: Complaint, ctx: TransitionContext | None) -> Reasons:
    r = current_round(c)
    reasons = []
    if r is None or not r.leader_id:
        reasons.append(_("Name the leader of the investigation team."))
    if r is None or not r.members.exists():
        reasons.append(_("Add the team's members (technicians, service staff, quality)."))
    if r is not None and not r.on_site_due_at:
        reasons.append(
            _("The on-site deadline is missing: the project has no service level for it.")
        )
    return reasons


# --- REG-4.2.2, 4.2.3: on site, evidence, root cause --------------------------------------
def investigation_complete(c: Complaint, ctx: TransitionContext | None) -> Reasons:
    r = current_round(c)
    if r is None:
        return [_("The round is missing.")]
    reasons = []
    if not r.arrived_at:
        reasons.append(_("Record the team's arrival on site."))
    if not attachments_of(r).filter(kind__in=["image", "video"]).exists():
        reasons.append(_("Add at least one photo or video of what the team found."))
    if not r.findings.strip():
        reasons.append(_("Describe what the team found."))
    if not r.cause_category_id:
        reasons.append(_("Choose the category of the root cause."))
    if not r.root_cause.strip():
        reasons.append(_("Describe the root cause."))
    if not r.responsible_department_id:
        reasons.append(_("Name the responsible department."))
    if not r.responsible_person_id:
        reasons.append(_("Name the responsible person."))
    return reasons


# --- REG-4.3.1: the handling plan ----------------------------------------------------------
def plan_complete(c: Complaint, ctx: TransitionContext | None) -> Reasons:
    r = current_round(c)
    plan = current_plan(r) if r is not None else None
    if plan is None or plan.outcome not in {PlanOutcome.DRAFT}:
        return [_("Write the handling plan (a new version after a return).")]
    reasons = []
    if not plan.summary.strip():
        reasons.append(_("Describe the handling plan."))
    if not plan.expected_completion:
        reasons.append(_("Give the expected completion date."))
    if not plan.measures.exists():
        reasons.append(_("Add at least one measure with its deadline and responsible person."))
    return reasons


def _plan_of(c: Complaint) -> HandlingPlan | None:
    r = current_round(c)
    return current_plan(r) if r is not None else None


def _set_outcome(c: Complaint, outcome: str, **fields: Any) -> None:
    plan = _plan_of(c)
    if plan is not None:
        HandlingPlan.objects.filter(pk=plan.pk).update(outcome=outcome, **fields)


def plan_mark_submitted(c: Complaint, ctx: TransitionContext) -> None:
    _set_outcome(c, PlanOutcome.SUBMITTED)


def plan_mark_reviewed(c: Complaint, ctx: TransitionContext) -> None:
    _set_outcome(
        c,
        PlanOutcome.REVIEWED,
        reviewed_by=ctx.actor,
        reviewed_at=timezone.now(),
        comment=ctx.note,
    )


def plan_mark_returned(c: Complaint, ctx: TransitionContext) -> None:
    """A return keeps the version with the reviewer's comment; the next edit is a new one."""
    _set_outcome(c, PlanOutcome.RETURNED, comment=ctx.note)


def plan_mark_approved(c: Complaint, ctx: TransitionContext) -> None:
    _set_outcome(c, PlanOutcome.APPROVED, approved_by=ctx.actor, approved_at=timezone.now())


# --- REG-4.3.2: handling done ----------------------------------------------------------------
def handling_complete(c: Complaint, ctx: TransitionContext | None) -> Reasons:
    r = current_round(c)
    plan = approved_plan(r) if r is not None else None
    if r is None or plan is None:
        return [_("The handling plan has not been approved.")]
    reasons = []
    for m in plan.measures.select_related("work_order"):
        if m.done_at is None:
            reasons.append(_("Measure “%(m)s” is not done yet.") % {"m": m.description})
        if m.work_order is not None and m.work_order.status not in WO_DONE:
            reasons.append(
                _("Work order %(n)s of measure “%(m)s” is not completed.")
                % {"n": m.work_order.number, "m": m.description}
            )
    if not r.result.strip():
        reasons.append(_("Describe the result of the handling for the customer."))
    return reasons


def result_mark_reported(c: Complaint, ctx: TransitionContext) -> None:
    Round.objects.filter(complaint=c, number=c.round_no).update(result_at=timezone.now())


# --- REG-4.3.3: the customer's verdict -------------------------------------------------------
def verdict_accepted(c: Complaint, ctx: TransitionContext) -> None:
    Round.objects.filter(complaint=c, number=c.round_no).update(
        verdict=Verdict.ACCEPTED,
        verdict_reason=ctx.note,
        verdict_at=timezone.now(),
        verdict_by=ctx.actor,
    )


def verdict_rejected_new_round(c: Complaint, ctx: TransitionContext) -> None:
    """The result is rejected: the round keeps the verdict and its reason, a new round
    opens with the reason, and the complaint escalates one level up."""
    Round.objects.filter(complaint=c, number=c.round_no).update(
        verdict=Verdict.REJECTED,
        verdict_reason=ctx.note,
        verdict_at=timezone.now(),
        verdict_by=ctx.actor,
    )
    last = c.rounds.aggregate(n=Max("number"))["n"] or 0
    Round.objects.create(complaint=c, number=last + 1, reason=ctx.note)
    c.round_no = last + 1
    c.escalation_level = c.escalation_level + 1
