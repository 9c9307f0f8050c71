"""Filters of the complaint list (X-9.4): state, category, severity, channel, project."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from facadeops.core.forms import style
from facadeops.service.models import Channel

from .models import Category, ComplaintStatus, Severity


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ComplaintStatus.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)
    severity = django_filters.ModelChoiceFilter(
        label=_("severity"),
        queryset=Severity.objects.filter(active=True),
        to_field_name="code",
        field_name="severity",
    )
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    # Typed, not picked (as on the work-order list): an id, the code or part of the name.
    project = django_filters.CharFilter(
        label=_("project"),
        method="filter_project",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self.form)

    def filter_project(self, qs: Any, name: str, value: Any) -> Any:
        term = (value or "").strip()[:100]
        if not term:
            return qs
        if term.isdigit() and len(term) < 18:
            return qs.filter(project_id=int(term))
        return qs.filter(Q(project__code__iexact=term) | Q(project__name__icontains=term))
