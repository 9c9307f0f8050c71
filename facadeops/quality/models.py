"""Improvement actions (整改/预防/改进措施): the record REG-4.4.2 creates from the complaint
analysis, and that REG-5 (supervision findings), REG-7 and REG-8 reuse — generic over its
source. Each action has an owner, a due date, a status on the engine and an efficacy check
at a set date after it is done: a registered measure (``efficacy.py``) computes the rate
before and after, with the records behind it, and marks the action effective or reopens
it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from facadeops.core.models import VersionedModel

USER = settings.AUTH_USER_MODEL


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective")
    PREVENTIVE = "preventive", _("Preventive")
    IMPROVEMENT = "improvement", _("Improvement")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, efficacy to check")
    EFFECTIVE = "effective", _("Effective")
    CANCELLED = "cancelled", _("Cancelled")


class ImprovementAction(VersionedModel):
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64)
    source = GenericForeignKey("source_type", "source_id")
    source_repr = models.CharField(_("source"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=ActionKind.choices)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    # The efficacy check: which registered measure, with which parameters, how long after.
    measure = models.CharField(_("efficacy measure"), max_length=60)
    measure_params = models.JSONField(_("measure parameters"), default=dict, blank=True)
    check_after_days = models.PositiveSmallIntegerField(_("check after (days)"), default=90)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    check_on = models.DateField(_("efficacy check on"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    rate_before = models.DecimalField(
        _("rate before (per 30 days)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    rate_after = models.DecimalField(
        _("rate after (per 30 days)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    efficacy_pct = models.PositiveSmallIntegerField(_("efficacy (%)"), null=True, blank=True)
    evidence = models.JSONField(_("records behind the figures"), default=dict, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="action_source_idx"),
            models.Index(fields=["status", "check_on"], name="action_status_check_idx"),
        ]

    def __str__(self) -> str:
        return self.title
