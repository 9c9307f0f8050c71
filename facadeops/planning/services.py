"""Every write of planning: keyword-only, transactional, audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.audit.services import record
from facadeops.audit.verbs import register_verb
from facadeops.core.choices import Urgency
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.core.roles import Role, has_role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition
from facadeops.customers.models import Project
from facadeops.service.models import DefectFinding, Nature, WorkOrder
from facadeops.service.rules import users_with_role
from facadeops.service.services import work_order_create

from . import permissions as perms
from .models import (
    DONE_WO_STATES,
    AnnualPlan,
    ChecklistItem,
    ChecklistResult,
    DraftRun,
    Elevation,
    Forecast,
    Inspection,
    InspectionRule,
    ItemType,
    Origin,
    Outcome,
    Panel,
    PanelDefect,
    PlanItem,
    PlanningRule,
    PlanStatus,
    QuarterlyReview,
    ReviewLine,
    RoutinePolicy,
)
from .schedule import add_months, applies, occurrences_in_year, project_systems

R = Role
register_verb("planning.drafted", gettext_lazy("Annual plans drafted"))
register_verb("planning.revised", gettext_lazy("Plan revision started"))
register_verb("planning.event", gettext_lazy("Disaster event: inspections required"))
register_verb("planning.work_orders", gettext_lazy("Work orders generated from the plan"))


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(fields={field: [message]})


def _project_ctx(obj: Any) -> Any:
    return obj.project


# =========================================================================================
# DOM-1 rule table
# =========================================================================================
RULE_FIELDS = (
    "name",
    "system_codes",
    "glass_only",
    "first_after_months",
    "every_months",
    "beyond_design_life_every_months",
    "event_due_days",
    "source",
    "exterior_work",
    "is_active",
)


def rule_update(*, actor: Any, rule: InspectionRule, data: dict[str, Any]) -> InspectionRule:
    """DOM-1: the company edits the schedule (figures and source)."""
    perms.require(actor, perms.RULE_EDITORS, _("editing the statutory schedule"))
    if "source" in data and not str(data["source"] or "").strip():
        raise _invalid("source", _("Every rule needs its source."))
    clean = {k: v for k, v in data.items() if k in RULE_FIELDS}
    return update_record(rule, actor=actor, data=clean, expected_version=None)


# =========================================================================================
# Facade register
# =========================================================================================
def elevation_create(
    *,
    actor: Any,
    project: Any,
    name: str,
    axes: int,
    floors: int,
    orientation: str = "other",
    facade_system: Any = None,
    glass_type: Any = None,
) -> Elevation:
    """A new elevation with its grid of axes × floors, each panel typed by facade system
    and glass type (default: the project's first)."""
    perms.require(actor, perms.REGISTER_EDITORS, _("editing the facade register"))
    try:
        axes, floors = int(axes), int(floors)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(fields={"axes": [_("Enter whole numbers.")]}) from exc
    if facade_system is None:
        facade_system = project.facade_systems.order_by("category", "name").first()
    if glass_type is None and facade_system is not None and facade_system.category == "glass":
        glass_type = project.glass_types.order_by("name").first()
    with transaction.atomic():
        elevation = create_record(
            Elevation,
            actor=actor,
            data={
                "project": project,
                "name": (name or "").strip(),
                "orientation": orientation or "other",
                "axes": axes,
                "floors": floors,
                "sort_order": project.elevations.count(),
            },
            context=_project_ctx,
        )
        Panel.objects.bulk_create(
            [
                Panel(
                    elevation=elevation,
                    axis=a,
                    floor=f,
                    facade_system=facade_system,
                    glass_type=glass_type,
                )
                for f in range(1, floors + 1)
                for a in range(1, axes + 1)
            ]
        )
    return elevation


def panel_update(*, actor: Any, panel: Panel, facade_system: Any, glass_type: Any) -> Panel:
    perms.require(actor, perms.REGISTER_EDITORS, _("editing the facade register"))
    return update_record(
        panel,
        actor=actor,
        data={"facade_system": facade_system, "glass_type": glass_type},
        expected_version=None,
        context=lambda p: p.elevation.project,
    )


def defect_pin(
    *,
    actor: Any,
    panel: Panel,
    defect_type: Any,
    severity: str = "",
    finding: Any = None,
    inspection: Inspection | None = None,
    notes: str = "",
) -> PanelDefect:
    """DOM-3: pin a defect to a panel (from a work order's finding or an inspection)."""
    perms.require(actor, perms.REGISTER_EDITORS, _("pinning defects"))
    if defect_type is None:
        raise _invalid("defect_type", _("Choose a defect from the catalogue."))
    if finding is not None:
        if finding.work_order.project_id != panel.elevation.project_id:
            raise _invalid("finding", _("This finding belongs to another project."))
        defect_type = finding.defect_type
        severity = severity or finding.severity
    if inspection is not None and inspection.project_id != panel.elevation.project_id:
        raise _invalid("inspection", _("This inspection belongs to another project."))
    return create_record(
        PanelDefect,
        actor=actor,
        data={
            "panel": panel,
            "defect_type": defect_type,
            "severity": severity or defect_type.default_severity,
            "finding": finding,
            "inspection": inspection,
            "notes": (notes or "").strip(),
            "pinned_by": actor,
        },
        context=lambda d: d.panel.elevation.project,
    )


def defect_resolve(*, actor: Any, pin: PanelDefect) -> PanelDefect:
    perms.require(actor, perms.REGISTER_EDITORS, _("resolving defects"))
    if pin.resolved_at is not None:
        raise Conflict(_("This defect is already resolved."))
    return update_record(
        pin,
        actor=actor,
        data={"resolved_at": timezone.now()},
        expected_version=None,
        context=lambda d: d.panel.elevation.project,
        verb="resolved",
    )


# =========================================================================================
# Inspections (DOM-1 records, DOM-1.5 hook, DOM-1.7 checklist)
# =========================================================================================
def inspection_record(
    *,
    actor: Any,
    project: Any,
    rule: InspectionRule | None,
    performed_on: dt.date,
    results: dict[str, tuple[bool, str]],
    elevation: Elevation | None = None,
    zone: str = "",
    summary: str = "",
    pending: Inspection | None = None,
) -> Inspection:
    """DOM-1.7: an inspection with the checklist filled per elevation or zone (every
    active point answered). ``pending`` completes a DOM-1.5 event inspection."""
    perms.require(actor, perms.REGISTER_EDITORS, _("recording inspections"))
    items = list(ChecklistItem.objects.filter(is_active=True))
    missing = [i.code for i in items if i.code not in results]
    errors: dict[str, list[str]] = {}
    if missing:
        errors["results"] = [
            _("Answer every checklist point; missing: %(codes)s.") % {"codes": ", ".join(missing)}
        ]
    for code, (ok, note) in results.items():
        if not ok and not (note or "").strip():
            errors[f"note_{code}"] = [_("Describe what failed.")]
    if performed_on and performed_on > timezone.localdate():
        errors["performed_on"] = [_("An inspection cannot be recorded in the future.")]
    if elevation is not None and elevation.project_id != project.pk:
        errors["elevation"] = [_("This elevation belongs to another project.")]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        data = {
            "project": project,
            "rule": rule,
            "elevation": elevation,
            "zone": (zone or "").strip(),
            "performed_on": performed_on,
            "inspector": actor,
            "summary": (summary or "").strip(),
        }
        if pending is not None:
            insp = update_record(
                pending, actor=actor, data=data, expected_version=None, context=_project_ctx
            )
        else:
            insp = create_record(Inspection, actor=actor, data=data, context=_project_ctx)
        by_code = {i.code: i for i in items}
        ChecklistResult.objects.bulk_create(
            [
                ChecklistResult(
                    inspection=insp, item=by_code[code], ok=bool(ok), note=(note or "").strip()
                )
                for code, (ok, note) in results.items()
                if code in by_code
            ]
        )
    return insp


def checklist_raise_work_order(*, actor: Any, result: ChecklistResult) -> Any:
    """DOM-1.7: a failed checklist point raises a work order (REG-2 chain)."""

    if result.ok:
        raise Conflict(_("Only a failed checklist point raises a work order."))
    if result.work_order_id:
        raise Conflict(_("A work order was already raised for this point."))
    insp = result.inspection
    where = insp.elevation.name if insp.elevation else insp.zone
    with transaction.atomic():
        wo = work_order_create(
            actor=actor,
            project=insp.project,
            title=_("Inspection finding %(code)s: %(note)s")
            % {"code": result.item.code, "note": result.note[:120]},
            description=f"{result.item.text}\n{where}\n{result.note}".strip(),
            nature="repair",
            urgency=Urgency.NORMAL,
            exterior_work=True,
        )
        ChecklistResult.objects.filter(pk=result.pk).update(work_order=wo)
        result.work_order = wo
    return wo


def disaster_event(
    *, actor: Any, projects: Iterable[Any], event: str, occurred_on: dt.date
) -> list[Inspection]:
    """DOM-1.5 hook (called by the emergency chapter, REG-8 / X-8.3): after a typhoon,
    earthquake, fire, lightning or explosion every affected project owes a full
    inspection, due within the rule's days; it shows on the portfolio until done."""
    if not (event or "").strip():
        raise _invalid("event", _("Name the event."))
    rule = InspectionRule.objects.filter(event_triggered=True, is_active=True).first()
    due = occurred_on + dt.timedelta(days=rule.event_due_days if rule else 7)
    created = []
    with transaction.atomic():
        for project in projects:
            insp = Inspection.objects.create(
                project=project, rule=rule, trigger_event=event.strip(), due_on=due
            )
            record(
                actor=actor,
                verb="planning.event",
                target=insp,
                after={"event": event, "due_on": due},
                context=project,
            )
            created.append(insp)
    return created


# =========================================================================================
# Annual plan: gathering and drafting (REG-3.1.1, REG-3.1.2) — bulk
# =========================================================================================
def _month_window(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    return start, add_months(start, 1) - dt.timedelta(days=1)


def gather_facts(projects: list[Any], year: int) -> dict[int, dict[str, Any]]:
    """REG-3.1.1: per project usage, condition and history in a fixed number of queries:
    work orders of the year, defects by severity (findings and pins, open ones),
    complaints, last inspection per rule, age."""

    ids = [p.pk for p in projects]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    facts: dict[int, dict[str, Any]] = {
        p.pk: {
            "use": p.use_type,
            "age_years": p.age_years(end),
            "design_life_years": p.design_service_life_years,
            "facade_systems": sorted(project_systems(p)[0]),
            "work_orders": 0,
            "defects": {"S1": 0, "S2": 0, "S3": 0},
            "open_defects": {"S1": 0, "S2": 0, "S3": 0},
            "complaints": 0,
            "last_inspections": {},
        }
        for p in projects
    }
    for row in (
        WorkOrder.objects.filter(project_id__in=ids, created_at__date__range=(start, end))
        .values("project_id")
        .annotate(n=Count("id"))
    ):
        facts[row["project_id"]]["work_orders"] = row["n"]
    for drow in (
        DefectFinding.objects.filter(
            work_order__project_id__in=ids, created_at__date__range=(start, end)
        )
        .values("work_order__project_id", "severity")
        .annotate(n=Count("id"))
    ):
        facts[drow["work_order__project_id"]]["defects"][drow["severity"]] += drow["n"]
    for prow in (
        PanelDefect.objects.filter(panel__elevation__project_id__in=ids, resolved_at__isnull=True)
        .values("panel__elevation__project_id", "severity")
        .annotate(n=Count("id"))
    ):
        facts[prow["panel__elevation__project_id"]]["open_defects"][prow["severity"]] += prow["n"]
    for irow in (
        Inspection.objects.filter(project_id__in=ids, performed_on__isnull=False)
        .values("project_id", "rule__code")
        .annotate(last=Max("performed_on"))
    ):
        facts[irow["project_id"]]["last_inspections"][irow["rule__code"] or "-"] = irow[
            "last"
        ].isoformat()
    return facts


def _recent_s1(ids: list[int], since: dt.date) -> set[int]:

    found = set(
        DefectFinding.objects.filter(
            work_order__project_id__in=ids, severity="S1", created_at__date__gte=since
        ).values_list("work_order__project_id", flat=True)
    )
    found |= set(
        PanelDefect.objects.filter(
            panel__elevation__project_id__in=ids, severity="S1", created_at__date__gte=since
        ).values_list("panel__elevation__project_id", flat=True)
    )
    return found


def _last_done(ids: list[int]) -> dict[int, dict[int, dt.date]]:
    out: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for row in (
        Inspection.objects.filter(project_id__in=ids, performed_on__isnull=False)
        .exclude(rule=None)
        .values("project_id", "rule_id")
        .annotate(last=Max("performed_on"))
    ):
        out[row["project_id"]][row["rule_id"]] = row["last"]
    return out


def draft_items_for(
    project: Any,
    year: int,
    rules: list[InspectionRule],
    planning_rules: list[PlanningRule],
    last_done: dict[int, dt.date],
    recent_s1: bool,
    facts: dict[str, Any],
) -> list[PlanItem]:
    """REG-3.1.2: the items of one project's draft (unsaved): statutory rules (DOM-1) plus
    the age/material/history rules (data). A statutory item is dropped when a planning
    rule gives the same kind of work at least as often (e.g. cleaning twice a year)."""
    codes, categories = project_systems(project)
    age = facts.get("age_years") or 0
    responsible_id = project.service_head_id
    rule_items: list[PlanItem] = []
    for pr in planning_rules:
        ok = (
            pr.condition == PlanningRule.Condition.ALWAYS
            or (pr.condition == PlanningRule.Condition.MIN_AGE and age >= pr.threshold)
            or (pr.condition == PlanningRule.Condition.SYSTEMS and bool(pr.codes & codes))
            or (
                pr.condition == PlanningRule.Condition.SYSTEMS_AND_AGE
                and bool(pr.codes & codes)
                and age >= pr.threshold
            )
            or (pr.condition == PlanningRule.Condition.RECENT_S1 and recent_s1)
        )
        if not ok:
            continue
        for month in pr.month_list:
            start, end = _month_window(year, month)
            rule_items.append(
                PlanItem(
                    key=f"{pr.code}#{month:02d}",
                    item_type=pr.item_type,
                    content=pr.content,
                    window_start=start,
                    window_end=end,
                    responsible_id=responsible_id,
                    origin=Origin.RULE,
                    source=f"{pr.code} {pr.source}".strip(),
                    exterior_work=pr.exterior_work,
                )
            )
    by_type = Counter(i.item_type for i in rule_items)
    statutory: list[PlanItem] = []
    for rule in rules:
        if not applies(rule, codes, categories):
            continue
        dates = occurrences_in_year(rule, project, last_done.get(rule.pk), year)
        if not dates or by_type[rule.item_type] >= len(dates):
            continue
        for n, when in enumerate(dates, 1):
            start, end = _month_window(year, when.month)
            statutory.append(
                PlanItem(
                    key=f"{rule.code}#{n}",
                    item_type=rule.item_type,
                    content=rule.name,
                    window_start=start,
                    window_end=end,
                    responsible_id=responsible_id,
                    origin=Origin.STATUTORY,
                    source=f"{rule.code} {rule.source}",
                    exterior_work=rule.exterior_work,
                )
            )
    return statutory + rule_items


def draft_plans(
    *,
    actor: Any,
    year: int,
    projects: Any = None,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    run: DraftRun | None = None,
) -> DraftRun:
    """REG-3.1.1/3.1.2 at year end: gather facts and draft next year's plan for every
    active project with a completion date that has none yet — in batches with
    ``bulk_create`` (a fixed number of queries per batch), reporting progress to the
    callback (CLI) and to the ``DraftRun`` row (UI). Idempotent: existing plans are
    skipped."""

    perms.require(actor, perms.PLAN_EDITORS, _("drafting annual plans"))
    if not 2000 <= int(year) <= 2100:
        raise _invalid("year", _("Give a plan year between 2000 and 2100."))
    qs = projects if projects is not None else Project.objects.filter(is_active=True)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    if run is None:
        run = DraftRun.objects.create(year=year, started_by=actor, total=len(ids))
    else:
        DraftRun.objects.filter(pk=run.pk).update(total=len(ids))
        run.total = len(ids)
    rules = list(InspectionRule.objects.filter(is_active=True))
    planning_rules = list(PlanningRule.objects.filter(is_active=True))
    s1_since = dt.date(year - 1, 1, 1)
    done = skipped = 0
    for i in range(0, len(ids), batch_size):
        chunk_ids = ids[i : i + batch_size]
        with transaction.atomic():
            existing = set(
                AnnualPlan.objects.filter(project_id__in=chunk_ids, year=year).values_list(
                    "project_id", flat=True
                )
            )
            chunk = list(
                Project.objects.filter(pk__in=chunk_ids)
                .exclude(pk__in=existing)
                .prefetch_related("facade_systems")
                .order_by("pk")
            )
            skipped += len(chunk_ids) - len(chunk)
            pids = [p.pk for p in chunk]
            facts = gather_facts(chunk, year - 1)
            last = _last_done(pids)
            s1 = _recent_s1(pids, s1_since)
            plans = [
                AnnualPlan(project=p, year=year, drafted_by=actor, facts=facts[p.pk]) for p in chunk
            ]
            AnnualPlan.objects.bulk_create(plans)
            if plans and plans[0].pk is None:  # backends without RETURNING
                by_project = dict(
                    AnnualPlan.objects.filter(project_id__in=pids, year=year).values_list(
                        "project_id", "pk"
                    )
                )
                for plan in plans:
                    plan.pk = by_project[plan.project_id]
            items: list[PlanItem] = []
            for p, plan in zip(chunk, plans, strict=True):
                for item in draft_items_for(
                    p, year, rules, planning_rules, last.get(p.pk, {}), p.pk in s1, facts[p.pk]
                ):
                    item.plan_id = plan.pk
                    items.append(item)
            PlanItem.objects.bulk_create(items, batch_size=2000)
            done += len(chunk)
            DraftRun.objects.filter(pk=run.pk).update(done=done, skipped=skipped)
        if progress is not None:
            progress(done + skipped, len(ids))
    finished = timezone.now()
    DraftRun.objects.filter(pk=run.pk).update(finished_at=finished)
    run.done, run.skipped, run.finished_at = done, skipped, finished
    record(
        actor=actor,
        verb="planning.drafted",
        target=run,
        after={"year": year, "drafted": done, "skipped": skipped},
    )
    return run


# =========================================================================================
# Editing the draft
# =========================================================================================
ITEM_FIELDS = ("item_type", "content", "window_start", "window_end", "responsible", "exterior_work")


def _require_editable(actor: Any, plan: AnnualPlan) -> None:
    perms.require(actor, perms.PLAN_EDITORS, _("editing the plan"))
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be edited; this plan is “%(s)s”.")
            % {"s": plan.get_status_display()}
        )


def _touch(plan: AnnualPlan, expected_version: int | None) -> None:
    """Edits of items bump the plan's version (optimistic concurrency on the plan)."""
    from django.db.models import F

    if expected_version is not None and int(expected_version) != plan.version:
        raise Conflict()
    AnnualPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    plan.refresh_from_db(fields=["version"])


def item_add(
    *, actor: Any, plan: AnnualPlan, data: dict[str, Any], expected_version: int | None = None
) -> PlanItem:
    _require_editable(actor, plan)
    with transaction.atomic():
        _touch(plan, expected_version)
        n = plan.items.filter(key__startswith="M-").count() + 1
        clean = {k: v for k, v in data.items() if k in ITEM_FIELDS}
        return create_record(
            PlanItem,
            actor=actor,
            data={
                "plan": plan,
                "key": f"M-{plan.revision}-{n}",
                "origin": Origin.MANUAL,
                "item_type": clean.pop("item_type", ItemType.MAINTENANCE),
                **clean,
            },
            context=lambda i: i.plan,
        )


def item_update(
    *, actor: Any, item: PlanItem, data: dict[str, Any], expected_version: int | None = None
) -> PlanItem:
    _require_editable(actor, item.plan)
    with transaction.atomic():
        _touch(item.plan, expected_version)
        clean = {k: v for k, v in data.items() if k in ITEM_FIELDS}
        return update_record(
            item, actor=actor, data=clean, expected_version=None, context=lambda i: i.plan
        )


def item_remove(*, actor: Any, item: PlanItem, expected_version: int | None = None) -> None:
    _require_editable(actor, item.plan)
    with transaction.atomic():
        _touch(item.plan, expected_version)
        record(actor=actor, verb="deleted", target=item, context=item.plan)
        item.delete()


def plan_transition(*, actor: Any, plan: AnnualPlan, name: str, note: str = "") -> AnnualPlan:
    """REG-3.1.3 / REG-3.2.2: submit, review, approve, return, publish."""
    return transition(plan, name, actor=actor, note=(note or "").strip())


def plan_revise(*, actor: Any, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """REG-3.2.2: the quarterly adjustment is a new revision (copy of the items, same
    keys, links to work orders kept) that the project manager approves; the published
    revision stays current until the new one is published."""
    perms.require(actor, perms.PLAN_EDITORS, _("revising the plan"))
    if plan.status != PlanStatus.PUBLISHED or not plan.is_current:
        raise Conflict(_("Only the current published plan can be revised."))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give the reason for the revision."))
    if plan.revisions.exists():
        raise Conflict(_("A revision of this plan is already under way."))
    with transaction.atomic():
        new = AnnualPlan.objects.create(
            project=plan.project,
            year=plan.year,
            revision=plan.revision + 1,
            previous=plan,
            is_current=False,
            facts=plan.facts,
            reason=reason.strip(),
            drafted_by=actor,
        )
        PlanItem.objects.bulk_create(
            [
                PlanItem(
                    plan=new,
                    key=i.key,
                    item_type=i.item_type,
                    content=i.content,
                    window_start=i.window_start,
                    window_end=i.window_end,
                    responsible_id=i.responsible_id,
                    origin=i.origin,
                    source=i.source,
                    exterior_work=i.exterior_work,
                    work_order_id=i.work_order_id,
                    effect=i.effect,
                    satisfaction=i.satisfaction,
                    feedback_by_id=i.feedback_by_id,
                    feedback_at=i.feedback_at,
                )
                for i in plan.items.all()
            ]
        )
        record(
            actor=actor,
            verb="planning.revised",
            target=new,
            after={"revision": new.revision, "reason": new.reason},
            context=plan.project,
        )
    return new


# =========================================================================================
# Quarterly review (REG-3.2.1)
# =========================================================================================
def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return start, add_months(start, 3) - dt.timedelta(days=1)


def item_outcome(item: PlanItem, *, on: dt.date, added_keys: set[str]) -> str:
    """Plan against actual for one item: done (in its window), late (done after it, or
    still open in progress past it), missed (window passed, nothing done), added (not in
    the first published revision), not yet due."""
    wo = item.work_order
    if wo is not None and wo.status in DONE_WO_STATES:
        finished = timezone.localtime(wo.completed_at).date() if wo.completed_at else on
        result = Outcome.DONE if finished <= item.window_end else Outcome.LATE
    elif item.window_end < on:
        result = Outcome.LATE if wo is not None and wo.status != "cancelled" else Outcome.MISSED
    else:
        result = Outcome.PENDING
    if item.key in added_keys and result in (Outcome.DONE, Outcome.PENDING):
        return Outcome.ADDED
    return result


def _added_keys(plan: AnnualPlan) -> set[str]:
    first = plan
    while first.previous_id is not None:
        first = first.previous  # type: ignore[assignment]
    original = set(first.items.values_list("key", flat=True))
    return {k for k in plan.items.values_list("key", flat=True) if k not in original}


def review_lines(plan: AnnualPlan, quarter: int, *, on: dt.date | None = None) -> list[Any]:
    """(item, outcome) for every item whose window starts up to the quarter's end."""
    _start, end = quarter_bounds(plan.year, quarter)
    on = min(on or timezone.localdate(), end + dt.timedelta(days=1))
    added = _added_keys(plan)
    items = plan.items.filter(window_start__lte=end).select_related("work_order", "responsible")
    return [(i, item_outcome(i, on=on, added_keys=added)) for i in items]


def review_create(
    *,
    actor: Any,
    plan: AnnualPlan,
    quarter: int,
    causes: dict[int, str],
    analysis: str = "",
    on: dt.date | None = None,
) -> QuarterlyReview:
    """REG-3.2.1: at quarter end the service department compares plan and actual; every
    deviation (late, missed) needs its cause."""
    perms.require(actor, perms.PLAN_EDITORS, _("reviewing the plan"))
    if plan.status != PlanStatus.PUBLISHED:
        raise Conflict(_("Only a published plan is reviewed."))
    try:
        quarter = int(quarter)
    except (TypeError, ValueError) as exc:
        raise _invalid("quarter", _("Choose a quarter (1–4).")) from exc
    if not 1 <= quarter <= 4:
        raise _invalid("quarter", _("Choose a quarter (1–4)."))
    if plan.reviews.filter(quarter=quarter).exists():
        raise Conflict(_("This quarter has already been reviewed."))
    lines = review_lines(plan, quarter, on=on)
    errors = {
        f"cause_{item.pk}": [_("Give the cause of this deviation.")]
        for item, outcome in lines
        if outcome in (Outcome.LATE, Outcome.MISSED) and not (causes.get(item.pk) or "").strip()
    }
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        review = create_record(
            QuarterlyReview,
            actor=actor,
            data={
                "plan": plan,
                "quarter": quarter,
                "reviewed_by": actor,
                "analysis": (analysis or "").strip(),
            },
            context=lambda r: r.plan,
        )
        ReviewLine.objects.bulk_create(
            [
                ReviewLine(
                    review=review, item=item, outcome=o, cause=(causes.get(item.pk) or "").strip()
                )
                for item, o in lines
            ]
        )
    return review


def plan_diff(old: AnnualPlan, new: AnnualPlan) -> dict[str, list[Any]]:
    """What changed between two revisions, matched by item key."""
    fields = ("item_type", "content", "window_start", "window_end", "responsible_id")
    a = {i.key: i for i in old.items.select_related("responsible")}
    b = {i.key: i for i in new.items.select_related("responsible")}
    changed = []
    for key in sorted(a.keys() & b.keys()):
        diffs = [
            (
                getattr(PlanItem._meta.get_field(f.removesuffix("_id")), "verbose_name", f),
                getattr(a[key], f),
                getattr(b[key], f),
            )
            for f in fields
            if getattr(a[key], f) != getattr(b[key], f)
        ]
        if diffs:
            changed.append((b[key], diffs))
    return {
        "added": [b[k] for k in sorted(b.keys() - a.keys())],
        "removed": [a[k] for k in sorted(a.keys() - b.keys())],
        "changed": changed,
    }


# =========================================================================================
# Execution (REG-3.3.1 – REG-3.3.3)
# =========================================================================================
def _system_actor(project: Any) -> Any:

    if project.service_head_id:
        return project.service_head
    heads = users_with_role(R.SERVICE_HEAD)
    return heads[0] if heads else None


def generate_work_orders(*, on: dt.date | None = None) -> list[Any]:
    """REG-3.3.1: items of published current plans become work orders ahead of their
    window (lead days per item type are data). Idempotent: an item with a work order is
    never turned again (its row is locked while being turned)."""

    on = on or timezone.localdate()
    lead = {p.item_type: p.lead_days for p in RoutinePolicy.objects.all()}
    horizon = on + dt.timedelta(days=max([*lead.values(), 14]))
    candidates = list(
        PlanItem.objects.filter(
            plan__status=PlanStatus.PUBLISHED,
            plan__is_current=True,
            work_order__isnull=True,
            window_start__lte=horizon,
            window_end__gte=on,
        ).values_list("pk", "item_type", "window_start")
    )
    created = []
    for pk, itype, start in candidates:
        if start - dt.timedelta(days=lead.get(itype, 14)) > on:
            continue
        with transaction.atomic():
            item = (
                PlanItem.objects.select_for_update(of=("self",))
                .select_related("plan__project")
                .get(pk=pk)
            )
            if item.work_order_id:
                continue
            project = item.plan.project
            actor = _system_actor(project)
            if actor is None:
                continue
            nature = (
                Nature.INSPECTION
                if "inspection" in itype
                or itype
                in (ItemType.SAFETY_APPRAISAL, ItemType.SEALANT_SAMPLING, ItemType.TENSION_CHECK)
                else Nature.MAINTENANCE
            )
            wo = work_order_create(
                actor=actor,
                project=project,
                title=f"{item.get_item_type_display()} {item.window_start:%Y-%m}",
                description=_("%(content)s\nPlan window: %(start)s – %(end)s\nSource: %(source)s")
                % {
                    "content": item.content,
                    "start": item.window_start,
                    "end": item.window_end,
                    "source": item.source,
                },
                nature=nature,
                urgency=Urgency.NORMAL,
                exterior_work=item.exterior_work,
            )
            # The same item key in later revisions points at the same work order.
            PlanItem.objects.filter(
                plan__project=project,
                plan__year=item.plan.year,
                key=item.key,
                work_order__isnull=True,
            ).update(work_order=wo)
            record(
                actor=actor,
                verb="planning.work_orders",
                target=item.plan,
                after={"item": item.key, "work_order": wo.number},
                context=project,
            )
            created.append(wo)
    return created


def routine_skips(item_type: str) -> set[str]:
    """REG-3.3.1: the REG-2 steps routine work of this type may skip (company data)."""
    policy = RoutinePolicy.objects.filter(item_type=item_type).first()
    return policy.steps if policy else set()


def routine_skips_of(work_orders: list[WorkOrder]) -> dict[int, set[str]]:
    """REG-3.3.1 for the work-order workflow (registered with
    ``service.rules.register_skip_source``): for each work order made from a plan item, the
    steps its first item's type may skip — two queries for any number of work orders."""
    first: dict[int, str] = {}
    rows = (
        PlanItem.objects.filter(work_order__in=[wo.pk for wo in work_orders])
        .order_by("work_order_id", "id")
        .values_list("work_order_id", "item_type")
    )
    for wo_id, item_type in rows:
        if wo_id is not None:
            first.setdefault(wo_id, item_type)
    if not first:
        return {}
    policies = {
        p.item_type: p.steps
        for p in RoutinePolicy.objects.filter(item_type__in=set(first.values()))
    }
    return {wo_id: set(policies.get(item_type, set())) for wo_id, item_type in first.items()}


def item_feedback(*, actor: Any, item: PlanItem, effect: str, satisfaction: Any) -> PlanItem:
    """REG-3.3.3: staff feed back the effect of the work and the customer's satisfaction."""
    if not has_role(actor, perms.FEEDBACK_ROLES):
        raise Forbidden(_("Your role does not allow giving feedback on plan items."))
    if item.work_order is None or item.work_order.status not in DONE_WO_STATES:
        raise Conflict(_("Feedback is given once the work is done."))
    errors: dict[str, list[str]] = {}
    if not (effect or "").strip():
        errors["effect"] = [_("Describe the effect of the work.")]
    try:
        score = int(satisfaction)
        if not 1 <= score <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["satisfaction"] = [_("Give the customer's satisfaction from 1 to 5.")]
    if errors:
        raise InvalidInput(fields=errors)
    return update_record(
        item,
        actor=actor,
        data={
            "effect": effect.strip(),
            "satisfaction": score,
            "feedback_by": actor,
            "feedback_at": timezone.now(),
        },
        expected_version=None,
        context=lambda i: i.plan,
        verb="feedback",
    )


# =========================================================================================
# Weather (DOM-2)
# =========================================================================================
FORECAST_FIELDS = (
    "wind_ms",
    "beaufort",
    "rain",
    "snow",
    "fog",
    "temp_min",
    "temp_max",
)


def forecast_save(*, actor: Any, city: str, date: dt.date, data: dict[str, Any]) -> Forecast:
    """A forecast entered by hand (replaces the stored one of that city and day)."""
    perms.require(actor, perms.FORECAST_EDITORS, _("entering forecasts"))
    if not (city or "").strip():
        raise _invalid("city", _("Give the city."))
    clean = {k: v for k, v in data.items() if k in FORECAST_FIELDS}
    if clean.get("wind_ms") is None and clean.get("beaufort") is None:
        raise _invalid("wind_ms", _("Give the wind in m/s or as a Beaufort force."))
    existing = Forecast.objects.filter(city=city.strip(), date=date).first()
    if existing is not None:
        return update_record(
            existing, actor=actor, data={**clean, "source": "manual"}, expected_version=None
        )
    return create_record(
        Forecast,
        actor=actor,
        data={"city": city.strip(), "date": date, "source": "manual", **clean},
    )
