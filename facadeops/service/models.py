"""The service process (REG-2): requests, work orders and every record of their steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.core.choices import Urgency
from facadeops.core.models import TimeStampedModel, VersionedModel

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------------------------------
# Catalogues (data, editable)
# ---------------------------------------------------------------------------------------
class Severity(models.TextChoices):
    """DOM-3 severity."""

    S1 = "S1", _("S1 — burst, fallen or at risk of falling")
    S2 = "S2", _("S2 — damaged, may become S1")
    S3 = "S3", _("S3 — minor, repair in the planned cycle")


class DefectType(TimeStampedModel):
    """DOM-3 defect catalogue (seeded, editable)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    default_severity = models.CharField(
        _("default severity"), max_length=2, choices=Severity.choices
    )
    severity_note = models.CharField(_("severity note"), max_length=100, blank=True)
    remedy = models.CharField(_("typical remedy"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("defect type")
        verbose_name_plural = _("defect catalogue")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# ---------------------------------------------------------------------------------------
# Requests and inquiries (REG-2.1)
# ---------------------------------------------------------------------------------------
class Channel(models.TextChoices):
    HOTLINE = "hotline", _("24-hour hotline")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Company website")
    PORTAL = "portal", _("Customer portal")
    ONSITE = "onsite", _("On site / in person")
    PLAN = "plan", _("Maintenance plan")


class RequestKind(models.TextChoices):
    REPAIR = "repair", _("Repair request")
    MAINTENANCE = "maintenance", _("Maintenance request")
    INQUIRY = "inquiry", _("Inquiry")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CONVERTED = "converted", _("Work order created")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceRequest(VersionedModel):
    """REG-2.1.2: every request records customer, contact, project, problem, time, channel."""

    number = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    kind = models.CharField(
        _("type"), max_length=20, choices=RequestKind.choices, default=RequestKind.REPAIR
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    caller_name = models.CharField(_("caller name"), max_length=100)
    caller_phone = models.CharField(_("caller phone"), max_length=40, blank=True, db_index=True)
    caller_email = models.EmailField(_("caller e-mail"), blank=True)
    customer_text = models.CharField(_("customer (as told)"), max_length=200, blank=True)
    project_text = models.CharField(_("project (as told)"), max_length=200, blank=True)
    location = models.CharField(_("location on the building"), max_length=200, blank=True)
    description = models.TextField(_("problem description"))
    reported_at = models.DateTimeField(_("report time"), default=timezone.now)
    urgency = models.CharField(
        _("urgency (as reported)"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    received_by = models.ForeignKey(
        USER,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-reported_at"], name="req_status_idx"),
            models.Index(fields=["customer", "-reported_at"], name="req_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("new request"))

    def get_absolute_url(self) -> str:
        return reverse("service:request_detail", args=[self.pk])


# ---------------------------------------------------------------------------------------
# Work order (工单)
# ---------------------------------------------------------------------------------------
class Nature(models.TextChoices):
    REPAIR = "repair", _("Repair")
    MAINTENANCE = "maintenance", _("Maintenance")
    INSPECTION = "inspection", _("Inspection")
    EMERGENCY = "emergency", _("Emergency make-safe")


class AccessMethod(models.TextChoices):
    INTERIOR = "interior", _("From inside, no work at height")
    LADDER = "ladder", _("Ladder / platform below 2 m")
    GONDOLA = "gondola", _("Gondola (吊篮)")
    ROPE = "rope", _("Rope access / seat board")
    SCAFFOLD = "scaffold", _("Scaffold")
    LIFT = "lift", _("Aerial work platform")


HEIGHT_METHODS = {AccessMethod.GONDOLA, AccessMethod.ROPE, AccessMethod.SCAFFOLD, AccessMethod.LIFT}


class WOStatus(models.TextChoices):
    NEW = "new", _("Awaiting triage")
    DISPATCHED = "dispatched", _("Technician dispatched")
    ASSESSING = "assessing", _("On-site assessment")
    PLANNING = "planning", _("Plan being written")
    PLAN_REVIEW = "plan_review", _("Plan review (technical head)")
    PLAN_APPROVAL = "plan_approval", _("Plan approval (project manager)")
    APPROVED = "approved", _("Plan approved, awaiting assignment")
    ASSIGNED = "assigned", _("Assigned, staff preparing")
    READY = "ready", _("Ready to start")
    IN_PROGRESS = "in_progress", _("Work in progress")
    PAUSED = "paused", _("Paused")
    CHANGE_REVIEW = "change_review", _("Change review (technical head)")
    CHANGE_APPROVAL = "change_approval", _("Change approval (project manager)")
    RECTIFICATION = "rectification", _("Rectification")
    COMPLETED = "completed", _("Completed, awaiting internal acceptance")
    CUSTOMER_ACCEPTANCE = "customer_acceptance", _("Awaiting customer acceptance")
    RECORD = "record", _("Service record being written")
    RECORD_REVIEW = "record_review", _("Service record under review")
    TO_ARCHIVE = "to_archive", _("Ready to archive")
    ARCHIVED = "archived", _("Archived")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = [s for s in WOStatus.values if s not in {WOStatus.ARCHIVED, WOStatus.CANCELLED}]

# States in which the on-site clock runs (nobody has arrived yet), DOM-4.
BEFORE_ARRIVAL = [WOStatus.NEW, WOStatus.DISPATCHED]
# States in which the completion clock runs.
BEFORE_COMPLETION = [
    WOStatus.ASSESSING,
    WOStatus.PLANNING,
    WOStatus.PLAN_REVIEW,
    WOStatus.PLAN_APPROVAL,
    WOStatus.APPROVED,
    WOStatus.ASSIGNED,
    WOStatus.READY,
    WOStatus.IN_PROGRESS,
    WOStatus.PAUSED,
    WOStatus.CHANGE_REVIEW,
    WOStatus.CHANGE_APPROVAL,
]


class WorkOrder(VersionedModel):
    number = models.CharField(_("work order number"), max_length=32, unique=True, editable=False)
    request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_order",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("problem description"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=WOStatus.choices, default=WOStatus.NEW
    )
    held_from = models.CharField(_("held in state"), max_length=24, blank=True, editable=False)
    nature = models.CharField(
        _("nature"), max_length=20, choices=Nature.choices, default=Nature.REPAIR
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    exterior_work = models.BooleanField(_("exterior work"), default=False)
    service_head = models.ForeignKey(
        USER,
        verbose_name=_("service head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    technician = models.ForeignKey(
        USER,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wo_as_technician",
    )
    project_manager = models.ForeignKey(
        USER,
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wo_as_pm",
    )
    lead = models.ForeignKey(
        USER,
        verbose_name=_("lead (service staff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wo_as_lead",
    )
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, verbose_name=_("team members"), blank=True, related_name="wo_as_member"
    )
    requirements = models.TextField(_("task requirements"), blank=True)
    # Service-level clock (DOM-4), set at triage from the contract.
    on_site_due_at = models.DateTimeField(_("on site by"), null=True, blank=True, db_index=True)
    complete_due_at = models.DateTimeField(_("complete by"), null=True, blank=True, db_index=True)
    arrived_at = models.DateTimeField(_("arrived on site"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("work completed"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # Completion checklist (REG-2.4.1)
    site_cleaned = models.BooleanField(_("site cleaned"), default=False)
    facade_restored = models.BooleanField(_("facade restored"), default=False)
    cordon_removed = models.BooleanField(_("cordon and signs removed"), default=False)
    # Stored by the database from the fields above (never written by the application):
    # the deadline of the clock running now (on-site before arrival, completion while
    # the work runs; NULL when no clock runs), and the urgency as a sortable rank. They
    # make "overdue first" and the overdue count index scans at any data size.
    next_due_at = models.GeneratedField(
        expression=models.Case(
            models.When(
                models.Q(status__in=BEFORE_ARRIVAL, arrived_at__isnull=True),
                then=models.F("on_site_due_at"),
            ),
            models.When(
                models.Q(status__in=BEFORE_COMPLETION, completed_at__isnull=True),
                then=models.F("complete_due_at"),
            ),
            default=None,
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
        verbose_name=_("next deadline"),
    )
    urgency_rank = models.GeneratedField(
        expression=models.Case(
            models.When(urgency=Urgency.EMERGENCY, then=models.Value(0)),
            models.When(urgency=Urgency.URGENT, then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("urgency rank"),
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        # Every index and the read it serves: docs/scaling.md "Indexes".
        indexes = [
            models.Index(fields=["status", "on_site_due_at"], name="wo_status_due_idx"),
            models.Index(fields=["project", "-created_at"], name="wo_project_idx"),
            models.Index(fields=["customer", "-created_at"], name="wo_customer_idx"),
            models.Index(fields=["urgency", "status"], name="wo_urgency_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="wo_status_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="wo_created_idx"),
            models.Index(fields=["urgency_rank", "next_due_at", "-id"], name="wo_queue_idx"),
            models.Index(
                fields=["status", "urgency_rank", "next_due_at", "-id"],
                name="wo_status_queue_idx",
            ),
            models.Index(
                fields=["next_due_at"],
                name="wo_running_clock_idx",
                condition=models.Q(next_due_at__isnull=False),
            ),
            models.Index(
                fields=["completed_at"],
                name="wo_completed_idx",
                condition=models.Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("new work order"))

    def get_absolute_url(self) -> str:
        return reverse("service:workorder_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == WOStatus.ARCHIVED


# ---------------------------------------------------------------------------------------
# On-site assessment (REG-2.2.1)
# ---------------------------------------------------------------------------------------
class Difficulty(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    MODERATE = "moderate", _("Moderate")
    DIFFICULT = "difficult", _("Difficult")
    SPECIAL = "special", _("Special (specialist or appraisal needed)")


class Assessment(TimeStampedModel):
    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.CASCADE, related_name="assessment"
    )
    technician = models.ForeignKey(
        USER, verbose_name=_("technician"), on_delete=models.PROTECT, related_name="+"
    )
    arrived_at = models.DateTimeField(_("arrival time"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    situation = models.TextField(_("actual situation"), blank=True)
    difficulty = models.CharField(
        _("repair difficulty"), max_length=20, choices=Difficulty.choices, blank=True
    )

    class Meta:
        verbose_name = _("on-site assessment")
        verbose_name_plural = _("on-site assessments")

    def __str__(self) -> str:
        return f"{self.work_order} {self.arrived_at:%Y-%m-%d %H:%M}"


class DefectFinding(TimeStampedModel):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="defects")
    defect_type = models.ForeignKey(DefectType, verbose_name=_("defect"), on_delete=models.PROTECT)
    severity = models.CharField(_("severity"), max_length=2, choices=Severity.choices)
    location = models.CharField(_("location (elevation, floor, axis)"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    notes = models.TextField(_("notes"), blank=True)
    is_resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("defect found")
        verbose_name_plural = _("defects found")
        ordering = ["severity", "id"]

    def __str__(self) -> str:
        return f"{self.defect_type.code} {self.severity} {self.location}"


# ---------------------------------------------------------------------------------------
# Plan (REG-2.2.2) — every version kept
# ---------------------------------------------------------------------------------------
class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class Plan(TimeStampedModel):
    """A version of the repair/maintenance plan (维修/保养方案)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="plans")
    version_no = models.PositiveSmallIntegerField(_("version"))
    is_change = models.BooleanField(_("change during work"), default=False)
    change_reason = models.TextField(_("reason for the change (new problem found)"), blank=True)
    content = models.TextField(_("work content"))
    tools = models.TextField(_("tools and equipment"), blank=True)
    schedule_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    schedule_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    safety_measures = models.TextField(_("safety measures"), blank=True)
    access_method = models.CharField(
        _("access method"),
        max_length=20,
        choices=AccessMethod.choices,
        default=AccessMethod.INTERIOR,
    )
    safety_briefing_signed = models.BooleanField(
        _("safety briefing (安全技术交底) signed"), default=False
    )
    certified_staff_only = models.BooleanField(_("only certified staff (持证上岗)"), default=False)
    # Outcome of the review chain, kept on the version for the record (not a workflow state:
    # the work order's workflow moves; the services note the outcome here).
    outcome = models.CharField(
        _("plan status"),
        max_length=20,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        editable=False,
    )
    written_by = models.ForeignKey(
        USER, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    tech_reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tech_reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["work_order", "-version_no"]
        constraints = [
            models.UniqueConstraint(fields=["work_order", "version_no"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.work_order} v{self.version_no}"

    @property
    def work_at_height(self) -> bool:
        return self.access_method in HEIGHT_METHODS


class PlanMaterial(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        "materials.Material", verbose_name=_("material"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan material")
        verbose_name_plural = _("plan materials")

    def __str__(self) -> str:
        return f"{self.material} × {self.quantity}"


# ---------------------------------------------------------------------------------------
# Preparation and execution (REG-2.2.3, REG-2.3.1)
# ---------------------------------------------------------------------------------------
class MaterialDraw(TimeStampedModel):
    """Materials drawn for the work order (a stock issue once stock exists)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="draws")
    material = models.ForeignKey(
        "materials.Material", verbose_name=_("material"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    drawn_by = models.ForeignKey(
        USER, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    tools = models.TextField(_("tools drawn"), blank=True)

    class Meta:
        verbose_name = _("material drawn")
        verbose_name_plural = _("materials drawn")

    def __str__(self) -> str:
        return f"{self.material} × {self.quantity}"


class WorkLogKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Plan read and acknowledged")
    PROGRESS = "progress", _("Progress")
    NOTE = "note", _("Note")


class WorkLog(TimeStampedModel):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="logs")
    kind = models.CharField(
        _("kind"), max_length=20, choices=WorkLogKind.choices, default=WorkLogKind.PROGRESS
    )
    author = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"))
    percent_done = models.PositiveSmallIntegerField(
        _("percent done"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:50]


class PartReplacement(TimeStampedModel):
    """REG-2.3.1: every replaced material or part — old part, new part, quantity, batch/spec."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="replacements")
    old_part = models.CharField(_("old part removed"), max_length=200)
    material = models.ForeignKey(
        "materials.Material", verbose_name=_("new part"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    batch = models.CharField(_("batch / spec"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("part replacement")
        verbose_name_plural = _("part replacements")

    def __str__(self) -> str:
        return f"{self.old_part} → {self.material}"


# ---------------------------------------------------------------------------------------
# Quality (REG-2.3.2, REG-2.4.2) and acceptance (REG-2.4.1)
# ---------------------------------------------------------------------------------------
class QualityCheckKind(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision during work")
    INTERNAL_ACCEPTANCE = "internal_acceptance", _("Internal acceptance")
    RECHECK = "recheck", _("Re-check of rectification")


class QualityCheck(TimeStampedModel):
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="quality_checks"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=QualityCheckKind.choices)
    inspector = models.ForeignKey(
        USER, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    follows_plan = models.BooleanField(_("work follows the plan"), default=True)
    materials_correct = models.BooleanField(_("materials used correctly"), default=True)
    result_meets_standard = models.BooleanField(_("result meets the standards"), default=True)
    documents_complete = models.BooleanField(_("documents complete"), default=True)
    passed = models.BooleanField(_("passed"))
    findings = models.TextField(_("findings"), blank=True)
    report_number = models.CharField(_("report number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Rectification(TimeStampedModel):
    """整改: ordered by a failed quality check or a rejected acceptance; re-checked until
    it passes."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="rectifications"
    )
    source = models.CharField(_("ordered by"), max_length=24)
    description = models.TextField(_("what must be rectified"))
    ordered_by = models.ForeignKey(
        USER, verbose_name=_("ordered by"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.description[:50]


class CustomerAcceptance(TimeStampedModel):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="acceptances")
    accepted = models.BooleanField(_("accepted"))
    signer_name = models.CharField(_("signed by"), max_length=100)
    signature = models.ImageField(_("signature"), upload_to="signatures/%Y/%m/", blank=True)
    reason = models.TextField(_("reason for rejection"), blank=True)
    channel = models.CharField(_("signed"), max_length=20, default="onsite")
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("customer acceptance")
        verbose_name_plural = _("customer acceptances")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.signer_name} {self.created_at:%Y-%m-%d}"


class ServiceRecord(TimeStampedModel):
    """REG-2.5.1 服务记录: filled from the work order, signed by staff, reviewed by the head."""

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.CASCADE, related_name="service_record"
    )
    service_time = models.CharField(_("service time"), max_length=100)
    place = models.CharField(_("place"), max_length=300)
    customer_name = models.CharField(_("customer"), max_length=200)
    content = models.TextField(_("service content"), blank=True)  # required to sign
    result = models.TextField(_("repair / maintenance result"), blank=True)  # to sign
    materials_text = models.TextField(_("replaced materials and parts"), blank=True)
    staff_signature = models.ImageField(
        _("staff signature"), upload_to="signatures/%Y/%m/", blank=True
    )
    signed_by = models.ForeignKey(
        USER,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")

    def __str__(self) -> str:
        return f"{self.work_order} {self.customer_name}"


# ---------------------------------------------------------------------------------------
# Working calendar (DOM-4): the days on which a "working days" clock runs — data, editable
# ---------------------------------------------------------------------------------------
class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: an official holiday on a weekday
    (is_working_day=False) or a swapped working weekend day (调休上班, is_working_day=True).
    Seeded from ``holidays.China``; edited by the company when the State Council announces
    the next year's calendar."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("working calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
