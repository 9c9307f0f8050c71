"""Forms of the planning pages: parse and show errors; the services decide."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from facadeops.core.forms import StyledForm, StyledModelForm, style
from facadeops.core.roles import Role
from facadeops.service.models import DefectType

from .models import (
    AnnualPlan,
    ChecklistItem,
    Elevation,
    InspectionRule,
    ItemType,
    Orientation,
    PlanItem,
    PlanStatus,
    Rain,
)


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_users() -> Any:
    return (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True)
        .exclude(groups__name=Role.CUSTOMER)
        .order_by("full_name", "username")
    )


# -- DOM-1 rule table --------------------------------------------------------------------------
class RuleForm(StyledModelForm):
    class Meta:
        model = InspectionRule
        fields = [
            "name",
            "system_codes",
            "glass_only",
            "first_after_months",
            "every_months",
            "beyond_design_life_every_months",
            "event_due_days",
            "source",
            "exterior_work",
            "is_active",
        ]


# -- facade register ---------------------------------------------------------------------------
class ElevationForm(StyledForm):
    name = forms.CharField(label=_("elevation"), max_length=60)
    orientation = forms.ChoiceField(
        label=_("orientation"), choices=Orientation.choices, initial=Orientation.OTHER
    )
    axes = forms.IntegerField(label=_("axes"), min_value=1, max_value=200)
    floors = forms.IntegerField(label=_("floors"), min_value=1, max_value=200)


class PinForm(StyledForm):
    panel = forms.IntegerField(label=_("panel"), widget=forms.HiddenInput)
    defect_type: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("defect"), queryset=Elevation.objects.none()
    )
    severity = forms.ChoiceField(
        label=_("severity"),
        required=False,
        choices=[("", _("as in the catalogue")), ("S1", "S1"), ("S2", "S2"), ("S3", "S3")],
    )
    notes = forms.CharField(label=_("notes"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["defect_type"].queryset = DefectType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("code")


class InspectionForm(StyledForm):
    """DOM-1.7: the checklist, one pass/fail and note per active point."""

    rule = forms.ModelChoiceField(
        label=_("rule"),
        queryset=InspectionRule.objects.filter(is_active=True),
        required=False,
    )
    elevation = forms.ModelChoiceField(
        label=_("elevation"),
        queryset=Elevation.objects.none(),
        required=False,
    )
    zone = forms.CharField(label=_("zone"), max_length=100, required=False)
    performed_on = forms.DateField(label=_("performed on"), widget=_date())
    summary = forms.CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elevation"].queryset = project.elevations.all()  # type: ignore[attr-defined]
        self.items = list(ChecklistItem.objects.filter(is_active=True))
        for item in self.items:
            self.fields[f"ok_{item.code}"] = forms.ChoiceField(
                label=f"{item.code} {item.text}",
                choices=[("1", _("passed")), ("0", _("failed"))],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("note"), max_length=300, required=False
            )
        style(self)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(i, self[f"ok_{i.code}"], self[f"note_{i.code}"]) for i in self.items]

    def results(self) -> dict[str, tuple[bool, str]]:
        out = {}
        for item in self.items:
            answer = self.cleaned_data.get(f"ok_{item.code}")
            if answer in ("0", "1"):
                out[item.code] = (answer == "1", self.cleaned_data.get(f"note_{item.code}", ""))
        return out


# -- annual plan -------------------------------------------------------------------------------
class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("plan year"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=PlanStatus.choices)
    current = django_filters.BooleanFilter(field_name="is_current", label=_("current revision"))

    class Meta:
        model = AnnualPlan
        fields = ["year", "status", "current"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self.form)


class DraftForm(StyledForm):
    year = forms.IntegerField(label=_("plan year"), min_value=2000, max_value=2100)


class ItemForm(StyledModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PlanItem
        fields = ["item_type", "content", "window_start", "window_end", "responsible"]
        widgets = {
            "window_start": _date(),
            "window_end": _date(),
            "content": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_users()  # type: ignore[attr-defined]
        self.fields["item_type"].initial = ItemType.MAINTENANCE

    def _post_clean(self) -> None:  # the service validates against the plan
        pass


class ReviseForm(StyledForm):
    reason = forms.CharField(
        label=_("reason for the revision"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FeedbackForm(StyledForm):
    effect = forms.CharField(
        label=_("effect of the work"), widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("customer satisfaction (1–5)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
    )


# -- weather -----------------------------------------------------------------------------------
class ForecastForm(StyledForm):
    city = forms.CharField(label=_("city"), max_length=60)
    date = forms.DateField(label=_("date"), widget=_date())
    wind_ms = forms.DecimalField(
        label=_("wind (m/s)"), max_digits=5, decimal_places=1, min_value=0, required=False
    )
    beaufort = forms.IntegerField(
        label=_("wind force (Beaufort)"), min_value=0, max_value=17, required=False
    )
    rain = forms.ChoiceField(label=_("rain"), choices=Rain.choices, initial=Rain.NONE)
    snow = forms.BooleanField(label=_("snow"), required=False)
    fog = forms.BooleanField(label=_("fog"), required=False)
    temp_min = forms.DecimalField(
        label=_("lowest temperature (°C)"), max_digits=4, decimal_places=1, required=False
    )
    temp_max = forms.DecimalField(
        label=_("highest temperature (°C)"), max_digits=4, decimal_places=1, required=False
    )
