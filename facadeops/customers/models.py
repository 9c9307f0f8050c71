"""Customers, contacts, projects, service contracts (X-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facadeops.core.choices import ClockMode, Urgency
from facadeops.core.models import TimeStampedModel, VersionedModel
from facadeops.core.roles import Role, has_role


class Customer(VersionedModel):
    """X-1.1 客户: the organisation that owns or manages the buildings."""

    code = models.CharField(_("customer number"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:customer_detail", args=[self.pk])


class Contact(TimeStampedModel):
    """X-1.1 联系人 of a customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(_("role / title"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name"],
                name="customers_contact_unique_name",
                violation_error_message=_("This customer already has a contact of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not (self.phone or self.email):
            raise ValidationError(
                {"phone": _("Give at least a phone number or an e-mail address.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("customers:customer_detail", args=[self.customer_id])


class FacadeCategory(models.TextChoices):
    GLASS = "glass", _("Glass")
    STONE = "stone", _("Stone")
    METAL = "metal", _("Metal")
    OTHER = "other", _("Other")


class FacadeSystem(TimeStampedModel):
    """Catalogue of curtain-wall systems (X-1.2), editable by the technical department."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(
        _("category"), max_length=10, choices=FacadeCategory.choices, default=FacadeCategory.GLASS
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("facade system")
        verbose_name_plural = _("facade systems")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:facadesystem_edit", args=[self.pk])


class GlassType(TimeStampedModel):
    """Catalogue of glass types (X-1.2)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("glass type")
        verbose_name_plural = _("glass types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:glasstype_edit", args=[self.pk])


class UseType(models.TextChoices):
    OFFICE = "office", _("Office")
    COMMERCIAL = "commercial", _("Commercial")
    RESIDENTIAL = "residential", _("Residential")
    HOTEL = "hotel", _("Hotel")
    PUBLIC = "public", _("Public building")
    OTHER = "other", _("Other")


class WarrantyStatus(models.TextChoices):
    UNDER_WARRANTY = "under_warranty", _("Under warranty")
    EXPIRED = "expired", _("Warranty expired")
    UNKNOWN = "unknown", _("Warranty unknown")


class Project(VersionedModel):
    """X-1.2 幕墙项目: one building (or complex) whose facade the company services."""

    code = models.CharField(_("project number"), max_length=32, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("project name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    province = models.CharField(_("province"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True, db_index=True)
    district = models.CharField(_("district"), max_length=60, blank=True)
    building_height_m = models.DecimalField(
        _("building height (m)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    floors_above = models.PositiveSmallIntegerField(_("floors above ground"), null=True, blank=True)
    floors_below = models.PositiveSmallIntegerField(_("floors below ground"), null=True, blank=True)
    facade_area_m2 = models.DecimalField(
        _("facade area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    facade_systems = models.ManyToManyField(
        FacadeSystem, verbose_name=_("facade systems"), blank=True, related_name="projects"
    )
    glass_types = models.ManyToManyField(
        GlassType, verbose_name=_("glass types"), blank=True, related_name="projects"
    )
    completion_date = models.DateField(_("completion acceptance date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    design_service_life_years = models.PositiveSmallIntegerField(
        _("design service life (years)"), default=25
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        related_name="managed_projects",
    )
    service_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service head"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_head_projects",
    )
    use_type = models.CharField(
        _("use"), max_length=20, choices=UseType.choices, default=UseType.OFFICE
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name"],
                name="customers_project_unique_name",
                violation_error_message=_("This customer already has a project of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:project_detail", args=[self.pk])

    def clean(self) -> None:

        super().clean()
        errors: dict[str, list[Any]] = {}
        if self.building_height_m is not None and self.building_height_m <= 0:
            errors.setdefault("building_height_m", []).append(
                _("The building height must be greater than zero.")
            )
        if self.building_height_m is not None and self.building_height_m > 1000:
            errors.setdefault("building_height_m", []).append(
                _("A building height above 1000 m is not plausible.")
            )
        if self.facade_area_m2 is not None and self.facade_area_m2 <= 0:
            errors.setdefault("facade_area_m2", []).append(
                _("The facade area must be greater than zero.")
            )
        if self.floors_above is not None and not 1 <= self.floors_above <= 200:
            errors.setdefault("floors_above", []).append(
                _("Floors above ground must be between 1 and 200.")
            )
        if self.floors_below is not None and self.floors_below > 20:
            errors.setdefault("floors_below", []).append(
                _("Floors below ground must be between 0 and 20.")
            )
        if (
            self.floors_above
            and self.building_height_m
            and self.building_height_m / self.floors_above < Decimal("2")
        ):
            errors.setdefault("floors_above", []).append(
                _("%(floors)s floors do not fit in a %(height)s m building.")
                % {"floors": self.floors_above, "height": self.building_height_m}
            )
        if not 1 <= (self.design_service_life_years or 0) <= 100:
            errors.setdefault("design_service_life_years", []).append(
                _("The design service life must be between 1 and 100 years.")
            )
        if self.completion_date and self.warranty_end and self.warranty_end < self.completion_date:
            errors.setdefault("warranty_end", []).append(
                _("The warranty cannot end before the completion acceptance date.")
            )
        if self.warranty_end and not self.completion_date:
            errors.setdefault("completion_date", []).append(
                _("Give the completion acceptance date when a warranty end is given.")
            )
        if self.project_manager_id and not has_role(self.project_manager, Role.PROJECT_MANAGER):
            errors.setdefault("project_manager", []).append(
                _("This person does not hold the project manager role.")
            )
        if self.service_head_id and not has_role(self.service_head, Role.SERVICE_HEAD):
            errors.setdefault("service_head", []).append(
                _("This person does not hold the service head role.")
            )
        if errors:
            raise ValidationError(errors)

    def age_years(self, on: dt.date | None = None) -> int | None:
        """Whole years since completion acceptance (None if not known)."""
        if not self.completion_date:
            return None
        on = on or timezone.localdate()
        c = self.completion_date
        years = on.year - c.year - ((on.month, on.day) < (c.month, c.day))
        return max(years, 0)

    def warranty_status(self, on: dt.date | None = None) -> str:
        if not self.warranty_end:
            return WarrantyStatus.UNKNOWN
        on = on or timezone.localdate()
        return WarrantyStatus.UNDER_WARRANTY if on <= self.warranty_end else WarrantyStatus.EXPIRED

    def get_warranty_status_display(self) -> Any:
        return WarrantyStatus(self.warranty_status()).label

    def design_life_end(self) -> dt.date | None:
        if not self.completion_date:
            return None
        c = self.completion_date
        try:
            return c.replace(year=c.year + self.design_service_life_years)
        except ValueError:  # 29 February
            return c.replace(year=c.year + self.design_service_life_years, day=28)


class ContractStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract status", "Draft")
    ACTIVE = "active", pgettext_lazy("contract status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("contract status", "Suspended")
    TERMINATED = "terminated", pgettext_lazy("contract status", "Terminated")
    EXPIRED = "expired", pgettext_lazy("contract status", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("contract status", "Cancelled")


CLOSED_CONTRACT_STATES = frozenset(
    {ContractStatus.TERMINATED, ContractStatus.EXPIRED, ContractStatus.CANCELLED}
)


class ServiceContract(VersionedModel):
    """X-1.3 维保合同: what the company owes the customer for which projects."""

    number = models.CharField(_("contract number"), max_length=32, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects covered"), blank=True, related_name="contracts"
    )
    title = models.CharField(_("contract title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    scheduled_services = models.TextField(
        _("scheduled services included"),
        blank=True,
        help_text=_("E.g. yearly cleaning, half-yearly inspections, sealant checks."),
    )
    annual_fee = models.DecimalField(
        _("annual fee (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ContractStatus.choices,
        default=ContractStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("customers:contract_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.annual_fee is not None and self.annual_fee < 0:
            raise ValidationError({"annual_fee": _("The annual fee cannot be negative.")})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_CONTRACT_STATES


class ServiceLevelTerms(models.Model):
    """DOM-4 hours: respond, be on site, complete — and how the clock runs."""

    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    respond_within_hours = models.DecimalField(
        _("respond within (hours)"), max_digits=6, decimal_places=1
    )
    on_site_within_hours = models.DecimalField(
        _("on site within (hours)"), max_digits=6, decimal_places=1
    )
    complete_within_hours = models.DecimalField(
        _("complete within (hours)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    clock = models.CharField(
        _("clock"), max_length=16, choices=ClockMode.choices, default=ClockMode.AROUND_THE_CLOCK
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        for name in ("respond_within_hours", "on_site_within_hours", "complete_within_hours"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                errors[name] = _("The number of hours must be greater than zero.")
        if (
            "respond_within_hours" not in errors
            and "on_site_within_hours" not in errors
            and self.respond_within_hours is not None
            and self.on_site_within_hours is not None
            and self.on_site_within_hours < self.respond_within_hours
        ):
            errors["on_site_within_hours"] = _(
                "Being on site cannot be promised sooner than the response."
            )
        if (
            not errors
            and self.complete_within_hours is not None
            and self.on_site_within_hours is not None
            and self.complete_within_hours < self.on_site_within_hours
        ):
            errors["complete_within_hours"] = _(
                "Completion cannot be promised sooner than being on site."
            )
        if errors:
            raise ValidationError(errors)


class ServiceLevelDefault(ServiceLevelTerms):
    """DOM-4 defaults, copied into each new contract."""

    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("default service level")
        verbose_name_plural = _("default service levels")
        constraints = [
            models.UniqueConstraint(fields=["urgency"], name="customers_sldefault_unique_urgency")
        ]

    def __str__(self) -> str:
        return str(self.get_urgency_display())

    def get_absolute_url(self) -> str:
        return reverse("customers:sldefault_edit", args=[self.pk])


class ServiceLevel(ServiceLevelTerms):
    """The service level one contract promises for one urgency (X-1.3)."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("service contract"),
        on_delete=models.CASCADE,
        related_name="service_levels",
    )

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["contract", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "urgency"], name="customers_sl_unique_contract_urgency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} · {self.get_urgency_display()}"
