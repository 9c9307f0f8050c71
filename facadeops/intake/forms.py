from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "class": "form-control"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class WebRequestForm(forms.Form):
    KIND_CHOICES = [
        ("repair", _("Report a problem")),
        ("maintenance", _("Ask for maintenance")),
        ("inquiry", _("Ask a question")),
    ]
    kind = forms.ChoiceField(
        label=_("What can we do for you?"),
        choices=KIND_CHOICES,
        initial="repair",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(label=_("Your name"), max_length=100, widget=_text())
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, widget=_text())
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
    company = forms.CharField(
        label=_("Company / property manager"), max_length=200, required=False, widget=_text()
    )
    project_text = forms.CharField(
        label=_("Building or project"),
        max_length=200,
        required=False,
        widget=_text(),
        help_text=_("In your own words, e.g. the building's name and address."),
    )
    location = forms.CharField(
        label=_("Where on the building"), max_length=200, required=False, widget=_text()
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("phone") or data.get("email")) and "email" not in self.errors:
            self.add_error("phone", _("Give a phone number or an e-mail address so we can reply."))
        return data
