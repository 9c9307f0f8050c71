"""django-filter FilterSets for the list pages (X-9.4)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from facadeops.core.roles import Role

from .models import ContractStatus, Customer, FacadeSystem, Project, ServiceContract, UseType
from .selectors import customer_list


def _customers(request: Any) -> Any:
    if request is None:
        return Customer.objects.none()
    return customer_list(user=request.user)


def _project_managers(request: Any) -> Any:
    return get_user_model().objects.filter(groups__name=Role.PROJECT_MANAGER).distinct()


def _small_select(filterset: django_filters.FilterSet) -> None:
    for field in filterset.form.fields.values():
        field.widget.attrs.setdefault("class", "form-select form-select-sm")


class CustomerFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(label=_("city"), lookup_expr="icontains")
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Customer
        fields = ["city", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["city"].widget.attrs["class"] = "form-control form-control-sm"
        self.form.fields["is_active"].widget.attrs["class"] = "form-select form-select-sm"


class ProjectFilter(django_filters.FilterSet):
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=_customers)
    city = django_filters.CharFilter(label=_("city"), lookup_expr="icontains")
    facade_system = django_filters.ModelChoiceFilter(
        label=_("facade system"),
        field_name="facade_systems",
        queryset=FacadeSystem.objects.all(),
        distinct=True,
    )
    project_manager = django_filters.ModelChoiceFilter(
        label=_("project manager"), queryset=_project_managers
    )
    use_type = django_filters.ChoiceFilter(label=_("use"), choices=UseType.choices)

    class Meta:
        model = Project
        fields = ["customer", "city", "facade_system", "project_manager", "use_type"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small_select(self)
        self.form.fields["city"].widget.attrs["class"] = "form-control form-control-sm"


class ContractFilter(django_filters.FilterSet):
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=_customers)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ContractStatus.choices)
    project = django_filters.ModelChoiceFilter(
        label=_("project"),
        field_name="projects",
        queryset=lambda request: Project.objects.filter(customer__in=_customers(request)),
        distinct=True,
    )

    class Meta:
        model = ServiceContract
        fields = ["customer", "status", "project"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small_select(self)
