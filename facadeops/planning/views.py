"""Pages of maintenance planning (REG-3, DOM-1, DOM-2) — thin: parse with a form, call a
service or a selector, render. Refusals: NotFound → 404, Forbidden → 403; bad input → the
form again (422) with the service's messages; a stale version → the form again (409)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from facadeops.core.errors import Conflict, FacadeOpsError, Forbidden, NotFound
from facadeops.core.listing import Column, RecordListView
from facadeops.core.roles import has_role, is_staff_member
from facadeops.core.web import domain_errors
from facadeops.core.web import run_service as _run
from facadeops.customers.selectors import project_get
from facadeops.service.permissions import WORK_ORDER_CREATORS

from . import forms as f
from . import permissions as perms
from . import selectors, services
from .models import (
    AnnualPlan,
    DraftRun,
    InspectionRule,
    Outcome,
    PlanStatus,
)
from .tasks import draft_plans_task

ViewFunc = Callable[..., HttpResponse]
COLOURS = {"S1": "#dc3545", "S2": "#fd7e14", "S3": "#ffc107", "": "#198754"}


def _require_staff(user: Any) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


# =========================================================================================
# DOM-1: the statutory schedule (rules with their sources)
# =========================================================================================
class RuleListView(RecordListView):
    model = InspectionRule
    title = gettext_lazy("Statutory inspection schedule")
    columns = [
        Column("code", gettext_lazy("code"), sort="code", link=True),
        Column("name", gettext_lazy("name"), sort="name"),
        Column("item_type", gettext_lazy("item type"), sort="item_type"),
        Column("system_codes", gettext_lazy("facade systems")),
        Column("first_after_months", gettext_lazy("first due (months)")),
        Column("every_months", gettext_lazy("every (months)")),
        Column("beyond_design_life_every_months", gettext_lazy("beyond design life (months)")),
        Column("event_triggered", gettext_lazy("event-triggered")),
        Column("source", gettext_lazy("source")),
        Column("is_active", gettext_lazy("active")),
    ]
    search_fields = ["code", "name", "source"]
    default_sort = "code"

    def get_base_queryset(self) -> QuerySet[Any]:
        _require_staff(self.request.user)
        return selectors.rule_list()


@domain_errors
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """DOM-1: the technical head or management edits a rule's figures and its source."""
    _require_staff(request.user)
    rule = InspectionRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    if not has_role(request.user, perms.RULE_EDITORS):
        raise PermissionDenied
    form = f.RuleForm(request.POST or None, instance=rule)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in services.RULE_FIELDS}
            # update_record re-reads the row under lock: the form's edits to ``rule`` are not seen
            obj, status = _run(
                form, lambda: services.rule_update(actor=request.user, rule=rule, data=data)
            )
            if obj is not None:
                messages.success(request, _("Rule %(code)s saved.") % {"code": obj.code})
                return redirect("planning:rule_list")
        else:
            status = 422
    return render(
        request,
        "planning/form.html",
        {"form": form, "title": _("Edit rule %(code)s") % {"code": rule.code}},
        status=status,
    )


@domain_errors
def portfolio(request: HttpRequest) -> HttpResponse:
    """DOM-1: due and overdue inspections across every project the user may see."""
    try:
        days = max(1, min(int(request.GET.get("days") or 90), 730))
    except ValueError:
        days = 90
    rows = selectors.due_inspections(user=request.user, within_days=days)
    only_overdue = request.GET.get("overdue") == "1"
    if only_overdue:
        rows = [r for r in rows if r.overdue]
    return render(
        request,
        "planning/portfolio.html",
        {
            "title": _("Statutory inspections due"),
            "rows": rows,
            "days": days,
            "only_overdue": only_overdue,
            "overdue_count": sum(1 for r in rows if r.overdue),
        },
    )


# =========================================================================================
# Facade register and the elevation map (DOM-3 colours)
# =========================================================================================
@domain_errors
def register(request: HttpRequest, project_pk: int) -> HttpResponse:
    """A project's facade register: elevations, schedule, inspections."""
    project = project_get(user=request.user, pk=project_pk)
    can_edit = perms.can_edit_register(request.user)
    form = f.ElevationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            cd = form.cleaned_data
            obj, status = _run(
                form,
                lambda: services.elevation_create(
                    actor=request.user,
                    project=project,
                    name=cd["name"],
                    axes=cd["axes"],
                    floors=cd["floors"],
                    orientation=cd["orientation"],
                ),
            )
            if obj is not None:
                messages.success(request, _("Elevation %(name)s created.") % {"name": obj.name})
                return redirect(obj)
        else:
            status = 422
    return render(
        request,
        "planning/register.html",
        {
            "title": _("Facade register: %(project)s") % {"project": project.name},
            "project": project,
            "elevations": project.elevations.all(),
            "schedule": selectors.project_schedule(user=request.user, project=project),
            "inspections": project.facade_inspections.select_related("rule", "elevation")[:20],
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


def _svg(elevation: Any, cells: list[dict[str, Any]]) -> dict[str, Any]:
    w, h, pad = 48, 30, 24
    out = []
    for c in cells:
        p = c["panel"]
        out.append(
            {
                **c,
                "x": pad + (p.axis - 1) * w,
                "y": (elevation.floors - p.floor) * h,
                "w": w - 2,
                "h": h - 2,
                "fill": COLOURS[c["worst"]],
                "cls": f"sev-{c['worst'] or 'none'}",
            }
        )
    return {
        "cells": out,
        "width": pad + elevation.axes * w,
        "height": elevation.floors * h + pad,
        "axes": [(a, pad + (a - 1) * w + w // 2) for a in range(1, elevation.axes + 1)],
        "floors": [
            (fl, (elevation.floors - fl) * h + h // 2) for fl in range(1, elevation.floors + 1)
        ],
        "label_y": elevation.floors * h + pad // 2 + 4,
    }


@domain_errors
def elevation_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The colour-coded SVG map: worst open severity per panel (S1 red, S2 orange, S3
    yellow, none green) over the attached drawing or photo; click a panel → its history."""
    elevation = selectors.elevation_get(user=request.user, pk=pk)
    cells = selectors.elevation_map(elevation=elevation)
    bg = selectors.background_of(elevation)
    selected = None
    if (request.GET.get("panel") or "").isdigit():
        selected = next(
            (c["panel"] for c in cells if c["panel"].pk == int(request.GET["panel"])), None
        )
    extra = _panel_context(request, selected) if selected is not None else {}
    return render(
        request,
        "planning/elevation_map.html",
        {
            **extra,
            "title": str(elevation),
            "elevation": elevation,
            "svg": _svg(elevation, cells),
            "background_url": reverse("attachments:download", args=[bg.pk]) + "?inline=1"
            if bg is not None
            else "",
            "selected": selected,
            "can_edit": perms.can_edit_register(request.user),
            "legend": [
                ("S1", COLOURS["S1"]),
                ("S2", COLOURS["S2"]),
                ("S3", COLOURS["S3"]),
                (_("none"), COLOURS[""]),
            ],
        },
    )


def _panel_context(request: HttpRequest, panel: Any, form: Any = None) -> dict[str, Any]:
    can_edit = perms.can_edit_register(request.user)
    return {
        "panel": panel,
        "history": selectors.panel_history(panel=panel),
        "can_edit": can_edit,
        "pin_form": form or (f.PinForm(initial={"panel": panel.pk}) if can_edit else None),
    }


@domain_errors
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A panel's history (htmx partial in the map, or a page of its own)."""
    panel = selectors.panel_get(user=request.user, pk=pk)
    ctx = _panel_context(request, panel)
    if request.headers.get("HX-Request"):
        return render(request, "planning/_panel.html", ctx)
    return render(request, "planning/panel.html", {**ctx, "title": str(panel)})


@domain_errors
@require_POST
def defect_pin(request: HttpRequest, pk: int) -> HttpResponse:
    """DOM-3: pin a defect to a panel of this elevation; the map shows its colour."""
    elevation = selectors.elevation_get(user=request.user, pk=pk)
    if not perms.can_edit_register(request.user):
        raise PermissionDenied
    form = f.PinForm(request.POST)
    panel = None
    raw = request.POST.get("panel", "")
    if raw.isdigit():
        panel = elevation.panels.filter(pk=int(raw)).select_related("elevation__project").first()
    if panel is None:
        raise Http404
    status = 422
    if form.is_valid():
        cd = form.cleaned_data
        obj, status = _run(
            form,
            lambda: services.defect_pin(
                actor=request.user,
                panel=panel,
                defect_type=cd["defect_type"],
                severity=cd["severity"],
                notes=cd["notes"],
            ),
        )
        if obj is not None:
            messages.success(
                request,
                _("Defect pinned to panel %(panel)s.") % {"panel": panel.label},
            )
            return redirect(f"{reverse('planning:elevation_map', args=[pk])}?panel={panel.pk}")
    return render(
        request,
        "planning/panel.html",
        {**_panel_context(request, panel, form), "title": str(panel)},
        status=status,
    )


@domain_errors
@require_POST
def defect_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    pin = selectors.pin_get(user=request.user, pk=pk)
    try:
        services.defect_resolve(actor=request.user, pin=pin)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Defect marked resolved."))
    url = reverse("planning:elevation_map", args=[pin.panel.elevation_id])
    return redirect(f"{url}?panel={pin.panel_id}")


# =========================================================================================
# Inspections: DOM-1.7 checklist, failed point → work order
# =========================================================================================
@domain_errors
def inspection_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=project_pk)
    if not perms.can_edit_register(request.user):
        raise PermissionDenied
    pending = None
    if (request.GET.get("pending") or "").isdigit():
        pending = project.facade_inspections.filter(
            pk=int(request.GET["pending"]), performed_on__isnull=True
        ).first()
    form = f.InspectionForm(
        request.POST or None,
        project=project,
        initial={
            "performed_on": timezone.localdate(),
            "rule": pending.rule_id if pending else None,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            obj, status = _run(
                form,
                lambda: services.inspection_record(
                    actor=request.user,
                    project=project,
                    rule=cd["rule"],
                    performed_on=cd["performed_on"],
                    results=form.results(),
                    elevation=cd["elevation"],
                    zone=cd["zone"],
                    summary=cd["summary"],
                    pending=pending,
                ),
            )
            if obj is not None:
                messages.success(request, _("Inspection recorded."))
                return redirect(obj)
        else:
            status = 422
    return render(
        request,
        "planning/inspection_form.html",
        {
            "title": _("Inspection checklist: %(project)s") % {"project": project.name},
            "project": project,
            "form": form,
            "pending": pending,
        },
        status=status,
    )


@domain_errors
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:

    insp = selectors.inspection_get(user=request.user, pk=pk)
    return render(
        request,
        "planning/inspection_detail.html",
        {
            "title": str(insp),
            "inspection": insp,
            "results": insp.results.select_related("item", "work_order", "panel"),
            "can_raise": has_role(request.user, WORK_ORDER_CREATORS),
        },
    )


@domain_errors
@require_POST
def raise_work_order(request: HttpRequest, pk: int) -> HttpResponse:
    """DOM-1.7: a failed checklist point raises a work order."""
    result = selectors.checklist_result_get(user=request.user, pk=pk)
    try:
        wo = services.checklist_raise_work_order(actor=request.user, result=result)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Work order %(number)s raised.") % {"number": wo.number})
    return redirect(result.inspection)


# =========================================================================================
# Annual plans (REG-3.1), revisions and quarterly reviews (REG-3.2)
# =========================================================================================
class PlanListView(RecordListView):
    model = AnnualPlan
    title = gettext_lazy("Annual maintenance plans")
    columns = [
        Column("project__name", gettext_lazy("project"), sort="project__name", link=True),
        Column("project__customer__name", gettext_lazy("customer"), sort="project__customer__name"),
        Column("year", gettext_lazy("plan year"), sort="year"),
        Column("revision", gettext_lazy("revision"), sort="revision"),
        Column("is_current", gettext_lazy("current revision")),
        Column("status", gettext_lazy("status"), sort="status", badge=True),
        Column("drafted_by", gettext_lazy("drafted by")),
        Column("updated_at", gettext_lazy("updated"), sort="updated_at"),
    ]
    search_fields = ["project__name", "project__code", "project__customer__name"]
    filterset_class = f.PlanFilter
    default_sort = "-year"
    template_name = "planning/plan_list.html"

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.plan_list(user=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {"can_draft": has_role(self.request.user, perms.PLAN_EDITORS)}


@domain_errors
def draft_start(request: HttpRequest) -> HttpResponse:
    """REG-3.1.1/3.1.2: draft next year's plans for every project (in the background)."""

    if not has_role(request.user, perms.PLAN_EDITORS):
        raise PermissionDenied
    form = f.DraftForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            run = DraftRun.objects.create(
                year=form.cleaned_data["year"],
                started_by=request.user,  # type: ignore[misc]
            )
            draft_plans_task.delay(run.pk)
            return redirect("planning:draft_run", pk=run.pk)
        status = 422
    runs = DraftRun.objects.select_related("started_by")[:10]
    return render(
        request,
        "planning/draft.html",
        {"title": _("Draft annual plans"), "form": form, "runs": runs},
        status=status,
    )


@domain_errors
def draft_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafting's progress; the partial is polled by htmx until it is finished."""
    _require_staff(request.user)
    run = DraftRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    if request.headers.get("HX-Request"):
        return render(request, "planning/_draft_progress.html", {"run": run})
    return render(
        request,
        "planning/draft_run.html",
        {"title": _("Drafting the plans for %(year)s") % {"year": run.year}, "run": run},
    )


def _plan_page(
    request: HttpRequest, plan: AnnualPlan, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    editable = plan.status == PlanStatus.DRAFT and has_role(request.user, perms.PLAN_EDITORS)
    items = list(plan.items.all())
    ctx: dict[str, Any] = {
        "title": _("Annual maintenance plan %(year)s: %(project)s (rev. %(rev)s)")
        % {"year": plan.year, "project": plan.project.name, "rev": plan.revision},
        "plan": plan,
        "items": items,
        "editable": editable,
        "item_form": f.ItemForm(initial={"version": plan.version}) if editable else None,
        "can_revise": plan.status == PlanStatus.PUBLISHED
        and plan.is_current
        and has_role(request.user, perms.PLAN_EDITORS),
        "revise_form": f.ReviseForm(),
        "can_review": plan.status == PlanStatus.PUBLISHED
        and has_role(request.user, perms.PLAN_EDITORS),
        "reviews": plan.reviews.all(),
        "revisions": AnnualPlan.objects.filter(project=plan.project, year=plan.year).order_by(
            "revision"
        ),
        "can_feedback": has_role(request.user, perms.FEEDBACK_ROLES),
        "today": timezone.localdate(),
    }
    ctx.update(extra or {})
    return render(request, "planning/plan_detail.html", ctx, status=status)


@domain_errors
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    return _plan_page(request, plan)


@domain_errors
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """The engine buttons (submit, review, approve, return, publish)."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    raw_version = request.POST.get("version", "")
    if raw_version.isdigit() and int(raw_version) != plan.version:
        messages.error(request, str(Conflict.default_message))
        return redirect(plan)
    try:
        services.plan_transition(
            actor=request.user,
            plan=plan,
            name=request.POST.get("transition", ""),
            note=request.POST.get("note", ""),
        )
    except FacadeOpsError as exc:
        for reason in getattr(exc, "reasons", None) or [str(exc.message)]:
            messages.error(request, reason)
    else:
        plan.refresh_from_db()
        messages.success(
            request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()}
        )
    return redirect(plan)


def _item_data(cd: dict[str, Any]) -> dict[str, Any]:
    return {k: cd[k] for k in ("item_type", "content", "window_start", "window_end", "responsible")}


@domain_errors
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not has_role(request.user, perms.PLAN_EDITORS):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(plan)
    form = f.ItemForm(request.POST)
    status = 422
    if form.is_valid():
        cd = form.cleaned_data
        obj, status = _run(
            form,
            lambda: services.item_add(
                actor=request.user,
                plan=plan,
                data=_item_data(cd),
                expected_version=cd["version"],
            ),
        )
        if obj is not None:
            messages.success(request, _("Item added."))
            return redirect(plan)
    plan.refresh_from_db()
    return _plan_page(request, plan, {"item_form": form}, status=status)


@domain_errors
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    plan = item.plan
    if not has_role(request.user, perms.PLAN_EDITORS):
        raise PermissionDenied
    initial = {"version": plan.version}
    form = f.ItemForm(request.POST or None, instance=item, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            cd = form.cleaned_data
            # ItemForm skips _post_clean, so validation left ``item`` as it was loaded
            obj, status = _run(
                form,
                lambda: services.item_update(
                    actor=request.user,
                    item=item,
                    data=_item_data(cd),
                    expected_version=cd["version"],
                ),
            )
            if obj is not None:
                messages.success(request, _("Item saved."))
                return redirect(plan)
    elif plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect(plan)
    return render(
        request,
        "planning/form.html",
        {"title": _("Edit plan item"), "form": form, "back": plan.get_absolute_url()},
        status=status,
    )


@domain_errors
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    plan = item.plan
    raw = request.POST.get("version", "")
    try:
        services.item_remove(
            actor=request.user, item=item, expected_version=int(raw) if raw.isdigit() else None
        )
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Item removed."))
    return redirect(plan)


@domain_errors
def item_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """REG-3.3.3: effect of the work and the customer's satisfaction."""
    item = selectors.item_get(user=request.user, pk=pk)
    if not has_role(request.user, perms.FEEDBACK_ROLES):
        raise PermissionDenied
    form = f.FeedbackForm(
        request.POST or None,
        initial={"effect": item.effect, "satisfaction": item.satisfaction or 5},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            cd = form.cleaned_data
            obj, status = _run(
                form,
                lambda: services.item_feedback(
                    actor=request.user,
                    item=item,
                    effect=cd["effect"],
                    satisfaction=cd["satisfaction"],
                ),
            )
            if obj is not None:
                messages.success(request, _("Feedback saved."))
                return redirect(item.plan)
    return render(
        request,
        "planning/form.html",
        {
            "title": _("Feedback: %(item)s") % {"item": item},
            "form": form,
            "back": item.plan.get_absolute_url(),
        },
        status=status,
    )


@domain_errors
@require_POST
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """REG-3.2.2: the quarterly adjustment starts a new revision."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not has_role(request.user, perms.PLAN_EDITORS):
        raise PermissionDenied
    form = f.ReviseForm(request.POST)
    status = 422
    if form.is_valid():
        obj, status = _run(
            form,
            lambda: services.plan_revise(
                actor=request.user, plan=plan, reason=form.cleaned_data["reason"]
            ),
        )
        if obj is not None:
            messages.success(request, _("Revision %(rev)s started.") % {"rev": obj.revision})
            return redirect(obj)
    return _plan_page(request, plan, {"revise_form": form}, status=status)


@domain_errors
def plan_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed from the previous revision."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    if plan.previous is None:
        raise Http404
    return render(
        request,
        "planning/diff.html",
        {
            "title": _("Changes from revision %(old)s to %(new)s")
            % {"old": plan.previous.revision, "new": plan.revision},
            "plan": plan,
            "diff": services.plan_diff(plan.previous, plan),
        },
    )


@domain_errors
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    """REG-3.2.1: plan against actual for a quarter; each deviation needs its cause."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not has_role(request.user, perms.PLAN_EDITORS):
        raise PermissionDenied
    raw_q = request.POST.get("quarter") or request.GET.get("quarter") or ""
    quarter = (
        int(raw_q)
        if raw_q.isdigit() and 1 <= int(raw_q) <= 4
        else ((timezone.localdate().month - 1) // 3 + 1)
    )
    lines = services.review_lines(plan, quarter)
    errors: dict[str, list[str]] = {}
    top: list[str] = []
    status = 200
    if request.method == "POST":
        causes = {item.pk: request.POST.get(f"cause_{item.pk}", "")[:2000] for item, _o in lines}
        try:
            review = services.review_create(
                actor=request.user,
                plan=plan,
                quarter=request.POST.get("quarter", ""),  # type: ignore[arg-type]
                causes=causes,
                analysis=request.POST.get("analysis", "")[:5000],
            )
        except (Forbidden, NotFound):
            raise
        except FacadeOpsError as exc:
            errors = exc.fields
            top = [str(exc.message)] if not exc.fields else []
            status = exc.status
        else:
            messages.success(request, _("Quarterly review saved."))
            return redirect(review)
    deviation = {Outcome.LATE, Outcome.MISSED}
    return render(
        request,
        "planning/review_form.html",
        {
            "title": _("Quarterly review Q%(q)s: %(plan)s") % {"q": quarter, "plan": plan},
            "plan": plan,
            "quarter": quarter,
            "rows": [
                {
                    "item": item,
                    "outcome": outcome,
                    "label": Outcome(outcome).label,
                    "deviation": outcome in deviation,
                    "cause": request.POST.get(f"cause_{item.pk}", ""),
                    "errors": errors.get(f"cause_{item.pk}", []),
                }
                for item, outcome in lines
            ],
            "errors": errors,
            "top": top,
            "analysis": request.POST.get("analysis", ""),
        },
        status=status,
    )


@domain_errors
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    return render(
        request,
        "planning/review_detail.html",
        {
            "title": str(review),
            "review": review,
            "lines": review.lines.select_related("item", "item__work_order", "item__responsible"),
        },
    )


# =========================================================================================
# Execution at a glance (REG-3.3.2)
# =========================================================================================
@domain_errors
def progress(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    data = selectors.progress(user=request.user, year=year)
    return render(
        request,
        "planning/progress.html",
        {
            "title": _("Plan execution %(year)s") % {"year": year},
            "year": year,
            "data": data,
            "states": [
                ("done", _("done")),
                ("late", _("late")),
                ("blocked", _("blocked")),
                ("open", _("open")),
            ],
        },
    )


# =========================================================================================
# Weather (DOM-2)
# =========================================================================================
@domain_errors
def forecasts(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    can_edit = has_role(request.user, perms.FORECAST_EDITORS)
    form = f.ForecastForm(
        request.POST or None, initial={"date": timezone.localdate() + dt.timedelta(days=1)}
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            cd = dict(form.cleaned_data)
            obj, status = _run(
                form,
                lambda: services.forecast_save(
                    actor=request.user, city=cd.pop("city"), date=cd.pop("date"), data=cd
                ),
            )
            if obj is not None:
                messages.success(request, _("Forecast saved."))
                return redirect("planning:forecasts")
    return render(
        request,
        "planning/forecasts.html",
        {
            "title": _("Weather forecasts"),
            "forecasts": selectors.forecast_list(),
            "form": form if can_edit else None,
        },
        status=status,
    )


@domain_errors
def at_risk(request: HttpRequest) -> HttpResponse:
    """DOM-2: open exterior work in the coming days whose forecast breaks a limit."""
    _require_staff(request.user)
    raw = request.GET.get("days", "")
    days = int(raw) if raw.isdigit() and 0 <= int(raw) <= 14 else 3
    return render(
        request,
        "planning/at_risk.html",
        {
            "title": _("Work at weather risk"),
            "rows": selectors.at_risk(user=request.user, days=days),
            "days": days,
        },
    )
