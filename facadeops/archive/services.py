"""Every write of the archive (REG-2.5.2): archive a record once, approve its disposal after
the retention period, edit the retention periods. Keyword-only, transactional, audited.

The archive is generic: it knows record types, not the domains whose records it keeps. A
domain files its records through ``archive_record`` (the service's work-order dossier:
``facadeops.service.services.archive_work_order``; later the complaint files, REG-4.4.1),
so the imports point from the domain apps to the archive, never back."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.audit.services import record, snapshot
from facadeops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from facadeops.core.services import update_record

from . import permissions
from .models import ArchiveEntry, RecordType

# The archive's language (classifications and full text are written in Chinese).
ARCHIVE_LANGUAGE = "zh-hans"
# The record type of a work order's dossier (seeded by migration 0002 with the others).
WORK_ORDER_DOSSIER = "work_order_dossier"


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _record_type(code: str) -> RecordType:
    try:
        return RecordType.objects.get(code=code)
    except RecordType.DoesNotExist as exc:
        raise InvalidInput(
            fields={"record_type": [_("The record type %(code)s does not exist.") % {"code": code}]}
        ) from exc


def archive_record(
    *,
    actor: Any,
    source: models.Model,
    record_type_code: str,
    title: str,
    number: str,
    record_date: dt.date,
    pdf: bytes,
    search_text: str,
    customer: Any = None,
    project: Any = None,
    classification: str = "",
    context: models.Model | None = None,
) -> ArchiveEntry:
    """Archive ``source`` once under its record type (idempotent: a second call returns the
    entry already written). Stores the PDF; the entry can never change afterwards."""
    record_type = _record_type(record_type_code)
    if not record_type.is_active:
        raise InvalidInput(fields={"record_type": [_("This record type is no longer in use.")]})
    if not pdf.startswith(b"%PDF"):
        raise InvalidInput(fields={"dossier": [_("The dossier is not a PDF document.")]})
    ct = ContentType.objects.get_for_model(source, for_concrete_model=False)
    with transaction.atomic():
        existing = ArchiveEntry.objects.filter(
            record_type=record_type, source_type=ct, source_id=str(source.pk)
        ).first()
        if existing is not None:
            return existing
        entry = ArchiveEntry(
            record_type=record_type,
            classification=classification[:100],
            title=title[:300],
            number=number[:40],
            customer=customer,
            project=project,
            record_date=record_date,
            archived_by=actor,
            archived_at=timezone.now(),
            retention_until=add_years(record_date, record_type.retention_years),
            dossier_sha256=hashlib.sha256(pdf).hexdigest(),
            search_text="\n".join([title, number, classification, record_type.name, search_text]),
            source_type=ct,
            source_id=str(source.pk),
        )
        entry.dossier.save(f"{number}.pdf", ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError as exc:
            entry.dossier.storage.delete(entry.dossier.name or "")
            raise Conflict(_("This record has already been archived.")) from exc
        except Exception:
            entry.dossier.storage.delete(entry.dossier.name or "")
            raise
        record(
            actor=actor,
            verb="archived",
            target=entry,
            after=snapshot(entry, ["record_type", "number", "title", "retention_until"]),
            context=context,
        )
        record(actor=actor, verb="archived", target=source, after={"archive_entry": entry.pk})
    return entry


def entry_dispose(*, actor: Any, entry: ArchiveEntry, note: str) -> ArchiveEntry:
    """Approved disposal after the retention period (management). The PDF and the full text
    are destroyed; the entry stays as a tombstone (type, number, title, dates, who approved
    and why)."""
    if not permissions.can_dispose(actor):
        raise Forbidden(_("Only management approves the disposal of archived records."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(
            fields={"note": [_("Give the reason and the reference of the approval.")]}
        )
    with transaction.atomic():
        try:
            locked = ArchiveEntry.objects.select_for_update().get(pk=entry.pk)
        except ArchiveEntry.DoesNotExist as exc:
            raise NotFound() from exc
        if locked.disposed_at is not None:
            raise Conflict(_("This record has already been disposed of."), code="disposed")
        today = timezone.localdate()
        if locked.retention_until >= today:
            raise Conflict(
                _("This record must be kept until %(date)s.")
                % {"date": locked.retention_until.isoformat()},
                code="retention",
            )
        before = snapshot(locked, ["dossier", "dossier_sha256", "disposed_at"])
        file_name = locked.dossier.name
        storage = locked.dossier.storage
        locked.disposed_at = timezone.now()
        locked.disposed_by = actor
        locked.disposal_note = note[:2000]
        locked.dossier = ""
        locked.search_text = ""
        locked.save(
            update_fields=["disposed_at", "disposed_by", "disposal_note", "dossier", "search_text"]
        )
        record(
            actor=actor,
            verb="disposed",
            target=locked,
            before=before,
            after=snapshot(locked, ["disposed_at", "disposed_by"]),
            note=note,
        )
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))
    return locked


def record_type_update(*, actor: Any, record_type: RecordType, data: dict[str, Any]) -> RecordType:
    """Edit a record type (name, retention period, active). Entries already archived keep
    the retention date they were written with."""
    if not permissions.can_edit_retention(actor):
        raise Forbidden(_("Only management sets the retention periods."))
    allowed = {"name", "retention_years", "description", "is_active"}
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(
            fields={k: [_("This field cannot be changed.")] for k in sorted(unknown)}
        )
    return update_record(
        record_type, actor=actor, data=data, expected_version=None, verb="record_type_changed"
    )
