"""Every write of the intake channels (REG-2.1.1): each becomes a service request (BX-…)
through ``service.services.request_create`` in the channel's name, in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.accounts.models import User
from facadeops.audit.services import record, snapshot
from facadeops.core.attachments import detect_type
from facadeops.core.errors import InvalidInput
from facadeops.core.tokens import token_digest
from facadeops.service.selectors import request_list
from facadeops.service.services import request_create, request_update

from .actors import channel_actor
from .matching import suggest
from .models import HotlineCall, WebSubmission
from .permissions import DESK_ROLES, require_desk

# (submissions, seconds) allowed per sender address; settings.INTAKE_WEB_RATE_LIMIT.
DEFAULT_RATE = (5, 3600)
MAX_PHOTOS = 5
MAX_DESCRIPTION = 4000


def rate_limited(key: str) -> bool:
    """True once ``key`` has used up its allowance in the current window (cache counter,
    shared by every process when the cache is Redis)."""
    limit, window = getattr(settings, "INTAKE_WEB_RATE_LIMIT", DEFAULT_RATE)
    cache_key = f"intake:rate:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return bool(count > limit)


def _check_photos(photos: Sequence[Any]) -> None:

    if len(photos) > MAX_PHOTOS:
        msg = _("Send at most %(n)s photos.") % {"n": MAX_PHOTOS}
        raise InvalidInput(msg, fields={"photos": [msg]})
    limit = int(getattr(settings, "INTAKE_WEB_MAX_PHOTO_BYTES", 10 * 1024 * 1024))
    for photo in photos:
        if int(getattr(photo, "size", 0) or 0) > limit:
            msg = _("The photo %(name)s is too large; the limit is %(mb)s MB.") % {
                "name": photo.name,
                "mb": limit // (1024 * 1024),
            }
            raise InvalidInput(msg, fields={"photos": [msg]})
        try:
            kind = detect_type(photo, str(photo.name)).kind
        except InvalidInput:
            kind = ""
        photo.seek(0)
        if kind != "image":
            msg = _("%(name)s is not a photo (JPEG, PNG or similar).") % {"name": photo.name}
            raise InvalidInput(msg, fields={"photos": [msg]})


def web_submit(
    *, data: dict[str, Any], photos: Sequence[Any] = (), remote_addr: str | None = None
) -> tuple[WebSubmission, str]:
    """REG-2.1.1 website: record the message as a request of channel "website" with a
    suggested customer and project; returns the submission and the raw tracking token."""

    name = str(data.get("name") or "").strip()
    phone = str(data.get("phone") or "").strip()
    email = str(data.get("email") or "").strip()
    description = str(data.get("description") or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Tell us your name.")]
    if not (phone or email):
        errors["phone"] = [_("Give a phone number or an e-mail address so we can reply.")]
    if not description:
        errors["description"] = [_("Describe the problem or your question.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("The description may be at most %(n)s characters long.") % {"n": MAX_DESCRIPTION}
        ]
    if errors:
        raise InvalidInput(fields=errors)
    _check_photos(photos)
    kind = data.get("kind") or "repair"
    if kind not in ("repair", "maintenance", "inquiry"):
        raise InvalidInput(fields={"kind": [_("Choose a valid entry.")]})
    project_text = str(data.get("project_text") or "").strip()
    match = suggest(email=email, phone=phone, project_text=project_text)
    actor = channel_actor("website")
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        req = request_create(
            actor=actor,
            data={
                "kind": kind,
                "channel": "website",
                "caller_name": name[:100],
                "caller_phone": phone[:40],
                "caller_email": email,
                "customer_text": str(data.get("company") or "").strip()[:200],
                "project_text": project_text[:200],
                "location": str(data.get("location") or "").strip()[:200],
                "description": description,
            },
            uploads=photos,
        )
        sub = WebSubmission.objects.create(
            request=req,
            token_digest=token_digest(raw),
            remote_addr=remote_addr or None,
            suggested_customer=match.customer,
            suggested_project=match.project,
            match_reason=match.reason,
        )
    return sub, raw


def suggestion_apply(*, actor: Any, submission: WebSubmission, expected_version: int) -> Any:
    """The agent confirms the suggested customer and project on the request."""

    data: dict[str, Any] = {}
    if submission.suggested_project is not None:
        data["project"] = submission.suggested_project
        data["customer"] = submission.suggested_project.customer
    elif submission.suggested_customer is not None:
        data["customer"] = submission.suggested_customer
    if not data:
        raise InvalidInput(_("There is no suggestion to apply."))
    return request_update(
        actor=actor, request=submission.request, data=data, expected_version=expected_version
    )


# --- hotline (REG-2.1.1 24小时服务热线) -------------------------------------------------------
def _digits(value: str) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit() or ch == "+")


def hotline_call_received(
    *, call_id: Any, caller_number: Any, agent_extension: Any = None
) -> tuple[HotlineCall, bool]:
    """The phone system reports an incoming call: record it (idempotent by call id) and
    route it to the agent on that extension when one is known, else to every duty agent.
    Returns the call and whether it was new."""

    call_id = str(call_id or "").strip()
    number = _digits(str(caller_number or "").strip())
    ext = _digits(str(agent_extension or "").strip())
    errors: dict[str, list[str]] = {}
    if not call_id or len(call_id) > 100:
        errors["call_id"] = [_("Give the call id (at most 100 characters).")]
    if len(number.lstrip("+")) < 3 or len(number) > 40:
        errors["caller_number"] = [_("Give the caller's phone number (3 to 40 digits).")]
    if agent_extension not in (None, "") and (not ext or len(ext) > 40):
        errors["agent_extension"] = [_("The agent extension must be a number.")]
    if errors:
        raise InvalidInput(fields=errors)
    agent = None
    if ext:
        agent = (
            User.objects.filter(
                phone=ext, is_active=True, groups__name__in=[str(r) for r in DESK_ROLES]
            )
            .order_by("pk")
            .first()
        )
    with transaction.atomic():
        call, created = HotlineCall.objects.get_or_create(
            call_id=call_id, defaults={"caller_number": number, "agent": agent}
        )
    return call, created


def hotline_call_notes(
    *, actor: Any, call: HotlineCall, notes: str, request_number: str = ""
) -> HotlineCall:
    """The agent keeps the call notes and links the call to the request it became; the
    notes show on that request's history."""

    require_desk(actor)
    notes = str(notes or "").strip()
    number = str(request_number or "").strip()
    errors: dict[str, list[str]] = {}
    if len(notes) > MAX_DESCRIPTION:
        errors["notes"] = [
            _("The notes may be at most %(n)s characters long.") % {"n": MAX_DESCRIPTION}
        ]
    req = None
    if number:
        req = request_list(user=actor).filter(number=number).first()
        if req is None:
            errors["request_number"] = [_("There is no request %(number)s.") % {"number": number}]
    if not notes and req is None:
        errors["notes"] = [_("Write the call notes or give the request the call became.")]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
        before = snapshot(locked)
        locked.notes = notes
        if req is not None:
            locked.request = req
        if locked.seen_at is None:
            locked.seen_at = timezone.now()
        if locked.agent_id is None:
            locked.agent = actor
        locked.save()
        record(
            actor=actor,
            verb="intake.call_notes",
            target=locked,
            before=before,
            after=snapshot(locked),
            note=notes,
            context=locked.request,
        )
    return locked
