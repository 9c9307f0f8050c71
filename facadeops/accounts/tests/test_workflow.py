"""REG-6.4 employment workflow: onboarding → active → leaving → left, or cancelled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facadeops.accounts import services
from facadeops.accounts.models import Employee, EmployeeStatus, User
from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Conflict, TransitionNotAllowed
from facadeops.core.workflow import available_transitions

pytestmark = pytest.mark.django_db


def test_full_employment_cycle_deactivates_login(manager, make_employee) -> None:
    """REG-6.4.1/6.4.4: onboarding → active → leaving (reason) → left; leaving sets the
    leave date and disables the login; each step audited."""
    emp = make_employee(activate=False)
    assert emp.status == EmployeeStatus.ONBOARDING
    services.employee_transition(actor=manager, employee=emp, name="activate")
    assert emp.status == EmployeeStatus.ACTIVE
    services.employee_transition(
        actor=manager, employee=emp, name="start_leaving", note="个人原因辞职"
    )
    assert emp.status == EmployeeStatus.LEAVING
    assert User.objects.get(pk=emp.user_id).is_active
    services.employee_transition(actor=manager, employee=emp, name="complete_leaving")
    emp = Employee.objects.get(pk=emp.pk)
    assert emp.status == EmployeeStatus.LEFT
    assert emp.leave_date == timezone.localdate()
    assert not User.objects.get(pk=emp.user_id).is_active
    verbs = set(AuditEvent.objects.filter(target_id=str(emp.pk)).values_list("verb", flat=True))
    assert {
        "employee.activate",
        "employee.start_leaving",
        "employee.complete_leaving",
    } <= verbs
    assert AuditEvent.objects.get(verb="employee.start_leaving").note == "个人原因辞职"


def test_cancel_onboarding(manager, make_employee) -> None:
    """REG-6.4.1: an onboarding can be cancelled (with a reason); the login is disabled."""
    emp = make_employee(activate=False)
    with pytest.raises(TransitionNotAllowed):
        services.employee_transition(actor=manager, employee=emp, name="cancel_onboarding")
    services.employee_transition(
        actor=manager, employee=emp, name="cancel_onboarding", note="未通过考核"
    )
    assert emp.status == EmployeeStatus.LEFT
    assert not User.objects.get(pk=emp.user_id).is_active


def test_leaving_requires_a_reason(manager, make_employee) -> None:
    """REG-6.4.4: starting to leave needs the reason."""
    emp = make_employee()
    with pytest.raises(TransitionNotAllowed) as exc:
        services.employee_transition(actor=manager, employee=emp, name="start_leaving", note=" ")
    assert exc.value.reasons
    emp.refresh_from_db()
    assert emp.status == EmployeeStatus.ACTIVE


def test_role_denial_and_wrong_state(make_user, make_employee) -> None:
    """REG-1.3: only management moves employment; illegal moves raise."""
    emp = make_employee()
    for role in ("service_head", "tech_head", "project_manager", "quality", "service_staff"):
        actor = make_user(role)
        assert available_transitions(emp, actor) == []
        with pytest.raises(TransitionNotAllowed):
            services.employee_transition(actor=actor, employee=emp, name="start_leaving", note="x")
    with pytest.raises(TransitionNotAllowed):
        services.employee_transition(actor=make_user("management"), employee=emp, name="activate")
    emp.refresh_from_db()
    assert emp.status == EmployeeStatus.ACTIVE


def test_future_hire_date_blocks_activation(manager, make_employee) -> None:
    """REG-6.4.1: allowed to work only from the hire date on."""
    emp = make_employee(activate=False, hire_date=timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(TransitionNotAllowed):
        services.employee_transition(actor=manager, employee=emp, name="activate")


def test_stale_version_on_transition(manager, make_employee) -> None:
    """X-9.1: a step pressed on an outdated page is refused with Conflict."""
    emp = make_employee()
    stale = emp.version
    services.employee_update(
        actor=manager, employee=emp, expected_version=stale, data={"position": "班组长"}
    )
    with pytest.raises(Conflict):
        services.employee_transition(
            actor=manager,
            employee=Employee.objects.get(pk=emp.pk),
            name="start_leaving",
            note="x",
            expected_version=stale,
        )
