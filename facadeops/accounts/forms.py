"""HTML forms of the People pages. Validation of substance lives in the services; these
only parse input, and ``apply_errors`` shows a service's errors on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.core.roles import Role

from .models import Certificate, CertificateType, Department, Employee, EmployeeStatus, Skill, User

STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.CUSTOMER]


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class _ModelFieldsForm(forms.Form):
    """A plain form whose fields are generated from model fields (labels, widgets)."""

    model: Any = None
    model_fields: list[str] = []
    widgets: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.model_fields, widgets=self.widgets)
        declared = dict(self.fields)
        self.fields = {**generated, **declared}
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select | forms.TextInput | forms.Textarea):
                f.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(f.widget, forms.Select) else "form-control"
                )
            elif isinstance(f.widget, forms.DateInput | forms.EmailInput | forms.PasswordInput):
                f.widget.attrs.setdefault("class", "form-control")


class EmployeeCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Used to sign in. Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    employee_no = forms.CharField(
        label=_("Employee number"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    hire_date = forms.DateField(
        label=_("Hire date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        help_text=_("Leave empty to create the login without a password (set it later)."),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=STAFF_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A person may hold several roles."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class EmployeeEditForm(forms.Form):
    version = VersionField()
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    employee_no = forms.CharField(
        label=_("Employee number"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    hire_date = forms.DateField(
        label=_("Hire date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_for(cls, employee: Employee) -> dict[str, Any]:
        return {
            "version": employee.version,
            "full_name": employee.user.full_name,
            "email": employee.user.email,
            "employee_no": employee.employee_no,
            "department": employee.department_id,
            "position": employee.position,
            "phone": employee.phone,
            "hire_date": employee.hire_date,
            "skills": [s.pk for s in employee.skills.all()],
        }


class RoleForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A person may hold several roles and gets the permissions of all of them."),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.customer_id is None:
            self.fields["roles"].choices = STAFF_ROLE_CHOICES  # type: ignore[attr-defined]


class CertificateForm(_ModelFieldsForm):
    model = Certificate
    model_fields = ["type", "number", "issued_by", "valid_from", "valid_to", "notes"]
    widgets = {
        "valid_from": forms.DateInput(attrs={"type": "date"}),
        "valid_to": forms.DateInput(attrs={"type": "date"}),
        "notes": forms.Textarea(attrs={"rows": 2}),
    }

    def __init__(self, *args: Any, with_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["type"]
        type_field.queryset = CertificateType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if with_version:
            self.fields["version"] = VersionField()

    @classmethod
    def initial_for(cls, cert: Certificate) -> dict[str, Any]:
        return {
            "version": cert.version,
            "type": cert.type_id,
            "number": cert.number,
            "issued_by": cert.issued_by,
            "valid_from": cert.valid_from,
            "valid_to": cert.valid_to,
            "notes": cert.notes,
        }

    def data_for_service(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.model_fields}


class DepartmentForm(_ModelFieldsForm):
    model = Department
    model_fields = ["code", "name", "head", "parent", "is_active"]

    def __init__(self, *args: Any, department: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        head = self.fields["head"]
        head.queryset = User.objects.filter(is_active=True, customer__isnull=True)  # type: ignore[attr-defined]
        parent = self.fields["parent"]
        if department is not None:
            parent.queryset = Department.objects.exclude(pk=department.pk)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, d: Department) -> dict[str, Any]:
        return {
            "code": d.code,
            "name": d.name,
            "head": d.head_id,
            "parent": d.parent_id,
            "is_active": d.is_active,
        }

    def data_for_service(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.model_fields}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “ERP integration”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Optional. The token stops working at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if not day:
            return None
        end = dt.datetime.combine(day, dt.time(23, 59, 59))
        return timezone.make_aware(end)


class EmployeeFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.all(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=EmployeeStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=STAFF_ROLE_CHOICES,
        method="filter_role",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = Employee
        fields = ["department", "status"]

    def filter_role(self, queryset: Any, name: str, value: str) -> Any:
        if not value:
            return queryset
        return queryset.filter(user__groups__name=value)
