"""Every write of the customer portal (keyword-only, transactional, audited)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from facadeops.accounts.models import User
from facadeops.audit.services import record
from facadeops.complaints.models import Complaint
from facadeops.complaints.services import complaint_create, complaint_transition
from facadeops.core.errors import Conflict, InvalidInput, NotFound
from facadeops.core.roles import Role
from facadeops.core.services import create_record
from facadeops.service.models import Channel
from facadeops.service.services import customer_acceptance_record, request_create

from .models import PortalInvitation, SatisfactionRating
from .permissions import require_customer, require_inviter

INVITATION_DAYS = 14
RATABLE_STATES = {"record", "record_review", "to_archive", "archived"}


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_create(
    *, actor: Any, customer: Any, email: str, full_name: str = "", base_url: str = ""
) -> PortalInvitation:
    """Invite a person of ``customer`` by e-mail; the link binds the new account to it."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    require_inviter(actor)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(fields={"email": [_("Enter a valid e-mail address.")]}) from exc
    if customer is None or not getattr(customer, "is_active", True):
        raise InvalidInput(fields={"customer": [_("Choose an active customer.")]})
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        inv = create_record(
            PortalInvitation,
            actor=actor,
            data={
                "customer": customer,
                "email": email,
                "full_name": (full_name or "").strip()[:100],
                "invited_by": actor,
                "expires_at": timezone.now() + dt.timedelta(days=INVITATION_DAYS),
            },
            context=lambda i: i.customer,
            before_save=lambda i: setattr(i, "token_digest", _digest(raw)),
        )
        link = f"{base_url.rstrip('/')}/portal/invitation/{raw}/"
        company = settings.FACADEOPS_COMPANY_NAME

        def mail() -> None:
            ctx = {"inv": inv, "link": link, "company": company}
            bodies = []
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    bodies.append(render_to_string("portal/email/invitation.txt", ctx))
            with translation.override("zh-hans"):
                subject = _("Invitation to the %(company)s customer portal") % {"company": company}
            send_mail(subject, "\n\n----\n\n".join(bodies), None, [email])

        transaction.on_commit(mail)
    return inv


def invitation_accept(*, raw_token: str, username: str, password: str) -> Any:
    """Create the customer account bound to the invitation's customer (role customer)."""
    from django.contrib.auth.models import Group
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        inv = (
            PortalInvitation.objects.select_for_update()
            .filter(token_digest=_digest(str(raw_token or "")))
            .first()
        )
        if inv is None:
            raise NotFound()
        if inv.accepted_at is not None:
            raise Conflict(_("This invitation has already been used."), code="used")
        if inv.expires_at < timezone.now():
            raise Conflict(_("This invitation has expired. Ask for a new one."), code="expired")
        username = (username or "").strip()
        errors: dict[str, list[str]] = {}
        if not username:
            errors["username"] = [_("Choose a user name.")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This user name is taken.")]
        user = User(
            username=username, email=inv.email, full_name=inv.full_name, customer=inv.customer
        )
        try:
            validate_password(password or "", user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
        if errors:
            raise InvalidInput(fields=errors)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=Role.CUSTOMER)[0])
        PortalInvitation.objects.filter(pk=inv.pk).update(accepted_at=timezone.now(), user=user)
        record(
            actor=user,
            verb="portal.invitation_accepted",
            target=inv,
            after={"user": user.username},
            context=inv.customer,
        )
    return user


def portal_request_submit(*, actor: Any, data: dict[str, Any], uploads: Any = ()) -> Any:
    """A request or inquiry from the portal (channel portal, the actor's own customer)."""

    require_customer(actor)
    project = data.get("project")
    if project is not None and getattr(project, "customer_id", None) != actor.customer_id:
        raise InvalidInput(fields={"project": [_("Choose a valid entry.")]})
    clean = {
        "kind": data.get("kind") or "repair",
        "project": project,
        "caller_name": actor.get_full_name() or actor.get_username(),
        "caller_phone": getattr(actor, "phone", "") or "",
        "caller_email": actor.email or "",
        "location": (data.get("location") or "").strip(),
        "description": (data.get("description") or "").strip(),
        "urgency": data.get("urgency") or "normal",
    }
    if not clean["description"]:
        raise InvalidInput(fields={"description": [_("Describe the problem or your question.")]})
    return request_create(actor=actor, data=clean, uploads=uploads)


def acceptance_sign(
    *, actor: Any, work_order: Any, accepted: bool, signer_name: str, signature: str, reason: str
) -> Any:
    """REG-2.4.1: remote acceptance from the portal."""

    require_customer(actor)
    if work_order.customer_id != actor.customer_id:
        raise NotFound()
    return customer_acceptance_record(
        actor=actor,
        work_order=work_order,
        accepted=accepted,
        signer_name=signer_name,
        signature_data_url=signature,
        reason=reason,
        channel="portal",
    )


def satisfaction_rate(*, actor: Any, work_order: Any, score: Any, comment: str = "") -> Any:
    """REG-3.3.3 / REG-5: one rating (1–5 + comment) per finished work order."""
    require_customer(actor)
    if work_order.customer_id != actor.customer_id:
        raise NotFound()
    if work_order.status not in RATABLE_STATES:
        raise Conflict(_("You can rate the work once it has been accepted."), code="wrong_state")
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise InvalidInput(fields={"score": [_("Give a score from 1 to 5.")]})
    if SatisfactionRating.objects.filter(work_order=work_order).exists():
        raise Conflict(_("This work order has already been rated."), code="rated")
    return create_record(
        SatisfactionRating,
        actor=actor,
        data={
            "work_order": work_order,
            "customer": work_order.customer,
            "score": value,
            "comment": (comment or "").strip(),
            "rated_by": actor,
        },
        context=lambda r: r.work_order,
    )


def complaint_file(*, actor: Any, data: dict[str, Any]) -> Complaint:
    """REG-4.1.1 (portal channel): the customer's complaint becomes a real complaint of the
    REG-4 chain — numbered, acknowledged at once, the project's service head told. The
    project is the chosen one, or the work order's."""
    require_customer(actor)
    project, wo = data.get("project"), data.get("work_order")
    errors: dict[str, list[str]] = {}
    if project is not None and project.customer_id != actor.customer_id:
        errors["project"] = [_("Choose a valid entry.")]
    if wo is not None and wo.customer_id != actor.customer_id:
        errors["work_order"] = [_("Choose a valid entry.")]
    if project is None and wo is not None and not errors:
        project = wo.project
    if project is None and not errors:
        errors["project"] = [_("Choose the project (or the work order) the complaint is about.")]
    if errors:
        raise InvalidInput(fields=errors)
    return complaint_create(
        actor=actor,
        channel=Channel.PORTAL,
        data={
            "project": project,
            "subject": data.get("subject") or "",
            "description": data.get("description") or "",
            "location": data.get("location") or "",
        },
        work_orders=[wo] if wo is not None else [],
    )


def complaint_verdict(
    *, actor: Any, complaint: Complaint, accept: bool, reason: str = ""
) -> Complaint:
    """REG-4.3.3: the customer accepts the result, or rejects it with the reason (the
    complaint goes back to investigation as a new round)."""
    require_customer(actor)
    return complaint_transition(
        actor=actor, complaint=complaint, name="accept" if accept else "reject", note=reason
    )
