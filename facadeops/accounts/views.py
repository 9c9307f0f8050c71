"""People pages (REG-1.3, X-6.5): thin — parse, call a service/selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from facadeops.core.errors import FacadeOpsError, Forbidden, NotFound
from facadeops.core.listing import Column, RecordListView
from facadeops.core.roles import ALL_ROLES, Role
from facadeops.core.web import apply_error as apply_errors

from . import selectors, services
from .demo import DEMO_LOGINS
from .forms import (
    ApiTokenForm,
    CertificateForm,
    DepartmentForm,
    EmployeeCreateForm,
    EmployeeEditForm,
    EmployeeFilter,
    RoleForm,
)
from .models import Certificate, Department, Employee
from .permissions import can_manage_people, can_view_people, require_manage_people
from .selectors import access_employee

View = Callable[..., HttpResponse]


def _http_errors(view: View) -> View:
    """Forbidden → 403 page, NotFound → 404 page (other domain errors are form errors)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["show_demo_logins"] = settings.DEBUG
        if settings.DEBUG:
            ctx["demo_logins"] = DEMO_LOGINS
        return ctx


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user)
        return response


# --- Profile and API tokens ------------------------------------------------------------


def _profile_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    employee = selectors.employee_list(user=user).filter(user_id=user.pk or 0).first()
    certificates = []
    if employee is not None:
        certificates = [
            {"cert": c, "state": selectors.certificate_state(c)}
            for c in selectors.employee_certificates(employee=employee)
        ]
    return {
        "employee": employee,
        "certificates": certificates,
        "role_labels": _role_labels(user),
        "tokens": list(selectors.api_token_list(user=user)),
        "token_form": extra.pop("token_form", None) or ApiTokenForm(),
        **extra,
    }


def _role_labels(user: Any) -> list[str]:
    return [str(Role(g.name).label) for g in user.groups.all() if g.name in ALL_ROLES]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal API token; the raw value is shown on this response only."""
    form = ApiTokenForm(request.POST)
    raw = None
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except FacadeOpsError as exc:
            apply_errors(form, exc)
    status = 200 if raw else 422
    ctx = _profile_context(request, token_form=ApiTokenForm() if raw else form, new_token=raw)
    response = render(request, "accounts/profile.html", ctx, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@_http_errors
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.api_token_revoke(actor=request.user, token=pk)
    messages.success(request, _("The API token was revoked."))
    return redirect("accounts:profile")


# --- Employees -------------------------------------------------------------------------


def _height_until(e: Employee) -> Any:
    return getattr(e, "height_valid_until", None)


class EmployeeListView(RecordListView):
    model = Employee
    title = gettext_lazy("Employees")
    columns = [
        Column("employee_no", gettext_lazy("Employee number"), sort="employee_no", link=True),
        Column(
            "name",
            gettext_lazy("Name"),
            sort="user__full_name",
            value=lambda e: e.user.get_full_name(),
        ),
        Column("department", gettext_lazy("Department"), sort="department__name"),
        Column("position", gettext_lazy("Position"), sort="position"),
        Column("roles", gettext_lazy("Roles"), value=lambda e: "、".join(_role_labels(e.user))),
        Column("status", gettext_lazy("Status"), sort="status", badge=True),
        Column(
            "height_valid_until",
            gettext_lazy("Work-at-height certificate valid until"),
            sort="height_valid_until",
            value=_height_until,
        ),
    ]
    search_fields = ["employee_no", "user__full_name", "user__username", "phone", "position"]
    filterset_class = EmployeeFilter
    default_sort = "employee_no"
    template_name = "accounts/employee_list.html"
    create_url_name = "accounts:employee_create"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_people(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.employee_list(user=self.request.user)

    def can_create(self) -> bool:
        return can_manage_people(self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {"departments_url": reverse("accounts:department_list")}


@login_required
@_http_errors
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk)
    certificates = [
        {"cert": c, "state": selectors.certificate_state(c)}
        for c in selectors.employee_certificates(employee=employee)
    ]
    return render(
        request,
        "accounts/employee_detail.html",
        {
            "employee": employee,
            "certificates": certificates,
            "role_labels": _role_labels(employee.user),
            "can_manage": can_manage_people(request.user),
            "can_view_all": can_view_people(request.user),
            "transition_url": reverse("accounts:employee_transition", args=[employee.pk]),
        },
    )


@login_required
@_http_errors
def employee_create(request: HttpRequest) -> HttpResponse:
    require_manage_people(request.user)
    form = EmployeeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.employee_create(actor=request.user, **form.cleaned_data)
        except FacadeOpsError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The employee was created."))
            return redirect(employee)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("New employee"), "cancel_url": reverse("accounts:employee_list")},
        status=422 if form.errors else 200,
    )


@login_required
@_http_errors
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk, for_change=True)
    if request.method == "POST":
        form = EmployeeEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            skills = data.pop("skills")
            try:
                services.employee_update(
                    actor=request.user,
                    employee=employee,
                    expected_version=version,
                    data=data,
                    skills=skills,
                )
            except FacadeOpsError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect(employee)
    else:
        form = EmployeeEditForm(initial=EmployeeEditForm.initial_for(employee))
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("Edit employee %(name)s") % {"name": employee},
            "cancel_url": employee.get_absolute_url(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@_http_errors
def employee_roles(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk, for_change=True)
    user = employee.user
    if request.method == "POST":
        form = RoleForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.user_set_roles(
                    actor=request.user, user=user, roles=form.cleaned_data["roles"]
                )
            except FacadeOpsError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The roles were saved."))
                return redirect(employee)
    else:
        current = [g.name for g in user.groups.all() if g.name in ALL_ROLES]
        form = RoleForm(initial={"roles": current}, user=user)
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("Roles of %(name)s") % {"name": employee},
            "cancel_url": employee.get_absolute_url(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
@_http_errors
def employee_transition(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk)
    version_raw = request.POST.get("version", "")
    try:
        services.employee_transition(
            actor=request.user,
            employee=employee,
            name=request.POST.get("transition", ""),
            note=request.POST.get("note", ""),
            expected_version=int(version_raw) if version_raw.isdigit() else None,
        )
    except (Forbidden, NotFound):
        raise
    except FacadeOpsError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The step was recorded."))
    return redirect(employee)


# --- Certificates ----------------------------------------------------------------------


@login_required
@_http_errors
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk, for_change=True)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_add(
                actor=request.user, employee=employee, data=form.data_for_service()
            )
        except FacadeOpsError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The certificate was added."))
            return redirect(employee)
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("New certificate for %(name)s") % {"name": employee},
            "cancel_url": employee.get_absolute_url(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@_http_errors
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cert = Certificate.objects.filter(pk=pk).select_related("type").first()
    if cert is None:
        raise NotFound()
    employee = access_employee(request.user, cert.employee_id, for_change=True)
    if request.method == "POST":
        form = CertificateForm(request.POST, with_version=True)
        if form.is_valid():
            try:
                services.certificate_update(
                    actor=request.user,
                    certificate=cert,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data["version"],
                )
            except FacadeOpsError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect(employee)
    else:
        form = CertificateForm(initial=CertificateForm.initial_for(cert), with_version=True)
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("Edit certificate %(cert)s") % {"cert": cert},
            "cancel_url": employee.get_absolute_url(),
        },
        status=422 if form.errors else 200,
    )


# --- Departments -----------------------------------------------------------------------


@login_required
@_http_errors
def department_list(request: HttpRequest) -> HttpResponse:
    if not can_view_people(request.user):
        raise Forbidden()
    departments = selectors.department_list(user=request.user)
    return render(
        request,
        "accounts/department_list.html",
        {"departments": departments, "can_manage": can_manage_people(request.user)},
    )


@login_required
@_http_errors
def department_create(request: HttpRequest) -> HttpResponse:
    require_manage_people(request.user)
    form = DepartmentForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.department_create(actor=request.user, data=form.data_for_service())
        except FacadeOpsError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The department was created."))
            return redirect("accounts:department_list")
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("New department"),
            "cancel_url": reverse("accounts:department_list"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@_http_errors
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manage_people(request.user)
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise NotFound()
    if request.method == "POST":
        form = DepartmentForm(request.POST, department=department)
        if form.is_valid():
            try:
                services.department_update(
                    actor=request.user, department=department, data=form.data_for_service()
                )
            except FacadeOpsError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("accounts:department_list")
    else:
        form = DepartmentForm(initial=DepartmentForm.initial_for(department), department=department)
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("Edit department %(name)s") % {"name": department},
            "cancel_url": reverse("accounts:department_list"),
        },
        status=422 if form.errors else 200,
    )
