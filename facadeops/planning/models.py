"""Maintenance planning (REG-3) on the facade register, with the statutory schedule (DOM-1)
and the weather limits (DOM-2). Every figure of the rules is data the company edits; the
source of each rule is stored beside it and shown in the UI."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from facadeops.core.models import TimeStampedModel, VersionedModel

USER = settings.AUTH_USER_MODEL

# States of a plan item's work order (service.WOStatus values): the work is done / held up.
DONE_WO_STATES = {
    "completed",
    "customer_acceptance",
    "record",
    "record_review",
    "to_archive",
    "archived",
}
BLOCKED_WO_STATES = {"on_hold", "paused", "rectification", "change_review", "change_approval"}


class ItemType(models.TextChoices):
    FULL_INSPECTION = "full_inspection", _("Full inspection")
    TENSION_CHECK = "tension_check", _("Pre-tension check and adjustment")
    SEALANT_SAMPLING = "sealant_sampling", _("Structural silicone adhesion sampling")
    SAFETY_APPRAISAL = "safety_appraisal", _("Safety appraisal")
    EVENT_INSPECTION = "event_inspection", _("Inspection after a disaster event")
    CLEANING = "cleaning", _("Cleaning")
    PERIODIC_INSPECTION = "periodic_inspection", _("Periodic inspection")
    MAINTENANCE = "maintenance", _("Maintenance")
    REPAIR = "repair", _("Repair")


# -----------------------------------------------------------------------------------------
# DOM-1: the statutory schedule as an editable table
# -----------------------------------------------------------------------------------------
class InspectionRule(TimeStampedModel):
    """One line of the DOM-1 schedule. Applies to a project when it has one of
    ``system_codes`` (blank = any) and, if ``glass_only``, a glass facade system."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=30, choices=ItemType.choices)
    system_codes = models.CharField(
        _("facade systems (codes, comma-separated; blank = any)"), max_length=300, blank=True
    )
    glass_only = models.BooleanField(_("glass curtain walls only"), default=False)
    first_after_months = models.PositiveIntegerField(
        _("first due (months after acceptance)"), null=True, blank=True
    )
    every_months = models.PositiveIntegerField(_("then every (months)"), null=True, blank=True)
    beyond_design_life_every_months = models.PositiveIntegerField(
        _("from the end of the design life, every (months)"), null=True, blank=True
    )
    event_triggered = models.BooleanField(_("triggered by disaster events"), default=False)
    event_due_days = models.PositiveIntegerField(_("due within (days after the event)"), default=7)
    source = models.CharField(_("source"), max_length=300)
    exterior_work = models.BooleanField(_("exterior work"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection rule")
        verbose_name_plural = _("statutory schedule")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("planning:rule_edit", args=[self.pk])

    @property
    def codes(self) -> set[str]:
        return {c.strip() for c in self.system_codes.split(",") if c.strip()}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.event_triggered and not (
            self.first_after_months or self.every_months or self.beyond_design_life_every_months
        ):
            raise ValidationError(
                {
                    "every_months": _(
                        "Give an interval, a first due date or mark the rule as event-triggered."
                    )
                }
            )


class ChecklistItem(TimeStampedModel):
    """DOM-1.7: the points of the periodic inspection checklist (data)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    text = models.CharField(_("check"), max_length=300)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("inspection checklist")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


# -----------------------------------------------------------------------------------------
# Facade register
# -----------------------------------------------------------------------------------------
class Orientation(models.TextChoices):
    N = "N", _("North")
    E = "E", _("East")
    S = "S", _("South")
    W = "W", _("West")
    OTHER = "other", _("Other")


class Elevation(TimeStampedModel):
    """立面: one face of the building, a grid of axes × floors."""

    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="elevations",
    )
    name = models.CharField(_("elevation"), max_length=60)
    orientation = models.CharField(
        _("orientation"), max_length=5, choices=Orientation.choices, default=Orientation.OTHER
    )
    axes = models.PositiveSmallIntegerField(
        _("axes"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("elevation")
        verbose_name_plural = _("elevations")
        ordering = ["project", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="planning_elevation_unique_name",
                violation_error_message=_("This project already has an elevation of this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("planning:elevation_map", args=[self.pk])


class Panel(TimeStampedModel):
    elevation = models.ForeignKey(
        Elevation, verbose_name=_("elevation"), on_delete=models.CASCADE, related_name="panels"
    )
    axis = models.PositiveSmallIntegerField(_("axis"), validators=[MinValueValidator(1)])
    floor = models.PositiveSmallIntegerField(_("floor"), validators=[MinValueValidator(1)])
    facade_system = models.ForeignKey(
        "customers.FacadeSystem",
        verbose_name=_("facade system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    glass_type = models.ForeignKey(
        "customers.GlassType",
        verbose_name=_("glass type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["elevation", "-floor", "axis"]
        constraints = [
            models.UniqueConstraint(
                fields=["elevation", "axis", "floor"], name="planning_panel_unique_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.elevation.name} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.axis}/{self.floor}F"

    def get_absolute_url(self) -> str:
        return reverse("planning:panel_detail", args=[self.pk])


# -----------------------------------------------------------------------------------------
# Inspections (DOM-1 records, DOM-1.5 event-required, DOM-1.7 checklist)
# -----------------------------------------------------------------------------------------
class Inspection(TimeStampedModel):
    """An inspection of a project (optionally one elevation or zone). A DOM-1.5 event
    creates it with ``due_on`` and no ``performed_on`` until it is done."""

    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="facade_inspections",
    )
    rule = models.ForeignKey(
        InspectionRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    elevation = models.ForeignKey(
        Elevation,
        verbose_name=_("elevation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    zone = models.CharField(_("zone"), max_length=100, blank=True)
    trigger_event = models.CharField(_("triggering event"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    performed_on = models.DateField(_("performed on"), null=True, blank=True, db_index=True)
    inspector = models.ForeignKey(
        USER,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("facade inspection")
        verbose_name_plural = _("facade inspections")
        ordering = ["-performed_on", "-id"]
        indexes = [models.Index(fields=["project", "rule", "performed_on"], name="insp_rule_idx")]

    def __str__(self) -> str:
        when = self.performed_on or self.due_on
        return f"{self.rule.code if self.rule else ''} {self.project} {when or ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("planning:inspection_detail", args=[self.pk])


class ChecklistResult(TimeStampedModel):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("check"), on_delete=models.PROTECT)
    ok = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), null=True, blank=True, on_delete=models.SET_NULL
    )
    work_order = models.ForeignKey(
        "service.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        ordering = ["item__code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="planning_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {'✓' if self.ok else '✗'}"


class PanelDefect(TimeStampedModel):
    """A defect pinned to a panel — from a work order's finding or from an inspection."""

    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="defects"
    )
    defect_type = models.ForeignKey(
        "service.DefectType", verbose_name=_("defect"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(
        _("severity"), max_length=2, choices=[("S1", "S1"), ("S2", "S2"), ("S3", "S3")]
    )
    finding = models.ForeignKey(
        "service.DefectFinding",
        verbose_name=_("defect found in work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pins",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pins",
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    pinned_by = models.ForeignKey(
        USER, verbose_name=_("pinned by"), on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("pinned defect")
        verbose_name_plural = _("pinned defects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.defect_type.code} {self.severity} {self.panel.label}"


# -----------------------------------------------------------------------------------------
# Annual plan (REG-3.1) with versions (REG-3.2.2)
# -----------------------------------------------------------------------------------------
class PlanningRule(TimeStampedModel):
    """Age / material / history rules that add plan items (REG-3.1.2), as data."""

    class Condition(models.TextChoices):
        ALWAYS = "always", _("Every project")
        MIN_AGE = "min_age", _("Age at least (years)")
        SYSTEMS = "systems", _("Has one of the facade systems")
        SYSTEMS_AND_AGE = "systems_age", _("Has one of the facade systems and age at least")
        RECENT_S1 = "recent_s1", _("S1 defect within the last (months)")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=30, choices=ItemType.choices)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    system_codes = models.CharField(_("facade systems (codes)"), max_length=300, blank=True)
    threshold = models.PositiveIntegerField(_("threshold (years or months)"), default=0)
    months = models.CharField(
        _("months of the year (comma-separated)"),
        max_length=40,
        help_text=_("One plan item per month listed, e.g. “4,10” for spring and autumn."),
    )
    content = models.TextField(_("content"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    exterior_work = models.BooleanField(_("exterior work"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("planning rule")
        verbose_name_plural = _("planning rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def codes(self) -> set[str]:
        return {c.strip() for c in self.system_codes.split(",") if c.strip()}

    @property
    def month_list(self) -> list[int]:
        out = []
        for part in self.months.split(","):
            part = part.strip()
            if part.isdigit() and 1 <= int(part) <= 12:
                out.append(int(part))
        return sorted(set(out))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.month_list or len(self.month_list) != len(
            [p for p in self.months.split(",") if p.strip()]
        ):
            raise ValidationError({"months": _("List months as numbers 1 to 12, e.g. “4,10”.")})


class DraftRun(TimeStampedModel):
    """One drafting of next year's plans (bulk, with progress for the UI)."""

    year = models.PositiveSmallIntegerField(_("plan year"))
    started_by = models.ForeignKey(
        USER, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField(_("projects"), default=0)
    done = models.PositiveIntegerField(_("drafted"), default=0)
    skipped = models.PositiveIntegerField(_("skipped (plan exists)"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan drafting run")
        verbose_name_plural = _("plan drafting runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int((self.done + self.skipped) * 100 / self.total)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TECH_REVIEW = "tech_review", _("Technical review")
    PM_APPROVAL = "pm_approval", _("Awaiting project manager approval")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class AnnualPlan(VersionedModel):
    """年度维修与保养计划 of one project for one year; each quarterly adjustment is a new
    revision (REG-3.2.2) — the older one stays as history."""

    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="annual_plans",
    )
    year = models.PositiveSmallIntegerField(_("plan year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    is_current = models.BooleanField(_("current revision"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    facts = models.JSONField(_("gathered information"), default=dict, blank=True)
    reason = models.TextField(_("reason for the revision"), blank=True)
    drafted_by = models.ForeignKey(
        USER, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual maintenance plan")
        verbose_name_plural = _("annual maintenance plans")
        ordering = ["-year", "project__name", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "revision"], name="planning_plan_unique_revision"
            )
        ]
        indexes = [models.Index(fields=["year", "status"], name="plan_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.year} r{self.revision}"

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.pk])


class Origin(models.TextChoices):
    STATUTORY = "statutory", _("Statutory schedule")
    RULE = "rule", _("Planning rule")
    EVENT = "event", _("Disaster event")
    MANUAL = "manual", _("Added by hand")


class PlanItem(TimeStampedModel):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("key"), max_length=60)
    item_type = models.CharField(_("item type"), max_length=30, choices=ItemType.choices)
    content = models.TextField(_("content"))
    window_start = models.DateField(_("window from"))
    window_end = models.DateField(_("window to"))
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.MANUAL
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    exterior_work = models.BooleanField(_("exterior work"), default=True)
    work_order = models.ForeignKey(
        "service.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )
    effect = models.TextField(_("effect of the work"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("customer satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback_by = models.ForeignKey(
        USER,
        verbose_name=_("feedback by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["window_start", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="planning_item_unique_key")
        ]
        indexes = [models.Index(fields=["window_start"], name="item_window_idx")]

    def __str__(self) -> str:
        return f"{self.get_item_type_display()} {self.window_start:%Y-%m}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValidationError({"window_end": _("The window ends before it starts.")})
        if self.plan_id and self.window_start and self.window_start.year != self.plan.year:
            raise ValidationError(
                {"window_start": _("The window must start within the plan year.")}
            )


# -----------------------------------------------------------------------------------------
# Quarterly review (REG-3.2.1)
# -----------------------------------------------------------------------------------------
class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    LATE = "late", _("Late")
    MISSED = "missed", _("Missed")
    ADDED = "added", _("Added")
    PENDING = "pending", _("Not yet due")


class QuarterlyReview(TimeStampedModel):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="reviews")
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reviewed_by = models.ForeignKey(
        USER, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    analysis = models.TextField(_("problems and deviations"), blank=True)

    class Meta:
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        ordering = ["-plan__year", "-quarter"]

    def __str__(self) -> str:
        return f"{self.plan} Q{self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("planning:review_detail", args=[self.pk])


class ReviewLine(models.Model):
    review = models.ForeignKey(QuarterlyReview, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    cause = models.TextField(_("cause"), blank=True)

    class Meta:
        verbose_name = _("review line")
        verbose_name_plural = _("review lines")
        ordering = ["item__window_start", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.outcome}"


# -----------------------------------------------------------------------------------------
# Execution (REG-3.3.1): which REG-2 steps routine work may skip — data
# -----------------------------------------------------------------------------------------
class RoutinePolicy(TimeStampedModel):
    item_type = models.CharField(
        _("item type"), max_length=30, choices=ItemType.choices, unique=True
    )
    lead_days = models.PositiveSmallIntegerField(
        _("create the work order (days before the window)"), default=14
    )
    skip_steps = models.CharField(
        _("REG-2 steps routine work may skip (comma-separated step names)"),
        max_length=300,
        blank=True,
    )

    class Meta:
        verbose_name = _("routine work policy")
        verbose_name_plural = _("routine work policies")
        ordering = ["item_type"]

    def __str__(self) -> str:
        return self.get_item_type_display()

    @property
    def steps(self) -> set[str]:
        return {s.strip() for s in self.skip_steps.split(",") if s.strip()}


# -----------------------------------------------------------------------------------------
# Weather (DOM-2)
# -----------------------------------------------------------------------------------------
class Rain(models.TextChoices):
    NONE = "none", _("None")
    LIGHT = "light", _("Light")
    MODERATE = "moderate", _("Moderate")
    HEAVY = "heavy", _("Heavy")


class Forecast(TimeStampedModel):
    city = models.CharField(_("city"), max_length=60)
    date = models.DateField(_("date"))
    wind_ms = models.DecimalField(
        _("wind (m/s)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    beaufort = models.PositiveSmallIntegerField(
        _("wind force (Beaufort)"), null=True, blank=True, validators=[MaxValueValidator(17)]
    )
    rain = models.CharField(_("rain"), max_length=10, choices=Rain.choices, default=Rain.NONE)
    snow = models.BooleanField(_("snow"), default=False)
    fog = models.BooleanField(_("fog"), default=False)
    temp_min = models.DecimalField(
        _("lowest temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    temp_max = models.DecimalField(
        _("highest temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=60, default="manual")

    class Meta:
        verbose_name = _("weather forecast")
        verbose_name_plural = _("weather forecasts")
        ordering = ["date", "city"]
        constraints = [
            models.UniqueConstraint(fields=["city", "date"], name="planning_forecast_unique")
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.date}"


class WeatherLimit(TimeStampedModel):
    """DOM-2: a limit on outdoor facade work (data with its source)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("rule"), max_length=200)
    access_methods = models.CharField(
        _("access methods (blank = all exterior work)"), max_length=200, blank=True
    )
    max_beaufort = models.PositiveSmallIntegerField(
        _("blocked from wind force"), null=True, blank=True
    )
    blocks_heavy_rain = models.BooleanField(_("heavy rain blocks"), default=False)
    blocks_snow = models.BooleanField(_("snow blocks"), default=False)
    blocks_fog = models.BooleanField(_("fog blocks"), default=False)
    min_temp = models.DecimalField(
        _("lowest temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    max_temp = models.DecimalField(
        _("highest temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("weather limit")
        verbose_name_plural = _("weather limits")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def methods(self) -> set[str]:
        return {c.strip() for c in self.access_methods.split(",") if c.strip()}
