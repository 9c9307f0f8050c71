"""Writes of improvement actions: created by the app that found the need (its source),
moved on the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.accounts.models import User
from facadeops.audit.services import record, snapshot
from facadeops.core.errors import Forbidden, InvalidInput
from facadeops.core.roles import Role, has_role
from facadeops.core.workflow import transition

from . import efficacy
from . import permissions as perms
from .models import ActionKind, ImprovementAction


def action_create(
    *,
    actor: Any,
    source: models.Model,
    kind: str,
    title: str,
    owner: Any,
    due_date: dt.date | None,
    measure: str,
    measure_params: dict[str, Any] | None = None,
    description: str = "",
    check_after_days: int = 90,
) -> ImprovementAction:
    """An improvement action on ``source`` (e.g. a complaint analysis), with its owner, due
    date and the efficacy measure checked ``check_after_days`` after it is done."""
    if not perms.can_create(actor):
        raise Forbidden(_("Your role does not allow creating improvement actions."))
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        errors["kind"] = [_("Choose corrective, preventive or improvement.")]
    title = str(title or "").strip()
    if not title:
        errors["title"] = [_("Say what is to be done.")]
    if not isinstance(owner, User) or not owner.is_active or has_role(owner, Role.CUSTOMER):
        errors["owner"] = [_("Choose the owner among the active staff.")]
    if due_date is None:
        errors["due_date"] = [_("Give the due date.")]
    elif due_date < timezone.localdate():
        errors["due_date"] = [_("The due date cannot be in the past.")]
    if not 7 <= int(check_after_days or 0) <= 730:
        errors["check_after_days"] = [_("Check the efficacy 7 to 730 days after it is done.")]
    try:
        efficacy.measure(measure)
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    assert due_date is not None
    with transaction.atomic():
        action = ImprovementAction.objects.create(
            source_type=ContentType.objects.get_for_model(source),
            source_id=str(source.pk),
            source_repr=str(source)[:200],
            kind=kind,
            title=title[:200],
            description=str(description or "").strip(),
            owner=owner,
            due_date=due_date,
            measure=measure,
            measure_params=measure_params or {},
            check_after_days=int(check_after_days),
        )
        record(actor=actor, verb="created", target=action, after=snapshot(action), context=source)
    return action


def action_transition(
    *,
    actor: Any,
    action: ImprovementAction,
    name: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> ImprovementAction:
    data = {"now": now} if now is not None else {}
    return transition(action, name, actor=actor, note=str(note or "").strip(), data=data)


def actions_of(source: models.Model) -> models.QuerySet[ImprovementAction]:
    return ImprovementAction.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk)
    ).select_related("owner")
