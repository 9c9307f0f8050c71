"""The archive search filters (REG-2.5.2: by project, customer, date and type)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from facadeops.customers.models import Customer, Project
from facadeops.customers.selectors import customer_list, project_list

from .models import ArchiveEntry, RecordType


def _customers(request: Any) -> Any:
    return customer_list(user=request.user) if request else Customer.objects.none()


def _projects(request: Any) -> Any:
    if request is None:
        return Project.objects.none()
    return project_list(user=request.user).prefetch_related(None).order_by("name")


class ArchiveEntryFilter(django_filters.FilterSet):
    record_type = django_filters.ModelChoiceFilter(
        label=_("record type"), queryset=RecordType.objects.order_by("code")
    )
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=_customers)
    project = django_filters.ModelChoiceFilter(label=_("project"), queryset=_projects)
    date_from = django_filters.DateFilter(
        label=_("from"),
        field_name="record_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("to"),
        field_name="record_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ArchiveEntry
        fields = ["record_type", "customer", "project", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = (
                "form-control form-control-sm"
                if name.startswith("date")
                else "form-select form-select-sm"
            )
            field.widget.attrs.setdefault("class", css)
