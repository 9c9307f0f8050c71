"""Service documents as PDF (X-9.4, REG-2.4, REG-2.5): the service report (服务报告), the
internal acceptance report (内部验收报告) and the dossier of all documents of a work order.

Rendered with WeasyPrint from the Django templates in ``service/pdf/``, always in Chinese
(the customer's documents), with Noto Sans CJK SC resolved through fontconfig and embedded
(subset) in the PDF. Images (photos, signatures) are inlined as ``data:`` URIs read from
the storage; the URL fetcher allows nothing but ``data:``, so a document can never make
the server fetch a URL or read a local file.

Speed (issue 7, ``pdf_report_ms``): the font configuration (a Pango font map over
fontconfig) is made once per thread and reused, so the CJK faces are looked up and opened
once per worker, not per document; WeasyPrint subsets the embedded faces to the glyphs used
(≈ 130 KB per face instead of the 19 MB collection). Photos are the stored thumbnails.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from facadeops.archive.selectors import entry_for_source
from facadeops.archive.services import WORK_ORDER_DOSSIER
from facadeops.core.attachments import attachments_of
from facadeops.core.models import Attachment

from .models import (
    CustomerAcceptance,
    Plan,
    PlanMaterial,
    QualityCheck,
    QualityCheckKind,
    ServiceRecord,
    WorkLog,
    WorkOrder,
)

DOCUMENT_LANGUAGE = "zh-hans"
CJK_FONT_FAMILY = "Noto Sans CJK SC"
MAX_PHOTOS = 24


def data_uri(fieldfile: Any, mime: str = "image/png") -> str:
    """The stored image as a ``data:`` URI ('' if there is none or it cannot be read)."""
    if not fieldfile or not getattr(fieldfile, "name", ""):
        return ""
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as fh:
            raw = fh.read()
    except OSError:
        return ""
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def mime_of(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "webp": "image/webp",
        "gif": "image/gif",
    }.get(ext, "image/png")


def _photos(work_order: WorkOrder) -> list[dict[str, Any]]:
    """Thumbnails of the photos on the work order (and on its request)."""
    targets: list[Any] = [work_order]
    if work_order.request_id:
        targets.append(work_order.request)
    photos: list[dict[str, Any]] = []
    for target in targets:
        for att in attachments_of(target).filter(kind=Attachment.Kind.IMAGE)[:MAX_PHOTOS]:
            image = att.thumbnail or att.file
            uri = data_uri(image, mime_of(image.name or ""))
            if uri:
                photos.append({"uri": uri, "caption": att.caption, "uploaded_at": att.uploaded_at})
    return photos[:MAX_PHOTOS]


def _load(work_order: WorkOrder) -> WorkOrder:
    """The work order with everything the documents show, in a fixed number of queries."""
    return (
        WorkOrder.objects.select_related(
            "customer",
            "project",
            "request",
            "service_head",
            "technician",
            "project_manager",
            "lead",
            "assessment__technician",
            "service_record__signed_by",
            "service_record__reviewed_by",
        )
        .prefetch_related(
            "members",
            "defects__defect_type",
            Prefetch(
                "plans",
                queryset=Plan.objects.select_related(
                    "written_by", "tech_reviewed_by", "approved_by"
                )
                .prefetch_related(
                    Prefetch(
                        "materials",
                        queryset=PlanMaterial.objects.select_related("material").order_by("id"),
                    )
                )
                .order_by("version_no"),
            ),
            "draws__material",
            "draws__drawn_by",
            "replacements__material",
            "replacements__recorded_by",
            Prefetch(
                "quality_checks",
                queryset=QualityCheck.objects.select_related("inspector").order_by(
                    "created_at", "id"
                ),
            ),
            "rectifications__ordered_by",
            Prefetch(
                "acceptances",
                queryset=CustomerAcceptance.objects.select_related("recorded_by").order_by(
                    "-created_at", "-id"
                ),
            ),
            Prefetch(
                "logs",
                queryset=WorkLog.objects.select_related("author").order_by("created_at", "id"),
            ),
        )
        .get(pk=work_order.pk)
    )


def _one_to_one(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:  # RelatedObjectDoesNotExist
        return None


def work_order_document_context(work_order: WorkOrder) -> dict[str, Any]:
    """Everything the service report and the dossier show about a work order."""
    wo = _load(work_order)
    plans = list(wo.plans.all())
    approved = [p for p in plans if p.outcome == "approved"]
    current_plan = approved[-1] if approved else (plans[-1] if plans else None)
    checks = list(wo.quality_checks.all())
    internal = [c for c in checks if c.kind == QualityCheckKind.INTERNAL_ACCEPTANCE]
    acceptances = list(wo.acceptances.all())
    accepted = next((a for a in acceptances if a.accepted), None)
    record: ServiceRecord | None = _one_to_one(wo, "service_record")
    return {
        "wo": wo,
        "customer": wo.customer,
        "project": wo.project,
        "assessment": _one_to_one(wo, "assessment"),
        "defects": list(wo.defects.all()),
        "plans": plans,
        "plan": current_plan,
        "draws": list(wo.draws.all()),
        "replacements": list(wo.replacements.all()),
        "quality_checks": checks,
        "internal_acceptance": internal[-1] if internal else None,
        "rectifications": list(wo.rectifications.all()),
        "acceptances": acceptances,
        "acceptance": accepted or (acceptances[0] if acceptances else None),
        "acceptance_signature": data_uri(accepted.signature) if accepted else "",
        "record": record,
        "record_signature": data_uri(record.staff_signature) if record else "",
        "members": list(wo.members.all()),
        "logs": list(wo.logs.all()),
        "photos": _photos(wo),
        "font_family": CJK_FONT_FAMILY,
        "printed_at": timezone.localtime(),
    }


_local = threading.local()


def _font_config() -> Any:
    """This thread's WeasyPrint font configuration (Pango font maps are not thread-safe;
    the documents declare no ``@font-face``, so one configuration serves them all)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a ``service/pdf/`` template to PDF bytes in the document language."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(
            template,
            {
                "font_family": CJK_FONT_FAMILY,
                "company_name": settings.FACADEOPS_COMPANY_NAME,
                **context,
            },
        )
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf = HTML(string=html, url_fetcher=fetcher, base_url="data:,").write_pdf(
        font_config=_font_config()
    )
    return bytes(pdf or b"")


def render_service_report_pdf(work_order: WorkOrder) -> bytes:
    """服务报告: customer, project, work order, findings, plan, materials, replacements,
    quality, internal acceptance, photos, customer acceptance and service record with
    their signatures (REG-2.4.1, REG-2.5.1)."""
    return render_pdf("service/pdf/service_report.html", work_order_document_context(work_order))


def render_internal_acceptance_pdf(quality_check: QualityCheck) -> bytes:
    """内部验收报告 of one internal-acceptance check (REG-2.4.2)."""
    context = work_order_document_context(quality_check.work_order)
    context["check"] = QualityCheck.objects.select_related("inspector").get(pk=quality_check.pk)
    return render_pdf("service/pdf/internal_acceptance.html", context)


def render_dossier_pdf(work_order: WorkOrder) -> bytes:
    """工单档案: every document of a work order in one PDF — the service report, every
    internal acceptance report, every plan version, the work log (REG-2.5.2)."""
    return render_pdf("service/pdf/dossier.html", work_order_document_context(work_order))


def dossier_text(work_order: WorkOrder) -> str:
    """The text of the dossier for full-text search (the same data the PDF shows)."""
    ctx = work_order_document_context(work_order)
    wo = ctx["wo"]
    parts: list[Any] = [
        wo.number,
        wo.title,
        wo.description,
        wo.get_nature_display(),
        wo.get_urgency_display(),
        ctx["customer"].name,
        getattr(ctx["customer"], "short_name", ""),
        ctx["project"].name,
        getattr(ctx["project"], "address", ""),
        getattr(ctx["project"], "city", ""),
    ]
    if wo.request_id:
        parts += [wo.request.number, wo.request.description, wo.request.location]
    people = [wo.service_head, wo.technician, wo.project_manager, wo.lead, *ctx["members"]]
    parts += [p.get_full_name() or p.get_username() for p in people if p is not None]
    if ctx["assessment"]:
        parts.append(ctx["assessment"].situation)
    for d in ctx["defects"]:
        parts += [d.defect_type.code, d.defect_type.name, d.location, d.notes]
    for p in ctx["plans"]:
        parts += [p.content, p.tools, p.safety_measures, p.change_reason, p.review_comment]
        parts += [f"{m.material} {m.note}" for m in p.materials.all()]
    parts += [f"{r.old_part} {r.material} {r.batch} {r.location}" for r in ctx["replacements"]]
    parts += [f"{c.report_number} {c.findings}" for c in ctx["quality_checks"]]
    parts += [r.description for r in ctx["rectifications"]]
    parts += [f"{a.signer_name} {a.reason}" for a in ctx["acceptances"]]
    if ctx["record"]:
        rec = ctx["record"]
        parts += [rec.place, rec.customer_name, rec.content, rec.result, rec.materials_text]
    parts += [log.text for log in ctx["logs"]]
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def archived_dossier(work_order: WorkOrder) -> bytes | None:
    """The dossier stored in the archive for this work order (None if not archived)."""
    entry = entry_for_source(work_order, record_type_code=WORK_ORDER_DOSSIER)
    if entry is None or not entry.dossier:
        return None
    with entry.dossier.open("rb") as fh:
        return bytes(fh.read())
