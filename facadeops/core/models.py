"""Base models and core records shared by every app."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """Optimistic concurrency: every write goes through ``core.versioning`` and bumps
    ``version``; a write that carries a stale version is refused with a Conflict."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Sequence(models.Model):
    """Gap-free counter per number prefix and year (``GD-2026`` → 123).

    Incremented inside the creating transaction, so a rolled-back creation gives its
    number back (see ``core.numbering``).
    """

    key = models.CharField(max_length=32, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"
