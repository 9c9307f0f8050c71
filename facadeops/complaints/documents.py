"""The complaint file as one PDF (REG-4.4.1): the complaint, every round side by side —
team, arrival against the deadline, evidence photos, findings and root cause, every
handling-plan version with its reviews and measures, the result and the customer's verdict
— and everything the customer was told. Rendered with the service documents' WeasyPrint
setup (Chinese, CJK font embedded, no URL fetched)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from facadeops.core.attachments import attachments_of
from facadeops.core.models import Attachment
from facadeops.service.documents import DOCUMENT_LANGUAGE, data_uri, mime_of, render_pdf

from .models import Complaint, Round
from .selectors import with_file

MAX_PHOTOS_PER_ROUND = 12


def _photos(r: Round) -> list[dict[str, Any]]:
    out = []
    for att in attachments_of(r).filter(kind=Attachment.Kind.IMAGE)[:MAX_PHOTOS_PER_ROUND]:
        image = att.thumbnail or att.file
        uri = data_uri(image, mime_of(image.name or ""))
        if uri:
            out.append({"uri": uri, "caption": att.caption or att.original_name})
    return out


def complaint_file_context(c: Complaint) -> dict[str, Any]:
    c = with_file(Complaint.objects.all()).get(pk=c.pk)
    rounds = [{"r": r, "photos": _photos(r)} for r in c.rounds.all()]
    return {
        "c": c,
        "wo": {"number": c.number},  # the page header of the shared PDF base
        "rounds": rounds,
        "updates": list(c.updates.all()),
        "work_orders": list(c.work_orders.all()),
        "printed_at": timezone.localtime(),
    }


def render_complaint_file_pdf(c: Complaint) -> bytes:
    """投诉档案 (REG-4.4.1): the whole file of the complaint in one PDF."""
    return render_pdf("complaints/pdf/file.html", complaint_file_context(c))


def complaint_file_text(c: Complaint) -> str:
    """The file's text for the archive's Chinese full-text search (what the PDF shows)."""
    with translation.override(DOCUMENT_LANGUAGE):
        ctx = complaint_file_context(c)
        c = ctx["c"]
        parts: list[Any] = [
            c.number,
            c.subject,
            c.description,
            c.location,
            c.get_category_display(),
            str(c.severity),
            c.get_channel_display(),
            c.customer.name,
            c.project.name,
            c.contact_name,
            c.contact_phone,
        ]
        for item in ctx["rounds"]:
            r = item["r"]
            parts += [r.reason, r.findings, r.root_cause, *r.whys, r.result, r.verdict_reason]
            parts += [str(x) for x in (r.cause_category, r.responsible_department) if x]
            people = [r.leader, r.responsible_person, *[m.user for m in r.members.all()]]
            parts += [p.get_full_name() or p.get_username() for p in people if p is not None]
            for plan in r.plans.all():
                parts += [plan.summary, plan.comment]
                parts += [m.description for m in plan.measures.all()]
        parts += [u.text for u in ctx["updates"]]
        parts += [wo.number for wo in ctx["work_orders"]]
    return "\n".join(str(p) for p in parts if p)
