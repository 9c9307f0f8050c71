"""Vocabulary shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    """DOM-4 urgency levels (紧急 / 较急 / 一般)."""

    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class ClockMode(models.TextChoices):
    """How a service-level clock runs (DOM-4)."""

    AROUND_THE_CLOCK = "24x7", _("Around the clock")
    WORKING_DAYS = "working_days", _("Working days")
