"""Intake channels (REG-2.1.1): what came in over the company website, the mailbox and the
hotline, each bound to the service request (BX-…) it became or was added to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebSubmission(models.Model):
    """A report or question sent with the public website form."""

    request = models.OneToOneField(
        "service.ServiceRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="web_submission",
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    remote_addr = models.GenericIPAddressField(_("sender address"), null=True, blank=True)
    suggested_customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("suggested customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("suggested project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    match_reason = models.CharField(_("why suggested"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("website submission")
        verbose_name_plural = _("website submissions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.request)


class InboundMail(models.Model):
    """A mail read from the service mailbox over IMAP."""

    message_id = models.CharField(_("message id"), max_length=255, unique=True)
    sender = models.EmailField(_("sender"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="inbound_mails",
    )
    is_follow_up = models.BooleanField(_("added to an existing request"), default=False)
    replied_at = models.DateTimeField(_("automatic reply sent"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.subject or self.message_id


class HotlineCall(models.Model):
    """An incoming call reported by the phone system; popped on the duty agent's screen."""

    call_id = models.CharField(_("call id"), max_length=100, unique=True)
    caller_number = models.CharField(_("caller number"), max_length=40, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_calls",
    )
    notes = models.TextField(_("call notes"), blank=True)
    started_at = models.DateTimeField(_("call time"), default=timezone.now)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.caller_number} {self.started_at:%Y-%m-%d %H:%M}"
