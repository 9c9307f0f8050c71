"""Employment workflow (REG-6.4): 入职中 → 在职 → 离职中 → 已离职; or 入职中 → 已离职
(onboarding cancelled)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facadeops.audit.services import record
from facadeops.core.roles import Role
from facadeops.core.workflow import Transition, TransitionContext, Workflow, register

from .models import Employee, EmployeeStatus, User

S = EmployeeStatus
MANAGERS = frozenset({Role.MANAGEMENT})


def _set_leave_date_and_deactivate(employee: Employee, ctx: TransitionContext) -> None:
    """On leaving: the leave date is set (today unless given) and the login is disabled."""
    if employee.leave_date is None:
        employee.leave_date = timezone.localdate()
    user = User.objects.select_for_update().get(pk=employee.user_id)
    if user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=False)
        record(
            actor=ctx.actor,
            verb="updated",
            target=user,
            before={"is_active": True},
            after={"is_active": False},
            note=ctx.note,
            context=employee,
        )


def _hire_date_not_in_future(employee: Employee, ctx: TransitionContext) -> Any:
    if employee.hire_date and employee.hire_date > timezone.localdate():
        return _("The hire date is in the future; activate the employee on or after it.")
    return None


EMPLOYEE_WORKFLOW = register(
    Employee,
    Workflow(
        name="employee",
        states=EmployeeStatus,
        transitions=[
            Transition(
                "activate",
                source=S.ONBOARDING,
                target=S.ACTIVE,
                roles=MANAGERS,
                label=_("Confirm onboarding"),
                guards=[_hire_date_not_in_future],
                style="success",
            ),
            Transition(
                "cancel_onboarding",
                source=S.ONBOARDING,
                target=S.LEFT,
                roles=MANAGERS,
                label=_("Cancel onboarding"),
                requires_note=True,
                effects=[_set_leave_date_and_deactivate],
                style="danger",
                confirm=_("Cancel the onboarding and disable this login?"),
            ),
            Transition(
                "start_leaving",
                source=S.ACTIVE,
                target=S.LEAVING,
                roles=MANAGERS,
                label=_("Start leaving"),
                requires_note=True,
                style="warning",
            ),
            Transition(
                "complete_leaving",
                source=S.LEAVING,
                target=S.LEFT,
                roles=MANAGERS,
                label=_("Complete leaving"),
                effects=[_set_leave_date_and_deactivate],
                style="danger",
                confirm=_("Complete the leaving and disable this login?"),
            ),
        ],
    ),
)
