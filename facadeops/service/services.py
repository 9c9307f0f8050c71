"""Every write of the service process (REG-2). Keyword-only, transactional, audited.

Each function checks the actor's role and object scope (``permissions``), refuses changes
to archived or cancelled work orders, and moves the work order only through the workflow
engine (``workflow.py``). The UI and the API call only these and the selectors.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.audit.services import record, snapshot
from facadeops.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from facadeops.core.numbering import next_number
from facadeops.core.roles import Role, has_role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition, workflow_for

from . import permissions as perms
from . import rules
from .models import (
    HEIGHT_METHODS,
    AccessMethod,
    Assessment,
    Channel,
    CustomerAcceptance,
    DefectFinding,
    DefectType,
    MaterialDraw,
    Nature,
    PartReplacement,
    Plan,
    PlanMaterial,
    PlanStatus,
    QualityCheck,
    QualityCheckKind,
    Rectification,
    RequestKind,
    ServiceRecord,
    ServiceRequest,
    WorkLog,
    WorkLogKind,
    WorkOrder,
    WOStatus,
)

R = Role
S = WOStatus

M = TypeVar("M", bound=models.Model)

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_SIDE = 4000


# =========================================================================================
# helpers
# =========================================================================================
def _wo_context(obj: Any) -> Any:
    """Sub-records of a work order show on the work order's timeline."""
    return obj.work_order


def _project_context(wo: WorkOrder) -> Any:
    return wo.project


# core.audit.snapshot() cannot read an empty file field (hasattr(FieldFile, "url") raises
# ValueError); records with optional files are written with these two helpers instead.
def _snap(obj: models.Model) -> dict[str, Any]:
    from django.db.models.fields.files import FieldFile

    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(value, FieldFile):
            value = value.name or ""
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[f.name] = value
    return out


def _clean_or_invalid(obj: models.Model) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc


def _create_with_file(
    model: type[M], *, actor: Any, data: dict[str, Any], files: dict[str, ContentFile[bytes]]
) -> M:
    obj = model(**data)
    for name, content in files.items():
        getattr(obj, name).save("signature.png", content, save=False)
    _clean_or_invalid(obj)
    obj.save()
    record(actor=actor, verb="created", target=obj, after=_snap(obj), context=_wo_context(obj))
    return obj


def _update_with_file(obj: M, *, actor: Any, data: dict[str, Any], verb: str = "updated") -> M:
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = _snap(current)
    for key, value in data.items():
        setattr(current, key, value)
    _clean_or_invalid(current)
    current.save()
    after = _snap(current)
    changed = [k for k in after if after[k] != before.get(k) and k != "updated_at"]
    if changed:
        record(
            actor=actor,
            verb=verb,
            target=current,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
            context=_wo_context(current),
        )
    return current


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _resolve(model: type[models.Model], value: Any, field: str) -> Any:
    """An instance of ``model`` from an instance or a primary key (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    try:
        return model._default_manager.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise _invalid(field, _("Choose a valid entry.")) from exc


def _decimal(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _invalid(field, _("Enter a number.")) from exc
    if not result.is_finite() or result <= 0:
        raise _invalid(field, _("The quantity must be greater than zero."))
    if result > Decimal("99999999"):
        raise _invalid(field, _("The quantity is too large."))
    return result.quantize(Decimal("0.01"))


def _text(value: Any) -> str:
    return str(value or "").strip()


def _precheck(obj: Any, name: str, actor: Any) -> None:
    """State, role and scope of a workflow step before any data is written: a wrong
    state is a 409 (TransitionNotAllowed), a wrong role or object a 403 (Forbidden)."""
    wf = workflow_for(obj)
    t = wf.get(name)
    current = getattr(obj, wf.state_field)
    if current not in t.sources:
        raise TransitionNotAllowed(
            reasons=[
                _("“%(step)s” is not possible while the record is “%(state)s”.")
                % {"step": t.label or t.name, "state": wf.states(current).label}
            ]
        )
    if not has_role(actor, t.roles):
        raise Forbidden(_("Your role does not allow “%(step)s”.") % {"step": t.label or t.name})
    if (wf.scope and not wf.scope(actor, obj)) or (t.scope and not t.scope(actor, obj)):
        raise Forbidden(_("This record is outside your responsibility."))


def _fresh(wo: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_related("project", "customer").get(pk=wo.pk)


def _notify_later(
    recipients: Iterable[Any], *, verb: str, title: str, target: Any, actor: Any
) -> None:
    from facadeops.notifications.services import notify

    ids = sorted({u.pk for u in recipients if u is not None and u.pk != getattr(actor, "pk", None)})
    if not ids:
        return
    model, pk, actor_id = type(target), target.pk, getattr(actor, "pk", None)

    def send() -> None:
        notify(
            recipient_ids=ids,
            verb=verb,
            title=title,
            target=model._default_manager.get(pk=pk),
            actor_id=actor_id,
        )

    transaction.on_commit(send)


def _team(wo: WorkOrder) -> list[Any]:
    return [u for u in [wo.lead, *wo.members.all()] if u is not None]


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def _decode_signature(data_url: Any, field: str) -> ContentFile[bytes]:
    """A signature image from the signature pad's data URL, checked with Pillow,
    re-encoded as PNG; refuses empty (blank) signatures."""
    from PIL import Image, UnidentifiedImageError

    value = _text(data_url)
    match = re.fullmatch(r"data:image/(png|jpeg|jpg|webp);base64,([A-Za-z0-9+/=\s]+)", value)
    if not value:
        raise _invalid(field, _("Please sign in the signature box."))
    if match is None:
        raise _invalid(field, _("The signature is not a valid image."))
    if len(match.group(2)) > SIGNATURE_MAX_BYTES * 4 // 3 + 8:
        raise _invalid(field, _("The signature image is too large."))
    try:
        raw = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _invalid(field, _("The signature is not a valid image.")) from exc
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as img:
            if img.width > SIGNATURE_MAX_SIDE or img.height > SIGNATURE_MAX_SIDE:
                raise _invalid(field, _("The signature image is too large."))
            rgba = img.convert("RGBA")
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _invalid(field, _("The signature is not a valid image.")) from exc
    # Blank: fully transparent, or a single colour everywhere.
    alpha_min, alpha_max = rgba.getchannel("A").getextrema()
    colours = rgba.convert("L").getextrema()
    if alpha_max == 0 or (alpha_min == alpha_max and colours[0] == colours[1]):
        raise _invalid(field, _("The signature is empty. Please sign in the box."))
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="signature.png")


# =========================================================================================
# Requests and inquiries (REG-2.1.2)
# =========================================================================================
REQUEST_FIELDS = (
    "kind",
    "channel",
    "customer",
    "contact",
    "project",
    "caller_name",
    "caller_phone",
    "caller_email",
    "customer_text",
    "project_text",
    "location",
    "description",
    "reported_at",
    "urgency",
)


def _request_data(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    from facadeops.customers.models import Contact, Customer, Project

    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise InvalidInput(
            fields={k: [_("This field cannot be set here.")] for k in sorted(unknown)}
        )
    clean: dict[str, Any] = {}
    for key in REQUEST_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "customer":
            value = _resolve(Customer, value, key)
        elif key == "contact":
            value = _resolve(Contact, value, key)
        elif key == "project":
            value = _resolve(Project, value, key)
        elif isinstance(value, str):
            value = value.strip()
        elif value is None and key not in ("reported_at",):
            value = ""
        if key == "reported_at" and value in (None, ""):
            continue
        clean[key] = value
    if perms.is_customer_user(actor):
        own = actor.customer
        if clean.get("customer") not in (None, own):
            raise _invalid("customer", _("Choose a valid entry."))
        clean["customer"] = own
        clean["channel"] = Channel.PORTAL
    project = clean.get("project")
    customer = clean.get("customer")
    if project is not None and customer is None:
        clean["customer"] = customer = project.customer
    if project is not None and customer is not None and project.customer_id != customer.pk:
        raise _invalid("project", _("This project does not belong to the chosen customer."))
    contact = clean.get("contact")
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        raise _invalid("contact", _("This contact does not belong to the chosen customer."))
    reported = clean.get("reported_at")
    if isinstance(reported, dt.datetime) and reported > timezone.now() + dt.timedelta(minutes=5):
        raise _invalid("reported_at", _("The report time cannot be in the future."))
    return clean


def _match_contact(*, actor: Any, customer: Any, name: str, phone: str, email: str) -> Any:
    """The customer's contact with this phone number, else the one with this name (in the
    contacts' own order); a new caller becomes a contact. One query for the lookups."""
    from facadeops.customers.models import Contact

    digits = _digits(phone)
    contacts = list(Contact.objects.filter(customer=customer))
    if len(digits) >= 5:
        for contact in contacts:
            if _digits(contact.phone) == digits:
                return contact
    if not name or not (phone or email):
        return None
    existing = next((c for c in contacts if c.name == name), None)
    if existing is not None:
        return existing
    return create_record(
        Contact,
        actor=actor,
        data={"customer": customer, "name": name[:100], "phone": phone[:40], "email": email},
        context=lambda c: c.customer,
        note=_("New caller recorded from a service request."),
    )


def _clean_new_request(req: ServiceRequest) -> None:
    """``full_clean`` of a request about to be inserted, without the queries it does not
    need: the number is taken after validation (see ``request_create``) and is unique by
    construction (the unique index still guards it); related records given as instances
    were just read in this transaction (the foreign keys still guard them)."""
    from django.core.exceptions import ValidationError

    exclude = ["number"]
    for f in ServiceRequest._meta.concrete_fields:
        related = req._state.fields_cache.get(f.name) if f.is_relation else None
        if getattr(related, "pk", None) is not None:
            exclude.append(f.name)
    try:
        req.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc


def request_create(
    *, actor: Any, data: dict[str, Any], uploads: Sequence[Any] = ()
) -> ServiceRequest:
    """REG-2.1.2: record a request or inquiry with its reference number (BX-…)."""
    from facadeops.core.attachments import attachment_add
    from facadeops.notifications.services import notify

    if not (
        has_role(actor, R.AGENT, R.SERVICE_HEAD, R.MANAGEMENT) or perms.is_customer_user(actor)
    ):
        raise Forbidden(_("Your role does not allow recording requests."))
    clean = _request_data(actor, data)
    with transaction.atomic():
        customer = clean.get("customer")
        if customer is not None and clean.get("contact") is None:
            contact = _match_contact(
                actor=actor,
                customer=customer,
                name=_text(clean.get("caller_name")),
                phone=_text(clean.get("caller_phone")),
                email=_text(clean.get("caller_email")),
            )
            if contact is not None:
                clean["contact"] = contact
        channel = clean.get("channel", Channel.HOTLINE)
        if channel == Channel.HOTLINE and not perms.is_customer_user(actor):
            clean["received_by"] = actor

        req = ServiceRequest(**clean)
        _clean_new_request(req)
        # REG-2.1.2: the request goes to the project's service head; without one (no project
        # yet, or its head left or lost the role) to every service head. Read with their
        # notification preferences before the number: the counter row stays locked until
        # the commit (gap-free numbers), so only the INSERTs run while other creators wait.
        own_head = getattr(clean.get("project"), "service_head_id", None)
        heads = rules.users_with_role(
            R.SERVICE_HEAD, with_preference=True, ids=[own_head] if own_head else None
        )
        if own_head and not heads:
            heads = rules.users_with_role(R.SERVICE_HEAD, with_preference=True)
        heads = [u for u in heads if u.pk != getattr(actor, "pk", None)]
        req.number = next_number("BX")
        try:
            req.save(force_insert=True)
        except IntegrityError as exc:
            raise InvalidInput(str(exc).splitlines()[0]) from exc
        record(actor=actor, verb="created", target=req, after=snapshot(req))
        for upload in uploads:
            attachment_add(actor=actor, target=req, upload=upload)
        if heads:
            # In the same transaction: the request and the heads' inbox entries (and their
            # e-mail/chat outbox rows) commit together, with one commit.
            notify(
                recipient_ids=[u.pk for u in heads],
                verb="request.created",
                title=_("New request %(number)s") % {"number": req.number},
                target=req,
                actor_id=getattr(actor, "pk", None),
                recipients=heads,
            )
    return req


def _require_desk(actor: Any, req: ServiceRequest) -> None:
    perms.require_view_request(actor, req)
    if not has_role(actor, perms.REQUEST_DESK_ROLES):
        raise Forbidden(_("Your role does not allow this."))


def request_update(
    *, actor: Any, request: ServiceRequest, data: dict[str, Any], expected_version: int
) -> ServiceRequest:
    _require_desk(actor, request)
    if request.status != "new":
        raise Conflict(_("Only a new request can be edited."), code="wrong_state")
    clean = _request_data(actor, data)
    return update_record(request, actor=actor, data=clean, expected_version=expected_version)


def request_answer(
    *, actor: Any, request: ServiceRequest, answer: str, close: bool = True
) -> ServiceRequest:
    """REG-2.1.2: an inquiry is answered (and closed) without a work order."""
    perms.require_view_request(actor, request)
    _precheck(request, "answer", actor)
    answer = _text(answer)
    if not answer:
        raise _invalid("answer", _("Write the answer given to the customer."))
    with transaction.atomic():
        update_record(
            request, actor=actor, data={"answer": answer}, expected_version=request.version
        )
        transition(request, "answer", actor=actor)
        if close:
            transition(request, "close", actor=actor)
    return request


def request_cancel(*, actor: Any, request: ServiceRequest, note: str) -> ServiceRequest:
    perms.require_view_request(actor, request)
    _precheck(request, "cancel", actor)
    return transition(request, "cancel", actor=actor, note=_text(note))


def _copy_attachments(*, actor: Any, source: Any, target: Any) -> int:
    """Photos and documents of the request carry over to the work order (own copies)."""
    from django.contrib.contenttypes.models import ContentType

    from facadeops.core.attachments import attachments_of
    from facadeops.core.models import Attachment

    ct = ContentType.objects.get_for_model(target)
    copied = 0
    for att in attachments_of(source):
        new = Attachment(
            content_type=ct,
            object_id=str(target.pk),
            original_name=att.original_name,
            kind=att.kind,
            mime=att.mime,
            size=att.size,
            sha256=att.sha256,
            width=att.width,
            height=att.height,
            caption=att.caption,
            uploaded_by_id=att.uploaded_by_id,
            uploaded_at=att.uploaded_at,
        )
        with att.file.open("rb") as fh:
            new.file.save(
                os.path.basename(att.file.name or "file"), ContentFile(fh.read()), save=False
            )
        if att.thumbnail:
            with att.thumbnail.open("rb") as fh:
                new.thumbnail.save(
                    os.path.basename(att.thumbnail.name or "thumb"),
                    ContentFile(fh.read()),
                    save=False,
                )
        new.save()
        copied += 1
    if copied:
        record(
            actor=actor,
            verb="attached",
            target=target,
            after={"copied_from": str(source), "count": copied},
            context=target,
        )
    return copied


def request_convert(*, actor: Any, request: ServiceRequest) -> WorkOrder:
    """REG-2.2.1: the request becomes a work order for the service head; photos and notes
    carry over."""
    perms.require_view_request(actor, request)
    _precheck(request, "convert", actor)
    with transaction.atomic():
        transition(request, "convert", actor=actor)
        req = ServiceRequest.objects.select_related("project", "customer", "contact").get(
            pk=request.pk
        )
        project = req.project
        nature = Nature.MAINTENANCE if req.kind == RequestKind.MAINTENANCE else Nature.REPAIR
        lines = [req.description]
        if req.location:
            lines.append(_("Location: %(location)s") % {"location": req.location})
        caller = " ".join(p for p in [req.caller_name, req.caller_phone, req.caller_email] if p)
        if caller:
            lines.append(_("Reported by: %(caller)s") % {"caller": caller})
        title = " ".join(req.description.split())[:80] or req.number
        wo = _create_work_order(
            actor=actor,
            data={
                "request": req,
                "customer": req.customer,
                "project": project,
                "title": title,
                "description": "\n".join(lines),
                "nature": nature,
                "urgency": req.urgency,
            },
        )
        _copy_attachments(actor=actor, source=req, target=wo)
    request.refresh_from_db()
    return wo


# =========================================================================================
# Work order: creation and triage (REG-2.2.1, DOM-4)
# =========================================================================================
def _create_work_order(*, actor: Any, data: dict[str, Any]) -> WorkOrder:
    project = data["project"]
    data.setdefault("customer", project.customer)
    data.setdefault("service_head", project.service_head)
    data.setdefault("project_manager", project.project_manager)

    def number(obj: WorkOrder) -> None:
        obj.number = next_number("GD")

    wo = create_record(
        WorkOrder, actor=actor, data=data, before_save=number, context=_project_context
    )
    heads = [wo.service_head] if wo.service_head else rules.users_with_role(R.SERVICE_HEAD)
    _notify_later(
        heads,
        verb="wo.created",
        title=_("New work order %(number)s awaits triage") % {"number": wo.number},
        target=wo,
        actor=actor,
    )
    return wo


def work_order_create(
    *,
    actor: Any,
    project: Any,
    title: str,
    description: str = "",
    nature: str,
    urgency: str,
    exterior_work: bool = False,
) -> WorkOrder:
    """A work order without a request (e.g. emergencies, planned maintenance)."""
    from facadeops.customers.models import Project

    if not has_role(actor, perms.WORK_ORDER_CREATORS):
        raise Forbidden(_("Your role does not allow creating work orders."))
    project = _resolve(Project, project, "project")
    if project is None:
        raise _invalid("project", _("Choose the project."))
    title = _text(title)
    if not title:
        raise _invalid("title", _("Give the work order a title."))
    with transaction.atomic():
        return _create_work_order(
            actor=actor,
            data={
                "project": project,
                "title": title,
                "description": _text(description),
                "nature": nature,
                "urgency": urgency,
                "exterior_work": bool(exterior_work),
            },
        )


def _clock_start(wo: WorkOrder) -> dt.datetime:
    if wo.request_id:
        return wo.request.reported_at  # type: ignore[union-attr]
    return wo.created_at


def work_order_triage(
    *,
    actor: Any,
    work_order: WorkOrder,
    nature: str,
    urgency: str,
    technician: Any,
    exterior_work: bool,
    expected_version: int,
) -> WorkOrder:
    """REG-2.2.1: the service head sets nature and urgency and sends a technician; the
    on-site deadline follows the contract's service level for that urgency (DOM-4)."""
    from facadeops.accounts.models import User

    from .sla import deadlines_for

    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "triage", actor)
    technician = _resolve(User, technician, "technician")
    if technician is not None and not (technician.is_active and has_role(technician, R.TECHNICIAN)):
        raise _invalid("technician", _("The person chosen is not an active technician."))
    with transaction.atomic():
        wo = _fresh(work_order)
        on_site, complete = deadlines_for(wo.project, urgency, start=_clock_start(wo))
        update_record(
            work_order,
            actor=actor,
            data={
                "nature": nature,
                "urgency": urgency,
                "technician": technician,
                "exterior_work": bool(exterior_work),
                "service_head": actor,
                "on_site_due_at": on_site,
                "complete_due_at": complete,
                "escalation_level": 0,
            },
            expected_version=expected_version,
            context=_project_context,
        )
        transition(work_order, "triage", actor=actor)
    return work_order


# =========================================================================================
# On site (REG-2.2.1)
# =========================================================================================
def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _invalid(field, _("Enter a number.")) from exc
    if not result.is_finite() or abs(result) > limit:
        raise _invalid(field, _("The position is out of range."))
    return result.quantize(Decimal("0.000001"))


def work_order_check_in(
    *, actor: Any, work_order: WorkOrder, latitude: Any = None, longitude: Any = None
) -> Assessment:
    """REG-2.2.1: the technician's arrival on site is recorded (time, optional GPS)."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "check_in", actor)
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise _invalid("latitude", _("Give both latitude and longitude, or neither."))
    with transaction.atomic():
        assessment = create_record(
            Assessment,
            actor=actor,
            data={
                "work_order": work_order,
                "technician": actor,
                "arrived_at": timezone.now(),
                "latitude": lat,
                "longitude": lng,
            },
            context=_wo_context,
        )
        transition(work_order, "check_in", actor=actor)
    return assessment


def assessment_update(
    *, actor: Any, work_order: WorkOrder, situation: str, difficulty: str
) -> Assessment:
    """REG-2.2.1: findings — the actual situation and the repair difficulty."""
    perms.require_technician(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, {S.ASSESSING, S.PLANNING}, _("Recording findings"))
    assessment = Assessment.objects.filter(work_order=work_order).first()
    if assessment is None:
        raise Conflict(_("Record the arrival on site first."), code="wrong_state")
    return update_record(
        assessment,
        actor=actor,
        data={"situation": _text(situation), "difficulty": _text(difficulty)},
        expected_version=None,
        context=_wo_context,
    )


DEFECT_STATES = {S.ASSESSING, S.PLANNING, S.IN_PROGRESS, S.PAUSED}


def defect_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    defect_type: Any,
    severity: str | None = None,
    location: str = "",
    quantity: int = 1,
    notes: str = "",
) -> DefectFinding:
    """REG-2.2.1 / DOM-3: a defect from the catalogue with its severity (default: the
    catalogue's)."""
    perms.require_technician(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, DEFECT_STATES, _("Recording defects"))
    dtype = _resolve(DefectType, defect_type, "defect_type")
    if dtype is None or not dtype.is_active:
        raise _invalid("defect_type", _("Choose a defect from the catalogue."))
    try:
        qty = int(quantity)
    except (TypeError, ValueError) as exc:
        raise _invalid("quantity", _("Enter a whole number.")) from exc
    return create_record(
        DefectFinding,
        actor=actor,
        data={
            "work_order": work_order,
            "defect_type": dtype,
            "severity": severity or dtype.default_severity,
            "location": _text(location),
            "quantity": qty,
            "notes": _text(notes),
        },
        context=_wo_context,
    )


# =========================================================================================
# Plan (REG-2.2.2, REG-2.3.1 changes) — every version kept
# =========================================================================================
PLAN_FIELDS = (
    "content",
    "tools",
    "schedule_start",
    "schedule_end",
    "safety_measures",
    "access_method",
    "safety_briefing_signed",
    "certified_staff_only",
    "change_reason",
)


def plan_save(
    *,
    actor: Any,
    work_order: WorkOrder,
    data: dict[str, Any],
    materials: Sequence[tuple[Any, Any, str]],
    is_change: bool = False,
) -> Plan:
    """Write the plan: edits the current draft version, otherwise starts a new version
    (returned, approved and superseded versions are kept unchanged)."""
    from facadeops.materials.models import Material

    perms.require_technician(actor, work_order)
    perms.require_open(work_order)
    if is_change:
        perms.require_state(work_order, {S.IN_PROGRESS, S.PAUSED}, _("A change of plan"))
    else:
        perms.require_state(work_order, {S.PLANNING}, _("Writing the plan"))
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput(
            fields={k: [_("This field cannot be set here.")] for k in sorted(unknown)}
        )
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("safety_briefing_signed", "certified_staff_only"):
            clean[key] = bool(value)
        elif key in ("schedule_start", "schedule_end"):
            clean[key] = value or None
        else:
            clean[key] = _text(value)
    if not is_change:
        clean.pop("change_reason", None)
    if clean.get("access_method") == "":
        clean["access_method"] = AccessMethod.INTERIOR
    lines: list[tuple[Any, Decimal, str]] = []
    errors: list[str] = []
    for i, line in enumerate(materials or []):
        try:
            material, qty, note = line
        except (TypeError, ValueError):
            errors.append(_("Line %(n)s: give the material and the quantity.") % {"n": i + 1})
            continue
        try:
            mat = _resolve(Material, material, "materials")
            quantity = _decimal(qty, "materials")
        except InvalidInput as exc:
            errors.append(
                _("Line %(n)s: %(error)s") % {"n": i + 1, "error": exc.fields["materials"][0]}
            )
            continue
        if mat is None or not mat.is_active:
            errors.append(_("Line %(n)s: choose an active material.") % {"n": i + 1})
            continue
        lines.append((mat, quantity, _text(note)[:200]))
    if errors:
        raise InvalidInput(fields={"materials": errors})
    with transaction.atomic():
        wo = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        current = rules.current_plan(wo)
        if (
            current is not None
            and current.outcome == PlanStatus.DRAFT
            and current.is_change == bool(is_change)
        ):
            plan = update_record(
                current, actor=actor, data=clean, expected_version=None, context=_wo_context
            )
            verb = "plan.updated"
        else:
            last = wo.plans.aggregate(m=Max("version_no"))["m"] or 0
            plan = create_record(
                Plan,
                actor=actor,
                data={
                    **clean,
                    "work_order": wo,
                    "version_no": last + 1,
                    "is_change": bool(is_change),
                    "written_by": actor,
                },
                context=_wo_context,
            )
            verb = "plan.version_created"
        old = sorted(f"{m.material_id}:{m.quantity}:{m.note}" for m in plan.materials.all())
        new = sorted(f"{m.pk}:{q}:{n}" for m, q, n in lines)
        if old != new:
            plan.materials.all().delete()
            PlanMaterial.objects.bulk_create(
                [PlanMaterial(plan=plan, material=m, quantity=q, note=n) for m, q, n in lines]
            )
            record(
                actor=actor,
                verb=verb,
                target=plan,
                before={"materials": old},
                after={"materials": [f"{m} × {q}" for m, q, _n in lines]},
                context=wo,
            )
    return plan


# =========================================================================================
# Assignment and preparation (REG-2.2.3, X-6.5)
# =========================================================================================
def _staff_user(value: Any, field: str) -> Any:
    from facadeops.accounts.models import User

    user = _resolve(User, value, field)
    if user is not None and not (user.is_active and has_role(user, R.SERVICE_STAFF)):
        raise _invalid(field, _("%(name)s is not active service staff.") % {"name": user})
    return user


def work_order_assign(
    *,
    actor: Any,
    work_order: WorkOrder,
    lead: Any,
    members: Iterable[Any],
    requirements: str,
    deadline: dt.datetime | None,
    expected_version: int,
) -> WorkOrder:
    """REG-2.2.3: the project manager assigns the approved plan to named staff with
    requirements and a deadline. Nobody without a valid work-at-height certificate is
    assigned work at height (X-6.5) — every such person is listed at once."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "assign", actor)
    lead_user = _staff_user(lead, "lead")
    team = []
    for m in members or []:
        user = _staff_user(m, "members")
        if user is not None and user != lead_user and user not in team:
            team.append(user)
    if deadline is not None and deadline <= timezone.now():
        raise _invalid("deadline", _("The deadline must be in the future."))
    with transaction.atomic():
        update_record(
            work_order,
            actor=actor,
            data={
                "lead": lead_user,
                "requirements": _text(requirements),
                "complete_due_at": deadline,
            },
            m2m={"members": team},
            expected_version=expected_version,
            context=_project_context,
        )
        transition(work_order, "assign", actor=actor)
    return work_order


def _height_team_reasons(wo: WorkOrder, team: list[Any]) -> list[str]:
    from facadeops.accounts.selectors import users_with_valid_height_certificate

    plan = rules.approved_plan(wo)
    if plan is None or plan.access_method not in HEIGHT_METHODS:
        return []
    day = timezone.localdate()
    ok = users_with_valid_height_certificate(team, on=day)
    return [
        _("%(name)s has no valid work-at-height certificate (高处作业证) on %(day)s.")
        % {"name": u, "day": day.isoformat()}
        for u in team
        if u.pk not in ok
    ]


def work_order_reassign(
    *,
    actor: Any,
    work_order: WorkOrder,
    technician: Any = None,
    lead: Any = None,
    members: Iterable[Any] | None = None,
    note: str,
) -> WorkOrder:
    """Hand the work to somebody else: the technician (service head), the lead or the
    members (project manager). A reason is required; X-6.5 applies to the new team."""
    from facadeops.accounts.models import User

    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    note = _text(note)
    if not note:
        raise _invalid("note", _("Please give a reason or comment for this step."))
    data: dict[str, Any] = {}
    m2m: dict[str, list[Any]] = {}
    if technician is not None:
        if not has_role(actor, R.SERVICE_HEAD, R.MANAGEMENT):
            raise Forbidden(_("Only the service head may send another technician."))
        tech = _resolve(User, technician, "technician")
        if not (tech.is_active and has_role(tech, R.TECHNICIAN)):
            raise _invalid("technician", _("The person chosen is not an active technician."))
        data["technician"] = tech
    if lead is not None or members is not None:
        if not has_role(actor, R.PROJECT_MANAGER, R.MANAGEMENT):
            raise Forbidden(_("Only the project manager may change the service team."))
        if work_order.status in {
            S.NEW,
            S.DISPATCHED,
            S.ASSESSING,
            S.PLANNING,
            S.PLAN_REVIEW,
            S.PLAN_APPROVAL,
            S.APPROVED,
        }:
            raise Conflict(_("Assign the service staff first."), code="wrong_state")
        new_lead = _staff_user(lead, "lead") if lead is not None else work_order.lead
        if lead is not None:
            data["lead"] = new_lead
        current_members = (
            list(work_order.members.all())
            if members is None
            else [_staff_user(m, "members") for m in members]
        )
        team_members = [u for u in dict.fromkeys(current_members) if u and u != new_lead]
        if members is not None:
            m2m["members"] = team_members
        reasons = _height_team_reasons(work_order, [u for u in [new_lead, *team_members] if u])
        if reasons:
            raise InvalidInput("; ".join(reasons), fields={"members": reasons})
    if not data and not m2m:
        raise InvalidInput(
            _("Choose who takes over."), fields={"__all__": [_("Choose who takes over.")]}
        )
    with transaction.atomic():
        wo = update_record(
            work_order,
            actor=actor,
            data=data,
            m2m=m2m,
            expected_version=work_order.version,
            context=_project_context,
            note=note,
            verb="wo.reassigned",
        )
    people = [data.get("technician"), data.get("lead"), *m2m.get("members", [])]
    _notify_later(
        [p for p in people if p],
        verb="wo.reassigned",
        title=_("%(number)s was handed to you") % {"number": wo.number},
        target=wo,
        actor=actor,
    )
    return wo


def plan_acknowledge(*, actor: Any, work_order: WorkOrder) -> WorkLog:
    """REG-2.2.3: the staff member confirms having read the (current approved) plan."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(
        work_order, {S.ASSIGNED, S.READY, S.IN_PROGRESS, S.PAUSED}, _("Acknowledging the plan")
    )
    plan = rules.approved_plan(work_order)
    if plan is None:
        raise Conflict(_("There is no approved plan to acknowledge."), code="wrong_state")
    return create_record(
        WorkLog,
        actor=actor,
        data={
            "work_order": work_order,
            "kind": WorkLogKind.ACKNOWLEDGE,
            "author": actor,
            "text": _("Plan version %(v)s read and acknowledged.") % {"v": plan.version_no},
        },
        context=_wo_context,
    )


DRAW_STATES = {S.ASSIGNED, S.READY, S.IN_PROGRESS, S.PAUSED, S.RECTIFICATION}


def material_draw(
    *, actor: Any, work_order: WorkOrder, material: Any, quantity: Any, tools: str = ""
) -> MaterialDraw:
    """REG-2.2.3: materials and tools drawn for the work order."""
    from facadeops.materials.models import Material

    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, DRAW_STATES, _("Drawing materials"))
    mat = _resolve(Material, material, "material")
    if mat is None:
        raise _invalid("material", _("Choose the material."))
    return create_record(
        MaterialDraw,
        actor=actor,
        data={
            "work_order": work_order,
            "material": mat,
            "quantity": _decimal(quantity, "quantity"),
            "tools": _text(tools),
            "drawn_by": actor,
        },
        context=_wo_context,
    )


# =========================================================================================
# Execution (REG-2.3.1)
# =========================================================================================
WORK_STATES = {S.IN_PROGRESS, S.PAUSED, S.CHANGE_REVIEW, S.CHANGE_APPROVAL, S.RECTIFICATION}


def progress_log(
    *, actor: Any, work_order: WorkOrder, text: str, percent_done: Any = None
) -> WorkLog:
    perms.require_team(actor, work_order, technician_too=True)
    perms.require_open(work_order)
    perms.require_state(work_order, WORK_STATES, _("A progress note"))
    text = _text(text)
    if not text:
        raise _invalid("text", _("Write what was done."))
    if percent_done not in (None, ""):
        try:
            percent_done = int(percent_done)
        except (TypeError, ValueError) as exc:
            raise _invalid("percent_done", _("Enter a whole number.")) from exc
        if not 0 <= percent_done <= 100:
            raise _invalid("percent_done", _("Enter a value between 0 and 100."))
    else:
        percent_done = None
    return create_record(
        WorkLog,
        actor=actor,
        data={
            "work_order": work_order,
            "kind": WorkLogKind.PROGRESS,
            "author": actor,
            "text": text,
            "percent_done": percent_done,
        },
        context=_wo_context,
    )


def part_replacement_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    old_part: str,
    material: Any,
    quantity: Any,
    batch: str,
    location: str = "",
) -> PartReplacement:
    """REG-2.3.1: every replaced part — old part, new part, quantity, batch/spec."""
    from facadeops.materials.models import Material

    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, WORK_STATES, _("Recording a replaced part"))
    mat = _resolve(Material, material, "material")
    errors: dict[str, list[str]] = {}
    if mat is None:
        errors["material"] = [_("Choose the new part from the catalogue.")]
    if not _text(old_part):
        errors["old_part"] = [_("Describe the old part removed.")]
    if not _text(batch):
        errors["batch"] = [_("Give the batch or specification of the new part.")]
    try:
        qty = _decimal(quantity, "quantity")
    except InvalidInput as exc:
        errors.update(exc.fields)
        qty = Decimal(0)
    if errors:
        raise InvalidInput(fields=errors)
    return create_record(
        PartReplacement,
        actor=actor,
        data={
            "work_order": work_order,
            "old_part": _text(old_part),
            "material": mat,
            "quantity": qty,
            "batch": _text(batch),
            "location": _text(location),
            "recorded_by": actor,
        },
        context=_wo_context,
    )


# =========================================================================================
# Quality (REG-2.3.2, REG-2.4.2)
# =========================================================================================
SUPERVISION_STATES = {
    S.READY,
    S.IN_PROGRESS,
    S.PAUSED,
    S.CHANGE_REVIEW,
    S.CHANGE_APPROVAL,
    S.RECTIFICATION,
}


def quality_check_add(
    *,
    actor: Any,
    work_order: WorkOrder,
    kind: str,
    follows_plan: bool,
    materials_correct: bool,
    result_meets_standard: bool,
    documents_complete: bool,
    passed: bool,
    findings: str = "",
    rectification: str = "",
) -> QualityCheck:
    """REG-2.3.2: a supervision visit; a failed one orders rectification.
    REG-2.4.2: the internal acceptance — passed: numbered internal acceptance report and
    on to the customer; failed: back to rectification."""
    perms.require_quality(actor, work_order)
    perms.require_open(work_order)
    if kind not in QualityCheckKind.values:
        raise _invalid("kind", _("Choose the kind of check."))
    internal = kind == QualityCheckKind.INTERNAL_ACCEPTANCE
    if internal:
        perms.require_state(work_order, {S.COMPLETED}, _("Internal acceptance"))
    else:
        perms.require_state(work_order, SUPERVISION_STATES, _("A quality check"))
    checks = {
        "follows_plan": bool(follows_plan),
        "materials_correct": bool(materials_correct),
        "result_meets_standard": bool(result_meets_standard),
        "documents_complete": bool(documents_complete),
    }
    findings = _text(findings)
    rect_text = _text(rectification) or findings
    if passed and not all(checks.values()):
        msg = _("A check cannot pass while one of its items is not met.")
        raise InvalidInput(msg, fields={k: [msg] for k, v in checks.items() if not v})
    if not passed and not rect_text:
        raise _invalid("rectification", _("State what must be rectified."))
    with transaction.atomic():
        wo = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        report_number = ""
        if internal and passed:
            n = wo.quality_checks.filter(kind=kind, passed=True).count() + 1
            report_number = f"{wo.number}-NY{n:02d}"
        check = create_record(
            QualityCheck,
            actor=actor,
            data={
                "work_order": wo,
                "kind": kind,
                "inspector": actor,
                **checks,
                "passed": bool(passed),
                "findings": findings,
                "report_number": report_number,
            },
            context=_wo_context,
        )
        if not passed:
            create_record(
                Rectification,
                actor=actor,
                data={
                    "work_order": wo,
                    "source": kind,
                    "description": rect_text,
                    "ordered_by": actor,
                },
                context=_wo_context,
            )
        if internal and passed:
            now = timezone.now()
            for rect in wo.rectifications.filter(verified_at__isnull=True, done_at__isnull=False):
                update_record(
                    rect,
                    actor=actor,
                    data={"verified_at": now},
                    expected_version=None,
                    context=_wo_context,
                )
            transition(work_order, "internal_pass", actor=actor, note=findings)
        elif internal:
            transition(work_order, "internal_fail", actor=actor, note=rect_text)
    if not passed and not internal:
        _notify_later(
            _team(wo),
            verb="wo.rectification_ordered",
            title=_("%(number)s: rectification ordered") % {"number": wo.number},
            target=wo,
            actor=actor,
        )
    return check


def rectification_done(
    *, actor: Any, rectification: Rectification, note: str = ""
) -> Rectification:
    """整改 done by the staff (then re-checked by quality)."""
    wo = rectification.work_order
    perms.require_team(actor, wo)
    perms.require_open(wo)
    if rectification.done_at is not None:
        raise Conflict(_("This rectification is already reported as done."), code="already_done")
    with transaction.atomic():
        rect = update_record(
            rectification,
            actor=actor,
            data={"done_at": timezone.now()},
            expected_version=None,
            context=_wo_context,
            note=_text(note),
        )
    _notify_later(
        rules.users_with_role(R.QUALITY),
        verb="wo.rectification_done",
        title=_("%(number)s: rectification done, please re-check") % {"number": wo.number},
        target=wo,
        actor=actor,
    )
    return rect


def rectification_verify(
    *, actor: Any, rectification: Rectification, passed: bool, findings: str = ""
) -> Rectification:
    """REG-2.3.2: the re-check — passed closes the rectification, failed sends it back
    (re-checked until it passes)."""
    wo = rectification.work_order
    perms.require_quality(actor, wo)
    perms.require_open(wo)
    if rectification.verified_at is not None:
        raise Conflict(_("This rectification has already passed its re-check."), code="verified")
    if rectification.done_at is None:
        raise Conflict(_("The rectification is not reported as done yet."), code="not_done")
    findings = _text(findings)
    if not passed and not findings:
        raise _invalid("findings", _("State what is still wrong."))
    with transaction.atomic():
        create_record(
            QualityCheck,
            actor=actor,
            data={
                "work_order": wo,
                "kind": QualityCheckKind.RECHECK,
                "inspector": actor,
                "passed": bool(passed),
                "follows_plan": True,
                "materials_correct": True,
                "result_meets_standard": bool(passed),
                "documents_complete": True,
                "findings": findings,
            },
            context=_wo_context,
        )
        data: dict[str, Any] = (
            {"verified_at": timezone.now()}
            if passed
            else {
                "done_at": None,
                "description": f"{rectification.description}\n{_('Re-check')}: {findings}",
            }
        )
        rect = update_record(
            rectification, actor=actor, data=data, expected_version=None, context=_wo_context
        )
    if not passed:
        _notify_later(
            _team(wo),
            verb="wo.rectification_ordered",
            title=_("%(number)s: rectification failed its re-check") % {"number": wo.number},
            target=wo,
            actor=actor,
        )
    return rect


# =========================================================================================
# Completion and acceptance (REG-2.4.1)
# =========================================================================================
def completion_update(
    *,
    actor: Any,
    work_order: WorkOrder,
    site_cleaned: bool,
    facade_restored: bool,
    cordon_removed: bool,
    expected_version: int,
) -> WorkOrder:
    """REG-2.4.1: the completion checklist (site cleaned, facade restored, cordon off)."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, WORK_STATES, _("The completion checklist"))
    return update_record(
        work_order,
        actor=actor,
        data={
            "site_cleaned": bool(site_cleaned),
            "facade_restored": bool(facade_restored),
            "cordon_removed": bool(cordon_removed),
        },
        expected_version=expected_version,
        context=_project_context,
    )


def customer_acceptance_record(
    *,
    actor: Any,
    work_order: WorkOrder,
    accepted: bool,
    signer_name: str,
    signature_data_url: str = "",
    reason: str = "",
    channel: str = "onsite",
) -> CustomerAcceptance:
    """REG-2.4.1: the customer signs the service report (signature pad) — or rejects it
    with a reason, which orders rectification."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, "customer_accept" if accepted else "customer_reject", actor)
    signer_name = _text(signer_name)
    errors: dict[str, list[str]] = {}
    if not signer_name:
        errors["signer_name"] = [_("Give the name of the person signing.")]
    signature = None
    if accepted:
        try:
            signature = _decode_signature(signature_data_url, "signature")
        except InvalidInput as exc:
            errors.update(exc.fields)
    elif not _text(reason):
        errors["reason"] = [_("Record the customer's reason for rejecting.")]
    if channel not in ("onsite", "portal"):
        errors["channel"] = [_("Choose a valid entry.")]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        acceptance = _create_with_file(
            CustomerAcceptance,
            actor=actor,
            data={
                "work_order": work_order,
                "accepted": bool(accepted),
                "signer_name": signer_name,
                "reason": _text(reason),
                "channel": channel,
                "recorded_by": actor,
            },
            files={"signature": signature} if signature is not None else {},
        )
        if accepted:
            transition(work_order, "customer_accept", actor=actor)
        else:
            create_record(
                Rectification,
                actor=actor,
                data={
                    "work_order": work_order,
                    "source": "customer",
                    "description": _text(reason),
                    "ordered_by": actor,
                },
                context=_wo_context,
            )
            transition(work_order, "customer_reject", actor=actor, note=_text(reason))
    return acceptance


# =========================================================================================
# Service record (REG-2.5.1)
# =========================================================================================
def _record_values(wo: WorkOrder) -> dict[str, Any]:
    fmt = "%Y-%m-%d %H:%M"
    start = wo.started_at or wo.arrived_at or wo.created_at
    end = wo.completed_at or timezone.now()
    project = wo.project
    place = " ".join(p for p in [project.name, project.city, project.address] if p)
    location = wo.request.location if wo.request_id and wo.request else ""
    if location:
        place = f"{place} · {location}"
    plan = rules.approved_plan(wo)
    replacements = wo.replacements.select_related("material").order_by("id")
    materials = "\n".join(
        f"{r.old_part} → {r.material} × {r.quantity} ({r.batch})" for r in replacements
    )
    last_log = wo.logs.filter(kind=WorkLogKind.PROGRESS).order_by("-created_at", "-id").first()
    return {
        "service_time": f"{timezone.localtime(start):{fmt}} – {timezone.localtime(end):{fmt}}",
        "place": place[:300],
        "customer_name": str(wo.customer)[:200],
        "content": plan.content if plan else wo.description,
        "result": last_log.text if last_log else "",
        "materials_text": materials,
    }


def service_record_fill(*, actor: Any, work_order: WorkOrder) -> ServiceRecord:
    """REG-2.5.1: fill the service record from the work order (time, place, customer,
    content, result, replaced materials). Re-filling refreshes the facts and keeps the
    content and result already written."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, {S.RECORD}, _("The service record"))
    wo = _fresh(work_order)
    values = _record_values(wo)
    with transaction.atomic():
        existing = ServiceRecord.objects.filter(work_order=wo).first()
        if existing is None:
            return _create_with_file(
                ServiceRecord, actor=actor, data={"work_order": wo, **values}, files={}
            )
        for keep in ("content", "result"):
            if getattr(existing, keep).strip():
                values.pop(keep)
        return _update_with_file(existing, actor=actor, data=values)


def service_record_sign(
    *, actor: Any, work_order: WorkOrder, content: str, result: str, signature_data_url: str
) -> ServiceRecord:
    """REG-2.5.1: the staff member confirms content and result and signs."""
    perms.require_team(actor, work_order)
    perms.require_open(work_order)
    perms.require_state(work_order, {S.RECORD}, _("Signing the service record"))
    errors: dict[str, list[str]] = {}
    if not _text(content):
        errors["content"] = [_("Describe the service content.")]
    if not _text(result):
        errors["result"] = [_("Describe the result of the repair or maintenance.")]
    signature = None
    try:
        signature = _decode_signature(signature_data_url, "signature")
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        rec = ServiceRecord.objects.filter(work_order=work_order).first()
        if rec is None:
            rec = service_record_fill(actor=actor, work_order=work_order)
        assert signature is not None
        field = rec.staff_signature.field
        stored = field.storage.save(field.generate_filename(rec, "signature.png"), signature)
        rec = _update_with_file(
            rec,
            actor=actor,
            data={
                "content": _text(content),
                "result": _text(result),
                "staff_signature": stored,
                "signed_by": actor,
                "signed_at": timezone.now(),
            },
            verb="record.signed",
        )
    return rec


# =========================================================================================
# Generic steps
# =========================================================================================
def work_order_transition(
    *, actor: Any, work_order: WorkOrder, name: str, note: str = ""
) -> WorkOrder:
    """Take a workflow step (submit_findings, submit_plan, approve/return, prepare, start,
    pause, resume, request_change, approve/reject change, complete, rectified,
    submit_record, approve/return record, archive, hold, resume_hold, cancel). Every
    refusal lists all its reasons. Archiving also files the work order in the archive
    (REG-2.5.2) in the same transaction."""
    perms.require_view_work_order(actor, work_order)
    perms.require_open(work_order)
    _precheck(work_order, name, actor)
    with transaction.atomic():
        wo = transition(work_order, name, actor=actor, note=_text(note))
        if name == "archive":
            _archive_hook(actor=actor, work_order=wo)
    return wo


def _archive_hook(*, actor: Any, work_order: WorkOrder) -> None:
    try:
        from facadeops.archive.services import archive_work_order  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as exc:  # the archive app is not installed yet
        if exc.name and exc.name.startswith("facadeops.archive"):
            return
        raise
    archive_work_order(actor=actor, work_order=work_order)


def calendar_day_set(*, actor: Any, date: dt.date, is_working_day: bool, name: str = "") -> Any:
    """Edit the working calendar (DOM-4): mark a day as worked or off."""
    from .models import CalendarDay

    if not has_role(actor, R.SERVICE_HEAD, R.MANAGEMENT):
        raise Forbidden(_("Your role does not allow this."))
    existing = CalendarDay.objects.filter(date=date).first()
    data = {"is_working_day": bool(is_working_day), "name": _text(name), "source": str(actor)}
    if existing is None:
        return create_record(CalendarDay, actor=actor, data={"date": date, **data})
    return update_record(existing, actor=actor, data=data, expected_version=None)
