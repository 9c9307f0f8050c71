"""Base models and core records shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
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


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A random path; the extension comes from the detected type (set by the service in
    ``filename``), never from the client's file name."""
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in Attachment.SAFE_EXTENSIONS:
        ext = "bin"
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A photo, video or document on any record (generic relation).

    Written only by ``core.attachments.attachment_add`` (type detected from the content,
    images re-encoded without metadata); who may see or add is decided per target model by
    the policy registry in ``core.attachments``.
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    SAFE_EXTENSIONS = frozenset(
        {"jpg", "png", "webp", "gif", "mp4", "mov", "webm", "pdf", "docx", "xlsx"}
    )

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mime = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=attachment_upload_to, max_length=255, blank=True
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-uploaded_at"], name="attachment_target_idx"
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` a client sent with an API POST, and the response it got.

    Written in the same transaction as the request's own writes (see core/idempotency.py):
    either both the record and its key are committed, or neither is."""

    principal = models.CharField(_("principal"), max_length=80)
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    response_body = models.BinaryField(_("response body"), default=b"")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
