"""The workflow engine (DESIGN: one transition(), transitions as data), proven on a real
workflow — the service contract of X-1.3 — and on PostgreSQL for row locking."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import NotFound, TransitionNotAllowed
from facadeops.core.roles import Role
from facadeops.core.workflow import (
    Transition,
    Workflow,
    available_transitions,
    blocked_reasons,
    registered,
    transition,
    workflow_for,
)
from facadeops.customers.models import ContractStatus, ServiceContract
from facadeops.customers.services import contract_create, customer_create, project_create
from facadeops.notifications.models import Notification


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user(Role.MANAGEMENT)


@pytest.fixture
def contract(manager: Any, make_user: Any) -> ServiceContract:
    pm = make_user(Role.PROJECT_MANAGER)
    customer = customer_create(actor=manager, data={"name": "深圳前海物业管理有限公司"})
    project = project_create(
        actor=manager, data={"customer": customer, "name": "前海国际中心", "project_manager": pm}
    )
    today = timezone.localdate()
    return contract_create(
        actor=manager,
        customer=customer,
        data={
            "title": "2026 年度维保",
            "start_date": today,
            "end_date": today + dt.timedelta(days=365),
        },
        projects=[project],
    )


@pytest.mark.django_db
def test_a_step_changes_state_bumps_version_and_audits_with_note(
    contract: Any, manager: Any
) -> None:
    """X-9.1: the move is audited with before/after and the approver's comment."""
    transition(contract, "activate", actor=manager, note="合同已盖章")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert contract.version == 2
    ev = AuditEvent.objects.get(verb="contract.activate")
    assert (
        ev.before["status"] == ContractStatus.DRAFT and ev.after["status"] == ContractStatus.ACTIVE
    )
    assert ev.note == "合同已盖章" and ev.actor == manager


@pytest.mark.django_db
def test_an_illegal_move_raises_and_changes_nothing(contract: Any, manager: Any) -> None:
    with pytest.raises(TransitionNotAllowed) as exc:
        transition(contract, "resume", actor=manager)
    assert "草稿" in str(exc.value.reasons) or "Draft" in str(exc.value.reasons)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT and contract.version == 1
    assert not AuditEvent.objects.filter(verb__startswith="contract.").exists()


@pytest.mark.django_db
def test_unknown_step_is_not_found(contract: Any, manager: Any) -> None:
    with pytest.raises(NotFound):
        transition(contract, "teleport", actor=manager)


@pytest.mark.django_db
def test_wrong_role_is_refused(contract: Any, make_user: Any) -> None:
    """REG-1.3: every action checks the role."""
    technician = make_user(Role.TECHNICIAN)
    with pytest.raises(TransitionNotAllowed) as exc:
        transition(contract, "activate", actor=technician)
    assert len(exc.value.reasons) == 1
    assert available_transitions(contract, technician) == []


@pytest.mark.django_db
def test_every_guard_failure_is_listed_at_once(contract: Any, manager: Any) -> None:
    contract.projects.clear()
    contract.service_levels.all().delete()
    ServiceContract.objects.filter(pk=contract.pk).update(
        end_date=contract.start_date - dt.timedelta(days=1)
    )
    contract.refresh_from_db()
    reasons = blocked_reasons(contract, "activate", actor=manager)
    # one for the projects, one per missing urgency level (3), one for the dates
    assert len(reasons) == 5, reasons
    with pytest.raises(TransitionNotAllowed) as exc:
        transition(contract, "activate", actor=manager)
    assert exc.value.reasons == reasons
    assert exc.value.as_dict()["fields"]["__all__"] == reasons


@pytest.mark.django_db
def test_required_note_is_enforced(contract: Any, manager: Any) -> None:
    transition(contract, "activate", actor=manager)
    with pytest.raises(TransitionNotAllowed):
        transition(contract, "terminate", actor=manager, note="   ")
    transition(contract, "terminate", actor=manager, note="客户违约")
    assert contract.status == ContractStatus.TERMINATED


@pytest.mark.django_db
def test_available_transitions_are_what_the_user_may_take_now(contract: Any, manager: Any) -> None:
    names = {t.name for t in available_transitions(contract, manager)}
    assert names == {"activate", "cancel"}
    transition(contract, "activate", actor=manager)
    names = {t.name for t in available_transitions(contract, manager)}
    assert names == {"suspend", "terminate", "expire"}


@pytest.mark.django_db
def test_notifications_are_sent_only_after_commit(
    contract: Any, manager: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The engine schedules notifications with on_commit; a rolled-back move tells nobody."""
    watcher = make_user(Role.SERVICE_HEAD)
    original = workflow_for(ServiceContract)
    wf = Workflow(
        name="contract",
        states=ContractStatus,
        transitions=[
            Transition(
                "activate",
                ContractStatus.DRAFT,
                ContractStatus.ACTIVE,
                {Role.MANAGEMENT},
                label="生效",
                notify=lambda obj, ctx: [watcher, ctx.actor],
            ),
        ],
    )
    registry = registered()
    from facadeops.core import workflow as engine

    engine._REGISTRY[ServiceContract] = wf
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            transition(contract, "activate", actor=manager)
            raise RuntimeError("roll back")
        assert not Notification.objects.exists()
        contract.refresh_from_db()
        assert contract.status == ContractStatus.DRAFT
        with django_capture_on_commit_callbacks(execute=True):
            transition(contract, "activate", actor=manager)
        notes = list(Notification.objects.all())
        assert [n.recipient for n in notes] == [watcher]  # never the actor
        assert contract.number in notes[0].title
    finally:
        engine._REGISTRY[ServiceContract] = original
    assert registered() == registry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_on_the_same_row_are_serialised(contract: Any, manager: Any) -> None:
    """Two people press "activate" at the same moment: the row lock makes one win; the
    other then sees the new state and gets a clear refusal, never a double move."""
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    results: list[str] = []

    def press() -> None:
        from django.db import connections

        try:
            barrier.wait()
            obj = ServiceContract.objects.get(pk=contract.pk)
            transition(obj, "activate", actor=manager)
            results.append("ok")
        except TransitionNotAllowed as exc:
            results.append("refused:" + exc.reasons[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.split(":")[0] for r in results) == ["ok", "refused"], results
    assert AuditEvent.objects.filter(verb="contract.activate").count() == 1
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE and contract.version == 2
