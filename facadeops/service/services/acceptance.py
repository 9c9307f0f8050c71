"""Completion and customer acceptance (REG-2.4.1): the completion checklist and the
customer's signature on the service report (or the rejection with its reason)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from facadeops.core.errors import InvalidInput
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition

from .. import permissions as perms
from ..models import CustomerAcceptance, Rectification, WorkOrder
from ._common import (
    _create_with_file,
    _decode_signature,
    _precheck,
    _project_context,
    _text,
    _wo_context,
)
from .execution import WORK_STATES


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
