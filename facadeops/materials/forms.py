from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Material, MaterialCategory


class MaterialForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Material
        fields = ["code", "name", "spec_model", "unit", "category", "brand", "is_active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3, "colclass": "col-12"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["category"]
        ).queryset = MaterialCategory.objects.order_by("code")
        self.fields["spec_model"].help_text = _("e.g. 6+12A+6 Low-E, M10×80, DC-type 300 ml")
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif name != "version":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_unique(self) -> None:
        """Uniqueness is checked by the service (one message path for UI and API)."""


class CategoryForm(forms.ModelForm):
    class Meta:
        model = MaterialCategory
        fields = ["code", "name", "parent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["parent"]
        ).queryset = MaterialCategory.objects.order_by("code")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("colclass", "col-12 col-md-4")

    def validate_unique(self) -> None:
        """Checked by the service."""
