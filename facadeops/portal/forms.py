from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from facadeops.core.choices import Urgency
from facadeops.customers.models import Customer

W = {"class": "form-control"}
S = {"class": "form-select"}


class PortalRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            ("repair", _("Repair request")),
            ("maintenance", _("Maintenance request")),
            ("inquiry", _("Inquiry")),
        ],
        widget=forms.Select(attrs=S),
    )
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Project"), queryset=None, required=False, widget=forms.Select(attrs=S)
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial="normal", widget=forms.Select(attrs=S)
    )
    location = forms.CharField(
        label=_("Where on the building"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=W),
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={**W, "rows": 4})
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class AcceptanceForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("I accept the work")), ("reject", _("I do not accept the work"))],
        widget=forms.RadioSelect,
    )
    signer_name = forms.CharField(
        label=_("Name of the person signing"), max_length=100, widget=forms.TextInput(attrs=W)
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (if not accepted)"),
        required=False,
        widget=forms.Textarea(attrs={**W, "rows": 3}),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**W, "rows": 3}),
    )


class ComplaintForm(forms.Form):
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Project"), queryset=None, required=False, widget=forms.Select(attrs=S)
    )
    work_order: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Work order"), queryset=None, required=False, widget=forms.Select(attrs=S)
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, widget=forms.TextInput(attrs=W))
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={**W, "rows": 4})
    )

    def __init__(self, *args: Any, projects: Any, work_orders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        self.fields["work_order"].queryset = work_orders  # type: ignore[attr-defined]


class ComplaintVerdictForm(forms.Form):
    """REG-4.3.3: accept the result, or reject it with the reason."""

    verdict = forms.ChoiceField(
        label=_("Are you satisfied with the result?"),
        choices=[("accept", _("Yes, I accept the result")), ("reject", _("No, handle it again"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Comment (required when you are not satisfied)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={**W, "rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell us what is still wrong, so we can handle it again."))
        return data


class InvitationAcceptForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs=W)
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs=W))


class InvitationForm(forms.Form):
    customer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Customer"), queryset=None, widget=forms.Select(attrs=S)
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs=W))
    full_name = forms.CharField(
        label=_("Name"), max_length=100, required=False, widget=forms.TextInput(attrs=W)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:

        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
