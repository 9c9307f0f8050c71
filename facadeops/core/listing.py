"""One list machine for every list page (X-9.4): filter, search, sort, paginate, export.

A list view declares columns, search fields, sortable columns and an optional django-filter
FilterSet; ``get_base_queryset`` applies the user's scope (from the app's selectors). The
same filtered, sorted queryset feeds the page and the Excel export, so what you export is
what you see. Query count per page is constant (select/prefetch in ``get_base_queryset``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views import View

EXPORT_MAX_ROWS = 100_000
# Lists count their rows up to this many; past it the page says "more than N" (a count of a
# million matching rows would read them all). Override with settings.LIST_COUNT_CAP.
DEFAULT_COUNT_CAP = 10_000


def count_cap() -> int:
    return int(getattr(settings, "LIST_COUNT_CAP", DEFAULT_COUNT_CAP))


def capped_count(rows: Any, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): the number of rows, reading at most ``cap`` + 1 of them; when
    ``capped`` is true there are more than ``count``. ``rows`` is a queryset or an object
    with its own ``capped_count(cap)`` (e.g. a two-segment ordering)."""
    cap = count_cap() if cap is None else cap
    own = getattr(rows, "capped_count", None)
    if callable(own):
        return own(cap)
    qs = rows if isinstance(rows, QuerySet) else None
    n = qs.order_by().values("pk")[: cap + 1].count() if qs is not None else len(rows)
    return (cap, True) if n > cap else (n, False)


class CappedPaginator(Paginator):
    """A Paginator whose count stops at the cap (pages past it are not offered)."""

    def __init__(self, object_list: Any, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.count_capped = False
        self._cap = cap

    @cached_property
    def count(self) -> int:
        n, self.count_capped = capped_count(self.object_list, self._cap)
        return n


@dataclass(frozen=True)
class Column:
    name: str
    label: Any
    sort: str | None = None  # ORM path to sort by; None = not sortable
    link: bool = False  # render as a link to the row's get_absolute_url()
    value: Callable[[Any], Any] | None = None  # custom accessor
    export: bool = True
    badge: bool = False

    def get(self, obj: Any) -> Any:
        if self.value is not None:
            return self.value(obj)
        current = obj
        for part in self.name.split("__"):
            if current is None:
                return None
            display = getattr(current, f"get_{part}_display", None)
            current = display() if callable(display) else getattr(current, part, None)
        return current


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, dt.date | int | float):
        return value
    if isinstance(value, Model):
        return str(value)
    if hasattr(value, "all"):
        return "、".join(str(v) for v in value.all())
    return str(value)


class RecordListView(LoginRequiredMixin, View):
    model: type[Model]
    title: Any = ""
    columns: list[Column] = []
    search_fields: list[str] = []
    filterset_class: Any = None
    default_sort = "-created_at"
    template_name = "core/list.html"
    partial_template_name = "core/_list_table.html"
    create_url_name: str | None = None
    page_size: int | None = None

    # -- hooks ---------------------------------------------------------------------------
    def get_base_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def can_create(self) -> bool:
        if not self.create_url_name:
            return False
        opts = self.model._meta
        return bool(self.request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}"))

    # -- machinery -----------------------------------------------------------------------
    def sort_map(self) -> dict[str, str]:
        return {c.name: c.sort for c in self.columns if c.sort}

    def filtered_queryset(self, request: HttpRequest) -> tuple[QuerySet[Any], Any, str, str]:
        qs = self.get_base_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET, queryset=qs, request=request)
            qs = filterset.qs if filterset.is_valid() else qs.none()
        q = request.GET.get("q", "").strip()[:100]
        if q and self.search_fields:
            cond = Q()
            for f in self.search_fields:
                cond |= Q(**{f"{f}__icontains": q})
            qs = qs.filter(cond)
        sort = request.GET.get("sort", "") or self.default_sort
        smap = self.sort_map()
        name = sort.lstrip("-")
        if name in smap:
            path = smap[name]
            qs = qs.order_by(f"-{path}" if sort.startswith("-") else path, "-pk")
        else:
            sort = self.default_sort
            qs = qs.order_by(self.default_sort, "-pk")
        return qs, filterset, q, sort

    def page_source(self, qs: QuerySet[Any], sort: str) -> Any:
        """What the paginator slices: the queryset, or an object with the same ``[a:b]``
        and ``capped_count(cap)`` (e.g. an index-friendly two-segment ordering)."""
        return qs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        qs, filterset, q, sort = self.filtered_queryset(request)
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx(qs)
        paginator = CappedPaginator(
            self.page_source(qs, sort), self.page_size or settings.LIST_PAGE_SIZE
        )
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            page = paginator.page(
                1 if not str(request.GET.get("page", "")).isdigit() else paginator.num_pages
            )
        rows = [
            {"object": obj, "cells": [(c, c.get(obj)) for c in self.columns]}
            for obj in page.object_list
        ]
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        base_params = params.copy()
        base_params.pop("sort", None)
        context = {
            "title": self.title,
            "columns": self.columns,
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "filterset": filterset,
            "q": q,
            "sort": sort,
            "querystring": params.urlencode(),
            "sort_querystring": base_params.urlencode(),
            "export_url": f"?{urlencode({**params.dict(), 'export': 'xlsx'})}",
            "create_url_name": self.create_url_name if self.can_create() else None,
            "searchable": bool(self.search_fields),
        }
        context.update(self.extra_context())
        template = (
            self.partial_template_name
            if request.headers.get("HX-Request")
            and request.headers.get("HX-Target") == "list-results"
            else self.template_name
        )
        return render(request, template, context)

    def extra_context(self) -> dict[str, Any]:
        return {}

    def export_xlsx(self, qs: QuerySet[Any]) -> HttpResponse:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=str(self.title)[:31] or "export")
        cols = [c for c in self.columns if c.export]
        ws.append([str(c.label) for c in cols])
        for obj in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
            ws.append([_cell(c.get(obj)) for c in cols])
        buf = io.BytesIO()
        wb.save(buf)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{slugify(str(self.model._meta.model_name))}-{stamp}.xlsx"
        response = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
