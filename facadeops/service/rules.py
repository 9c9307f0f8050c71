"""Guards and effects of the work-order workflow (REG-2). Each guard returns the reasons a
step is refused (none = allowed); the engine lists every reason at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.accounts.models import User
from facadeops.accounts.selectors import users_with_valid_height_certificate
from facadeops.core.attachments import attachments_of

from .models import (
    HEIGHT_METHODS,
    CustomerAcceptance,
    Plan,
    PlanStatus,
    QualityCheck,
    QualityCheckKind,
    ServiceRequest,
    WorkLogKind,
    WorkOrder,
)

if TYPE_CHECKING:
    from facadeops.core.workflow import TransitionContext

Reasons = list[str]


def users_with_role(
    role: str, *, with_preference: bool = False, ids: Iterable[int] | None = None
) -> list[Any]:
    """Active users holding ``role`` (only those of ``ids`` when given); ``with_preference``
    also reads their notification preference in the same query (``notify(recipients=…)``
    then needs no other read)."""
    # One group by its (unique) name, and (user, group) is unique: no user comes twice, so
    # no DISTINCT (its sort over every column cost more to plan than the query to run).
    qs = User.objects.filter(groups__name=role, is_active=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if with_preference:
        qs = qs.select_related("notification_preference")
    return list(qs)


def current_plan(wo: WorkOrder, *, change: bool | None = None) -> Plan | None:
    """The newest plan version (optionally only change / only original versions)."""
    qs = wo.plans.order_by("-version_no")
    if change is not None:
        qs = qs.filter(is_change=change)
    return qs.first()


def approved_plan(wo: WorkOrder) -> Plan | None:
    """The plan the work goes on under: the newest approved version."""
    return wo.plans.filter(outcome=PlanStatus.APPROVED).order_by("-version_no").first()


def plan_in_review(wo: WorkOrder) -> Plan | None:
    return (
        wo.plans.filter(outcome__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED])
        .order_by("-version_no")
        .first()
    )


# --- triage and assessment (REG-2.2.1) ------------------------------------------------------
def triage_complete(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    reasons = []
    if not wo.technician_id:
        reasons.append(_("Choose the technician who goes on site."))
    if not wo.on_site_due_at:
        reasons.append(_("The on-site deadline is missing (set the urgency)."))
    return reasons


def has_assessment(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    if not hasattr(wo, "assessment"):
        return [_("Record the arrival on site first.")]
    return []


def findings_complete(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    reasons = []
    assessment = getattr(wo, "assessment", None)
    if assessment is None:
        return [_("Record the arrival on site first.")]
    if not assessment.situation.strip():
        reasons.append(_("Describe the actual situation found on site."))
    if not assessment.difficulty:
        reasons.append(_("Set the repair difficulty."))
    if not attachments_of(wo).filter(kind="image").exists():
        reasons.append(_("Add at least one photo of the site."))
    return reasons


# --- plan (REG-2.2.2) -----------------------------------------------------------------------
def _plan_content_reasons(plan: Plan | None) -> Reasons:
    if plan is None or plan.outcome != PlanStatus.DRAFT:
        return [_("Write the plan first (a returned plan is revised as a new version).")]
    reasons = []
    if not plan.content.strip():
        reasons.append(_("The plan needs its work content."))
    if not plan.schedule_start or not plan.schedule_end:
        reasons.append(_("The plan needs a schedule (start and end)."))
    elif plan.schedule_end < plan.schedule_start:
        reasons.append(_("The planned end is before the planned start."))
    if not plan.safety_measures.strip():
        reasons.append(_("The plan needs its safety measures."))
    return reasons


def plan_complete(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    return _plan_content_reasons(current_plan(wo))


def change_plan_complete(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    plan = current_plan(wo)
    if plan is None or not plan.is_change or plan.outcome != PlanStatus.DRAFT:
        return [_("Write the revised plan (a change version) first.")]
    reasons = _plan_content_reasons(plan)
    if not plan.change_reason.strip():
        reasons.append(_("Describe the new problem or the reason for the change."))
    return reasons


def plan_safety_for_height(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    """DOM-2 / X-6.5: exterior work at height needs gondola or rope access (or scaffold /
    platform), certified staff only, and a signed safety briefing."""
    plan = current_plan(wo)
    if plan is None:
        return []
    if not (wo.exterior_work or plan.work_at_height):
        return []
    reasons = []
    if plan.access_method not in HEIGHT_METHODS:
        reasons.append(
            _(
                "Exterior work at height needs an access method: "
                "gondola, rope access, scaffold or platform."
            )
        )
    if not plan.certified_staff_only:
        reasons.append(_("Work at height must be done by certified staff only (持证上岗)."))
    if not plan.safety_briefing_signed:
        reasons.append(_("The safety briefing (安全技术交底) must be signed."))
    return reasons


def _mark(wo: WorkOrder, outcome: str, ctx: TransitionContext, **fields: Any) -> None:
    plan = plan_in_review(wo) if outcome != PlanStatus.SUBMITTED else current_plan(wo)
    if plan is None:
        return
    plan.outcome = outcome
    for k, v in fields.items():
        setattr(plan, k, v)
    if ctx.note:
        plan.review_comment = ctx.note
    plan.save()


def plan_mark_submitted(wo: WorkOrder, ctx: TransitionContext) -> None:
    _mark(wo, PlanStatus.SUBMITTED, ctx)


def plan_mark_returned(wo: WorkOrder, ctx: TransitionContext) -> None:
    _mark(wo, PlanStatus.RETURNED, ctx)


def plan_mark_reviewed(wo: WorkOrder, ctx: TransitionContext) -> None:
    plan = plan_in_review(wo)
    if plan is not None:
        plan.tech_reviewed_by = ctx.actor
        plan.tech_reviewed_at = timezone.now()
        if ctx.note:
            plan.review_comment = ctx.note
        plan.save()


def plan_mark_approved(wo: WorkOrder, ctx: TransitionContext) -> None:
    plan = plan_in_review(wo)
    if plan is None:
        return
    wo.plans.filter(outcome=PlanStatus.APPROVED).exclude(pk=plan.pk).update(
        outcome=PlanStatus.SUPERSEDED
    )
    _mark(wo, PlanStatus.APPROVED, ctx, approved_by=ctx.actor, approved_at=timezone.now())


# --- assignment and preparation (REG-2.2.3, X-6.5) ----------------------------------------------
def assignment_complete(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    reasons = []
    if not wo.lead_id:
        reasons.append(_("Name the lead of the service team."))
    if not wo.complete_due_at:
        reasons.append(_("Set the deadline for the task."))
    if not wo.requirements.strip():
        reasons.append(_("State the task requirements."))
    return reasons


def team_certified_for_height(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    """X-6.5: nobody without a valid work-at-height certificate works at height."""
    plan = approved_plan(wo) if ctx.transition.name != "approve_change" else plan_in_review(wo)
    if plan is None or not (
        plan.work_at_height or (wo.exterior_work and plan.access_method in HEIGHT_METHODS)
    ):
        return []
    team = [u for u in [wo.lead, *wo.members.all()] if u is not None]
    day = timezone.localdate()
    certified = users_with_valid_height_certificate(team, on=day)
    return [
        _("%(name)s has no valid work-at-height certificate (高处作业证) on %(day)s.")
        % {"name": u, "day": day.isoformat()}
        for u in team
        if u.pk not in certified
    ]


def plan_acknowledged(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    if not wo.logs.filter(kind=WorkLogKind.ACKNOWLEDGE, author_id=wo.lead_id).exists():
        return [_("The team lead must confirm having read the plan.")]
    return []


def materials_drawn(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    plan = approved_plan(wo)
    if plan is None:
        return []
    drawn: dict[int, Decimal] = defaultdict(Decimal)
    for material_id, qty in wo.draws.values_list("material_id", "quantity"):
        drawn[material_id] += qty
    return [
        _("Draw %(material)s: %(drawn)s of %(needed)s drawn.")
        % {"material": line.material, "drawn": drawn[line.material_id], "needed": line.quantity}
        for line in plan.materials.select_related("material")
        if drawn[line.material_id] < line.quantity
    ]


# --- completion, quality, acceptance (REG-2.3.2, REG-2.4) ------------------------------------
def completion_checklist(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    reasons = []
    if not wo.site_cleaned:
        reasons.append(_("Clean the site (checklist)."))
    if not wo.facade_restored:
        reasons.append(_("Restore the facade (checklist)."))
    if not wo.cordon_removed:
        reasons.append(_("Remove the cordon and signs (checklist)."))
    return reasons


def rectifications_closed(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    open_count = wo.rectifications.filter(verified_at__isnull=True).count()
    if open_count:
        return [
            _("%(n)s rectification order(s) are not yet re-checked and passed.") % {"n": open_count}
        ]
    return []


def _latest_internal(wo: WorkOrder) -> QualityCheck | None:
    qs = wo.quality_checks.filter(kind=QualityCheckKind.INTERNAL_ACCEPTANCE)
    if wo.completed_at:
        qs = qs.filter(created_at__gte=wo.completed_at)
    return qs.order_by("-created_at", "-id").first()


def internal_acceptance_passed(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    check = _latest_internal(wo)
    if check is None or not check.passed:
        return [_("Record a passed internal acceptance check first.")]
    return []


def open_rectification(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    if not wo.rectifications.filter(done_at__isnull=True).exists():
        return [_("State what must be rectified.")]
    return []


def rectifications_done(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    n = wo.rectifications.filter(done_at__isnull=True).count()
    if n:
        return [_("%(n)s rectification order(s) are not done yet.") % {"n": n}]
    return []


def _latest_acceptance(wo: WorkOrder) -> CustomerAcceptance | None:
    return wo.acceptances.order_by("-created_at", "-id").first()


def signed_acceptance(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    acc = _latest_acceptance(wo)
    if acc is None or not acc.accepted or not acc.signature:
        return [_("The customer must sign the service report.")]
    return []


def rejection_recorded(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    acc = _latest_acceptance(wo)
    if acc is None or acc.accepted or not acc.reason.strip():
        return [_("Record the customer's reason for rejecting.")]
    return []


# --- record (REG-2.5.1) --------------------------------------------------------------------------
def record_signed(wo: WorkOrder, ctx: TransitionContext) -> Reasons:
    record = getattr(wo, "service_record", None)
    if record is None:
        return [_("Fill in the service record first.")]
    reasons = []
    if not record.content.strip() or not record.result.strip():
        reasons.append(_("The service record needs its content and result."))
    if not record.signed_by_id or not record.staff_signature:
        reasons.append(_("The service record must be signed by the staff member."))
    return reasons


def record_mark_reviewed(wo: WorkOrder, ctx: TransitionContext) -> None:
    record = wo.service_record
    record.reviewed_by = ctx.actor
    record.reviewed_at = timezone.now()
    record.save(update_fields=["reviewed_by", "reviewed_at", "updated_at"])


# --- requests (REG-2.1.2) ----------------------------------------------------------------------
def request_answered(req: ServiceRequest, ctx: TransitionContext) -> Reasons:
    if req.kind != "inquiry":
        return [_("Only inquiries are answered without a work order.")]
    if not req.answer.strip():
        return [_("Write the answer given to the customer.")]
    return []


def request_convertible(req: ServiceRequest, ctx: TransitionContext) -> Reasons:
    reasons = []
    if req.kind == "inquiry":
        reasons.append(_("An inquiry is answered, not turned into a work order."))
    if not req.customer_id:
        reasons.append(_("Match the request to a customer first."))
    if not req.project_id:
        reasons.append(_("Match the request to a project first."))
    return reasons


# --- routine maintenance (REG-3.3.1): which steps it may skip is company data ----------------
# The routine-work policies belong to the app that plans the work (planning), which sits above
# service: it registers a source here from its AppConfig.ready (service imports no planning).
# A source takes work orders and answers {work order id: steps it may skip}. (The DOM-2
# weather gate reaches the ``start`` step the same way: core.workflow.add_guards.)
SkipSource = Callable[[list[WorkOrder]], dict[int, set[str]]]
_SKIP_SOURCES: list[SkipSource] = []


def register_skip_source(source: SkipSource) -> None:
    if source not in _SKIP_SOURCES:
        _SKIP_SOURCES.append(source)


def _skips_of(work_orders: list[WorkOrder]) -> dict[int, set[str]]:
    skips: dict[int, set[str]] = {wo.pk: set() for wo in work_orders}
    for source in _SKIP_SOURCES:
        for pk, steps in source(work_orders).items():
            skips.setdefault(pk, set()).update(steps)
    return skips


def routine_skips(wo: WorkOrder) -> set[str]:
    """The REG-2 steps this work order may skip: those its plan item's type allows in the
    company's routine-work policy (planning data); nothing for other work."""
    primed = getattr(wo, "_routine_skips", None)
    if primed is not None:  # loaded in bulk by prime_routine_skips
        return set(primed)
    return _skips_of([wo])[wo.pk]


def prime_routine_skips(work_orders: list[WorkOrder]) -> None:
    """``routine_skips`` of many work orders at once (lists of cards: two queries)."""
    skips = _skips_of(work_orders)
    for wo in work_orders:
        wo._routine_skips = set(skips.get(wo.pk, ()))  # type: ignore[attr-defined]


def may_skip_assessment(wo: WorkOrder, ctx: TransitionContext | None) -> Reasons:
    if {"check_in", "submit_findings"} <= routine_skips(wo):
        return []
    return [
        _(
            "Only routine plan work whose policy allows it may skip the on-site assessment "
            "(routine-work policies of the maintenance plan)."
        )
    ]
