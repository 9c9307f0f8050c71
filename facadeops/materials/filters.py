from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Material, MaterialCategory


class MaterialFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=MaterialCategory.objects.order_by("code"),
        method="filter_category",
        empty_label=_("All"),
    )
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Material
        fields = ["category", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.form.fields.values():
            f.widget.attrs.setdefault("class", "form-select form-select-sm")

    def filter_category(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(category=value) | Q(category__parent=value))
