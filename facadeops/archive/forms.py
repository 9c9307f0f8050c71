from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RecordType


class DisposeForm(forms.Form):
    note = forms.CharField(
        label=_("Reason and reference of the approval"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class RecordTypeForm(forms.ModelForm):
    class Meta:
        model = RecordType
        fields = ["name", "retention_years", "description", "is_active"]
