"""The service documents as PDF downloads (X-9.4), for whoever may see the work order
(``selectors.work_order_get`` → 404 outside the user's scope; customers only their own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from facadeops.core.errors import NotFound

from . import documents, selectors
from .models import QualityCheck, QualityCheckKind, WorkOrder


def _work_order(request: HttpRequest, pk: int) -> WorkOrder:
    try:
        return selectors.work_order_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def workorder_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """服务报告 (REG-2.4.1, REG-2.5.1)."""
    wo = _work_order(request, pk)
    return _pdf(documents.render_service_report_pdf(wo), f"{wo.number}-service-report.pdf")


@login_required
def workorder_acceptance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """内部验收报告 of the work order's latest internal acceptance (REG-2.4.2); ``?check=``
    picks an earlier one."""
    wo = _work_order(request, pk)
    checks = QualityCheck.objects.filter(
        work_order=wo, kind=QualityCheckKind.INTERNAL_ACCEPTANCE
    ).order_by("-created_at", "-id")
    wanted: Any = request.GET.get("check")
    if wanted:
        if not str(wanted).isdigit():
            raise Http404(_("There is no such internal acceptance."))
        checks = checks.filter(pk=int(wanted))
    check = checks.first()
    if check is None:
        raise Http404(_("There is no internal acceptance for this work order yet."))
    name = f"{check.report_number or wo.number}-internal-acceptance.pdf"
    return _pdf(documents.render_internal_acceptance_pdf(check), name)


@login_required
def workorder_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """工单档案: every document of the work order in one PDF. Once archived, the stored
    (immutable) dossier is what is served."""
    wo = _work_order(request, pk)
    stored = documents.archived_dossier(wo)
    content = stored if stored is not None else documents.render_dossier_pdf(wo)
    return _pdf(content, f"{wo.number}-dossier.pdf")
