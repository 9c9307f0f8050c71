"""Approver race (issue 4): two approvers act on the same annual plan at the same moment
through the API (``POST /api/v1/planning/plans/{id}/steps``) — exactly one wins, the other
gets HTTP 409 with a clear message in its own language, and there is one audit event.

Each request runs in its own thread with its own PostgreSQL connection. To make "the same
moment" certain rather than likely, the test holds the plan's row lock from a third
connection until both requests are seen waiting for it in ``pg_stat_activity`` (both have
already read the plan and passed the version check), then lets go. A last case fires four
requests at a barrier without that help.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.customers import services as customer_services
from facadeops.customers.models import FacadeSystem
from facadeops.planning import services
from facadeops.planning.models import AnnualPlan, PlanStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/planning/plans/{pk}/steps"


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "manager": make_user("management", full_name="吴总经理"),
        "head": make_user("service_head", full_name="王建国"),
        "tech_head": make_user("tech_head", full_name="赵工"),
        "pm": make_user("project_manager", full_name="李项目"),
    }


def _plan_awaiting_approval(people: dict[str, Any], n: int) -> AnnualPlan:
    customer = customer_services.customer_create(
        actor=people["manager"], data={"name": f"并发审批物业{n}", "city": "上海"}
    )
    project = customer_services.project_create(
        actor=people["manager"],
        data={
            "customer": customer,
            "name": f"并发审批大厦{n}",
            "city": "上海",
            "project_manager": people["pm"],
            "service_head": people["head"],
            "completion_date": dt.date(2019, 3, 15),
        },
    )
    project.facade_systems.set(FacadeSystem.objects.filter(code="unitised-glass"))
    year = timezone.localdate().year + 1
    services.draft_plans(
        actor=people["head"], year=year, projects=type(project).objects.filter(pk=project.pk)
    )
    plan = AnnualPlan.objects.get(project=project, year=year)
    services.plan_transition(actor=people["head"], plan=plan, name="submit")
    services.plan_transition(actor=people["tech_head"], plan=plan, name="review")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PM_APPROVAL
    return plan


def _client(user: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _fire(
    calls: list[tuple[Client, dict[str, Any]]], url: str, start: threading.Barrier | None = None
) -> tuple[list[threading.Thread], list[Any]]:
    """Start one thread per call; each posts once and closes its own DB connection."""
    results: list[Any] = [None] * len(calls)

    def run(i: int, client: Client, body: dict[str, Any]) -> None:
        try:
            if start is not None:
                start.wait(timeout=30)
            r = client.post(url, json.dumps(body), content_type="application/json")
            results[i] = (r.status_code, r.json())
        except Exception as exc:  # reported by the assertion below, not swallowed
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, c, b), daemon=True) for i, (c, b) in enumerate(calls)
    ]
    for t in threads:
        t.start()
    return threads, results


def _dsn() -> str:
    s = connection.settings_dict
    return (
        f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} "
        f"dbname={s['NAME']} user={s['USER'] or 'postgres'}"
        + (f" password={s['PASSWORD']}" if s.get("PASSWORD") else "")
    )


def _race_on_held_lock(plan: AnnualPlan, calls: list[tuple[Client, dict[str, Any]]]) -> list[Any]:
    """Hold the plan's row lock, start the calls, wait until every one of them waits for
    that lock, release it, return the (status, body) of each call."""
    with psycopg.connect(_dsn()) as holder:
        holder.execute("SELECT id FROM planning_annualplan WHERE id = %s FOR UPDATE", [plan.pk])
        threads, results = _fire(calls, URL.format(pk=plan.pk))
        deadline = time.monotonic() + 30
        waiting = 0
        while time.monotonic() < deadline:
            # Inside a transaction pg_stat_activity is a snapshot: take a fresh one each time.
            holder.execute("SELECT pg_stat_clear_snapshot()")
            row = holder.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query LIKE %s",
                ["%planning_annualplan%"],  # (the text is cut at 1 kB: FOR UPDATE may be gone)
            ).fetchone()
            waiting = int(row[0]) if row else 0
            if waiting == len(calls) or any(r is not None for r in results):
                break
            time.sleep(0.05)
        assert waiting == len(calls), f"only {waiting} request(s) reached the row lock: {results}"
        holder.commit()  # release: the requests now really compete
    for t in threads:
        t.join(timeout=60)
    assert all(not isinstance(r, Exception) and r is not None for r in results), results
    return results


def _events(plan: AnnualPlan, verbs: list[str]) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_id=str(plan.pk), verb__in=verbs).order_by("pk"))


def test_two_approvals_at_the_same_moment_one_wins_the_other_409(
    people: dict[str, Any],
) -> None:
    """The project manager approves from two devices at once (one English, one Chinese):
    one 200, one 409 naming the state the plan is now in, one audit event, one approver."""
    plan = _plan_awaiting_approval(people, 1)
    body = {"transition": "approve", "version": plan.version}
    en, zh = _client(people["pm"], "en"), _client(people["pm"], "zh-hans")
    results = _race_on_held_lock(plan, [(en, body), (zh, body)])

    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 409], results
    loser = next(i for i, r in enumerate(results) if r[0] == 409)
    out = results[loser][1]
    assert out["code"] == "transition_not_allowed"
    if loser == 0:
        assert out["message"] == "“Approve” is not possible while the record is “Approved”."
    else:
        assert out["message"] == "记录处于“已批准”状态时，不能执行“批准”。", out
    winner = results[1 - loser][1]
    assert winner["status"] == "approved" and winner["version"] == plan.version + 1

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by_id == people["pm"].pk
    assert [e.verb for e in _events(plan, ["annual_plan.approve"])] == ["annual_plan.approve"]


def test_approve_and_return_at_the_same_moment_one_decision_stands(
    people: dict[str, Any],
) -> None:
    """Two different approvers with opposite decisions at once — the project manager
    approves, the technical head returns the plan: one decision stands, the other is
    refused with 409, and the audit log holds exactly the decision that stands."""
    plan = _plan_awaiting_approval(people, 2)
    approve = {"transition": "approve", "version": plan.version}
    give_back = {"transition": "return", "version": plan.version, "note": "窗口期需调整"}
    calls = [
        (_client(people["pm"], "en"), approve),
        (_client(people["tech_head"], "en"), give_back),
    ]
    results = _race_on_held_lock(plan, calls)

    assert sorted(r[0] for r in results) == [200, 409], results
    won = "approve" if results[0][0] == 200 else "return"
    lost = results[1 if won == "approve" else 0][1]
    assert lost["code"] == "transition_not_allowed"
    state = "Approved" if won == "approve" else "Draft"
    step = "Return for revision" if won == "approve" else "Approve"
    assert lost["message"] == f"“{step}” is not possible while the record is “{state}”."
    plan.refresh_from_db()
    assert plan.status == (PlanStatus.APPROVED if won == "approve" else PlanStatus.DRAFT)
    events = _events(plan, ["annual_plan.approve", "annual_plan.return"])
    assert [e.verb for e in events] == [f"annual_plan.{won}"]


def test_four_approvals_released_by_a_barrier(people: dict[str, Any]) -> None:
    """Without holding the lock: four sessions of the approver fire at a barrier. Whatever
    the interleaving (stale version or state already moved on), exactly one 200; the
    others 409 with a message; one audit event."""
    plan = _plan_awaiting_approval(people, 3)
    body = {"transition": "approve", "version": plan.version}
    calls = [(_client(people["pm"], "en"), body) for _ in range(4)]
    threads, results = _fire(calls, URL.format(pk=plan.pk), threading.Barrier(4))
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(r[0] for r in results) == [200, 409, 409, 409], results
    for status, out in results:
        if status == 409:
            assert out["code"] in {"conflict", "transition_not_allowed"}
            assert out["message"].strip(), out
    assert len(_events(plan, ["annual_plan.approve"])) == 1
