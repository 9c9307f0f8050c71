"""Customer complaints (REG-4): the complaint, its rounds of investigation and handling,
the handling plan versions with their measures, and what the customer is told.

A complaint (``TS-2026-000123``) moves on the engine (``workflow.py``). Each round —
the first, and one more for every rejection of the result by the customer (REG-4.3.3) —
keeps its own team, evidence, findings and root cause, handling plan versions, result and
the customer's verdict, so the rounds can be shown side by side.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from facadeops.core.choices import Urgency
from facadeops.core.models import TimeStampedModel, VersionedModel
from facadeops.service.models import Channel

USER = settings.AUTH_USER_MODEL


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    PLANNING = "planning", _("Handling plan")
    PLAN_REVIEW = "plan_review", _("Plan in technical review")
    PLAN_APPROVAL = "plan_approval", _("Plan awaiting approval")
    HANDLING = "handling", _("Handling")
    FEEDBACK = "feedback", _("Awaiting the customer's verdict")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Withdrawn")


OPEN_STATES = frozenset(
    {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.INVESTIGATING,
        ComplaintStatus.PLANNING,
        ComplaintStatus.PLAN_REVIEW,
        ComplaintStatus.PLAN_APPROVAL,
        ComplaintStatus.HANDLING,
        ComplaintStatus.FEEDBACK,
    }
)


class Category(models.TextChoices):
    """REG-4.1.2: what the complaint is about."""

    QUALITY = "quality", _("Quality of work")
    TIMELINESS = "timeliness", _("Timeliness")
    ATTITUDE = "attitude", _("Service attitude")
    SAFETY = "safety", _("Safety")
    DAMAGE = "damage", _("Damage to property")
    BILLING = "billing", _("Billing")
    OTHER = "other", _("Other")


def _in_language(name: str, name_en: str) -> str:
    """The English name of reference data when the page is in English and it has one."""
    return name_en if name_en and (get_language() or "").startswith("en") else name


class Severity(models.Model):
    """How serious a complaint is (一般 / 严重 / 重大 …) — data. ``urgency`` picks the
    contract's service level that sets the team's on-site deadline (REG-4.2.2)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1, help_text=_("1 = least"))
    urgency = models.CharField(
        _("service level used"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("severity")
        verbose_name_plural = _("severities")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return _in_language(self.name, self.name_en)


class CauseCategory(models.Model):
    """REG-4.2.3: the structured root-cause category (工艺质量, 材料质量 …) — data."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("cause category")
        verbose_name_plural = _("cause categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return _in_language(self.name, self.name_en)


class Complaint(VersionedModel):
    """REG-4.1.2: customer, contact, project (and where on the facade), category,
    severity, description, time, channel, the related work orders."""

    number = models.CharField(_("complaint number"), max_length=32, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        db_index=True,
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    location = models.CharField(
        _("where on the facade"), max_length=200, blank=True, help_text=_("elevation, panel…")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.ForeignKey(
        Severity, verbose_name=_("severity"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        USER,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    work_orders = models.ManyToManyField(
        "service.WorkOrder",
        verbose_name=_("related work orders"),
        blank=True,
        related_name="complaints",
    )
    source_request = models.OneToOneField(
        "service.ServiceRequest",
        verbose_name=_("converted from request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    service_head = models.ForeignKey(
        USER,
        verbose_name=_("service head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    round_no = models.PositiveSmallIntegerField(_("round"), default=1)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="complaint_status_recv"),
            models.Index(fields=["project", "-received_at"], name="complaint_project_recv"),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer_recv"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def project_manager(self) -> Any:
        """The project's manager: the second rung of the escalation ladder (X-9.2)."""
        return self.project.project_manager


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("customer's verdict", "Accepted")
    REJECTED = "rejected", pgettext_lazy("customer's verdict", "Rejected")


class Round(TimeStampedModel):
    """One round of investigation and handling (REG-4.2–4.3.3). A rejected result opens
    the next round; every round is kept."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    reason = models.TextField(_("why this round"), blank=True)
    leader = models.ForeignKey(
        USER,
        verbose_name=_("team leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_site_due_at = models.DateTimeField(_("on site by"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived on site"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    cause_category = models.ForeignKey(
        CauseCategory,
        verbose_name=_("cause category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    whys = models.JSONField(_("5 whys"), default=list, blank=True)
    responsible_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        USER,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.TextField(_("result of the handling"), blank=True)
    result_at = models.DateTimeField(_("result reported at"), null=True, blank=True)
    verdict = models.CharField(
        _("customer's verdict"), max_length=10, blank=True, choices=Verdict.choices
    )
    verdict_reason = models.TextField(_("customer's comment"), blank=True)
    verdict_at = models.DateTimeField(_("verdict at"), null=True, blank=True)
    verdict_by = models.ForeignKey(
        USER,
        verbose_name=_("verdict recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("complaint round")
        verbose_name_plural = _("complaint rounds")
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="complaint_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} · {self.number}"


class TeamRole(models.TextChoices):
    TECHNICIAN = "technician", _("Technician")
    SERVICE_STAFF = "service_staff", _("Service staff")
    QUALITY = "quality", _("Quality")
    OTHER = "other", _("Other")


class TeamMember(models.Model):
    """REG-4.2.1: who investigates in this round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="complaint_team_member_unique")
        ]

    def __str__(self) -> str:
        return str(self.user)


class PlanOutcome(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed (technical)")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class HandlingPlan(TimeStampedModel):
    """REG-4.3.1: one version of the round's handling plan. A returned version is kept
    with the reviewer's comment; the next edit makes a new version."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="plans")
    version_no = models.PositiveSmallIntegerField(_("version"))
    summary = models.TextField(_("handling plan"))
    expected_completion = models.DateField(_("expected completion"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=PlanOutcome.choices, default=PlanOutcome.DRAFT
    )
    written_by = models.ForeignKey(
        USER, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        verbose_name = _("handling plan")
        verbose_name_plural = _("handling plans")
        ordering = ["round", "version_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "version_no"], name="complaint_plan_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · v{self.version_no}"


class Measure(models.Model):
    """REG-4.3.1: one measure of a plan version — what, by when, who. A measure that needs
    work on the facade opens a work order through the service process."""

    plan = models.ForeignKey(HandlingPlan, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField(_("no."), default=1)
    description = models.CharField(_("measure"), max_length=500)
    deadline = models.DateField(_("deadline"))
    responsible = models.ForeignKey(
        USER, verbose_name=_("responsible"), on_delete=models.PROTECT, related_name="+"
    )
    site_work = models.BooleanField(_("needs work on the facade"), default=False)
    work_order = models.ForeignKey(
        "service.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_measures",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.CharField(_("how it was done"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.description


class UpdateKind(models.TextChoices):
    ACKNOWLEDGEMENT = "ack", _("Acknowledgement")
    PROGRESS = "progress", _("Progress")
    PHONE = "phone", _("Phone call")
    RESULT = "result", _("Result")
    VERDICT = "verdict", _("Customer's verdict")


class CustomerUpdate(models.Model):
    """REG-4.3.2: what the customer was told, when and how (portal, mail, phone)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="updates")
    round_no = models.PositiveSmallIntegerField(_("round"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=UpdateKind.choices)
    text = models.TextField(_("message"))
    expected_completion = models.DateField(_("expected completion"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        USER,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer update")
        verbose_name_plural = _("customer updates")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")


class AnalysisPeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class Analysis(VersionedModel):
    """REG-4.4.2: the periodic analysis of complaints — figures computed from the records
    (kept as they were when submitted), the service head's conclusions, approved by
    management; its improvement actions (``quality.ImprovementAction``) have it as source."""

    period = models.CharField(_("period"), max_length=10, choices=AnalysisPeriod.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to (inclusive)"))
    status = models.CharField(
        _("status"), max_length=12, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    drafted_by = models.ForeignKey(
        USER, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint analysis")
        verbose_name_plural = _("complaint analyses")
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "start"], name="complaint_analysis_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"
