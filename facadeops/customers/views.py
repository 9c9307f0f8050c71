"""HTML pages — thin: parse with a form, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from facadeops.core.errors import Conflict, FacadeOpsError, Forbidden, NotFound
from facadeops.core.listing import Column, RecordListView
from facadeops.core.web import apply_error, domain_errors
from facadeops.core.workflow import available_transitions

from . import permissions, selectors, services
from .filters import ContractFilter, CustomerFilter, ProjectFilter
from .forms import (
    ContactForm,
    ContractForm,
    CustomerForm,
    FacadeSystemForm,
    GlassTypeForm,
    ImportForm,
    ProjectForm,
    ServiceLevelDefaultForm,
    ServiceLevelsForm,
)
from .importer import COLUMNS, IMPORT_MAX_BYTES, XLSX_CONTENT_TYPE, import_ledger, template_workbook
from .models import (
    Customer,
    FacadeSystem,
    GlassType,
    Project,
    ServiceContract,
    ServiceLevelDefault,
)

View = Callable[..., HttpResponse]


def _conflict_message(form: Any) -> None:
    form.add_error(None, str(Conflict.default_message))


def _save(form: Any, call: Callable[[], Any]) -> Any:
    """Run a service with the form's data; put every error back on the form."""
    try:
        return call()
    except Forbidden:
        raise
    except Conflict:
        _conflict_message(form)
    except FacadeOpsError as exc:
        apply_error(form, exc)
    return None


def _form_page(request: HttpRequest, form: Any, title: Any, cancel_url: str, **extra: Any) -> Any:
    return render(
        request,
        "customers/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, **extra},
    )


# -- customers ----------------------------------------------------------------------------------
class CustomerListView(RecordListView):
    model = Customer
    title = gettext_lazy("Customers")
    columns = [
        Column("code", gettext_lazy("customer number"), sort="code", link=True),
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("city", gettext_lazy("city"), sort="city"),
        Column("phone", gettext_lazy("phone")),
        Column("project_count", gettext_lazy("projects"), sort="project_count"),
        Column("is_active", gettext_lazy("active"), sort="is_active"),
    ]
    search_fields = ["name", "short_name", "code", "city", "address"]
    filterset_class = CustomerFilter
    default_sort = "name"
    create_url_name = "customers:customer_create"
    template_name = "customers/customer_list.html"

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.customer_list(user=self.request.user).annotate(
            project_count=Count("projects", distinct=True)
        )

    def extra_context(self) -> dict[str, Any]:
        return {"can_import": permissions.can_import(self.request.user)}


@domain_errors
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=pk)
    user = request.user
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "title": customer.name,
            "contacts": list(customer.contacts.all()),
            "projects": list(customer.projects.select_related("project_manager")),
            "contracts": list(customer.contracts.all()),
            "can_edit": permissions.can(user, "change", "customer"),
            "can_add_contact": permissions.can(user, "add", "contact"),
            "can_edit_contact": permissions.can(user, "change", "contact"),
            "can_add_project": permissions.can(user, "add", "project"),
            "can_add_contract": permissions.can(user, "add", "servicecontract"),
        },
    )


@domain_errors
def customer_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "add", "customer")
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(form, lambda: services.customer_create(actor=request.user, data=data))
        if obj is not None:
            messages.success(request, _("Customer %(name)s created.") % {"name": obj})
            return redirect(obj)
    return _form_page(request, form, _("New customer"), reverse("customers:customer_list"))


@domain_errors
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=pk)
    permissions.require(request.user, "change", "customer")
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form,
            lambda: services.customer_update(
                actor=request.user, customer=customer, data=data, version=data.get("version")
            ),
        )
        if obj is not None:
            messages.success(request, _("Changes saved."))
            return redirect(obj)
    return _form_page(
        request,
        form,
        _("Edit customer %(name)s") % {"name": customer},
        customer.get_absolute_url(),
    )


@domain_errors
def contact_create(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, pk=customer_pk)
    permissions.require(request.user, "add", "contact")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form,
            lambda: services.contact_create(actor=request.user, customer=customer, data=data),
        )
        if obj is not None:
            messages.success(request, _("Contact %(name)s added.") % {"name": obj})
            return redirect(customer)
    return _form_page(
        request,
        form,
        _("New contact of %(customer)s") % {"customer": customer},
        customer.get_absolute_url(),
    )


@domain_errors
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, pk=pk)
    permissions.require(request.user, "change", "contact")
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form, lambda: services.contact_update(actor=request.user, contact=contact, data=data)
        )
        if obj is not None:
            messages.success(request, _("Changes saved."))
            return redirect(contact.customer)
    return _form_page(
        request,
        form,
        _("Edit contact %(name)s") % {"name": contact},
        contact.customer.get_absolute_url(),
    )


# -- projects ------------------------------------------------------------------------------------
class ProjectListView(RecordListView):
    model = Project
    title = gettext_lazy("Projects")
    columns = [
        Column("code", gettext_lazy("project number"), sort="code", link=True),
        Column("name", gettext_lazy("project name"), sort="name", link=True),
        Column("customer", gettext_lazy("customer"), sort="customer__name"),
        Column("city", gettext_lazy("city"), sort="city"),
        Column("district", gettext_lazy("district")),
        Column("building_height_m", gettext_lazy("building height (m)"), sort="building_height_m"),
        Column("facade_area_m2", gettext_lazy("facade area (m²)"), sort="facade_area_m2"),
        Column("facade_systems", gettext_lazy("facade systems")),
        Column(
            "completion_date", gettext_lazy("completion acceptance date"), sort="completion_date"
        ),
        Column("warranty_end", gettext_lazy("warranty end"), sort="warranty_end"),
        Column(
            "project_manager",
            gettext_lazy("project manager"),
            sort="project_manager__full_name",
        ),
    ]
    search_fields = ["name", "code", "address", "city", "district", "customer__name"]
    filterset_class = ProjectFilter
    default_sort = "name"
    create_url_name = "customers:project_create"
    template_name = "customers/project_list.html"

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.project_list(user=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {
            "can_import": permissions.can_import(self.request.user),
            "can_catalogues": permissions.can_manage_catalogues(self.request.user),
        }


@domain_errors
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    contracts = selectors.contracts_of_project(project=project)
    for c in contracts:
        c.levels = selectors.sorted_levels(c.service_levels.all())  # type: ignore[attr-defined]
    return render(
        request,
        "customers/project_detail.html",
        {
            "project": project,
            "title": project.name,
            "contracts": contracts,
            "can_edit": permissions.can(request.user, "change", "project"),
        },
    )


def _project_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": data,
        "facade_systems": list(data.get("facade_systems") or []),
        "glass_types": list(data.get("glass_types") or []),
    }


@domain_errors
def project_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "add", "project")
    initial = {}
    if request.GET.get("customer"):
        initial["customer"] = request.GET.get("customer")
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form, lambda: services.project_create(actor=request.user, **_project_kwargs(data))
        )
        if obj is not None:
            messages.success(request, _("Project %(name)s created.") % {"name": obj})
            return redirect(obj)
    return _form_page(request, form, _("New project"), reverse("customers:project_list"))


@domain_errors
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    permissions.require(request.user, "change", "project")
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form,
            lambda: services.project_update(
                actor=request.user,
                project=project,
                version=data.get("version"),
                **_project_kwargs(data),
            ),
        )
        if obj is not None:
            messages.success(request, _("Changes saved."))
            return redirect(obj)
    return _form_page(
        request,
        form,
        _("Edit project %(name)s") % {"name": project},
        project.get_absolute_url(),
    )


# -- contracts -----------------------------------------------------------------------------------
class ContractListView(RecordListView):
    model = ServiceContract
    title = gettext_lazy("Service contracts")
    columns = [
        Column("number", gettext_lazy("contract number"), sort="number", link=True),
        Column("title", gettext_lazy("contract title"), sort="title", link=True),
        Column("customer", gettext_lazy("customer"), sort="customer__name"),
        Column("projects", gettext_lazy("projects covered")),
        Column("start_date", gettext_lazy("start date"), sort="start_date"),
        Column("end_date", gettext_lazy("end date"), sort="end_date"),
        Column("status", gettext_lazy("status"), sort="status", badge=True),
    ]
    search_fields = ["number", "title", "customer__name"]
    filterset_class = ContractFilter
    default_sort = "-start_date"
    create_url_name = "customers:contract_create"

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.contract_list(user=self.request.user)


def _contract_page(
    request: HttpRequest, contract: Any, levels_form: Any = None, status: int = 200
) -> HttpResponse:
    levels = selectors.sorted_levels(contract.service_levels.all())
    can_change = permissions.can(request.user, "change", "servicecontract")
    if levels_form is None and can_change and not contract.is_closed:
        levels_form = ServiceLevelsForm(levels=levels, initial={"version": contract.version})
    return render(
        request,
        "customers/contract_detail.html",
        {
            "contract": contract,
            "title": str(contract),
            "levels": levels,
            "levels_form": levels_form,
            "can_edit": can_change and not contract.is_closed,
            "has_transitions": bool(available_transitions(contract, request.user)),
        },
        status=status,
    )


@domain_errors
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _contract_page(request, selectors.contract_get(user=request.user, pk=pk))


@domain_errors
def contract_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "add", "servicecontract")
    initial = {}
    if request.GET.get("customer"):
        initial["customer"] = request.GET.get("customer")
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form,
            lambda: services.contract_create(
                actor=request.user,
                customer=data["customer"],
                data=data,
                projects=list(data.get("projects") or []),
            ),
        )
        if obj is not None:
            messages.success(request, _("Contract %(number)s created.") % {"number": obj.number})
            return redirect(obj)
    return _form_page(request, form, _("New service contract"), reverse("customers:contract_list"))


@domain_errors
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, pk=pk)
    permissions.require(request.user, "change", "servicecontract")
    form = ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form,
            lambda: services.contract_update(
                actor=request.user,
                contract=contract,
                data=data,
                version=data.get("version"),
                projects=list(data.get("projects") or []),
            ),
        )
        if obj is not None:
            messages.success(request, _("Changes saved."))
            return redirect(obj)
    return _form_page(
        request,
        form,
        _("Edit contract %(number)s") % {"number": contract.number},
        contract.get_absolute_url(),
    )


@require_POST
@domain_errors
def contract_levels(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, pk=pk)
    permissions.require(request.user, "change", "servicecontract")
    form = ServiceLevelsForm(request.POST, levels=list(contract.service_levels.all()))
    if form.is_valid():
        result = _save(
            form,
            lambda: services.contract_set_service_levels(
                actor=request.user,
                contract=contract,
                levels=form.levels(),
                version=form.cleaned_data["version"],
            ),
        )
        if result is not None:
            messages.success(request, _("Service levels saved."))
            return redirect(contract)
    return _contract_page(request, contract, levels_form=form, status=422)


@require_POST
@domain_errors
def contract_transition(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, pk=pk)
    name = request.POST.get("transition", "")
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else None
    try:
        services.contract_transition(
            actor=request.user,
            contract=contract,
            name=name,
            note=request.POST.get("note", ""),
            version=version,
        )
    except NotFound as exc:
        messages.error(request, str(exc.message))
    except FacadeOpsError as exc:
        reasons = getattr(exc, "reasons", None) or [str(exc.message)]
        for reason in reasons:
            messages.error(request, reason)
    else:
        messages.success(
            request,
            _("Contract %(number)s is now “%(status)s”.")
            % {"number": contract.number, "status": contract.get_status_display()},
        )
    return redirect(contract)


# -- import ---------------------------------------------------------------------------------------
@domain_errors
def ledger_import(request: HttpRequest) -> HttpResponse:
    """X-1.4: upload the project ledger; row-by-row error report; all or nothing."""
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]

        data = upload.read(IMPORT_MAX_BYTES + 1)
        try:
            result = import_ledger(actor=request.user, data=data)
        except FacadeOpsError as exc:
            form.add_error("file", str(exc.message))
            status = 422
        else:
            if result.ok:
                messages.success(request, _("The ledger was imported."))
            else:
                status = 422
    elif request.method == "POST":
        status = 422

    return render(
        request,
        "customers/import.html",
        {
            "form": form,
            "result": result,
            "columns": COLUMNS,
            "title": _("Import the project ledger"),
        },
        status=status,
    )


@domain_errors
def ledger_template(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="project-ledger-template.xlsx"'
    return response


# -- catalogues -----------------------------------------------------------------------------------
class _CatalogueList(RecordListView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_catalogues(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def can_create(self) -> bool:
        return bool(self.create_url_name)


class FacadeSystemListView(_CatalogueList):
    model = FacadeSystem
    title = gettext_lazy("Facade systems")
    columns = [
        Column("code", gettext_lazy("code"), sort="code", link=True),
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("category", gettext_lazy("category"), sort="category"),
        Column("is_active", gettext_lazy("active"), sort="is_active"),
    ]
    search_fields = ["code", "name"]
    default_sort = "name"
    create_url_name = "customers:facadesystem_create"

    def get_base_queryset(self) -> QuerySet[Any]:
        return FacadeSystem.objects.all()


class GlassTypeListView(_CatalogueList):
    model = GlassType
    title = gettext_lazy("Glass types")
    columns = [
        Column("code", gettext_lazy("code"), sort="code", link=True),
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("is_active", gettext_lazy("active"), sort="is_active"),
    ]
    search_fields = ["code", "name"]
    default_sort = "name"
    create_url_name = "customers:glasstype_create"

    def get_base_queryset(self) -> QuerySet[Any]:
        return GlassType.objects.all()


class ServiceLevelDefaultListView(_CatalogueList):
    model = ServiceLevelDefault
    title = gettext_lazy("Default service levels")
    columns = [
        Column("urgency", gettext_lazy("urgency"), sort="urgency", link=True),
        Column("respond_within_hours", gettext_lazy("respond within (hours)")),
        Column("on_site_within_hours", gettext_lazy("on site within (hours)")),
        Column("complete_within_hours", gettext_lazy("complete within (hours)")),
        Column("clock", gettext_lazy("clock")),
        Column("source", gettext_lazy("source")),
    ]
    default_sort = "urgency"
    create_url_name = None

    def get_base_queryset(self) -> QuerySet[Any]:
        return ServiceLevelDefault.objects.all()


def _catalogue_form(
    request: HttpRequest, form_class: Any, model: Any, list_url: str, pk: int | None
) -> HttpResponse:
    permissions.require_catalogues(request.user)
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obj = _save(
            form,
            lambda: services.catalogue_save(
                actor=request.user, model=model, data=data, instance=instance
            ),
        )
        if obj is not None:
            messages.success(request, _("Changes saved."))
            return redirect(list_url)
    title = str(instance) if instance else _("New entry")
    return _form_page(request, form, title, list_url)


@domain_errors
def facadesystem_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _catalogue_form(
        request, FacadeSystemForm, FacadeSystem, reverse("customers:facadesystem_list"), pk
    )


@domain_errors
def glasstype_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _catalogue_form(
        request, GlassTypeForm, GlassType, reverse("customers:glasstype_list"), pk
    )


@domain_errors
def sldefault_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _catalogue_form(
        request,
        ServiceLevelDefaultForm,
        ServiceLevelDefault,
        reverse("customers:sldefault_list"),
        pk,
    )
