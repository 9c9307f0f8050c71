"""Every write of the complaints chapter (REG-4). Keyword-only, transactional, audited;
the complaint moves only through the workflow engine (``workflow.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.accounts.models import Department, User
from facadeops.archive import permissions as archive_permissions
from facadeops.archive.models import ArchiveEntry
from facadeops.archive.selectors import entry_for_source
from facadeops.archive.services import ARCHIVE_LANGUAGE, archive_record
from facadeops.audit.services import record, snapshot
from facadeops.audit.verbs import register_verb
from facadeops.core.choices import Urgency
from facadeops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from facadeops.core.numbering import next_number
from facadeops.core.roles import Role, has_role
from facadeops.core.services import update_record
from facadeops.core.workflow import transition
from facadeops.customers.models import Contact, Customer, Project
from facadeops.notifications.services import notify
from facadeops.quality.models import ImprovementAction
from facadeops.quality.services import action_create
from facadeops.service.models import Channel, Nature, RequestStatus, ServiceRequest, WorkOrder
from facadeops.service.rules import users_with_role
from facadeops.service.services import request_cancel, request_create, work_order_create
from facadeops.service.sla import deadlines_for, escalation_recipients

from . import permissions as perms
from .analysis import figures as analysis_figures
from .documents import complaint_file_text, render_complaint_file_pdf
from .models import (
    OPEN_STATES,
    Analysis,
    AnalysisPeriod,
    AnalysisStatus,
    Category,
    CauseCategory,
    Complaint,
    ComplaintStatus,
    CustomerUpdate,
    HandlingPlan,
    Measure,
    PlanOutcome,
    Round,
    Severity,
    TeamMember,
    TeamRole,
    UpdateKind,
)
from .rules import current_plan, current_round

S = ComplaintStatus
R = Role
for _verb, _label in [
    ("complaint.team_set", gettext_lazy("investigation team formed")),
    ("complaint.arrived", gettext_lazy("team arrived on site")),
    ("complaint.findings", gettext_lazy("findings and root cause recorded")),
    ("complaint.plan_saved", gettext_lazy("handling plan saved")),
    ("complaint.measure_done", gettext_lazy("measure done")),
    ("complaint.measure_work_order", gettext_lazy("work order opened for a measure")),
    ("complaint.customer_update", gettext_lazy("customer informed")),
    ("complaint.result", gettext_lazy("result of the handling recorded")),
    ("complaint.escalated", gettext_lazy("escalated (team late on site, or reopened)")),
]:
    register_verb(_verb, _label)

MAX_WHYS = 5
COMPLAINT_FILE = "complaint_file"  # the archive's record type (seeded by archive)
# The messages the customer reads (acknowledgement, result, verdict) are written in the
# language of the customer's documents, whatever the language of the staff member's page.
CUSTOMER_LANGUAGE = ARCHIVE_LANGUAGE


def _text(value: Any) -> str:
    return str(value or "").strip()


def _invalid(fields: dict[str, list[str]]) -> InvalidInput:
    return InvalidInput(fields=fields)


def _open(c: Complaint) -> None:
    if c.status not in OPEN_STATES:
        raise Conflict(_("This complaint is closed; it can no longer be changed."), code="closed")


def _lock(c: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=c.pk)


def _customer_users(c: Complaint) -> list[Any]:
    return list(
        User.objects.filter(customer_id=c.customer_id, is_active=True).select_related(
            "notification_preference"
        )
    )


def _tell_customer(
    c: Complaint, *, actor: Any, kind: str, text: str, expected: Any = None
) -> CustomerUpdate:
    """REG-4.3.2: record what the customer is told, and tell the customer's portal users
    (inbox, and e-mail by their preferences) once the transaction commits."""
    update = CustomerUpdate.objects.create(
        complaint=c,
        round_no=c.round_no,
        kind=kind,
        text=text,
        expected_completion=expected,
        by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        verb="complaint.customer_update",
        target=c,
        after={"kind": kind, "text": text, "expected_completion": expected},
        context=c.project,
    )
    users = _customer_users(c)
    actor_id = getattr(actor, "pk", None)
    ids = [u.pk for u in users if u.pk != actor_id]
    if ids:
        title = _("Complaint %(number)s: %(kind)s") % {
            "number": c.number,
            "kind": UpdateKind(kind).label,
        }

        def send() -> None:
            notify(
                recipient_ids=ids,
                verb=f"complaint.{kind}",
                title=title,
                body=text,
                target=c,
                actor_id=actor_id,
                recipients=users,
            )

        transaction.on_commit(send)
    return update


def _on_site_due(project: Project, severity: Severity, start: dt.datetime) -> dt.datetime | None:
    """REG-4.2.2: the contract's service level for the severity's urgency sets the clock."""
    on_site, _complete = deadlines_for(project, severity.urgency, start=start)
    return on_site


# =========================================================================================
# REG-4.1: intake on every channel
# =========================================================================================
def complaint_create(
    *,
    actor: Any,
    data: dict[str, Any],
    work_orders: Iterable[WorkOrder] = (),
    channel: str = Channel.HOTLINE,
) -> Complaint:
    """REG-4.1.1, 4.1.2: record a complaint taken on any channel — customer, contact,
    project, category, severity, description, time, channel, related work orders. The
    customer gets the acknowledgement with the number at once; the service head is told."""
    customer_user = has_role(actor, R.CUSTOMER)
    if not (perms.can_receive(actor) or customer_user):
        raise Forbidden(_("Your role does not allow recording complaints."))
    errors: dict[str, list[str]] = {}
    project = data.get("project")
    if isinstance(project, int | str) and str(project).isdigit():
        project = Project.objects.select_related("customer").filter(pk=int(project)).first()
    if not isinstance(project, Project):
        errors["project"] = [_("Choose the project the complaint is about.")]
    customer = project.customer if isinstance(project, Project) else None
    if customer_user and customer is not None and customer.pk != actor.customer_id:
        raise NotFound()
    given_customer = data.get("customer")
    if (
        isinstance(given_customer, Customer)
        and customer is not None
        and given_customer.pk != customer.pk
    ):
        errors["project"] = [_("This project does not belong to the customer.")]
    severity = data.get("severity")
    if isinstance(severity, str):
        severity = Severity.objects.filter(code=severity, active=True).first()
    if customer_user and severity is None:
        severity = Severity.objects.filter(active=True).order_by("rank").first()
    if not isinstance(severity, Severity):
        errors["severity"] = [_("Choose the severity.")]
    category = _text(data.get("category")) or (Category.OTHER if customer_user else "")
    if category not in Category.values:
        errors["category"] = [_("Choose what the complaint is about.")]
    subject = _text(data.get("subject"))
    if not subject:
        errors["subject"] = [_("Give the complaint a short subject.")]
    elif len(subject) > 200:
        errors["subject"] = [_("At most 200 characters.")]
    description = _text(data.get("description"))
    if not description:
        errors["description"] = [_("Describe what the customer complains about.")]
    elif len(description) > 8000:
        errors["description"] = [_("At most 8,000 characters.")]
    contact = data.get("contact")
    if contact is not None and not (
        isinstance(contact, Contact) and customer is not None and contact.customer_id == customer.pk
    ):
        errors["contact"] = [_("This contact does not belong to the customer.")]
    contact_name = (
        _text(data.get("contact_name"))
        or (contact.name if isinstance(contact, Contact) else "")
        or (actor.get_full_name() if customer_user else "")
    )
    if not contact_name:
        errors["contact_name"] = [_("Who complains? Give the contact's name.")]
    if channel not in Channel.values or channel == Channel.PLAN:
        errors["channel"] = [_("Choose the channel the complaint came in on.")]
    related = list(work_orders)
    if customer is not None and any(wo.customer_id != customer.pk for wo in related):
        errors["work_orders"] = [_("A related work order belongs to another customer.")]
    received_at = data.get("received_at") or timezone.now()
    if isinstance(received_at, dt.datetime) and received_at > timezone.now() + dt.timedelta(
        minutes=5
    ):
        errors["received_at"] = [_("The time the complaint was received cannot be in the future.")]
    if errors:
        raise _invalid(errors)
    assert isinstance(project, Project) and isinstance(severity, Severity) and customer
    with transaction.atomic():
        c = Complaint(
            number=next_number("TS", at=received_at),
            channel=channel,
            customer=customer,
            contact=contact if isinstance(contact, Contact) else None,
            contact_name=contact_name[:100],
            contact_phone=_text(data.get("contact_phone"))[:40]
            or (contact.phone if isinstance(contact, Contact) else ""),
            contact_email=_text(data.get("contact_email"))[:254]
            or (contact.email if isinstance(contact, Contact) else ""),
            project=project,
            location=_text(data.get("location"))[:200],
            category=category,
            severity=severity,
            subject=subject,
            description=description,
            received_at=received_at,
            received_by=None if customer_user else actor,
            service_head=project.service_head,
            acknowledged_at=timezone.now(),
        )
        c.full_clean(exclude=["received_by", "service_head", "contact"])
        c.save()
        if related:
            c.work_orders.set(related)
        Round.objects.create(
            complaint=c, number=1, on_site_due_at=_on_site_due(project, severity, received_at)
        )
        record(
            actor=actor,
            verb="created",
            target=c,
            after=snapshot(c) | {"work_orders": [wo.number for wo in related]},
            context=project,
        )
        with translation.override(CUSTOMER_LANGUAGE):  # what the customer reads
            _tell_customer(
                c,
                actor=actor,
                kind=UpdateKind.ACKNOWLEDGEMENT,
                text=_(
                    "Your complaint has been received under number %(number)s. The service "
                    "department will contact you."
                )
                % {"number": c.number},
            )
        heads = [c.service_head] if c.service_head_id else users_with_role(R.SERVICE_HEAD)
        ids = [u.pk for u in heads if u is not None and u.pk != getattr(actor, "pk", None)]
        if ids:
            title = _("New complaint %(number)s: %(subject)s") % {
                "number": c.number,
                "subject": c.subject,
            }
            transaction.on_commit(
                lambda: notify(
                    recipient_ids=ids,
                    verb="complaint.created",
                    title=title,
                    body=description[:500],
                    target=c,
                    actor_id=getattr(actor, "pk", None),
                    urgent=severity.urgency != Urgency.NORMAL,
                )
            )
    return c


# =========================================================================================
# REG-4.2: investigation
# =========================================================================================
def team_set(
    *, actor: Any, complaint: Complaint, leader: Any, members: Iterable[tuple[Any, str]]
) -> Round:
    """REG-4.2.1: the service head forms the round's investigation team — people with
    their role in the team (technicians, service staff, quality), and a leader."""
    if not perms.is_head(actor, complaint):
        raise Forbidden(_("Only the service head forms the investigation team."))
    if complaint.status not in {S.RECEIVED, S.INVESTIGATING}:
        raise Conflict(_("The team is formed before the handling plan is written."))
    members = list(members)
    errors: dict[str, list[str]] = {}
    if not isinstance(leader, User) or not leader.is_active or has_role(leader, R.CUSTOMER):
        errors["leader"] = [_("Choose the team leader among the active staff.")]
    bad = [
        u
        for u, role in members
        if not isinstance(u, User)
        or not u.is_active
        or has_role(u, R.CUSTOMER)
        or role not in TeamRole.values
    ]
    if bad:
        errors["members"] = [
            _("Every member must be an active staff member with a role in the team.")
        ]
    if not members:
        errors["members"] = [_("Add at least one member to the team.")]
    if len({u.pk for u, _r in members if isinstance(u, User)}) != len(members):
        errors["members"] = [_("A person is in the team only once.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        c = _lock(complaint)
        r = current_round(c)
        assert r is not None
        before = {
            "leader": str(r.leader) if r.leader_id else "",
            "members": sorted(str(m.user) for m in r.members.select_related("user")),
        }
        r.leader = leader
        r.save(update_fields=["leader", "updated_at"])
        r.members.all().delete()
        TeamMember.objects.bulk_create(
            TeamMember(round=r, user=u, role=role) for u, role in members
        )
        record(
            actor=actor,
            verb="complaint.team_set",
            target=c,
            before=before,
            after={
                "round": r.number,
                "leader": str(leader),
                "members": sorted(str(u) for u, _r in members),
            },
            context=c.project,
        )
    return r


def arrival_record(*, actor: Any, complaint: Complaint, at: dt.datetime | None = None) -> Round:
    """REG-4.2.2: the team is on site (the on-site clock stops; late is visible)."""
    if not perms.can_investigate(actor, complaint):
        raise Forbidden(_("Only the investigation team records its arrival."))
    if complaint.status != S.INVESTIGATING:
        raise Conflict(_("The arrival is recorded while the complaint is being investigated."))
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise _invalid({"at": [_("The arrival cannot be in the future.")]})
    with transaction.atomic():
        c = _lock(complaint)
        r = current_round(c)
        assert r is not None
        r.arrived_at = at
        r.save(update_fields=["arrived_at", "updated_at"])
        late = bool(r.on_site_due_at and at > r.on_site_due_at)
        record(
            actor=actor,
            verb="complaint.arrived",
            target=c,
            after={"round": r.number, "arrived_at": at, "late": late},
            context=c.project,
        )
    return r


def findings_update(*, actor: Any, complaint: Complaint, data: dict[str, Any]) -> Round:
    """REG-4.2.2, 4.2.3: findings, root cause (category, text, up to five whys), the
    responsible department and person."""
    if not perms.can_investigate(actor, complaint):
        raise Forbidden(_("Only the investigation team records the findings."))
    if complaint.status not in {S.INVESTIGATING, S.PLANNING}:
        raise Conflict(_("Findings are recorded during the investigation."))
    errors: dict[str, list[str]] = {}
    cause = data.get("cause_category")
    if isinstance(cause, str) and cause:
        cause = CauseCategory.objects.filter(code=cause, active=True).first()
        if cause is None:
            errors["cause_category"] = [_("Choose one of the cause categories.")]
    dept = data.get("responsible_department")
    if dept is not None and not isinstance(dept, Department):
        errors["responsible_department"] = [_("Choose a department.")]
    person = data.get("responsible_person")
    if person is not None and (not isinstance(person, User) or has_role(person, R.CUSTOMER)):
        errors["responsible_person"] = [_("Choose a staff member.")]
    whys = [w for w in (_text(x) for x in data.get("whys") or []) if w]
    if len(whys) > MAX_WHYS:
        errors["whys"] = [_("At most five whys.")]
    if any(len(w) > 500 for w in whys):
        errors["whys"] = [_("Each why has at most 500 characters.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        c = _lock(complaint)
        r = current_round(c)
        assert r is not None
        fields = [
            "findings",
            "root_cause",
            "whys",
            "cause_category",
            "responsible_department",
            "responsible_person",
        ]
        before = snapshot(r, fields)
        if "findings" in data:
            r.findings = _text(data["findings"])
        if "root_cause" in data:
            r.root_cause = _text(data["root_cause"])
        if "whys" in data:
            r.whys = whys
        if "cause_category" in data:
            r.cause_category = cause or None
        if "responsible_department" in data:
            r.responsible_department = dept
        if "responsible_person" in data:
            r.responsible_person = person
        r.save()
        record(
            actor=actor,
            verb="complaint.findings",
            target=c,
            before=before,
            after=snapshot(r, fields),
            context=c.project,
        )
    return r


# =========================================================================================
# REG-4.3.1: the handling plan
# =========================================================================================
def plan_save(
    *,
    actor: Any,
    complaint: Complaint,
    summary: str,
    expected_completion: dt.date | None,
    measures: Iterable[dict[str, Any]],
) -> HandlingPlan:
    """REG-4.3.1: write the round's handling plan — measures, each with its deadline and
    responsible person. After a return the old version is kept and a new one is made."""
    if not perms.can_investigate(actor, complaint):
        raise Forbidden(_("Only the investigation team writes the handling plan."))
    if complaint.status != S.PLANNING:
        raise Conflict(_("The handling plan is written once the findings are complete."))
    measures = list(measures)
    errors: dict[str, list[str]] = {}
    summary = _text(summary)
    if not summary:
        errors["summary"] = [_("Describe the handling plan.")]
    today = timezone.localdate()
    if expected_completion is None:
        errors["expected_completion"] = [_("Give the expected completion date.")]
    elif expected_completion < today:
        errors["expected_completion"] = [_("The expected completion cannot be in the past.")]
    rows: list[dict[str, Any]] = []
    for i, m in enumerate(measures, 1):
        text = _text(m.get("description"))
        deadline = m.get("deadline")
        who = m.get("responsible")
        problems = []
        if not text:
            problems.append(_("what is to be done"))
        if not isinstance(deadline, dt.date):
            problems.append(_("the deadline"))
        if not isinstance(who, User) or not who.is_active or has_role(who, R.CUSTOMER):
            problems.append(_("the responsible staff member"))
        if problems:
            errors.setdefault("measures", []).append(
                _("Measure %(n)d: give %(what)s.") % {"n": i, "what": _(", ").join(problems)}
            )
            continue
        assert isinstance(deadline, dt.date)
        if deadline < today:
            errors.setdefault("measures", []).append(
                _("Measure %(n)d: the deadline cannot be in the past.") % {"n": i}
            )
        rows.append(
            {
                "description": text[:500],
                "deadline": deadline,
                "responsible": who,
                "site_work": bool(m.get("site_work")),
            }
        )
    if not measures:
        errors["measures"] = [_("Add at least one measure.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        c = _lock(complaint)
        if c.status != S.PLANNING:
            raise Conflict(_("The handling plan is written once the findings are complete."))
        r = current_round(c)
        assert r is not None
        plan = current_plan(r)
        if plan is None or plan.outcome != PlanOutcome.DRAFT:
            plan = HandlingPlan(
                round=r, version_no=(plan.version_no + 1) if plan else 1, written_by=actor
            )
        before = {"version": plan.version_no, "summary": plan.summary} if plan.pk else {}
        plan.summary = summary
        plan.expected_completion = expected_completion
        plan.written_by = actor
        plan.save()
        plan.measures.all().delete()
        Measure.objects.bulk_create(
            Measure(plan=plan, position=i, **row) for i, row in enumerate(rows, 1)
        )
        record(
            actor=actor,
            verb="complaint.plan_saved",
            target=c,
            before=before,
            after={
                "round": r.number,
                "version": plan.version_no,
                "summary": summary,
                "expected_completion": expected_completion,
                "measures": [
                    f"{row['description']} · {row['deadline']} · {row['responsible']}"
                    for row in rows
                ],
            },
            context=c.project,
        )
    return plan


def _measure(complaint: Complaint, measure_id: Any) -> Measure:
    r = current_round(complaint)
    plan = (
        r.plans.filter(outcome=PlanOutcome.APPROVED).order_by("-version_no").first() if r else None
    )
    m = (
        plan.measures.filter(pk=measure_id).first()
        if plan is not None and str(measure_id).isdigit()
        else None
    )
    if m is None:
        raise NotFound(_("No such measure in the approved handling plan."))
    return m


def measure_work_order(*, actor: Any, complaint: Complaint, measure_id: Any) -> WorkOrder:
    """REG-4.3.1: a measure that needs work on the facade opens a work order through the
    service process (REG-2), linked to the measure and the complaint."""
    if not perms.is_head(actor, complaint):
        raise Forbidden(_("The service head opens work orders for measures."))
    if complaint.status != S.HANDLING:
        raise Conflict(_("Work orders are opened for the measures of an approved plan."))
    with transaction.atomic():
        c = _lock(complaint)
        m = _measure(c, measure_id)
        if m.work_order is not None:
            raise Conflict(
                _("This measure already has work order %(n)s.") % {"n": m.work_order.number}
            )
        wo = work_order_create(
            actor=actor,
            project=c.project,
            title=(
                _("Complaint %(number)s: %(measure)s")
                % {"number": c.number, "measure": m.description}
            )[:190],
            description=f"{c.subject}\n\n{m.description}",
            nature=Nature.REPAIR,
            urgency=c.severity.urgency,
            exterior_work=True,
        )
        m.work_order = wo
        m.save(update_fields=["work_order"])
        c.work_orders.add(wo)
        record(
            actor=actor,
            verb="complaint.measure_work_order",
            target=c,
            after={"measure": m.description, "work_order": wo.number},
            context=c.project,
        )
    return wo


def measure_done(*, actor: Any, complaint: Complaint, measure_id: Any, note: str = "") -> Measure:
    """REG-4.3.2: a measure of the approved plan is done (by its responsible person, the
    team or the service head)."""
    if complaint.status != S.HANDLING:
        raise Conflict(_("Measures are done while the complaint is being handled."))
    with transaction.atomic():
        c = _lock(complaint)
        m = _measure(c, measure_id)
        if not (m.responsible_id == actor.pk or perms.can_investigate(actor, c)):
            raise Forbidden(_("Only the responsible person or the team marks a measure done."))
        if m.done_at is not None:
            raise Conflict(_("This measure is already done."))
        m.done_at = timezone.now()
        m.done_note = _text(note)[:500]
        m.save(update_fields=["done_at", "done_note"])
        record(
            actor=actor,
            verb="complaint.measure_done",
            target=c,
            after={"measure": m.description, "note": m.done_note},
            context=c.project,
        )
    return m


# =========================================================================================
# REG-4.3.2, 4.3.3: communication, result, verdict
# =========================================================================================
def customer_update_add(
    *,
    actor: Any,
    complaint: Complaint,
    text: str,
    kind: str = UpdateKind.PROGRESS,
    expected_completion: dt.date | None = None,
) -> CustomerUpdate:
    """REG-4.3.2: tell the customer about the progress and the expected completion (shown
    in the portal and sent to the customer's users), or log a phone call with them."""
    if not (has_role(actor, R.AGENT) or perms.can_investigate(actor, complaint)):
        raise Forbidden(_("Your role does not allow informing the customer."))
    _open(complaint)
    text = _text(text)
    errors: dict[str, list[str]] = {}
    if kind not in {UpdateKind.PROGRESS, UpdateKind.PHONE}:
        errors["kind"] = [_("Choose progress or phone call.")]
    if not text:
        errors["text"] = [_("Write what the customer is told.")]
    elif len(text) > 4000:
        errors["text"] = [_("At most 4,000 characters.")]
    if expected_completion is not None and expected_completion < timezone.localdate():
        errors["expected_completion"] = [_("The expected completion cannot be in the past.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        c = _lock(complaint)
        return _tell_customer(c, actor=actor, kind=kind, text=text, expected=expected_completion)


def result_save(*, actor: Any, complaint: Complaint, result: str) -> Round:
    """REG-4.3.3: what was done, as the customer will be told it."""
    if not perms.can_investigate(actor, complaint):
        raise Forbidden(_("Only the team or the service head reports the result."))
    if complaint.status != S.HANDLING:
        raise Conflict(_("The result is written while the complaint is being handled."))
    result = _text(result)
    if not result:
        raise _invalid({"result": [_("Describe the result of the handling.")]})
    with transaction.atomic():
        c = _lock(complaint)
        r = current_round(c)
        assert r is not None
        before = {"result": r.result}
        r.result = result
        r.save(update_fields=["result", "updated_at"])
        record(
            actor=actor,
            verb="complaint.result",
            target=c,
            before=before,
            after={"result": result},
            context=c.project,
        )
    return r


def archive_complaint(*, actor: Any, complaint: Complaint) -> ArchiveEntry:
    """REG-4.4.1: the whole file — every round, the evidence, the plan versions with their
    approvals, the customer's verdicts and what they were told — becomes one archive entry
    (PDF, retention of its record type, Chinese full text). Called by the "archive" step in
    the same transaction; idempotent."""
    if not archive_permissions.can_archive(actor):
        raise Forbidden(_("Only the service head archives complaint files."))
    if complaint.status not in {S.CLOSED, S.ARCHIVED}:
        raise Conflict(_("Only a closed complaint can be archived."), code="not_ready")
    existing = entry_for_source(complaint, record_type_code=COMPLAINT_FILE)
    if existing is not None:
        return existing
    with translation.override(ARCHIVE_LANGUAGE):
        classification = f"{complaint.get_category_display()} · {complaint.severity}"
    return archive_record(
        actor=actor,
        source=complaint,
        record_type_code=COMPLAINT_FILE,
        title=complaint.subject,
        number=complaint.number,
        record_date=timezone.localdate(complaint.closed_at or timezone.now()),
        pdf=render_complaint_file_pdf(complaint),
        search_text=complaint_file_text(complaint),
        customer=complaint.customer,
        project=complaint.project,
        classification=classification,
        context=complaint.project,
    )


def _escalate(c: Complaint, *, actor: Any, reason: str) -> None:
    """REG-4.3.3: a reopened complaint goes one level up the escalation ladder of X-9.2
    (service head → project manager → management), told at once."""
    people = {u.pk: u for u in escalation_recipients(c, c.escalation_level) if u is not None}
    people.pop(getattr(actor, "pk", None), None)
    if not people:
        return
    ids = list(people)
    title = _("Complaint %(number)s reopened (round %(round)d, escalation level %(level)d)") % {
        "number": c.number,
        "round": c.round_no,
        "level": c.escalation_level,
    }
    transaction.on_commit(
        lambda: notify(
            recipient_ids=ids,
            verb="complaint.escalated",
            title=title,
            body=reason,
            target=c,
            actor_id=getattr(actor, "pk", None),
            urgent=True,
        )
    )


def complaint_transition(
    *, actor: Any, complaint: Complaint, name: str, note: str = ""
) -> Complaint:
    """Take a step of the complaint chain; the customer is told of the steps that concern
    them (result to confirm, new round, closing) in the same transaction."""
    perms.require_view(actor, complaint)
    with transaction.atomic():
        c = transition(complaint, name, actor=actor, note=_text(note))
        if name == "archive":
            archive_complaint(actor=actor, complaint=c)
        elif name == "report_result":
            r = current_round(c)
            with translation.override(CUSTOMER_LANGUAGE):  # what the customer reads
                _tell_customer(
                    c,
                    actor=actor,
                    kind=UpdateKind.RESULT,
                    text=_(
                        "The handling is complete: %(result)s "
                        "Please tell us whether you accept the result."
                    )
                    % {"result": r.result if r else ""},
                )
        elif name in {"accept", "reject"}:
            with translation.override(CUSTOMER_LANGUAGE):  # what the customer reads
                _tell_customer(
                    c,
                    actor=actor,
                    kind=UpdateKind.VERDICT,
                    text=(
                        _("Result accepted. The complaint is closed.")
                        if name == "accept"
                        else _(
                            "Result not accepted: the complaint is investigated again "
                            "(round %(n)d)."
                        )
                        % {"n": c.round_no}
                    )
                    + (f" {_text(note)}" if note else ""),
                )
            if name == "reject":
                _escalate(c, actor=actor, reason=_text(note))
                r = current_round(c)
                if r is not None:
                    r.on_site_due_at = _on_site_due(c.project, c.severity, timezone.now())
                    r.save(update_fields=["on_site_due_at", "updated_at"])
                    # The new round's team starts as the last one; the head may change it.
                    prev = c.rounds.filter(number=c.round_no - 1).first()
                    if prev is not None:
                        r.leader_id = prev.leader_id
                        r.save(update_fields=["leader", "updated_at"])
                        TeamMember.objects.bulk_create(
                            TeamMember(round=r, user_id=m.user_id, role=m.role)
                            for m in prev.members.all()
                        )
    return c


# =========================================================================================
# REG-4.4.2: periodic analysis and improvement actions
# =========================================================================================
def period_bounds(period: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """The month or quarter that starts on ``start`` (which must be its first day)."""
    if period == AnalysisPeriod.MONTH:
        if start.day != 1:
            raise _invalid({"start": [_("A month starts on its first day.")]})
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    elif period == AnalysisPeriod.QUARTER:
        if start.day != 1 or start.month not in (1, 4, 7, 10):
            raise _invalid({"start": [_("A quarter starts on 1 January, April, July or October.")]})
        month = start.month + 3
        nxt = dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    else:
        raise _invalid({"period": [_("Choose month or quarter.")]})
    return start, nxt - dt.timedelta(days=1)


def analysis_draft(*, actor: Any, period: str, start: dt.date) -> Analysis:
    """REG-4.4.2: the service head drafts the period's analysis; its figures are computed
    from the records (and recomputed on refresh until it is submitted)."""
    if not has_role(actor, R.SERVICE_HEAD):
        raise Forbidden(_("The service head drafts the complaint analysis."))
    start, end = period_bounds(period, start)
    if Analysis.objects.filter(period=period, start=start).exists():
        raise Conflict(_("The analysis of this period already exists."))
    with transaction.atomic():
        a = Analysis.objects.create(
            period=period,
            start=start,
            end=end,
            drafted_by=actor,
            figures=analysis_figures(start, end),
        )
        record(actor=actor, verb="created", target=a, after=snapshot(a, ["period", "start", "end"]))
    return a


def analysis_update(
    *,
    actor: Any,
    analysis: Analysis,
    conclusions: str,
    refresh: bool = True,
    expected_version: int | None = None,
) -> Analysis:
    """The conclusions (common causes, trends, what to improve); the figures are refreshed
    while the analysis is a draft."""
    if not has_role(actor, R.SERVICE_HEAD):
        raise Forbidden(_("The service head writes the complaint analysis."))
    if analysis.status != AnalysisStatus.DRAFT:
        raise Conflict(_("Only a draft analysis can be changed."))
    data: dict[str, Any] = {"conclusions": _text(conclusions)}
    if refresh:
        data["figures"] = analysis_figures(analysis.start, analysis.end)
    return update_record(analysis, actor=actor, data=data, expected_version=expected_version)


def analysis_transition(*, actor: Any, analysis: Analysis, name: str, note: str = "") -> Analysis:
    return transition(analysis, name, actor=actor, note=_text(note))


def analysis_action_add(
    *,
    actor: Any,
    analysis: Analysis,
    kind: str,
    title: str,
    owner: Any,
    due_date: dt.date | None,
    cause: str,
    description: str = "",
    check_after_days: int = 90,
) -> ImprovementAction:
    """REG-4.4.2: an improvement action against a common cause; its efficacy is the fall of
    that cause's complaints after it is done (``complaints.cause``)."""
    if analysis.status == AnalysisStatus.APPROVED and not has_role(actor, R.MANAGEMENT):
        raise Conflict(_("The analysis is approved; management adds further actions."))
    if not CauseCategory.objects.filter(code=cause).exists():
        raise _invalid({"cause": [_("Choose one of the cause categories.")]})
    return action_create(
        actor=actor,
        source=analysis,
        kind=kind,
        title=title,
        owner=owner,
        due_date=due_date,
        measure="complaints.cause",
        measure_params={"cause": cause},
        description=description,
        check_after_days=check_after_days,
    )


# =========================================================================================
# REG-4.1.1: a request that is really a complaint, and back (the trail is kept)
# =========================================================================================
def complaint_from_request(
    *, actor: Any, request: ServiceRequest, category: str, severity: str, subject: str
) -> Complaint:
    """The agent finds that a new request is a complaint: the complaint takes over its
    customer, contact, project, description, channel and time; the request is closed
    ("cancelled") with the complaint's number, and the complaint keeps the request."""
    if request.status != RequestStatus.NEW:
        raise Conflict(_("Only a new request can become a complaint."))
    with transaction.atomic():
        c = complaint_create(
            actor=actor,
            channel=request.channel if request.channel != Channel.PLAN else Channel.HOTLINE,
            data={
                "project": request.project,
                "contact": request.contact,
                "contact_name": request.caller_name,
                "contact_phone": request.caller_phone,
                "contact_email": request.caller_email,
                "category": category,
                "severity": severity,
                "subject": subject,
                "description": request.description,
                "location": request.location,
                "received_at": request.reported_at,
            },
        )
        Complaint.objects.filter(pk=c.pk).update(source_request=request)
        c.source_request = request
        request_cancel(
            actor=actor,
            request=request,
            note=_("Recorded as complaint %(number)s.") % {"number": c.number},
        )
    return c


def complaint_to_request(*, actor: Any, complaint: Complaint, note: str = "") -> ServiceRequest:
    """A new complaint that is really a repair request: a request (BX-) takes over its
    data; the complaint is withdrawn with the request's number."""
    if complaint.status != S.RECEIVED:
        raise Conflict(_("Only a complaint not yet investigated can become a request."))
    if not perms.is_head(actor, complaint):
        raise Forbidden(_("The service head decides that a complaint is a request."))
    with transaction.atomic():
        req = request_create(
            actor=actor,
            data={
                "kind": "repair",
                "channel": complaint.channel,
                "customer": complaint.customer,
                "contact": complaint.contact,
                "project": complaint.project,
                "caller_name": complaint.contact_name,
                "caller_phone": complaint.contact_phone,
                "caller_email": complaint.contact_email,
                "description": complaint.description,
                "location": complaint.location,
                "reported_at": complaint.received_at,
                "urgency": complaint.severity.urgency,
            },
        )
        reason = _("Recorded as request %(number)s.") % {"number": req.number}
        transition(complaint, "withdraw", actor=actor, note=f"{reason} {_text(note)}".strip())
    return req
