"""X-6.5: certificates with expiry; work at height needs a valid one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facadeops.accounts import services
from facadeops.accounts.models import Certificate, User
from facadeops.accounts.selectors import (
    certificate_state,
    certificate_valid,
    expiring_certificates,
    users_with_valid_height_certificate,
)
from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Conflict, Forbidden, InvalidInput

pytestmark = pytest.mark.django_db
D = dt.date


def _cert(manager, employee, type_, start, end, number=None) -> Certificate:
    return services.certificate_add(
        actor=manager,
        employee=employee,
        data={
            "type": type_,
            "number": number or f"N-{employee.pk}-{type_.code}-{end}",
            "issued_by": "应急管理局",
            "valid_from": start,
            "valid_to": end,
        },
    )


def test_validity_on_a_date_includes_both_end_days(manager, make_employee, cert_type) -> None:
    """X-6.5: a certificate is valid from its first to its last day, both included."""
    emp = make_employee()
    cert = _cert(manager, emp, cert_type("work_at_height"), D(2026, 1, 1), D(2026, 12, 31))
    assert not cert.is_valid_on(D(2025, 12, 31))
    assert cert.is_valid_on(D(2026, 1, 1))
    assert cert.is_valid_on(D(2026, 12, 31))
    assert not cert.is_valid_on(D(2027, 1, 1))
    assert certificate_valid(emp, type_code="work_at_height", on=D(2026, 12, 31))
    assert not certificate_valid(emp, type_code="work_at_height", on=D(2027, 1, 1))
    assert certificate_valid(emp.user, is_work_at_height=True, on=D(2026, 6, 1))
    assert not certificate_valid(emp.user, type_code="electrician", on=D(2026, 6, 1))


def test_valid_to_before_valid_from_is_refused(manager, make_employee, cert_type) -> None:
    """X-6.5: the end date may not precede the start date; nothing is written."""
    emp = make_employee()
    with pytest.raises(InvalidInput) as exc:
        _cert(manager, emp, cert_type("welder"), D(2026, 5, 2), D(2026, 5, 1))
    assert "valid_to" in exc.value.fields
    assert not Certificate.objects.exists()


def test_work_at_height_selector_one_query(manager, make_employee, cert_type) -> None:
    """X-6.5: who may work at height on a day — valid height-type certificate (高处作业证
    or 吊篮操作证), not expired, not a non-height type — in one query."""
    day = D(2026, 6, 1)
    ok = make_employee()
    gondola = make_employee()
    expired = make_employee()
    future = make_employee()
    electrician = make_employee()
    nothing = make_employee()
    _cert(manager, ok, cert_type("work_at_height"), D(2025, 1, 1), day)
    _cert(manager, gondola, cert_type("gondola"), D(2025, 1, 1), D(2027, 1, 1))
    _cert(manager, expired, cert_type("work_at_height"), D(2020, 1, 1), D(2026, 5, 31))
    _cert(manager, future, cert_type("work_at_height"), D(2026, 6, 2), D(2030, 1, 1))
    _cert(manager, electrician, cert_type("electrician"), D(2025, 1, 1), D(2030, 1, 1))
    users = [e.user for e in (ok, gondola, expired, future, electrician, nothing)]
    with CaptureQueriesContext(connection) as q:
        result = users_with_valid_height_certificate(users, day)
    assert len(q.captured_queries) == 1
    assert result == {ok.user_id, gondola.user_id}
    with CaptureQueriesContext(connection) as q:
        assert users_with_valid_height_certificate(User.objects.all(), day) == result
    assert len(q.captured_queries) == 1
    assert users_with_valid_height_certificate([], day) == set()


def test_expiring_list(manager, make_employee, cert_type) -> None:
    """X-6.5: certificates ending within 30 days appear, soonest first; expired, later
    and left employees' ones do not."""
    day = D(2026, 6, 1)
    a, b, c, d = (make_employee() for _ in range(4))
    soon = _cert(manager, a, cert_type("work_at_height"), D(2020, 1, 1), D(2026, 6, 10))
    edge = _cert(manager, b, cert_type("work_at_height"), D(2020, 1, 1), D(2026, 7, 1))
    today = _cert(manager, c, cert_type("electrician"), D(2020, 1, 1), day)
    _cert(manager, c, cert_type("welder"), D(2020, 1, 1), D(2026, 7, 2))  # 31 days
    _cert(manager, d, cert_type("welder"), D(2020, 1, 1), D(2026, 5, 31))  # expired
    assert list(expiring_certificates(within_days=30, on=day)) == [today, soon, edge]
    services.employee_transition(actor=manager, employee=a, name="start_leaving", note="辞职")
    services.employee_transition(actor=manager, employee=a, name="complete_leaving")
    assert list(expiring_certificates(within_days=30, on=day)) == [today, edge]
    assert certificate_state(soon, day) == "expiring"
    assert certificate_state(edge, D(2026, 5, 1)) == "valid"
    assert certificate_state(edge, D(2026, 7, 2)) == "expired"
    assert certificate_state(edge, D(2019, 12, 31)) == "not_yet_valid"


def test_certificate_update_is_versioned_and_audited(manager, make_employee, cert_type) -> None:
    """X-6.5 / X-9.1: a stale edit is refused with Conflict; edits show on the employee's
    timeline; only management records certificates."""
    emp = make_employee()
    cert = _cert(manager, emp, cert_type("work_at_height"), D(2026, 1, 1), D(2026, 12, 31))
    services.certificate_update(
        actor=manager, certificate=cert, data={"valid_to": D(2027, 12, 31)}, expected_version=1
    )
    with pytest.raises(Conflict):
        services.certificate_update(
            actor=manager, certificate=cert, data={"number": "X"}, expected_version=1
        )
    cert.refresh_from_db()
    assert cert.valid_to == D(2027, 12, 31) and cert.version == 2
    assert AuditEvent.objects.filter(context_id=str(emp.pk), verb="updated").exists()
    with pytest.raises(Forbidden):
        services.certificate_update(
            actor=emp.user, certificate=cert, data={"number": "X"}, expected_version=2
        )
