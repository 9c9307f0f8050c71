"""Material catalogue (REG-7 reference data; stock comes with the materials chapter)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from facadeops.core.models import TimeStampedModel, VersionedModel


class MaterialCategory(TimeStampedModel):
    """A group of catalogue items (glass, sealants, hardware …), optionally nested."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("material category")
        verbose_name_plural = _("material categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        node, seen = self.parent, set()
        while node is not None:
            if node.pk is not None and (node.pk == self.pk or node.pk in seen):
                raise ValidationError(
                    {"parent": _("A category cannot be placed under itself or its own children.")}
                )
            seen.add(node.pk)
            node = node.parent


class Material(VersionedModel):
    """A catalogue item (物料): what plans, work orders and purchase orders refer to."""

    code = models.CharField(_("material code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    spec_model = models.CharField(_("specification / model"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    category = models.ForeignKey(
        MaterialCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "spec_model"],
                name="material_name_spec_unique",
                violation_error_message=_(
                    "A material with this name and specification already exists."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.spec_model}".strip()

    def get_absolute_url(self) -> str:
        return reverse("materials:material_detail", args=[self.pk])
