"""In-app inbox plus an outbox row per channel delivery (e-mail, chat-group webhook) and each
user's channel preferences (X-9.3)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(_("event"), max_length=80)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """Outbox: one row per notification and external channel, sent by a background job."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Chat-group webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # "state", not "status": only the workflow engine may assign a field named status.
    state = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Where it goes: the e-mail address or the webhook URL, fixed when the row is made.
    address = models.CharField(_("address"), max_length=500, blank=True)
    # Non-urgent items wait for the daily digest; urgent ones are due at once.
    digest = models.BooleanField(_("in the daily digest"), default=False)
    # Not before this time: the digest hour, or the next retry after a failure.
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["state", "channel"], name="delivery_pending_idx"),
            models.Index(fields=["state", "due_at"], name="delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.state}"


class Preference(models.Model):
    """X-9.3: which external channels a user wants besides the in-app inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    webhook = models.BooleanField(_("in the chat group"), default=False)
    webhook_url = models.URLField(
        _("chat-group robot address"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty to use the company's service group."),
    )
    digest = models.BooleanField(
        _("non-urgent items once a day"),
        default=True,
        help_text=_("Urgent items are always sent at once."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
