"""The archive (REG-2.5.2 资料归档): record types with retention periods and immutable
archive entries (one PDF dossier each), found again by full-text search.

An entry is written once. Afterwards only the disposal fields may change (the approved
disposal after the retention period, which leaves a tombstone): ``save()`` refuses every
other update and ``delete()`` before disposal; on PostgreSQL a trigger (migration 0003)
enforces the same rules for any SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.core.errors import Conflict


class RecordType(models.Model):
    """A kind of archived record and how long the company keeps it (editable data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("record type")
        verbose_name_plural = _("record types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


def dossier_upload_to(instance: ArchiveEntry, filename: str) -> str:
    import uuid

    now = timezone.now()
    return f"archive/{now:%Y/%m}/{uuid.uuid4().hex}.pdf"


# The columns that may change after the entry is written (the disposal step).
DISPOSAL_FIELDS = frozenset(
    {"disposed_at", "disposed_by", "disposal_note", "dossier", "search_text"}
)


class ArchiveEntryQuerySet(models.QuerySet["ArchiveEntry"]):
    """Bulk writes obey the same rules as ``save()``/``delete()``."""

    def update(self, **kwargs: Any) -> int:
        if not set(kwargs) <= DISPOSAL_FIELDS:
            raise Conflict(_("An archived record cannot be changed."), code="archived")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(disposed_at__isnull=True).exists():
            raise Conflict(
                _("An archived record can only be removed after its approved disposal."),
                code="archived",
            )
        return super().delete()


class ArchiveEntry(models.Model):
    """One archived record (e.g. a work order's dossier). Immutable once written."""

    record_type = models.ForeignKey(
        RecordType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="entries"
    )
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("record number"), max_length=40, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_entries",
    )
    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_entries",
    )
    record_date = models.DateField(_("record date"), db_index=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    archived_at = models.DateTimeField(_("archived at"), default=timezone.now)
    retention_until = models.DateField(_("keep until"), db_index=True)
    dossier = models.FileField(_("dossier (PDF)"), upload_to=dossier_upload_to, blank=True)
    dossier_sha256 = models.CharField(_("SHA-256 of the dossier"), max_length=64, blank=True)
    search_text = models.TextField(_("full text"), blank=True)
    # The source record (generic link).
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64)
    source = GenericForeignKey("source_type", "source_id")
    # Disposal after the retention period (approved by management); the row stays as a
    # tombstone without the file and the text.
    disposed_at = models.DateTimeField(_("disposed of"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposal approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposal_note = models.TextField(_("disposal note"), blank=True)

    objects = ArchiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive entries")
        ordering = ["-record_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "source_type", "source_id"], name="archive_source_unique"
            )
        ]
        indexes = [
            models.Index(fields=["customer", "-record_date"], name="archive_customer_idx"),
            models.Index(fields=["project", "-record_date"], name="archive_project_idx"),
            models.Index(fields=["record_type", "-record_date"], name="archive_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; afterwards only the disposal step may write (its own fields)."""
        if self.pk is not None and not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= DISPOSAL_FIELDS:
                raise Conflict(_("An archived record cannot be changed."), code="archived")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:entry_detail", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.disposed_at is None:
            raise Conflict(
                _("An archived record can only be removed after its approved disposal."),
                code="archived",
            )
        return super().delete(*args, **kwargs)

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None

    def past_retention(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.retention_until < on
