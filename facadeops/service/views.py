"""Pages of the service process (REG-2, X-9.5) — thin: parse with a form, call a service or a
selector, render. Every step of the work order is a form shown only when the engine offers
the step to this user (``available_transitions``); the services decide for real."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from facadeops.accounts.selectors import users_with_valid_height_certificate
from facadeops.core.attachments import attachment_add
from facadeops.core.errors import Conflict, FacadeOpsError, Forbidden, NotFound
from facadeops.core.listing import Column, RecordListView
from facadeops.core.roles import Role, has_role, is_staff_member
from facadeops.core.web import domain_errors
from facadeops.core.web import run_service as _run
from facadeops.core.workflow import available_transitions
from facadeops.materials.models import Material

from . import forms as f
from . import permissions as perms
from . import selectors, services
from .models import (
    OPEN_STATES,
    QualityCheckKind,
    ServiceRequest,
    WorkOrder,
    WOStatus,
)

ViewFunc = Callable[..., HttpResponse]

WORK_STATES = {
    WOStatus.IN_PROGRESS,
    WOStatus.PAUSED,
    WOStatus.CHANGE_REVIEW,
    WOStatus.CHANGE_APPROVAL,
    WOStatus.RECTIFICATION,
}


def _require_staff(user: Any) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


def _url_or_empty(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# =========================================================================================
# Requests and inquiries (REG-2.1.2)
# =========================================================================================
class RequestListView(RecordListView):
    model = ServiceRequest
    title = gettext_lazy("Requests and inquiries")
    columns = [
        Column("number", gettext_lazy("reference number"), sort="number", link=True),
        Column("reported_at", gettext_lazy("report time"), sort="reported_at"),
        Column("kind", gettext_lazy("type"), sort="kind"),
        Column("channel", gettext_lazy("channel"), sort="channel"),
        Column("caller_name", gettext_lazy("caller name")),
        Column("customer", gettext_lazy("customer"), sort="customer__name"),
        Column("project", gettext_lazy("project"), sort="project__name"),
        Column("urgency", gettext_lazy("urgency"), sort="urgency", badge=True),
        Column("status", gettext_lazy("status"), sort="status", badge=True),
    ]
    search_fields = [
        "number",
        "caller_name",
        "caller_phone",
        "customer__name",
        "customer_text",
        "project__name",
        "description",
    ]
    filterset_class = f.RequestFilter
    default_sort = "-reported_at"
    create_url_name = "service:hotline"

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.request_list(user=self.request.user).select_related("customer", "project")

    def can_create(self) -> bool:
        return has_role(self.request.user, Role.AGENT, Role.SERVICE_HEAD)


@domain_errors
def hotline(request: HttpRequest) -> HttpResponse:
    """REG-2.1.1/2.1.2: the agent's quick entry; the phone number finds the caller."""
    if not has_role(request.user, Role.AGENT, Role.SERVICE_HEAD):
        raise PermissionDenied
    form = f.RequestForm(request.POST or None, initial={"caller_phone": request.GET.get("phone")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            uploads = request.FILES.getlist("photos")
            obj, status = _run(
                form,
                lambda: services.request_create(actor=request.user, data=data, uploads=uploads),
            )
            if obj is not None:
                messages.success(
                    request, _("Request %(number)s recorded.") % {"number": obj.number}
                )
                return redirect(obj)
        else:
            status = 422
    return render(
        request,
        "service/hotline.html",
        {"form": form, "title": _("Hotline: new request")},
        status=status,
    )


@domain_errors
def caller_lookup(request: HttpRequest) -> HttpResponse:
    """htmx partial: who is calling from this number (contacts, customers, projects)."""
    if not has_role(request.user, Role.AGENT, Role.SERVICE_HEAD):
        raise PermissionDenied
    phone = "".join(ch for ch in request.GET.get("caller_phone", "") if ch.isdigit() or ch == "+")
    found: dict[str, Any] = {"contacts": [], "customers": [], "projects": []}
    if len(phone) >= 5:
        found = selectors.caller_lookup(phone=phone[:40], user=request.user)
    return render(request, "service/_caller.html", {"found": found, "phone": phone})


def _request_page(
    request: HttpRequest,
    req: ServiceRequest,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    names = {t.name for t in available_transitions(req, request.user)}
    forms: dict[str, Any] = {}
    is_inquiry = req.kind == "inquiry"
    if "answer" in names and is_inquiry:
        forms["answer"] = f.AnswerForm(initial={"answer": req.answer, "close": True})
    if "close" in names:
        forms["close"] = True
    if "cancel" in names:
        forms["cancel"] = f.NoteForm()
    forms.update(bound or {})
    wo = getattr(req, "work_order", None) if req.status == "converted" else None
    return render(
        request,
        "service/request_detail.html",
        {
            "req": req,
            "title": str(req),
            "forms": forms,
            "can_convert": "convert" in names and not is_inquiry,
            "can_edit": req.status == "new"
            and has_role(request.user, Role.AGENT, Role.SERVICE_HEAD),
            "work_order": wo,
        },
        status=status,
    )


@domain_errors
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, selectors.request_get(user=request.user, pk=pk))


@domain_errors
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    if not has_role(request.user, Role.AGENT, Role.SERVICE_HEAD):
        raise PermissionDenied
    initial = {
        name: getattr(req, name)
        for name in f.RequestEditForm.base_fields
        if name not in {"version", "reported_at"}
    }
    initial["reported_at"] = timezone.localtime(req.reported_at).strftime(f.DATETIME_FORMAT)
    initial["version"] = req.version
    form = f.RequestEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            obj, status = _run(
                form,
                lambda: services.request_update(
                    actor=request.user, request=req, data=data, expected_version=version
                ),
            )
            if obj is not None:
                messages.success(request, _("Changes saved."))
                return redirect(obj)
        else:
            status = 422
    return render(
        request,
        "service/form.html",
        {
            "form": form,
            "title": _("Edit request %(number)s") % {"number": req.number},
            "cancel_url": req.get_absolute_url(),
        },
        status=status,
    )


@require_POST
@domain_errors
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    if action == "answer":
        form: Any = f.AnswerForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            obj, status = _run(
                form,
                lambda: services.request_answer(
                    actor=request.user, request=req, answer=d["answer"], close=d["close"]
                ),
            )
            if obj is not None:
                messages.success(request, _("The answer was recorded."))
                return redirect(obj)
        return _request_page(request, req, {"answer": form}, status=422)
    if action == "close":
        form = f.AnswerForm({"answer": req.answer, "close": "on"})
        form.is_valid()
        obj, status = _run(
            form,
            lambda: services.request_answer(
                actor=request.user, request=req, answer=req.answer, close=True
            ),
        )
        if obj is not None:
            messages.success(request, _("The inquiry was closed."))
            return redirect(obj)
        return _request_page(request, req, {"answer": form}, status=status)
    if action == "cancel":
        form = f.NoteForm(request.POST)
        if form.is_valid():
            note = form.cleaned_data["note"]
            obj, status = _run(
                form,
                lambda: services.request_cancel(actor=request.user, request=req, note=note),
            )
            if obj is not None:
                messages.success(request, _("The request was cancelled."))
                return redirect(obj)
        return _request_page(request, req, {"cancel": form}, status=422)
    if action == "convert":
        try:
            wo = services.request_convert(actor=request.user, request=req)
        except (Forbidden, NotFound):
            raise
        except FacadeOpsError as exc:
            for reason in getattr(exc, "reasons", None) or [str(exc.message)]:
                messages.error(request, reason)
            return redirect(req)
        messages.success(request, _("Work order %(number)s created.") % {"number": wo.number})
        return redirect(wo)
    raise Http404


# =========================================================================================
# Work orders
# =========================================================================================
def _sla_value(wo: WorkOrder) -> str:
    flags = selectors.sla_flags(wo)
    worst = "ok"
    for value in flags.values():
        if value == "overdue":
            return "overdue"
        if value == "warning":
            worst = "warning"
    return worst


SLA_LABELS = {
    "ok": gettext_lazy("on time"),
    "warning": gettext_lazy("due soon"),
    "overdue": gettext_lazy("overdue"),
}


class WorkOrderListView(RecordListView):
    model = WorkOrder
    title = gettext_lazy("Work orders")
    columns = [
        Column("number", gettext_lazy("work order number"), sort="number", link=True),
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("customer", gettext_lazy("customer"), sort="customer__name"),
        Column("project", gettext_lazy("project"), sort="project__name"),
        Column("urgency", gettext_lazy("urgency"), sort="urgency", badge=True),
        Column("status", gettext_lazy("status"), sort="status", badge=True),
        Column("technician", gettext_lazy("technician"), sort="technician__full_name"),
        Column("lead", gettext_lazy("lead (service staff)"), sort="lead__full_name"),
        Column("on_site_due_at", gettext_lazy("on site by"), sort="on_site_due_at"),
        Column("complete_due_at", gettext_lazy("complete by"), sort="complete_due_at"),
        Column(
            "sla",
            gettext_lazy("deadline"),
            value=lambda wo: SLA_LABELS[_sla_value(wo)],
            badge=True,
        ),
    ]
    search_fields = ["number", "title", "customer__name", "project__name", "description"]
    filterset_class = f.WorkOrderFilter
    default_sort = "-created_at"
    create_url_name = "service:workorder_create"

    def get_base_queryset(self) -> QuerySet[Any]:
        # Only the related rows the columns show (and no long texts).
        return (
            selectors.work_order_list(user=self.request.user)
            .select_related(None)
            .select_related("customer", "project", "technician", "lead")
        )

    def filtered_queryset(self, request: HttpRequest) -> tuple[QuerySet[Any], Any, str, str]:
        qs, filterset, q, sort = super().filtered_queryset(request)
        if not request.GET.get("sort"):
            qs = selectors.overdue_first(qs)  # overdue first in every queue
            sort = ""
        return qs, filterset, q, sort

    def page_source(self, qs: QuerySet[Any], sort: str) -> Any:
        # The same order, read in two index-backed segments (late, then the rest).
        return selectors.OverdueFirst(qs) if not sort else qs

    def can_create(self) -> bool:
        return has_role(self.request.user, Role.SERVICE_HEAD, Role.PROJECT_MANAGER)


@domain_errors
def workorder_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.SERVICE_HEAD, Role.PROJECT_MANAGER):
        raise PermissionDenied
    form = f.WorkOrderCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            obj, status = _run(
                form,
                lambda: services.work_order_create(
                    actor=request.user,
                    project=d["project"],
                    title=d["title"],
                    description=d["description"],
                    nature=d["nature"],
                    urgency=d["urgency"],
                    exterior_work=d["exterior_work"],
                ),
            )
            if obj is not None:
                messages.success(
                    request, _("Work order %(number)s created.") % {"number": obj.number}
                )
                return redirect(obj)
        else:
            status = 422
    return render(
        request,
        "service/form.html",
        {
            "form": form,
            "title": _("New work order"),
            "cancel_url": reverse("service:workorder_list"),
        },
        status=status,
    )


# -- the steps ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    form: Callable[..., Any] | None
    # which engine moves (or other condition) make the form show
    shown: Callable[[WorkOrder, Any, set[str]], bool]
    call: Callable[[HttpRequest, WorkOrder, dict[str, Any]], Any]
    done: Any


def _in(*names: str) -> Callable[[WorkOrder, Any, set[str]], bool]:
    return lambda wo, user, avail: bool(avail & set(names))


def _quality_visit(wo: WorkOrder, user: Any, avail: set[str]) -> bool:
    return has_role(user, Role.QUALITY) and (
        wo.status in WORK_STATES or bool(avail & {"internal_pass", "internal_fail"})
    )


def _reassign_shown(wo: WorkOrder, user: Any, avail: set[str]) -> bool:
    return (
        wo.status in OPEN_STATES
        and wo.status != WOStatus.NEW
        and has_role(user, Role.SERVICE_HEAD, Role.PROJECT_MANAGER)
    )


def _team_at_work(wo: WorkOrder, user: Any, avail: set[str]) -> bool:
    return bool(avail & {"pause", "resume", "complete", "rectified"})


def _plan_shown(wo: WorkOrder, user: Any, avail: set[str]) -> bool:
    if "submit_plan" in avail:
        return True
    # a change of plan is written while work is in progress (REG-2.3.1)
    return "request_change" in avail


def _rect_verify_shown(wo: WorkOrder, user: Any, avail: set[str]) -> bool:
    return has_role(user, Role.QUALITY) and wo.status in OPEN_STATES


def _upload_photos(request: HttpRequest, wo: WorkOrder, caption: str) -> None:

    for upload in request.FILES.getlist("photos")[:10]:
        attachment_add(actor=request.user, target=wo, upload=upload, caption=caption[:300])


def _progress(request: HttpRequest, wo: WorkOrder, d: dict[str, Any]) -> Any:
    with transaction.atomic():
        log = services.progress_log(
            actor=request.user, work_order=wo, text=d["text"], percent_done=d["percent_done"]
        )
        _upload_photos(request, wo, d["text"])
    return log


def _plan(request: HttpRequest, wo: WorkOrder, d: dict[str, Any]) -> Any:
    form_lines = d.pop("_lines")
    is_change = wo.status in WORK_STATES
    data = {k: v for k, v in d.items() if not k.startswith("_")}
    return services.plan_save(
        actor=request.user,
        work_order=wo,
        data=data,
        materials=form_lines,
        is_change=is_change,
    )


def _acceptance(request: HttpRequest, wo: WorkOrder, d: dict[str, Any]) -> Any:
    acc = services.customer_acceptance_record(
        actor=request.user,
        work_order=wo,
        accepted=d["accepted"],
        signer_name=d["signer_name"],
        signature_data_url=d["signature_data_url"],
        reason=d["reason"],
        channel="onsite",
    )
    return acc


def _rect(wo: WorkOrder, pk: int) -> Any:
    rect = wo.rectifications.filter(pk=pk).first()
    if rect is None:
        raise NotFound()
    return rect


STEPS: dict[str, Step] = {
    "triage": Step(
        f.TriageForm,
        _in("triage"),
        lambda r, wo, d: services.work_order_triage(
            actor=r.user,
            work_order=wo,
            nature=d["nature"],
            urgency=d["urgency"],
            technician=d["technician"],
            exterior_work=d["exterior_work"],
            expected_version=d["version"],
        ),
        gettext_lazy("Triage saved."),
    ),
    "check_in": Step(
        f.CheckInForm,
        _in("check_in"),
        lambda r, wo, d: services.work_order_check_in(
            actor=r.user, work_order=wo, latitude=d["latitude"], longitude=d["longitude"]
        ),
        gettext_lazy("Arrival on site recorded."),
    ),
    "assessment": Step(
        f.AssessmentForm,
        _in("submit_findings"),
        lambda r, wo, d: services.assessment_update(
            actor=r.user, work_order=wo, situation=d["situation"], difficulty=d["difficulty"]
        ),
        gettext_lazy("Findings saved."),
    ),
    "defect": Step(
        f.DefectForm,
        _in("submit_findings"),
        lambda r, wo, d: services.defect_add(
            actor=r.user,
            work_order=wo,
            defect_type=d["defect_type"],
            severity=d["severity"] or None,
            location=d["location"],
            quantity=d["quantity"],
            notes=d["notes"],
        ),
        gettext_lazy("Defect recorded."),
    ),
    "plan": Step(f.PlanForm, _plan_shown, _plan, gettext_lazy("Plan saved.")),
    "assign": Step(
        f.AssignForm,
        _in("assign"),
        lambda r, wo, d: services.work_order_assign(
            actor=r.user,
            work_order=wo,
            lead=d["lead"],
            members=list(d["members"]),
            requirements=d["requirements"],
            deadline=d["deadline"],
            expected_version=d["version"],
        ),
        gettext_lazy("Team assigned."),
    ),
    "reassign": Step(
        f.ReassignForm,
        _reassign_shown,
        lambda r, wo, d: services.work_order_reassign(
            actor=r.user,
            work_order=wo,
            technician=d["technician"],
            lead=d["lead"],
            members=list(d["members"]) if d["members"] else None,
            note=d["note"],
        ),
        gettext_lazy("Reassigned."),
    ),
    "acknowledge": Step(
        None,
        _in("prepare"),
        lambda r, wo, d: services.plan_acknowledge(actor=r.user, work_order=wo),
        gettext_lazy("You confirmed having read the plan."),
    ),
    "draw": Step(
        f.MaterialDrawForm,
        _in("prepare"),
        lambda r, wo, d: services.material_draw(
            actor=r.user,
            work_order=wo,
            material=d["material"],
            quantity=d["quantity"],
            tools=d["tools"],
        ),
        gettext_lazy("Materials drawn recorded."),
    ),
    "progress": Step(f.ProgressForm, _team_at_work, _progress, gettext_lazy("Progress noted.")),
    "part": Step(
        f.PartReplacementForm,
        _team_at_work,
        lambda r, wo, d: services.part_replacement_add(
            actor=r.user,
            work_order=wo,
            old_part=d["old_part"],
            material=d["material"],
            quantity=d["quantity"],
            batch=d["batch"],
            location=d["location"],
        ),
        gettext_lazy("Replaced part recorded."),
    ),
    "quality": Step(
        f.QualityCheckForm,
        _quality_visit,
        lambda r, wo, d: services.quality_check_add(
            actor=r.user,
            work_order=wo,
            kind=d["kind"],
            follows_plan=d["follows_plan"],
            materials_correct=d["materials_correct"],
            result_meets_standard=d["result_meets_standard"],
            documents_complete=d["documents_complete"],
            passed=d["passed"],
            findings=d["findings"],
            rectification=d["rectification"],
        ),
        gettext_lazy("Quality check recorded."),
    ),
    "rect_done": Step(
        f.RectificationDoneForm,
        _team_at_work,
        lambda r, wo, d: services.rectification_done(
            actor=r.user, rectification=_rect(wo, d["rectification"]), note=d["note"]
        ),
        gettext_lazy("Rectification reported as done."),
    ),
    "rect_verify": Step(
        f.RectificationVerifyForm,
        _rect_verify_shown,
        lambda r, wo, d: services.rectification_verify(
            actor=r.user,
            rectification=_rect(wo, d["rectification"]),
            passed=d["passed"],
            findings=d["findings"],
        ),
        gettext_lazy("Re-check recorded."),
    ),
    "completion": Step(
        f.CompletionForm,
        _in("complete", "rectified"),
        lambda r, wo, d: services.completion_update(
            actor=r.user,
            work_order=wo,
            site_cleaned=d["site_cleaned"],
            facade_restored=d["facade_restored"],
            cordon_removed=d["cordon_removed"],
            expected_version=d["version"],
        ),
        gettext_lazy("Checklist saved."),
    ),
    "acceptance": Step(
        f.AcceptanceForm,
        _in("customer_accept", "customer_reject"),
        _acceptance,
        gettext_lazy("Customer acceptance recorded."),
    ),
    "record_fill": Step(
        None,
        _in("submit_record"),
        lambda r, wo, d: services.service_record_fill(actor=r.user, work_order=wo),
        gettext_lazy("Service record filled from the work order."),
    ),
    "record_sign": Step(
        f.RecordSignForm,
        _in("submit_record"),
        lambda r, wo, d: services.service_record_sign(
            actor=r.user,
            work_order=wo,
            content=d["content"],
            result=d["result"],
            signature_data_url=d["signature_data_url"],
        ),
        gettext_lazy("Service record signed."),
    ),
}


STEP_LABELS: dict[str, tuple[Any, Any]] = {
    "triage": (gettext_lazy("Triage (REG-2.2.1)"), gettext_lazy("Save triage")),
    "check_in": (gettext_lazy("Arrival on site"), gettext_lazy("I am on site")),
    "assessment": (gettext_lazy("Findings on site"), gettext_lazy("Save findings")),
    "defect": (gettext_lazy("Add a defect (DOM-3 catalogue)"), gettext_lazy("Add defect")),
    "plan": (gettext_lazy("Plan (REG-2.2.2)"), gettext_lazy("Save plan")),
    "assign": (gettext_lazy("Assignment (REG-2.2.3)"), gettext_lazy("Save assignment")),
    "reassign": (gettext_lazy("Reassign"), gettext_lazy("Reassign")),
    "acknowledge": (gettext_lazy("Read the plan"), gettext_lazy("I have read the plan")),
    "draw": (gettext_lazy("Draw materials and tools"), gettext_lazy("Record drawing")),
    "progress": (gettext_lazy("Progress note"), gettext_lazy("Add note")),
    "part": (gettext_lazy("Replaced part"), gettext_lazy("Record replaced part")),
    "quality": (gettext_lazy("Quality check"), gettext_lazy("Record check")),
    "rect_done": (gettext_lazy("Rectification done"), gettext_lazy("Report as done")),
    "rect_verify": (gettext_lazy("Re-check rectification"), gettext_lazy("Record re-check")),
    "completion": (gettext_lazy("Completion checklist"), gettext_lazy("Save checklist")),
    "acceptance": (
        gettext_lazy("Customer acceptance (REG-2.4.1)"),
        gettext_lazy("Record acceptance"),
    ),
    "record_fill": (gettext_lazy("Service record"), gettext_lazy("Fill from the work order")),
    "record_sign": (gettext_lazy("Sign the service record"), gettext_lazy("Sign and save")),
}


def _form_kwargs(name: str, wo: WorkOrder, ctx: dict[str, Any]) -> dict[str, Any]:
    if name == "plan":
        return {"is_change": wo.status in WORK_STATES}
    if name == "assign":
        return {"certified": ctx.get("certified")}
    if name == "quality":
        if ctx["avail"] & {"internal_pass", "internal_fail"}:
            return {"kinds": [QualityCheckKind.INTERNAL_ACCEPTANCE]}
        return {"kinds": [QualityCheckKind.SUPERVISION]}
    return {}


def _initial(name: str, wo: WorkOrder, ctx: dict[str, Any]) -> dict[str, Any]:
    if name == "triage":
        return {
            "nature": wo.nature,
            "urgency": wo.urgency,
            "technician": wo.technician_id,
            "exterior_work": wo.exterior_work,
            "version": wo.version,
        }
    if name == "assessment" and ctx.get("assessment") is not None:
        a = ctx["assessment"]
        return {"situation": a.situation, "difficulty": a.difficulty}
    if name == "plan":
        plan = ctx.get("draft")
        base = plan or ctx.get("approved_plan")
        if base is None:
            return {}
        fmt = f.DATETIME_FORMAT

        def local(v: Any) -> str:
            return timezone.localtime(v).strftime(fmt) if v else ""

        return {
            "content": base.content,
            "tools": base.tools,
            "schedule_start": local(base.schedule_start),
            "schedule_end": local(base.schedule_end),
            "safety_measures": base.safety_measures,
            "access_method": base.access_method,
            "certified_staff_only": base.certified_staff_only,
            "safety_briefing_signed": base.safety_briefing_signed,
            "change_reason": base.change_reason if plan is not None else "",
            "lines": [
                {"material": str(m.material_id), "quantity": str(m.quantity), "note": m.note}
                for m in base.materials.all()
            ],
        }
    if name == "assign":
        return {
            "lead": wo.lead_id,
            "members": [m.pk for m in ctx["members"]],
            "requirements": wo.requirements,
            "deadline": timezone.localtime(wo.complete_due_at).strftime(f.DATETIME_FORMAT)
            if wo.complete_due_at
            else "",
            "version": wo.version,
        }
    if name == "completion":
        return {
            "site_cleaned": wo.site_cleaned,
            "facade_restored": wo.facade_restored,
            "cordon_removed": wo.cordon_removed,
            "version": wo.version,
        }
    if name == "record_sign" and ctx.get("record") is not None:
        rec = ctx["record"]
        return {"content": rec.content, "result": rec.result}
    if name == "acceptance":
        return {"accepted": "1"}
    return {}


PLAN_FIELDS = (
    "content",
    "tools",
    "schedule_start",
    "schedule_end",
    "safety_measures",
    "access_method",
    "certified_staff_only",
    "safety_briefing_signed",
)


def _mark_plan_changes(plans: list[Any]) -> None:
    """Diff-friendly history: each version knows which fields differ from the one before."""
    for i, plan in enumerate(plans):  # newest first
        older = plans[i + 1] if i + 1 < len(plans) else None
        changed: set[str] = set()
        if older is not None:
            changed = {f for f in PLAN_FIELDS if getattr(plan, f) != getattr(older, f)}

            def lines(p: Any) -> list[tuple[int, Any, str]]:
                return sorted((m.material_id, m.quantity, m.note) for m in p.materials.all())

            if lines(plan) != lines(older):
                changed.add("materials")
        plan.changed = changed


TIMELINE_LIMIT = 50


def _detail_context(request: HttpRequest, wo: WorkOrder) -> dict[str, Any]:
    user = request.user
    avail_list = available_transitions(wo, user)
    avail = {t.name for t in avail_list}
    plans = list(
        wo.plans.select_related("written_by", "tech_reviewed_by", "approved_by")
        .prefetch_related("materials__material")
        .order_by("-version_no")
    )
    _mark_plan_changes(plans)
    draft = next((p for p in plans if p.outcome == "draft"), None)
    approved = next((p for p in plans if p.outcome == "approved"), None)
    ctx: dict[str, Any] = {
        "wo": wo,
        "title": f"{wo.number} {wo.title}",
        "avail": avail,
        "members": list(wo.members.all()),
        "assessment": getattr(wo, "assessment", None),
        "defects": list(wo.defects.select_related("defect_type")),
        "plans": plans,
        "draft": draft,
        "approved_plan": approved,
        "draws": list(wo.draws.select_related("material", "drawn_by")),
        "logs": list(wo.logs.select_related("author")),
        "replacements": list(wo.replacements.select_related("material", "recorded_by")),
        "quality_checks": list(wo.quality_checks.select_related("inspector")),
        "rectifications": list(wo.rectifications.select_related("ordered_by")),
        "acceptances": list(wo.acceptances.select_related("recorded_by")),
        "record": getattr(wo, "service_record", None),
        "sla": selectors.sla_flags(wo),
        "now": timezone.now(),
        # The latest TIMELINE_LIMIT events; ?timeline=all shows every one.
        "timeline_limit": None if request.GET.get("timeline") == "all" else TIMELINE_LIMIT,
        "timeline_all_url": f"{wo.get_absolute_url()}?timeline=all#timeline",
        "documents": [
            (label, url)
            for label, url in (
                (_("Service report (PDF)"), _url_or_empty("service:workorder_report_pdf", wo.pk)),
                (
                    _("Internal acceptance report (PDF)"),
                    _url_or_empty("service:workorder_acceptance_pdf", wo.pk),
                ),
                (_("Dossier (PDF)"), _url_or_empty("service:workorder_dossier_pdf", wo.pk)),
            )
            if url
        ],
        "is_customer": has_role(user, Role.CUSTOMER) and not is_staff_member(user),
    }
    if "assign" in avail:
        ctx["certified"] = users_with_valid_height_certificate(
            f.users_with_role(Role.SERVICE_STAFF)
        )
        ctx["needs_height"] = bool(
            approved is not None and (approved.work_at_height or wo.exterior_work)
        )
    ctx["open_rects"] = [r for r in ctx["rectifications"] if r.done_at is None]
    ctx["rects_to_verify"] = [
        r for r in ctx["rectifications"] if r.done_at is not None and r.verified_at is None
    ]
    return ctx


def _workorder_page(
    request: HttpRequest,
    wo: WorkOrder,
    bound: dict[str, Any] | None = None,
    status: int = 200,
    template: str = "service/workorder_detail.html",
) -> HttpResponse:
    ctx = _detail_context(request, wo)
    forms: dict[str, Any] = {}
    for name, step in STEPS.items():
        if not step.shown(wo, request.user, ctx["avail"]):
            continue
        if name == "rect_done" and not ctx["open_rects"]:
            continue
        if name == "rect_verify" and not ctx["rects_to_verify"]:
            continue
        if step.form is None:
            forms[name] = True
            continue
        forms[name] = step.form(initial=_initial(name, wo, ctx), **_form_kwargs(name, wo, ctx))
    for name, form in (bound or {}).items():
        forms[name] = form
    ctx["forms"] = forms
    ctx["step_forms"] = [
        {"name": n, "heading": STEP_LABELS[n][0], "button": STEP_LABELS[n][1], "form": form}
        for n, form in forms.items()
    ]
    if "plan" in forms and forms["plan"] is not True:
        ctx["materials"] = list(Material.objects.filter(is_active=True).order_by("code"))
        rows = forms["plan"].raw_lines() if hasattr(forms["plan"], "raw_lines") else []
        ctx["plan_lines"] = [*rows, *({"material": "", "quantity": "", "note": ""},) * 3]
    return render(request, template, ctx, status=status)


@domain_errors
def workorder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wo = selectors.work_order_get(user=request.user, pk=pk)
    return _workorder_page(request, wo)


@require_POST
@domain_errors
def workorder_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step's form, posted: parse, call the service, show every refusal on the form."""
    wo = selectors.work_order_get(user=request.user, pk=pk)
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    if spec.form is None:
        form: Any = f.StyledForm(request.POST)
        form.is_valid()
        data: dict[str, Any] = {}
    else:
        avail = {t.name for t in available_transitions(wo, request.user)}
        kwargs = _form_kwargs(step, wo, {"avail": avail})
        form = spec.form(request.POST, request.FILES, **kwargs)
        if not form.is_valid():
            return _workorder_page(request, wo, {step: form}, status=422)
        data = dict(form.cleaned_data)
        if step == "plan":
            data["_lines"] = form.material_lines
    result, status = _run(form, lambda: spec.call(request, wo, data))
    if result is None:
        if spec.form is None:
            for e in form.non_field_errors():
                messages.error(request, e)
            return redirect(wo)
        wo.refresh_from_db()
        return _workorder_page(request, wo, {step: form}, status=status)
    messages.success(request, str(spec.done))
    nxt = request.POST.get("next", "")
    if nxt == "today":
        return redirect("service:my_work_today")
    return redirect(reverse("service:workorder_detail", args=[wo.pk]) + f"#step-{step}")


@require_POST
@domain_errors
def workorder_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """The engine buttons: every refusal reason is shown."""
    wo = selectors.work_order_get(user=request.user, pk=pk)
    name = request.POST.get("transition", "")
    raw_version = request.POST.get("version", "")
    if raw_version.isdigit() and int(raw_version) != wo.version:
        messages.error(request, str(Conflict.default_message))
        return redirect(wo)
    try:
        services.work_order_transition(
            actor=request.user, work_order=wo, name=name, note=request.POST.get("note", "")
        )
    except FacadeOpsError as exc:
        for reason in getattr(exc, "reasons", None) or [str(exc.message)]:
            messages.error(request, reason)
    else:
        wo.refresh_from_db()
        messages.success(
            request,
            _("Work order %(number)s is now “%(status)s”.")
            % {"number": wo.number, "status": wo.get_status_display()},
        )
    if request.POST.get("next") == "today":
        return redirect("service:my_work_today")
    return redirect(wo)


# =========================================================================================
# Pages per role
# =========================================================================================
def _cards(qs: Any) -> list[dict[str, Any]]:
    return [{"wo": wo, "sla": _sla_value(wo)} for wo in qs]


@domain_errors
def my_work_today(request: HttpRequest) -> HttpResponse:
    """Technician and staff, phone-first: today's work, the next step as a big button."""
    qs = selectors.my_work_today(user=request.user).select_related("project", "customer")
    cards = []
    for item in _cards(selectors.prime_transition_checks(list(qs))):
        # the forward step (not pause / hold / return / cancel) is the big button's label
        item["steps"] = [
            t
            for t in available_transitions(item["wo"], request.user)
            if t.style in {"primary", "success"}
        ]
        cards.append(item)
    return render(
        request, "service/my_work_today.html", {"cards": cards, "title": _("My work today")}
    )


@domain_errors
def board(request: HttpRequest) -> HttpResponse:
    """Service head: every open work order by state, with SLA clocks (X-9.2)."""
    if not has_role(request.user, Role.SERVICE_HEAD, Role.MANAGEMENT):
        raise PermissionDenied
    list_url = reverse("service:workorder_list")
    columns = [
        {
            "state": col["state"],
            "label": WOStatus(col["state"]).label,
            "cards": _cards(col["work_orders"]),
            "count": col["count"],
            "more": col["count"] - len(col["work_orders"]),
            "list_url": f"{list_url}?status={col['state']}",
        }
        for col in selectors.board_columns(user=request.user)
    ]
    return render(
        request,
        "service/board.html",
        {"columns": columns, "title": _("Service board"), "now": timezone.now()},
    )


@domain_errors
def approvals(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.PROJECT_MANAGER, Role.TECH_HEAD, Role.MANAGEMENT):
        raise PermissionDenied
    items = _cards(selectors.approvals_inbox(user=request.user))
    return render(
        request,
        "service/inbox.html",
        {"cards": items, "title": _("Awaiting my approval"), "empty": _("Nothing to approve.")},
    )


@domain_errors
def inspections(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.QUALITY, Role.MANAGEMENT):
        raise PermissionDenied
    items = _cards(selectors.inspections_inbox(user=request.user))
    return render(
        request,
        "service/inbox.html",
        {"cards": items, "title": _("Quality inspections"), "empty": _("Nothing to inspect.")},
    )


def _dashboard_json(user: Any) -> dict[str, Any]:
    return selectors.dashboard_payload(selectors.dashboard_figures_cached(user=user))


@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, *perms.DASHBOARD_ROLES):
        raise PermissionDenied
    data = _dashboard_json(request.user)
    return render(
        request,
        "service/dashboard.html",
        {"figures": data, "title": _("Dashboard")},
    )


@domain_errors
def dashboard_data(request: HttpRequest) -> JsonResponse:
    if not has_role(request.user, *perms.DASHBOARD_ROLES):
        raise PermissionDenied
    return JsonResponse(_dashboard_json(request.user), json_dumps_params={"default": str})
