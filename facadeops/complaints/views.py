"""Pages of customer complaints (REG-4) — thin: parse with a form, call a service or a
selector, render. The detail page shows each action's form only when this user may take
it in this state; the services decide for real (NotFound → 404, Forbidden → 403, bad input
→ the page again with every message at its field). Customers have no staff pages here:
they follow their own complaints in the portal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from facadeops.core.errors import Conflict, FacadeOpsError, NotFound
from facadeops.core.listing import Column, RecordListView
from facadeops.core.roles import Role, has_role, is_staff_member, sees_everything
from facadeops.core.web import domain_errors
from facadeops.core.web import run_service as _run
from facadeops.core.workflow import available_transitions

from . import forms as f
from . import permissions as perms
from . import selectors, services
from .filters import ComplaintFilter
from .models import OPEN_STATES, Complaint, ComplaintStatus, PlanOutcome

S = ComplaintStatus
R = Role
# Staff who have complaint pages (what each one sees is ``permissions.scoped``).
STAFF_VIEWERS = (*perms.SEE_ALL, R.PROJECT_MANAGER, R.TECHNICIAN, R.SERVICE_STAFF)
TIMELINE_LIMIT = 50


def _require_staff(user: Any) -> None:
    """Customers (and staff roles without complaints) get 403 on the staff pages."""
    if not is_staff_member(user) or not (sees_everything(user) or has_role(user, *STAFF_VIEWERS)):
        raise PermissionDenied


def _get(request: HttpRequest, pk: Any) -> Complaint:
    _require_staff(request.user)
    return selectors.complaint_get(user=request.user, pk=pk)


# =========================================================================================
# The list
# =========================================================================================
class ComplaintListView(RecordListView):
    model = Complaint
    title = gettext_lazy("Customer complaints")
    columns = [
        Column("number", gettext_lazy("complaint number"), sort="number", link=True),
        Column("subject", gettext_lazy("subject"), link=True),
        Column("received_at", gettext_lazy("received at"), sort="received_at"),
        Column("customer", gettext_lazy("customer"), sort="customer__name"),
        Column("project", gettext_lazy("project"), sort="project__name"),
        Column("category", gettext_lazy("category"), sort="category"),
        Column("severity", gettext_lazy("severity"), sort="severity__rank", badge=True),
        Column("status", gettext_lazy("status"), sort="status", badge=True),
        Column("round_no", gettext_lazy("round"), sort="round_no"),
    ]
    search_fields = ["number", "subject", "contact_name", "contact_phone"]
    filterset_class = ComplaintFilter
    default_sort = "-received_at"
    create_url_name = "complaints:create"

    def get_base_queryset(self) -> QuerySet[Any]:
        _require_staff(self.request.user)
        return selectors.complaint_list(user=self.request.user)

    def can_create(self) -> bool:
        return perms.can_receive(self.request.user)


# =========================================================================================
# REG-4.1: record a complaint taken on any channel
# =========================================================================================
@domain_errors
def complaint_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    if not perms.can_receive(request.user):
        raise PermissionDenied
    form = f.ComplaintForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            channel = data.pop("channel")
            obj, status = _run(
                form,
                lambda: services.complaint_create(actor=request.user, data=data, channel=channel),
            )
            if obj is not None:
                messages.success(
                    request, _("Complaint %(number)s recorded.") % {"number": obj.number}
                )
                return redirect(obj)
        else:
            status = 422
    return render(
        request,
        "complaints/form.html",
        {
            "form": form,
            "title": _("Record a complaint"),
            "cancel_url": reverse("complaints:list"),
        },
        status=status,
    )


# =========================================================================================
# The detail page
# =========================================================================================
def _round_rows(c: Complaint, now: Any) -> list[dict[str, Any]]:
    rows = []
    for r in c.rounds.all():  # prefetched by the selector, with teams and plans
        plans: list[dict[str, Any]] = [
            {"plan": p, "measures": list(p.measures.all())} for p in r.plans.all()
        ]
        due, arrived = r.on_site_due_at, r.arrived_at
        rows.append(
            {
                "round": r,
                "current": r.number == c.round_no,
                "members": list(r.members.all()),
                "plans": plans,
                "approved": next(
                    (v for v in reversed(plans) if v["plan"].outcome == PlanOutcome.APPROVED),
                    None,
                ),
                "late": bool(due and arrived and arrived > due),
                "overdue": bool(due and not arrived and now > due),
            }
        )
    return rows


def _plan_initial(current: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The form starts from the latest version (a returned one is rewritten as the next)."""
    plans = current["plans"] if current else []
    if not plans:
        return {}, []
    latest = plans[-1]["plan"]
    initial = {"summary": latest.summary, "expected_completion": latest.expected_completion}
    rows = [
        {
            "description": m.description,
            "deadline": m.deadline,
            "responsible": m.responsible_id,
            "site_work": m.site_work,
        }
        for m in plans[-1]["measures"]
    ]
    return initial, rows


def _forms(c: Complaint, user: Any, ctx: dict[str, Any], bound: dict[str, Any]) -> dict[str, Any]:
    """The action forms this user may use now (a posted form replaces its blank one)."""
    head, team = ctx["is_head"], ctx["can_investigate"]
    current = ctx["current"]
    r = current["round"] if current else None
    out: dict[str, Any] = {}
    if head and c.status in {S.RECEIVED, S.INVESTIGATING} and r is not None:
        out["team"] = f.TeamForm(
            initial={"leader": r.leader_id},
            members_initial=[{"user": m.user_id, "role": m.role} for m in current["members"]],
        )
    if team and c.status == S.INVESTIGATING and r is not None:
        if r.arrived_at is None:
            out["arrival"] = f.ArrivalForm()
        out["findings"] = f.FindingsForm(
            initial={
                "findings": r.findings,
                "cause_category": r.cause_category_id,
                "root_cause": r.root_cause,
                "whys": "\n".join(r.whys or []),
                "responsible_department": r.responsible_department_id,
                "responsible_person": r.responsible_person_id,
            }
        )
    if team and c.status == S.PLANNING:
        initial, rows = _plan_initial(current)
        out["plan"] = f.PlanForm(initial=initial, measures_initial=rows)
    if team and c.status == S.HANDLING and r is not None:
        out["result"] = f.ResultForm(initial={"result": r.result})
    if (has_role(user, R.AGENT) or team) and c.status in OPEN_STATES:
        out["update"] = f.UpdateForm()
    out.update(bound)
    return out


def _measure_actions(c: Complaint, user: Any, ctx: dict[str, Any]) -> dict[str, set[int]]:
    """The measures of the current round's approved plan this user may mark done, and
    those they may open a work order for (REG-4.3.1, 4.3.2)."""
    current = ctx["current"]
    approved = current["approved"] if current else None
    done: set[int] = set()
    work_order: set[int] = set()
    if c.status == S.HANDLING and approved is not None:
        for m in approved["measures"]:
            if m.done_at is None and (ctx["can_investigate"] or m.responsible_id == user.pk):
                done.add(m.pk)
            if ctx["is_head"] and m.site_work and not m.work_order_id:
                work_order.add(m.pk)
    return {"done_ids": done, "work_order_ids": work_order}


ACTION_LABELS: dict[str, tuple[Any, Any]] = {
    "team": (gettext_lazy("Investigation team (REG-4.2.1)"), gettext_lazy("Save the team")),
    "arrival": (gettext_lazy("Arrival on site (REG-4.2.2)"), gettext_lazy("The team is on site")),
    "findings": (
        gettext_lazy("Findings and root cause (REG-4.2.2, 4.2.3)"),
        gettext_lazy("Save the findings"),
    ),
    "plan": (gettext_lazy("Handling plan (REG-4.3.1)"), gettext_lazy("Save the handling plan")),
    "result": (gettext_lazy("Result of the handling (REG-4.3.3)"), gettext_lazy("Save the result")),
    "update": (
        gettext_lazy("Inform the customer (REG-4.3.2)"),
        gettext_lazy("Record what the customer was told"),
    ),
}


def _page(
    request: HttpRequest, c: Complaint, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    rounds = _round_rows(c, now)
    current = next((row for row in rounds if row["current"]), None)
    head = perms.is_head(user, c)
    team = head or perms.on_team(user, c)
    ctx: dict[str, Any] = {
        "complaint": c,
        "title": f"{c.number} {c.subject}",
        "rounds": rounds,
        "current": current,
        "is_head": head,
        "can_investigate": team,
        "updates": list(c.updates.all()),
        "work_orders": list(c.work_orders.all()),
        "now": now,
        "timeline_limit": None if request.GET.get("timeline") == "all" else TIMELINE_LIMIT,
        "timeline_all_url": f"{c.get_absolute_url()}?timeline=all#timeline",
        "has_transitions": bool(available_transitions(c, user)),
    }
    bound = bound or {}
    forms = _forms(c, user, ctx, {k: v for k, v in bound.items() if k in ACTION_LABELS})
    ctx["action_forms"] = [
        {
            "name": name,
            "heading": ACTION_LABELS[name][0],
            "button": ACTION_LABELS[name][1],
            "form": form,
            "url": reverse(f"complaints:{name}", args=[c.pk]),
        }
        for name, form in forms.items()
    ]
    ctx.update(_measure_actions(c, user, ctx))
    ctx["measure_form"] = bound.get("measure_done") or bound.get("measure_work_order")
    return render(request, "complaints/detail.html", ctx, status=status)


@domain_errors
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _get(request, pk))


# =========================================================================================
# The action forms (each a small POST view)
# =========================================================================================
@dataclass(frozen=True)
class Action:
    form: Callable[..., Any]
    call: Callable[[HttpRequest, Complaint, Any], Any]
    done: Any
    anchor: str
    # Who may post it at all (403 before the form is read); the service checks again.
    allowed: Callable[[Any, Complaint], bool] = perms.can_investigate


def _team(request: HttpRequest, c: Complaint, form: Any) -> Any:
    return services.team_set(
        actor=request.user,
        complaint=c,
        leader=form.cleaned_data["leader"],
        members=form.member_rows(),
    )


def _plan(request: HttpRequest, c: Complaint, form: Any) -> Any:
    d = form.cleaned_data
    return services.plan_save(
        actor=request.user,
        complaint=c,
        summary=d["summary"],
        expected_completion=d["expected_completion"],
        measures=form.measure_rows(),
    )


ACTIONS: dict[str, Action] = {
    "team": Action(
        f.TeamForm,
        _team,
        gettext_lazy("Investigation team saved."),
        "rounds",
        allowed=perms.is_head,
    ),
    "arrival": Action(
        f.ArrivalForm,
        lambda r, c, form: services.arrival_record(
            actor=r.user, complaint=c, at=form.cleaned_data["at"]
        ),
        gettext_lazy("Arrival on site recorded."),
        "rounds",
    ),
    "findings": Action(
        f.FindingsForm,
        lambda r, c, form: services.findings_update(
            actor=r.user, complaint=c, data=form.service_data()
        ),
        gettext_lazy("Findings saved."),
        "rounds",
    ),
    "plan": Action(f.PlanForm, _plan, gettext_lazy("Handling plan saved."), "rounds"),
    "measure_done": Action(
        f.MeasureForm,
        lambda r, c, form: services.measure_done(
            actor=r.user,
            complaint=c,
            measure_id=form.cleaned_data["measure"],
            note=form.cleaned_data["note"],
        ),
        gettext_lazy("Measure marked as done."),
        "rounds",
        allowed=perms.may_mark_measures,
    ),
    "measure_work_order": Action(
        f.MeasureForm,
        lambda r, c, form: services.measure_work_order(
            actor=r.user, complaint=c, measure_id=form.cleaned_data["measure"]
        ),
        gettext_lazy("Work order opened for the measure."),
        "rounds",
        allowed=perms.is_head,
    ),
    "update": Action(
        f.UpdateForm,
        lambda r, c, form: services.customer_update_add(
            actor=r.user,
            complaint=c,
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            expected_completion=form.cleaned_data["expected_completion"],
        ),
        gettext_lazy("What the customer was told is recorded."),
        "updates",
        allowed=perms.may_tell_customer,
    ),
    "result": Action(
        f.ResultForm,
        lambda r, c, form: services.result_save(
            actor=r.user, complaint=c, result=form.cleaned_data["result"]
        ),
        gettext_lazy("Result saved."),
        "rounds",
    ),
}


def _act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One action's form, posted: parse, call the service, show every refusal on the form."""
    c = _get(request, pk)
    spec = ACTIONS[name]
    if not spec.allowed(request.user, c):
        raise PermissionDenied
    form = spec.form(request.POST)
    if not form.is_valid():
        return _page(request, c, {name: form}, status=422)
    result, status = _run(form, lambda: spec.call(request, c, form))
    if result is None:
        return _page(request, _get(request, pk), {name: form}, status=status)
    messages.success(request, str(spec.done))
    return redirect(reverse("complaints:detail", args=[c.pk]) + f"#{spec.anchor}")


@require_POST
@domain_errors
def team(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "team")


@require_POST
@domain_errors
def arrival(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "arrival")


@require_POST
@domain_errors
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "findings")


@require_POST
@domain_errors
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "plan")


@require_POST
@domain_errors
def measure_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "measure_done")


@require_POST
@domain_errors
def measure_work_order(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "measure_work_order")


@require_POST
@domain_errors
def update(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "update")


@require_POST
@domain_errors
def result(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "result")


@require_POST
@domain_errors
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """The engine's buttons: every refusal reason is shown."""
    c = _get(request, pk)
    name = request.POST.get("transition", "")
    raw_version = request.POST.get("version", "")
    if raw_version.isdigit() and int(raw_version) != c.version:
        messages.error(request, str(Conflict.default_message))
        return redirect(c)
    try:
        services.complaint_transition(
            actor=request.user, complaint=c, name=name, note=request.POST.get("note", "")
        )
    except NotFound:
        raise
    except FacadeOpsError as exc:
        for reason in getattr(exc, "reasons", None) or [str(exc.message)]:
            messages.error(request, reason)
    else:
        c.refresh_from_db()
        messages.success(
            request,
            _("Complaint %(number)s is now “%(status)s”.")
            % {"number": c.number, "status": c.get_status_display()},
        )
    return redirect(c)
