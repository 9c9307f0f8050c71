"""Catalogue pages: list (filter/search/sort/export), detail with history and attachments,
create/edit with version check, categories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.core.errors import FacadeOpsError, NotFound
from facadeops.core.listing import Column, RecordListView

from . import permissions, selectors, services
from .filters import MaterialFilter
from .forms import CategoryForm, MaterialForm
from .models import Material


def _apply_errors(form: forms.BaseForm, exc: FacadeOpsError) -> None:
    if not exc.fields:
        form.add_error(None, str(exc.message))
    for field, msgs in exc.fields.items():
        target = field if field in form.fields and field != "version" else None
        for m in msgs:
            form.add_error(target, m)


class MaterialListView(RecordListView):
    model = Material
    title = gettext_lazy("Material catalogue")
    columns = [
        Column("code", gettext_lazy("Material code"), sort="code", link=True),
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("spec_model", gettext_lazy("Specification / model"), sort="spec_model"),
        Column("unit", gettext_lazy("Unit")),
        Column("category", gettext_lazy("Category"), sort="category__code"),
        Column("brand", gettext_lazy("Brand"), sort="brand"),
        Column("is_active", gettext_lazy("Active"), sort="is_active"),
    ]
    search_fields = ["code", "name", "spec_model", "brand"]
    filterset_class = MaterialFilter
    default_sort = "code"
    create_url_name = "materials:material_create"
    template_name = "materials/material_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not permissions.can_view_catalogue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.material_list(user=self.request.user)

    def can_create(self) -> bool:
        return permissions.can_add_materials(self.request.user)


def _get_material(request: HttpRequest, pk: int) -> Material:
    try:
        return selectors.material_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@login_required
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = _get_material(request, pk)
    return render(
        request,
        "materials/material_detail.html",
        {
            "material": material,
            "title": str(material),
            "can_edit": permissions.can_edit_materials(request.user),
        },
    )


@login_required
def material_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_add_materials(request.user):
        raise PermissionDenied
    form = MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(actor=request.user, data=form.cleaned_data)
        except FacadeOpsError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Material %(name)s created.") % {"name": material})
            return redirect(material)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "materials/material_form.html",
        {"form": form, "title": _("New material")},
        status=status,
    )


@login_required
def material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    material = _get_material(request, pk)
    if not permissions.can_edit_materials(request.user):
        raise PermissionDenied
    form = MaterialForm(request.POST or None, instance=material)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.material_update(
                    actor=request.user,
                    material=Material.objects.get(pk=material.pk),
                    data=data,
                    version=form.cleaned_data.get("version"),
                )
            except FacadeOpsError as exc:
                _apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("materials:material_detail", pk=material.pk)
    return render(
        request,
        "materials/material_form.html",
        {"form": form, "title": _("Edit material"), "material": material},
        status=status,
    )


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_catalogue(request.user):
        raise PermissionDenied
    can_edit = permissions.can_edit_categories(request.user)
    form = CategoryForm(request.POST or None) if can_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            try:
                cat = services.category_create(actor=request.user, data=form.cleaned_data)
            except FacadeOpsError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Category %(name)s created.") % {"name": cat})
                return redirect("materials:category_list")
    return render(
        request,
        "materials/category_list.html",
        {
            "categories": selectors.category_list(user=request.user),
            "form": form,
            "title": _("Material categories"),
        },
        status=status,
    )
