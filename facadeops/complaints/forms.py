"""HTML forms of the complaints chapter (REG-4). They only parse input; the services
validate, check permissions and write (their messages come back at the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.accounts.models import Department, User
from facadeops.core.forms import StyledForm
from facadeops.core.roles import STAFF_ROLES, Role
from facadeops.core.widgets import FastSelect
from facadeops.customers.models import Contact
from facadeops.customers.selectors import customer_list, project_list
from facadeops.service.models import Channel

from .models import Category, CauseCategory, Severity, TeamRole, UpdateKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
CHANNELS = [(v, label) for v, label in Channel.choices if v != Channel.PLAN]
MAX_ROWS = 20


def _dt_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}, format=DATETIME_FORMAT
    )


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _rows(n: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n, "colclass": "col-12"})


def staff() -> QuerySet[User]:
    """Active staff (a role other than customer), by name: teams, measures, responsible."""
    return (
        User.objects.filter(is_active=True, groups__name__in=sorted(STAFF_ROLES))
        .exclude(groups__name=Role.CUSTOMER)
        .distinct()
        .order_by("full_name", "username")
    )


def _person(u: Any) -> str:
    return str(u.get_full_name() or u.username)


def _fld(form: forms.BaseForm, name: str) -> Any:
    return form.fields[name]


class ErrorsField(forms.CharField):
    """A hidden slot named like a service's field key (``members``, ``measures``) so its
    messages land beside the rows they concern, not only on top of the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


# -- REG-4.1: intake ----------------------------------------------------------------------------
class ComplaintForm(StyledForm):
    """REG-4.1.2: customer (from the project), contact, project, category, severity,
    description, time, channel."""

    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("project"), queryset=None, widget=FastSelect
    )
    contact: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("contact"), queryset=None, required=False, widget=FastSelect
    )
    contact_name = forms.CharField(
        label=_("contact name"),
        max_length=100,
        required=False,
        help_text=_("Taken from the contact when left empty."),
    )
    contact_phone = forms.CharField(label=_("contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("contact e-mail"), required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=CHANNELS, initial=Channel.HOTLINE)
    received_at = forms.DateTimeField(
        label=_("received at"), widget=_dt_widget(), input_formats=[DATETIME_FORMAT]
    )
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    severity: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("severity"), queryset=None
    )
    subject = forms.CharField(label=_("subject"), max_length=200)
    description = forms.CharField(
        label=_("description of the complaint"), max_length=8000, widget=_rows(5)
    )
    location = forms.CharField(
        label=_("where on the facade"),
        max_length=200,
        required=False,
        help_text=_("elevation, floor, axis, panel…"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = _fld(self, "project")
        project.queryset = (
            project_list(user=user)
            .prefetch_related(None)
            .select_related(None)
            .select_related("customer")
            .order_by("name", "pk")
        )
        project.label_from_instance = lambda p: f"{p.name} · {p.customer}"
        contact = _fld(self, "contact")
        contact.queryset = (
            Contact.objects.filter(customer__in=customer_list(user=user))
            .select_related("customer")
            .order_by("name", "pk")
        )
        contact.label_from_instance = lambda c: f"{c.name} · {c.customer}"
        _fld(self, "severity").queryset = Severity.objects.filter(active=True)
        if not self.is_bound and "received_at" not in self.initial:
            self.initial["received_at"] = timezone.localtime().strftime(DATETIME_FORMAT)


# -- REG-4.2: investigation ---------------------------------------------------------------------
class TeamMemberRow(StyledForm):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("person"), queryset=None, required=False, widget=FastSelect
    )
    role = forms.ChoiceField(
        label=_("role in the team"),
        choices=[("", "---------"), *TeamRole.choices],
        required=False,
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _fld(self, "user").queryset = people if people is not None else staff()
        _fld(self, "user").label_from_instance = _person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("user") and not data.get("role"):
            self.add_error("role", _("Choose the person's role in the team."))
        if data.get("role") and not data.get("user"):
            self.add_error("user", _("Choose the person."))
        return data


TeamMemberFormSet = forms.formset_factory(
    TeamMemberRow, extra=2, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


class TeamForm(StyledForm):
    """REG-4.2.1: the leader and the members of the investigation team, each with a role."""

    leader: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("team leader"), queryset=None, widget=FastSelect
    )
    members = ErrorsField(label=_("team members"))

    def __init__(self, *args: Any, members_initial: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = staff()
        _fld(self, "leader").queryset = people
        _fld(self, "leader").label_from_instance = _person
        data = args[0] if args else kwargs.get("data")
        self.formset = TeamMemberFormSet(
            data, prefix="members", initial=members_initial, form_kwargs={"people": people}
        )

    def is_valid(self) -> bool:
        ok = super().is_valid()
        return self.formset.is_valid() and ok

    def member_rows(self) -> list[tuple[Any, str]]:
        return [
            (row.cleaned_data["user"], row.cleaned_data["role"])
            for row in self.formset
            if row.cleaned_data.get("user")
        ]


class ArrivalForm(StyledForm):
    at = forms.DateTimeField(
        label=_("arrived on site"),
        widget=_dt_widget(),
        input_formats=[DATETIME_FORMAT],
        required=False,
        help_text=_("Now when left empty."),
    )


class FindingsForm(StyledForm):
    """REG-4.2.2, 4.2.3: what the team found, the root cause and who is responsible."""

    findings = forms.CharField(label=_("what the team found"), widget=_rows(3), required=False)
    cause_category: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("cause category"), queryset=None, required=False
    )
    root_cause = forms.CharField(label=_("root cause"), widget=_rows(2), required=False)
    whys = forms.CharField(
        label=_("5 whys"),
        widget=_rows(3),
        required=False,
        help_text=_("One “why?” and its answer per line, at most five."),
    )
    responsible_department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("responsible department"), queryset=None, required=False
    )
    responsible_person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("responsible person"), queryset=None, required=False, widget=FastSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _fld(self, "cause_category").queryset = CauseCategory.objects.filter(active=True)
        _fld(self, "responsible_department").queryset = Department.objects.order_by("name")
        _fld(self, "responsible_person").queryset = staff()
        _fld(self, "responsible_person").label_from_instance = _person

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["whys"] = [line for line in (d.get("whys") or "").splitlines() if line.strip()]
        return d


# -- REG-4.3.1: the handling plan ---------------------------------------------------------------
class MeasureRow(StyledForm):
    description = forms.CharField(label=_("measure"), max_length=500, required=False)
    deadline = forms.DateField(label=_("deadline"), widget=_date_widget(), required=False)
    responsible: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("responsible"), queryset=None, required=False, widget=FastSelect
    )
    site_work = forms.BooleanField(label=_("needs work on the facade"), required=False)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _fld(self, "responsible").queryset = people if people is not None else staff()
        _fld(self, "responsible").label_from_instance = _person


MeasureFormSet = forms.formset_factory(MeasureRow, extra=2, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


class PlanForm(StyledForm):
    """REG-4.3.1: the handling plan — summary, expected completion and its measures (what,
    by when, who; whether it needs work on the facade)."""

    summary = forms.CharField(label=_("handling plan"), widget=_rows(4), required=False)
    expected_completion = forms.DateField(
        label=_("expected completion"), widget=_date_widget(), required=False
    )
    measures = ErrorsField(label=_("measures"))

    def __init__(self, *args: Any, measures_initial: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.formset = MeasureFormSet(
            data, prefix="measures", initial=measures_initial, form_kwargs={"people": staff()}
        )

    def is_valid(self) -> bool:
        ok = super().is_valid()
        return self.formset.is_valid() and ok

    def measure_rows(self) -> list[dict[str, Any]]:
        return [
            {k: row.cleaned_data.get(k) for k in ("description", "deadline", "responsible")}
            | {"site_work": bool(row.cleaned_data.get("site_work"))}
            for row in self.formset
            if any(row.cleaned_data.get(k) for k in MeasureRow.base_fields)
        ]


class MeasureForm(StyledForm):
    """One measure of the approved plan (done, or a work order for it)."""

    measure = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("how it was done"), max_length=500, required=False)


# -- REG-4.3.2, 4.3.3: the customer ---------------------------------------------------------------
class UpdateForm(StyledForm):
    """REG-4.3.2: what the customer is told about the progress (or a phone call with them)."""

    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (UpdateKind.PROGRESS, UpdateKind.PROGRESS.label),
            (UpdateKind.PHONE, UpdateKind.PHONE.label),
        ],
        initial=UpdateKind.PROGRESS,
    )
    text = forms.CharField(label=_("what the customer is told"), widget=_rows(3), required=False)
    expected_completion = forms.DateField(
        label=_("expected completion"), widget=_date_widget(), required=False
    )


class ResultForm(StyledForm):
    result = forms.CharField(
        label=_("result of the handling"),
        widget=_rows(3),
        required=False,
        help_text=_("What was done, as the customer will be told it."),
    )
