"""Customer portal pages: only the signed-in customer's own projects, requests and work
orders (anything else is 404; staff get 403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facadeops.core.errors import Conflict, FacadeOpsError, Forbidden, InvalidInput, NotFound
from facadeops.core.web import apply_error, domain_errors

from . import forms as f
from . import selectors, services
from .permissions import require_customer, require_inviter


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in and a customer account required; NotFound → 404, Forbidden → 403."""

    @wraps(view)
    def customer_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_customer(request.user)
        return view(request, *args, **kwargs)

    return domain_errors(customer_only)


@portal_page
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "portal/home.html",
        {
            "projects": selectors.project_list(user=user)[:50],
            "requests": selectors.request_list(user=user)[:20],
            "work_orders": selectors.work_order_list(user=user)[:50],
            "complaints": selectors.complaint_list(user=user)[:20],
        },
    )


@portal_page
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    wos = selectors.work_order_list(user=request.user).filter(project=project)[:100]
    return render(request, "portal/project.html", {"project": project, "work_orders": wos})


@portal_page
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    return render(
        request,
        "portal/request.html",
        {"req": req, "history": selectors.status_history(req)},
    )


@portal_page
def request_new(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list(user=request.user).filter(is_active=True)
    form = f.PortalRequestForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.portal_request_submit(
                actor=request.user, data=form.cleaned_data, uploads=request.FILES.getlist("photos")
            )
        except InvalidInput as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your reference number is %(number)s.") % {"number": req.number},
            )
            return redirect("portal:request_detail", pk=req.pk)
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": _("New request or inquiry"), "upload": True},
        status=422 if form.errors else 200,
    )


@portal_page
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wo = selectors.work_order_get(user=request.user, pk=pk)
    rating = getattr(wo, "satisfaction", None)
    return render(
        request,
        "portal/work_order.html",
        {
            "wo": wo,
            "history": selectors.status_history(wo),
            "can_sign": wo.status == "customer_acceptance",
            "can_rate": wo.status in services.RATABLE_STATES and rating is None,
            "rating": rating,
        },
    )


@portal_page
def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    """REG-2.4.1: sign (or refuse) the acceptance remotely."""
    wo = selectors.work_order_get(user=request.user, pk=pk)
    form = f.AcceptanceForm(
        request.POST or None, initial={"signer_name": getattr(request.user, "full_name", "")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.acceptance_sign(
                actor=request.user,
                work_order=wo,
                accepted=d["decision"] == "accept",
                signer_name=d["signer_name"],
                signature=d.get("signature") or "",
                reason=d.get("reason") or "",
            )
        except (NotFound, Forbidden):
            raise
        except FacadeOpsError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your decision has been recorded."))
            return redirect("portal:work_order_detail", pk=wo.pk)
    return render(
        request,
        "portal/acceptance.html",
        {"form": form, "wo": wo},
        status=422 if form.errors else 200,
    )


@portal_page
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    wo = selectors.work_order_get(user=request.user, pk=pk)
    form = f.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.satisfaction_rate(
                actor=request.user,
                work_order=wo,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except (InvalidInput, Conflict) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:work_order_detail", pk=wo.pk)
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": _("Rate our work on %(number)s") % {"number": wo.number}},
        status=422 if form.errors else 200,
    )


@portal_page
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = f.ComplaintForm(
        request.POST or None,
        projects=selectors.project_list(user=user),
        work_orders=selectors.work_order_list(user=user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            c = services.complaint_file(actor=user, data=form.cleaned_data)
        except InvalidInput as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Your complaint has been received under number %(number)s. We will contact you.")
                % {"number": c.number},
            )
            return redirect("portal:complaint_detail", pk=c.pk)
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": _("File a complaint")},
        status=422 if form.errors else 200,
    )


@portal_page
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """REG-4.3.2, 4.3.3: the complaint's progress, expected completion, each round's result
    and verdict, what the customer was told — and, when the result is reported, the
    customer's verdict."""
    c = selectors.complaint_get(user=request.user, pk=pk)
    form = f.ComplaintVerdictForm()
    return render(request, "portal/complaint.html", _complaint_context(c, form))


def _complaint_context(c: Any, form: Any) -> dict[str, Any]:
    plans = [p for r in c.rounds.all() for p in r.plans.all() if p.outcome == "approved"]
    expected = plans[-1].expected_completion if plans else None
    updates = list(c.updates.all())
    told = [u.expected_completion for u in updates if u.expected_completion]
    return {
        "c": c,
        "form": form,
        "expected": told[-1] if told else expected,
        "updates": updates,
        "may_decide": c.status == "feedback",
    }


@require_POST
@portal_page
def complaint_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.complaint_get(user=request.user, pk=pk)
    form = f.ComplaintVerdictForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_verdict(
                actor=request.user,
                complaint=c,
                accept=form.cleaned_data["verdict"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except FacadeOpsError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Thank you, your answer has been recorded."))
            return redirect("portal:complaint_detail", pk=pk)
    c = selectors.complaint_get(user=request.user, pk=pk)
    return render(request, "portal/complaint.html", _complaint_context(c, form), status=422)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    form = f.InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                raw_token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except (InvalidInput, Conflict) as exc:
            apply_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:home")
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": _("Create your portal account"), "public": True},
        status=422 if form.errors else 200,
    )


@domain_errors
def invite(request: HttpRequest) -> HttpResponse:
    require_inviter(request.user)
    form = f.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inv = services.invitation_create(
                actor=request.user,
                customer=form.cleaned_data["customer"],
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except InvalidInput as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": inv.email})
            return redirect("portal:invite")
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": _("Invite a customer to the portal")},
        status=422 if form.errors else 200,
    )
