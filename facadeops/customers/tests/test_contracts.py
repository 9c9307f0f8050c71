"""X-1.3 service contracts: workflow (every transition, guards), DOM-4 service levels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from facadeops.core.workflow import available_transitions
from facadeops.customers import services
from facadeops.customers.models import ContractStatus, ServiceContract, ServiceLevelDefault
from facadeops.customers.selectors import service_level_for

pytestmark = pytest.mark.django_db


def _move(contract: Any, name: str, actor: Any, note: str = "") -> ServiceContract:
    return services.contract_transition(actor=actor, contract=contract, name=name, note=note)


def test_dom4_defaults_seeded() -> None:
    """DOM-4: emergency 2 h on site around the clock, urgent 24 h, normal 48 h working days."""
    d = {x.urgency: x for x in ServiceLevelDefault.objects.all()}
    assert d["emergency"].on_site_within_hours == Decimal("2")
    assert d["emergency"].clock == "24x7"
    assert d["urgent"].on_site_within_hours == Decimal("24")
    assert d["normal"].on_site_within_hours == Decimal("48")
    assert d["normal"].clock == "working_days"


def test_new_contract_copies_defaults(
    make_contract: Any, customer_a: Any, make_project: Any
) -> None:
    """X-1.3/DOM-4: a new contract gets its service levels copied from the defaults, HT
    number, draft state; the copy is independent of later default changes."""
    c = make_contract(customer_a, [make_project(customer_a)])
    assert c.number.startswith("HT-") and c.status == ContractStatus.DRAFT
    levels = {lv.urgency: lv for lv in c.service_levels.all()}
    assert set(levels) == {"emergency", "urgent", "normal"}
    assert levels["emergency"].on_site_within_hours == Decimal("2")
    ServiceLevelDefault.objects.filter(urgency="emergency").update(on_site_within_hours=4)
    assert c.service_levels.get(urgency="emergency").on_site_within_hours == Decimal("2")


def test_contract_projects_must_belong_to_customer(
    make_contract: Any, customer_a: Any, customer_b: Any, make_project: Any
) -> None:
    """X-1.3: a contract can only cover projects of its own customer."""
    foreign = make_project(customer_b)
    with pytest.raises(InvalidInput) as exc:
        make_contract(customer_a, [foreign])
    assert "projects" in exc.value.fields
    assert not ServiceContract.objects.exists()


def test_contract_dates_validated(make_contract: Any, customer_a: Any) -> None:
    """X-1.3: the end date cannot be before the start date."""
    with pytest.raises(InvalidInput) as exc:
        make_contract(customer_a, [], start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 1, 1))
    assert "end_date" in exc.value.fields


def test_activate_lists_every_guard_failure(
    make_contract: Any, customer_a: Any, manager: Any
) -> None:
    """X-1.3: activation without projects and without service levels lists every reason."""
    c = make_contract(customer_a, [])
    c.service_levels.filter(urgency__in=["urgent", "normal"]).delete()
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as exc:
        _move(c, "activate", manager)
    reasons = exc.value.reasons
    assert len(reasons) == 3, reasons
    assert any("project" in r for r in reasons)
    assert sum("urgency" in r for r in reasons) == 2
    c.refresh_from_db()
    assert c.status == ContractStatus.DRAFT


def test_every_transition(
    make_contract: Any, customer_a: Any, make_project: Any, manager: Any, pm: Any, service_head: Any
) -> None:
    """X-1.3: draft → active → suspended → active → terminated (with note), by each allowed
    role; every move audited on the customer's timeline."""
    c = make_contract(customer_a, [make_project(customer_a)])
    _move(c, "activate", pm)
    assert c.status == ContractStatus.ACTIVE
    with pytest.raises(TransitionNotAllowed) as exc:
        _move(c, "suspend", service_head)  # needs a reason
    assert exc.value.reasons
    _move(c, "suspend", service_head, note="客户欠费")
    assert c.status == ContractStatus.SUSPENDED
    _move(c, "resume", manager)
    assert c.status == ContractStatus.ACTIVE
    with pytest.raises(TransitionNotAllowed):
        _move(c, "terminate", manager)
    _move(c, "terminate", manager, note="客户书面解约")
    assert c.status == ContractStatus.TERMINATED
    assert available_transitions(c, manager) == []
    verbs = list(
        AuditEvent.objects.filter(target_id=str(c.pk), verb__startswith="contract.")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "contract.activate",
        "contract.suspend",
        "contract.resume",
        "contract.terminate",
    ]
    assert AuditEvent.objects.filter(
        verb="contract.terminate", context_id=str(customer_a.pk)
    ).exists()


def test_terminate_from_suspended(
    make_contract: Any, customer_a: Any, make_project: Any, manager: Any
) -> None:
    """X-1.3: a suspended contract can be terminated."""
    c = make_contract(customer_a, [make_project(customer_a)])
    _move(c, "activate", manager)
    _move(c, "suspend", manager, note="暂停")
    _move(c, "terminate", manager, note="终止")
    assert c.status == ContractStatus.TERMINATED


def test_cancel_draft_only(
    make_contract: Any, customer_a: Any, make_project: Any, manager: Any
) -> None:
    """X-1.3: only a draft can be cancelled."""
    c = make_contract(customer_a, [make_project(customer_a)])
    _move(c, "activate", manager)
    with pytest.raises(TransitionNotAllowed):
        _move(c, "cancel", manager)
    d = make_contract(customer_a, [])
    _move(d, "cancel", manager)
    assert d.status == ContractStatus.CANCELLED


def test_expire_only_after_end(
    make_contract: Any, customer_a: Any, make_project: Any, manager: Any
) -> None:
    """X-1.3: a contract expires only when its end date has passed."""
    today = timezone.localdate()
    c = make_contract(customer_a, [make_project(customer_a)], end_date=today)
    _move(c, "activate", manager)
    with pytest.raises(TransitionNotAllowed) as exc:
        _move(c, "expire", manager)
    assert exc.value.reasons
    old = make_contract(
        customer_a,
        [make_project(customer_a)],
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=1),
    )
    _move(old, "activate", manager)
    _move(old, "expire", manager)
    assert old.status == ContractStatus.EXPIRED


def test_roles_refused(
    make_contract: Any, customer_a: Any, make_project: Any, technician: Any, customer_user_a: Any
) -> None:
    """X-1.3: a technician or a customer cannot move a contract."""
    c = make_contract(customer_a, [make_project(customer_a)])
    for user in (technician, customer_user_a):
        assert available_transitions(c, user) == []
        with pytest.raises(TransitionNotAllowed):
            _move(c, "activate", user)


def test_service_levels_edit(make_contract: Any, customer_a: Any, manager: Any) -> None:
    """X-1.3: service levels are editable per contract; bad hours are refused per field;
    a stale version is a conflict."""
    c = make_contract(customer_a, [])
    services.contract_set_service_levels(
        actor=manager,
        contract=c,
        levels={
            "emergency": {
                "on_site_within_hours": Decimal("1.5"),
                "respond_within_hours": Decimal("0.5"),
            }
        },
        version=c.version,
    )
    assert c.service_levels.get(urgency="emergency").on_site_within_hours == Decimal("1.5")
    assert AuditEvent.objects.filter(verb="service_levels_changed", target_id=str(c.pk)).exists()
    with pytest.raises(InvalidInput) as exc:
        services.contract_set_service_levels(
            actor=manager,
            contract=c,
            levels={"urgent": {"respond_within_hours": Decimal("0")}},
            version=c.version,
        )
    assert "urgent-respond_within_hours" in exc.value.fields
    with pytest.raises(Conflict):
        services.contract_set_service_levels(
            actor=manager,
            contract=c,
            levels={"urgent": {"respond_within_hours": Decimal("1")}},
            version=c.version - 1,
        )


def test_service_level_for(
    make_contract: Any, customer_a: Any, make_project: Any, manager: Any
) -> None:
    """X-1.3/DOM-4: the active contract's level applies within its period; otherwise the
    company default."""
    project = make_project(customer_a)
    default = service_level_for(project, "emergency", on=dt.date(2026, 6, 1))
    assert isinstance(default, ServiceLevelDefault)
    c = make_contract(
        customer_a, [project], start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    services.contract_set_service_levels(
        actor=manager,
        contract=c,
        levels={"emergency": {"on_site_within_hours": Decimal("1")}},
        version=c.version,
    )
    # draft: still the default
    assert service_level_for(project, "emergency", on=dt.date(2026, 6, 1)) == default
    _move(c, "activate", manager)
    level = service_level_for(project, "emergency", on=dt.date(2026, 6, 1))
    assert level is not None and level.on_site_within_hours == Decimal("1")
    assert service_level_for(project, "emergency", on=dt.date(2027, 1, 1)) == default


def test_closed_contract_not_editable(make_contract: Any, customer_a: Any, manager: Any) -> None:
    """X-1.3: a cancelled contract can no longer be changed."""
    c = make_contract(customer_a, [])
    _move(c, "cancel", manager)
    with pytest.raises(InvalidInput):
        services.contract_update(actor=manager, contract=c, data={"title": "新"}, version=c.version)
