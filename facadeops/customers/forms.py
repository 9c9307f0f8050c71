"""HTML forms. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from facadeops.core.choices import ClockMode, Urgency
from facadeops.core.roles import Role

from .models import (
    Contact,
    Customer,
    FacadeSystem,
    GlassType,
    Project,
    ServiceContract,
    ServiceLevelDefault,
)

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _f(form: forms.BaseForm, name: str) -> Any:
    """A form field, typed loosely (ModelChoiceField attributes)."""
    return form.fields[name]


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        _style(self)

    def _post_clean(self) -> None:
        # Model validation happens in the service (one place, audited); skip it here so
        # the instance is not mutated before the service reads it.
        pass


class CustomerForm(VersionedForm):
    class Meta:
        model = Customer
        fields = ["name", "short_name", "city", "address", "phone", "email", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self) -> None:
        pass


def _users_with_role(role: str) -> Any:
    return get_user_model().objects.filter(groups__name=role, is_active=True).distinct()


class ProjectForm(VersionedForm):
    class Meta:
        model = Project
        fields = [
            "customer",
            "name",
            "province",
            "city",
            "district",
            "address",
            "use_type",
            "building_height_m",
            "floors_above",
            "floors_below",
            "facade_area_m2",
            "facade_systems",
            "glass_types",
            "completion_date",
            "warranty_end",
            "design_service_life_years",
            "project_manager",
            "service_head",
            "notes",
            "is_active",
        ]
        widgets = {
            "completion_date": DATE,
            "warranty_end": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "facade_systems": forms.CheckboxSelectMultiple,
            "glass_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _f(self, "facade_systems").queryset = FacadeSystem.objects.filter(is_active=True)
        _f(self, "glass_types").queryset = GlassType.objects.filter(is_active=True)
        _f(self, "project_manager").queryset = _users_with_role(Role.PROJECT_MANAGER)
        _f(self, "service_head").queryset = _users_with_role(Role.SERVICE_HEAD)
        for name in ("facade_systems", "glass_types"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class ContractForm(VersionedForm):
    class Meta:
        model = ServiceContract
        fields = [
            "customer",
            "title",
            "projects",
            "start_date",
            "end_date",
            "annual_fee",
            "scheduled_services",
            "notes",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "scheduled_services": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "projects": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _f(self, "projects").queryset = Project.objects.select_related("customer").order_by(
            "customer__name", "name"
        )
        _f(self, "projects").label_from_instance = lambda p: f"{p.customer} · {p.name}"
        if self.instance.pk:
            # The customer of an existing contract does not change.
            del self.fields["customer"]
            _f(self, "projects").queryset = self.instance.customer.projects.order_by("name")
            _f(self, "projects").label_from_instance = lambda p: p.name


class ServiceLevelsForm(forms.Form):
    """The contract's service-level table: one row of hour fields per urgency."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, levels: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {lv.urgency: lv for lv in (levels or [])}
        self.rows = []
        for urgency in Urgency:
            lv = current.get(urgency.value)
            row = []
            for name, label, field in (
                ("respond_within_hours", _("respond within (hours)"), forms.DecimalField),
                ("on_site_within_hours", _("on site within (hours)"), forms.DecimalField),
                ("complete_within_hours", _("complete within (hours)"), forms.DecimalField),
            ):
                key = f"{urgency.value}-{name}"
                self.fields[key] = field(
                    label=label,
                    required=name != "complete_within_hours",
                    min_value=0,
                    max_digits=7,
                    decimal_places=1,
                    initial=getattr(lv, name, None),
                    widget=forms.NumberInput(
                        attrs={"class": "form-control form-control-sm", "step": "0.5"}
                    ),
                )
                row.append(key)
            key = f"{urgency.value}-clock"
            self.fields[key] = forms.ChoiceField(
                label=_("clock"),
                choices=ClockMode.choices,
                initial=getattr(lv, "clock", ClockMode.AROUND_THE_CLOCK),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            row.append(key)
            self.rows.append((urgency, [self[k] for k in row]))

    def levels(self) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for key, value in self.cleaned_data.items():
            if "-" in key:
                urgency, field = key.split("-", 1)
                result.setdefault(urgency, {})[field] = value
        return result


class FacadeSystemForm(forms.ModelForm):
    class Meta:
        model = FacadeSystem
        fields = ["code", "name", "category", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self) -> None:
        pass


class GlassTypeForm(FacadeSystemForm):
    class Meta:
        model = GlassType
        fields = ["code", "name", "is_active"]


class ServiceLevelDefaultForm(FacadeSystemForm):
    class Meta:
        model = ServiceLevelDefault
        fields = [
            "respond_within_hours",
            "on_site_within_hours",
            "complete_within_hours",
            "clock",
            "source",
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
