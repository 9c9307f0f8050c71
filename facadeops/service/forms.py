"""HTML forms of the service process (REG-2). They only parse input; the services validate,
check permissions and write."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.accounts.selectors import users_with_valid_height_certificate
from facadeops.core.choices import Urgency
from facadeops.core.forms import StyledForm, style
from facadeops.core.roles import Role
from facadeops.core.widgets import FastCheckboxSelectMultiple, FastSelect
from facadeops.customers.models import Contact, Customer, Project
from facadeops.materials.models import Material

from .models import (
    OPEN_STATES,
    AccessMethod,
    Channel,
    DefectType,
    Difficulty,
    Nature,
    QualityCheckKind,
    RequestKind,
    RequestStatus,
    Severity,
    WOStatus,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _dt_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}, format=DATETIME_FORMAT
    )


def _f(form: forms.BaseForm, name: str) -> Any:
    return form.fields[name]


def users_with_role(role: str) -> Any:
    return (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


def _staff(request: Any) -> Any:
    return (
        get_user_model()
        .objects.filter(groups__name__in=[Role.TECHNICIAN, Role.SERVICE_STAFF, Role.SERVICE_HEAD])
        .distinct()
        .order_by("full_name", "username")
    )


def _person(u: Any) -> str:
    return str(u.get_full_name() or u.username)


# The columns a person's label needs (``_person``: full name, else first + last, else
# the username — User.get_full_name).
_NAME_FIELDS = ("pk", "username", "full_name", "first_name", "last_name")


def _show_people(
    form: forms.BaseForm,
    groups: tuple[tuple[str, ...], ...],
    marked: set[int] | None = None,
    mark: Any = "",
) -> None:
    """An unbound form (shown on a work order's page) lists its people from one read of
    the name columns per group of fields with the same queryset (lead and members share
    one), ``_person`` labels (`` · mark`` after the ``marked`` ones). Choices are only what
    is shown: a submitted (bound) form is left alone and validates against the field's
    queryset. With hundreds of staff this was half of the page (docs/benchmarks.md,
    ``wo_detail``)."""
    if form.is_bound:
        return
    for names in groups:
        rows = [
            (pk, full or f"{first} {last}".strip() or username)
            for pk, username, full, first, last in _f(form, names[0]).queryset.values_list(
                *_NAME_FIELDS
            )
        ]
        if marked:
            suffix = f" · {mark}"
            rows = [(pk, f"{n}{suffix}" if pk in marked else n) for pk, n in rows]
        for name in names:
            field = _f(form, name)
            blank = [("", field.empty_label)] if field.empty_label is not None else []
            # Already normalised (value, label) pairs: set as ChoiceField's setter would
            # without normalising ~1,000 pairs again (same rendering: test_people_choices).
            field._choices = field.widget.choices = [*blank, *rows]


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


# -- requests (REG-2.1.2) -------------------------------------------------------------------------
class RequestForm(StyledForm):
    """The hotline quick entry: all REG-2.1.2 fields."""

    caller_phone = forms.CharField(label=_("caller phone"), max_length=40, required=False)
    caller_name = forms.CharField(label=_("caller name"), max_length=100)
    caller_email = forms.EmailField(label=_("caller e-mail"), required=False)
    customer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("customer"), queryset=None, required=False
    )
    contact: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("contact"), queryset=None, required=False
    )
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("project"), queryset=None, required=False
    )
    customer_text = forms.CharField(label=_("customer (as told)"), max_length=200, required=False)
    project_text = forms.CharField(label=_("project (as told)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("type"), choices=RequestKind.choices)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices, initial="hotline")
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial="normal")
    location = forms.CharField(label=_("location on the building"), max_length=200, required=False)
    description = forms.CharField(
        label=_("problem description"), widget=forms.Textarea(attrs={"rows": 4})
    )
    reported_at = forms.DateTimeField(
        label=_("report time"), widget=_dt_widget(), input_formats=[DATETIME_FORMAT]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        _f(self, "customer").queryset = Customer.objects.filter(is_active=True).order_by("name")
        _f(self, "contact").queryset = Contact.objects.select_related("customer").order_by("name")
        _f(self, "contact").label_from_instance = lambda c: f"{c.name} · {c.customer}"
        _f(self, "project").queryset = Project.objects.select_related("customer").order_by("name")
        _f(self, "project").label_from_instance = lambda p: f"{p.name} · {p.customer}"
        if not self.is_bound and "reported_at" not in self.initial:
            self.initial["reported_at"] = timezone.localtime().strftime(DATETIME_FORMAT)
        self.fields["caller_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "off", "autofocus": True}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer, project, contact = data.get("customer"), data.get("project"), data.get("contact")
        if customer and project and project.customer_id != customer.pk:
            self.add_error("project", _("This project belongs to another customer."))
        if customer and contact and contact.customer_id != customer.pk:
            self.add_error("contact", _("This contact belongs to another customer."))
        if project and not customer:
            data["customer"] = project.customer
        return data


class RequestEditForm(RequestForm):
    version = VersionField()


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=_("answer given to the customer"), widget=forms.Textarea(attrs={"rows": 3})
    )
    close = forms.BooleanField(label=_("close the inquiry"), required=False, initial=True)


class NoteForm(StyledForm):
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


# -- work order ---------------------------------------------------------------------------------
class WorkOrderCreateForm(StyledForm):
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("project"), queryset=None)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("problem description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    nature = forms.ChoiceField(label=_("nature"), choices=Nature.choices)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial="normal")
    exterior_work = forms.BooleanField(label=_("exterior work"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        _f(self, "project").queryset = Project.objects.select_related("customer").order_by("name")
        _f(self, "project").label_from_instance = lambda p: f"{p.name} · {p.customer}"


class TriageForm(StyledForm):
    """REG-2.2.1: nature, urgency and the technician; the on-site deadline follows DOM-4."""

    nature = forms.ChoiceField(label=_("nature"), choices=Nature.choices)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    technician: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("technician"), queryset=None, widget=FastSelect
    )
    exterior_work = forms.BooleanField(label=_("exterior work"), required=False)
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _f(self, "technician").queryset = users_with_role(Role.TECHNICIAN)
        _f(self, "technician").label_from_instance = _person


class CheckInForm(StyledForm):
    latitude = forms.DecimalField(
        label=_("latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )


class AssessmentForm(StyledForm):
    situation = forms.CharField(
        label=_("actual situation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    difficulty = forms.ChoiceField(label=_("repair difficulty"), choices=Difficulty.choices)


class DefectForm(StyledForm):
    """DOM-3 catalogue picker; severity defaults to the catalogue's."""

    defect_type: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("defect"), queryset=None
    )
    severity = forms.ChoiceField(
        label=_("severity"),
        choices=[("", _("as in the catalogue")), *Severity.choices],
        required=False,
    )
    location = forms.CharField(
        label=_("location (elevation, floor, axis)"), max_length=200, required=False
    )
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, initial=1)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _f(self, "defect_type").queryset = DefectType.objects.filter(is_active=True)
        _f(self, "defect_type").label_from_instance = lambda d: (
            f"{d.code} {d.name} ({d.default_severity})"
        )


class PlanForm(StyledForm):
    """REG-2.2.2 plan version with its material lines (``material_<i>``/``quantity_<i>``/
    ``note_<i>`` rows, as many as the editor sends)."""

    content = forms.CharField(label=_("work content"), widget=forms.Textarea(attrs={"rows": 4}))
    tools = forms.CharField(
        label=_("tools and equipment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    schedule_start = forms.DateTimeField(
        label=_("planned start"),
        widget=_dt_widget(),
        input_formats=[DATETIME_FORMAT],
        required=False,
    )
    schedule_end = forms.DateTimeField(
        label=_("planned end"),
        widget=_dt_widget(),
        input_formats=[DATETIME_FORMAT],
        required=False,
    )
    safety_measures = forms.CharField(
        label=_("safety measures"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    access_method = forms.ChoiceField(label=_("access method"), choices=AccessMethod.choices)
    certified_staff_only = forms.BooleanField(
        label=_("only certified staff (持证上岗)"), required=False
    )
    safety_briefing_signed = forms.BooleanField(
        label=_("safety briefing (安全技术交底) signed"), required=False
    )
    change_reason = forms.CharField(
        label=_("reason for the change (new problem found)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    MAX_LINES = 30

    def __init__(self, *args: Any, is_change: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_change = is_change
        if not is_change:
            del self.fields["change_reason"]
        self.line_errors: list[str] = []
        self.material_lines: list[tuple[Any, Any, str]] = []

    def raw_lines(self) -> list[dict[str, str]]:
        """The material rows as posted (or as initial), for the editor to show again."""
        if not self.is_bound:
            return list(self.initial.get("lines", []))
        rows = []
        for i in range(self.MAX_LINES):
            m = self.data.get(f"material_{i}", "")
            q = self.data.get(f"quantity_{i}", "")
            n = self.data.get(f"note_{i}", "")
            if m or q or n:
                rows.append({"material": m, "quantity": q, "note": n})
        return rows

    def clean(self) -> dict[str, Any]:
        from decimal import Decimal, InvalidOperation

        data = super().clean() or {}
        rows = self.raw_lines()
        ids = [r["material"] for r in rows if str(r["material"]).isdigit()]
        materials = {str(m.pk): m for m in Material.objects.filter(pk__in=ids, is_active=True)}
        lines = []
        for n, row in enumerate(rows, start=1):
            material = materials.get(str(row["material"]))
            if material is None:
                self.add_error(None, _("Material line %(n)s: choose a material.") % {"n": n})
                continue
            try:
                qty = Decimal(str(row["quantity"]).strip())
            except (InvalidOperation, ValueError):
                qty = Decimal(0)
            exponent = qty.as_tuple().exponent
            too_fine = not isinstance(exponent, int) or exponent < -2
            if not qty.is_finite() or qty <= 0 or too_fine or qty >= 10**8:
                self.add_error(
                    None,
                    _("Material line %(n)s: enter a quantity above 0 (at most 2 decimals).")
                    % {"n": n},
                )
                continue
            lines.append((material, qty, str(row["note"])[:200]))
        self.material_lines = lines
        return data


class AssignForm(StyledForm):
    """REG-2.2.3 / X-6.5: lead, members, requirements, deadline."""

    lead: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("lead (service staff)"), queryset=None, widget=FastSelect
    )
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("team members"),
        queryset=None,
        required=False,
        widget=FastCheckboxSelectMultiple,
    )
    requirements = forms.CharField(
        label=_("task requirements"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateTimeField(
        label=_("deadline"), widget=_dt_widget(), input_formats=[DATETIME_FORMAT]
    )
    version = VersionField()

    def __init__(self, *args: Any, certified: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        staff = users_with_role(Role.SERVICE_STAFF)
        if certified is None:
            certified = users_with_valid_height_certificate(staff)
        self.certified = certified
        mark = _("✓ work-at-height certificate")

        def label(u: Any) -> str:
            return f"{_person(u)} · {mark}" if u.pk in certified else _person(u)

        for name in ("lead", "members"):
            _f(self, name).queryset = staff
            _f(self, name).label_from_instance = label
        _show_people(self, (("lead", "members"),), certified, mark)


class ReassignForm(StyledForm):
    technician: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("technician"), queryset=None, required=False, widget=FastSelect
    )
    lead: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("lead (service staff)"), queryset=None, required=False, widget=FastSelect
    )
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("team members"),
        queryset=None,
        required=False,
        widget=FastCheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _f(self, "technician").queryset = users_with_role(Role.TECHNICIAN)
        for name in ("lead", "members"):
            _f(self, name).queryset = users_with_role(Role.SERVICE_STAFF)
        for name in ("technician", "lead", "members"):
            _f(self, name).label_from_instance = _person
        _show_people(self, (("technician",), ("lead", "members")))


class _MaterialMixin(StyledForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        _f(self, "material").queryset = Material.objects.filter(is_active=True).order_by("code")
        _f(self, "material").label_from_instance = lambda m: f"{m.code} {m.name}"


class MaterialDrawForm(_MaterialMixin):
    material: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("material"), queryset=None, widget=FastSelect
    )
    quantity = forms.DecimalField(
        label=_("quantity"), min_value=0.01, max_digits=10, decimal_places=2
    )
    tools = forms.CharField(
        label=_("tools drawn"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProgressForm(StyledForm):
    text = forms.CharField(label=_("progress note"), widget=forms.Textarea(attrs={"rows": 2}))
    percent_done = forms.IntegerField(
        label=_("percent done"), min_value=0, max_value=100, required=False
    )


class PartReplacementForm(_MaterialMixin):
    old_part = forms.CharField(label=_("old part removed"), max_length=200)
    material: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("new part"), queryset=None, widget=FastSelect
    )
    quantity = forms.DecimalField(
        label=_("quantity"), min_value=0.01, max_digits=10, decimal_places=2
    )
    batch = forms.CharField(label=_("batch / spec"), max_length=100)
    location = forms.CharField(label=_("location"), max_length=200, required=False)


class QualityCheckForm(StyledForm):
    kind = forms.ChoiceField(label=_("kind"), choices=QualityCheckKind.choices)
    follows_plan = forms.BooleanField(label=_("work follows the plan"), required=False)
    materials_correct = forms.BooleanField(label=_("materials used correctly"), required=False)
    result_meets_standard = forms.BooleanField(
        label=_("result meets the standards"), required=False
    )
    documents_complete = forms.BooleanField(label=_("documents complete"), required=False)
    passed = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("passed")), ("0", _("failed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    rectification = forms.CharField(
        label=_("what must be rectified"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds:
            _f(self, "kind").choices = [c for c in QualityCheckKind.choices if c[0] in kinds]
            self.initial.setdefault("kind", kinds[0])


class RectificationDoneForm(StyledForm):
    rectification = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RectificationVerifyForm(StyledForm):
    rectification = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("re-check result"),
        choices=[("1", _("passed")), ("0", _("failed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CompletionForm(StyledForm):
    site_cleaned = forms.BooleanField(label=_("site cleaned"), required=False)
    facade_restored = forms.BooleanField(label=_("facade restored"), required=False)
    cordon_removed = forms.BooleanField(label=_("cordon and signs removed"), required=False)
    version = VersionField()


class SignatureField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2_000_000)
        super().__init__(**kwargs)


class AcceptanceForm(StyledForm):
    """REG-2.4.1: the customer signs on the phone — or rejects with a reason."""

    accepted = forms.TypedChoiceField(
        label=_("customer decision"),
        choices=[("1", _("accepted")), ("0", _("rejected"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    signer_name = forms.CharField(label=_("signed by"), max_length=100)
    reason = forms.CharField(
        label=_("reason for rejection"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    signature_data_url = SignatureField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accepted") is True and not data.get("signature_data_url"):
            self.add_error(None, _("The customer must sign on the signature pad."))
        if data.get("accepted") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Record the customer's reason for rejecting."))
        return data


class RecordSignForm(StyledForm):
    """REG-2.5.1: the service record, signed by the staff member."""

    content = forms.CharField(label=_("service content"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(
        label=_("repair / maintenance result"), widget=forms.Textarea(attrs={"rows": 2})
    )
    signature_data_url = SignatureField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("signature_data_url"):
            self.add_error(None, _("Sign the service record on the signature pad."))
        return data


class WorkOrderFilter(django_filters.FilterSet):
    """Filters of the work-order list: state, urgency, project, customer, assignee."""

    status = django_filters.MultipleChoiceFilter(
        label=_("status"), choices=WOStatus.choices, widget=forms.SelectMultiple
    )
    urgency = django_filters.ChoiceFilter(label=_("urgency"), choices=Urgency.choices)
    # Typed, not picked: a drop-down would render every project and customer of the
    # company on every list page (5,000 projects at scale). An id (links) or a fragment
    # of the code or name.
    project = django_filters.CharFilter(
        label=_("project"),
        method="filter_project",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    customer = django_filters.CharFilter(
        label=_("customer"),
        method="filter_customer",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("assignee"), queryset=_staff, method="filter_assignee"
    )
    open_only = django_filters.BooleanFilter(
        label=_("open only"), method="filter_open", widget=forms.CheckboxInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self.form)
        for name in ("status",):
            self.form.fields[name].widget.attrs.update({"class": "form-select", "size": 3})

    def filter_assignee(self, qs: Any, name: str, value: Any) -> Any:
        if not value:
            return qs
        return qs.filter(
            Q(technician=value) | Q(lead=value) | Q(members=value) | Q(service_head=value)
        ).distinct()

    def filter_open(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(status__in=OPEN_STATES) if value else qs

    @staticmethod
    def _by_id_code_or_name(qs: Any, rel: str, value: str) -> Any:
        term = (value or "").strip()[:100]
        if not term:
            return qs
        if term.isdigit() and len(term) < 18:
            return qs.filter(**{f"{rel}_id": int(term)})
        return qs.filter(
            Q(**{f"{rel}__code__iexact": term}) | Q(**{f"{rel}__name__icontains": term})
        )

    def filter_project(self, qs: Any, name: str, value: Any) -> Any:
        return self._by_id_code_or_name(qs, "project", value)

    def filter_customer(self, qs: Any, name: str, value: Any) -> Any:
        return self._by_id_code_or_name(qs, "customer", value)


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RequestStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("type"), choices=RequestKind.choices)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    urgency = django_filters.ChoiceFilter(label=_("urgency"), choices=Urgency.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self.form)
