"""Quality (REG-2.3.2, REG-2.4.2): supervision visits, rectification and its re-check, the
internal acceptance."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.core.errors import Conflict, InvalidInput
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition

from .. import permissions as perms
from .. import rules
from ..models import QualityCheck, QualityCheckKind, Rectification, WorkOrder
from ._common import R, S, _invalid, _notify_later, _team, _text, _wo_context

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
