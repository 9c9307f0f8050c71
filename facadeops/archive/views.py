"""Archive pages — thin: search (full text, project, customer, date, type), an entry with
its dossier, the disposal list and the retention periods."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from facadeops.core.errors import FacadeOpsError, Forbidden
from facadeops.core.listing import Column, RecordListView
from facadeops.core.web import domain_errors

from . import permissions, selectors, services
from .filters import ArchiveEntryFilter
from .forms import DisposeForm, RecordTypeForm
from .models import ArchiveEntry, RecordType


def _state(entry: ArchiveEntry) -> str:
    return str(_("disposed of")) if entry.disposed_at else ""


class ArchiveSearchView(RecordListView):
    """REG-2.5.2: the archive, found again by full text (Chinese included), project,
    customer, date and type; customers see only their own records."""

    model = ArchiveEntry
    title = gettext_lazy("Archive")
    columns = [
        Column("number", gettext_lazy("record number"), sort="number", link=True),
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("record_type", gettext_lazy("record type"), sort="record_type__code"),
        Column("classification", gettext_lazy("classification")),
        Column("customer", gettext_lazy("customer"), sort="customer__name"),
        Column("project", gettext_lazy("project"), sort="project__name"),
        Column("record_date", gettext_lazy("record date"), sort="record_date"),
        Column("retention_until", gettext_lazy("keep until"), sort="retention_until"),
        Column("disposed", gettext_lazy("disposal"), value=_state),
    ]
    search_fields: list[str] = []  # the search is selectors.search_condition (every term)
    filterset_class = ArchiveEntryFilter
    default_sort = "-record_date"
    template_name = "archive/entry_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not permissions.can_use_archive(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[Any]:
        qs = selectors.entry_list(user=self.request.user)
        q = self.request.GET.get("q", "").strip()[:200]
        return qs.filter(selectors.search_condition(q)) if q else qs

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "searchable": True,
            "can_view_disposal": permissions.can_view_disposal(user),
            "can_edit_retention": permissions.can_edit_retention(user),
        }


@domain_errors
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    return render(
        request,
        "archive/entry_detail.html",
        {
            "entry": entry,
            "form": DisposeForm(),
            "can_dispose": permissions.can_dispose(request.user)
            and entry.disposed_at is None
            and entry.past_retention(),
        },
    )


@domain_errors  # type: ignore[arg-type]  # a FileResponse (streaming) passes through as is
def entry_file(request: HttpRequest, pk: int) -> FileResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    if not entry.dossier:
        raise Http404(_("The dossier was disposed of."))
    response = FileResponse(
        entry.dossier.open("rb"), content_type="application/pdf", as_attachment=False
    )
    response["Content-Disposition"] = f'inline; filename="{entry.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@domain_errors
@require_POST
def entry_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    form = DisposeForm(request.POST)
    if form.is_valid():
        try:
            services.entry_dispose(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        except Forbidden:
            raise
        except FacadeOpsError as exc:
            messages.error(request, str(exc.message))
            for errs in exc.fields.values():
                for e in errs:
                    messages.error(request, str(e))
        else:
            messages.success(request, _("The disposal was recorded."))
            return redirect("archive:disposal_list")
    else:
        for field_errors in form.errors.values():
            for problem in field_errors:
                messages.error(request, str(problem))
    return redirect("archive:entry_detail", pk=entry.pk)


@domain_errors
def disposal_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.disposal_due(user=request.user)
    return render(
        request,
        "archive/disposal_list.html",
        {
            "entries": entries[:200],
            "count": entries.count(),
            "can_dispose": permissions.can_dispose(request.user),
            "form": DisposeForm(),
        },
    )


@domain_errors
def record_type_list(request: HttpRequest) -> HttpResponse:
    types = selectors.record_type_list(user=request.user)
    return render(
        request,
        "archive/record_type_list.html",
        {"types": types, "can_edit": permissions.can_edit_retention(request.user)},
    )


@domain_errors
def record_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_edit_retention(request.user):
        raise PermissionDenied
    try:
        record_type = RecordType.objects.get(pk=pk)
    except RecordType.DoesNotExist as exc:
        raise Http404 from exc
    form = RecordTypeForm(request.POST or None, instance=RecordType.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_type_update(
                actor=request.user, record_type=record_type, data=form.cleaned_data
            )
        except FacadeOpsError as exc:
            for field, errs in exc.fields.items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, e)
            if not exc.fields:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("archive:record_type_list")
    return render(
        request, "archive/record_type_form.html", {"form": form, "record_type": record_type}
    )
