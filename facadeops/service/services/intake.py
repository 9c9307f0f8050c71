"""Requests and inquiries (REG-2.1.2): record, edit, answer, cancel, and convert a request
into a work order (REG-2.2.1), photos and notes carried over."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.audit.services import record, snapshot
from facadeops.core.attachments import attachment_add, attachments_of
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.core.models import Attachment
from facadeops.core.numbering import next_number
from facadeops.core.roles import has_role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition
from facadeops.customers.models import Contact, Customer, Project
from facadeops.notifications.services import notify

from .. import permissions as perms
from .. import rules
from ..models import Channel, Nature, RequestKind, ServiceRequest, WorkOrder
from ._common import R, _digits, _invalid, _precheck, _resolve, _text
from .assessment import _create_work_order

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
