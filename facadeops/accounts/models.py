"""People (REG-1.3, X-6.5): users, departments, roles (groups), API tokens, employees,
certificates and skills."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.core.models import TimeStampedModel, VersionedModel
from facadeops.core.tokens import token_digest


class Department(TimeStampedModel):
    """服务部门, 技术部门, 质量部门, 采购部门 … — data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    head = models.ForeignKey(
        "User",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Staff and customer users. A customer user is bound to one customer."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True, db_index=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Only for customer users: the customer whose projects they may see."),
    )
    preferred_language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.full_name or self.username


class ApiToken(TimeStampedModel):
    """Personal API token for integrations. Only a SHA-256 hash is stored; the token is
    shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return token_digest(raw)

    @classmethod
    def generate(cls) -> str:
        return "fo_" + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class CertificateType(models.Model):
    """X-6.5 catalogue of certificates (高处作业证, 吊篮操作证, 电工证 …) — data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_work_at_height = models.BooleanField(
        _("work at height"),
        default=False,
        help_text=_("A valid certificate of this type allows facade work at height (≥ 2 m)."),
    )
    validity_note = models.CharField(_("validity note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Skills of service staff (玻璃更换, 打胶/密封 …) — data, not code."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployeeStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Employed")
    LEAVING = "leaving", _("Leaving")
    LEFT = "left", _("Left")


class Employee(VersionedModel):
    """A member of staff (REG-1.3, REG-6.4): employment data beside the login account."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="employee"
    )
    employee_no = models.CharField(_("employee number"), max_length=30, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="employees"
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EmployeeStatus.choices,
        default=EmployeeStatus.ONBOARDING,
        editable=False,
        db_index=True,
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.employee_no})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:employee_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.hire_date and self.leave_date and self.leave_date < self.hire_date:
            raise ValidationError(
                {"leave_date": _("The leave date cannot be before the hire date.")}
            )


class Certificate(VersionedModel):
    """X-6.5 a certificate held by an employee, valid from … to … (inclusive)."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    type = models.ForeignKey(
        CertificateType,
        verbose_name=_("certificate type"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    number = models.CharField(_("certificate number"), max_length=60)
    issued_by = models.CharField(_("issued by"), max_length=150, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-valid_to", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "number"], name="accounts_certificate_type_number_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:employee_detail", args=[self.employee_id])

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("“Valid until” cannot be before “valid from”.")})

    def is_valid_on(self, day: dt.date) -> bool:
        """Valid on ``day`` if valid_from ≤ day ≤ valid_to (both days included)."""
        return self.valid_from <= day <= self.valid_to
