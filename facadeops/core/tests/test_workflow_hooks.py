"""The engine's two seams for apps above it (issue 12): subscribers told of every committed
move, and guards another app adds to a step — proven on the service contract's workflow."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from facadeops.core import workflow as engine
from facadeops.core.errors import TransitionNotAllowed
from facadeops.core.roles import Role
from facadeops.core.workflow import (
    Transition,
    TransitionDone,
    Workflow,
    add_guards,
    blocked_reasons,
    on_transition_done,
    transition,
    workflow_for,
)
from facadeops.customers.models import ContractStatus, ServiceContract
from facadeops.customers.services import contract_create, customer_create, project_create
from facadeops.notifications.models import Notification
from facadeops.notifications.subscribers import notify_next_actors
from facadeops.planning.weather import weather_gate
from facadeops.service.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user(Role.MANAGEMENT)


@pytest.fixture
def contract(manager: Any, make_user: Any) -> ServiceContract:
    customer = customer_create(actor=manager, data={"name": "广州天河物业有限公司"})
    project = project_create(
        actor=manager,
        data={
            "customer": customer,
            "name": "天河中心",
            "project_manager": make_user(Role.PROJECT_MANAGER),
        },
    )
    today = timezone.localdate()
    return contract_create(
        actor=manager,
        customer=customer,
        data={"title": "维保合同", "start_date": today, "end_date": today + dt.timedelta(days=365)},
        projects=[project],
    )


@pytest.fixture
def subscribers() -> Any:
    """The subscriber list, restored after the test."""
    saved = list(engine._SUBSCRIBERS)
    yield engine._SUBSCRIBERS
    engine._SUBSCRIBERS[:] = saved


@pytest.fixture
def notifying_workflow(make_user: Any) -> Any:
    """The contract workflow with an ``activate`` that names a watcher to notify."""
    watcher = make_user(Role.SERVICE_HEAD)
    original = workflow_for(ServiceContract)
    engine._REGISTRY[ServiceContract] = Workflow(
        name="contract",
        states=ContractStatus,
        transitions=[
            Transition(
                "activate",
                ContractStatus.DRAFT,
                ContractStatus.ACTIVE,
                {Role.MANAGEMENT},
                label="生效",
                notify=lambda obj, ctx: [watcher],
            )
        ],
    )
    yield watcher
    engine._REGISTRY[ServiceContract] = original


def test_notifications_subscribe_to_the_engine_from_their_app_config() -> None:
    assert notify_next_actors in engine._SUBSCRIBERS


def test_subscribers_hear_of_a_move_only_after_commit_with_what_happened(
    contract: Any,
    manager: Any,
    subscribers: Any,
    notifying_workflow: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    heard: list[TransitionDone] = []
    on_transition_done(heard.append)
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(contract, "activate", actor=manager, note="盖章")
        raise RuntimeError("roll back")
    assert heard == []  # a rolled-back move tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        transition(contract, "activate", actor=manager, note="盖章")
    assert len(heard) == 1
    event = heard[0]
    assert event.verb == "contract.activate" and event.pk == contract.pk
    assert (event.from_state, event.to_state) == (ContractStatus.DRAFT, ContractStatus.ACTIVE)
    assert event.actor_id == manager.pk and event.note == "盖章"
    assert event.recipient_ids == (notifying_workflow.pk,)
    assert event.fresh().status == ContractStatus.ACTIVE


def test_a_failing_subscriber_breaks_neither_the_move_nor_the_others(
    contract: Any,
    manager: Any,
    subscribers: Any,
    notifying_workflow: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: Any,
) -> None:
    def broken(event: TransitionDone) -> None:
        raise ValueError("subscriber down")

    subscribers.insert(0, broken)  # runs before the notifications subscriber
    with (
        caplog.at_level(logging.ERROR, logger="facadeops.core.workflow"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        transition(contract, "activate", actor=manager)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE  # the move stands
    # the notifications subscriber after it still told the watcher
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        notifying_workflow.pk
    ]
    assert "subscriber down" in caplog.text and "contract.activate" in caplog.text


def test_a_guard_added_by_another_app_is_checked_with_the_step_s_own(
    contract: Any, manager: Any
) -> None:
    key = (ServiceContract, "activate")
    saved = list(engine._EXTRA_GUARDS.get(key, []))

    def outside(obj: Any, ctx: Any) -> str:
        return "另一应用的条件未满足"

    try:
        add_guards(ServiceContract, "activate", [outside])
        add_guards(ServiceContract, "activate", [outside])  # twice is once
        assert engine._EXTRA_GUARDS[key].count(outside) == 1
        assert "另一应用的条件未满足" in blocked_reasons(contract, "activate", actor=manager)
        with pytest.raises(TransitionNotAllowed) as exc:
            transition(contract, "activate", actor=manager)
        assert "另一应用的条件未满足" in exc.value.reasons
        contract.refresh_from_db()
        assert contract.status == ContractStatus.DRAFT
    finally:
        engine._EXTRA_GUARDS[key] = saved
    transition(contract, "activate", actor=manager)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE


def test_a_guard_cannot_be_added_to_a_step_that_does_not_exist() -> None:
    with pytest.raises(Exception, match="start_typo"):
        add_guards(ServiceContract, "start_typo", [lambda obj, ctx: None])


def test_planning_adds_the_weather_gate_to_the_work_order_start() -> None:
    """DOM-2 reaches the REG-2 workflow from planning, which service does not import."""
    start = workflow_for(WorkOrder).get("start")
    assert weather_gate in engine.guards_of(WorkOrder, start)
    assert weather_gate not in start.guards
