"""API of planning (/api/v1/planning): scope, refusals (403/404), bad input (422 with
fields), stale versions (409), and list endpoints whose query count does not grow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from facadeops.planning import services
from facadeops.planning.models import AnnualPlan, PlanStatus
from facadeops.service.models import DefectType

pytestmark = pytest.mark.django_db
API = "/api/v1/planning"
YEAR = 2026


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _plan(p: dict[str, Any], project: Any) -> AnnualPlan:
    services.draft_plans(
        actor=p["head"], year=YEAR, projects=type(project).objects.filter(pk=project.pk)
    )
    return AnnualPlan.objects.get(project=project, year=YEAR)


def test_plan_chain_via_api(p: dict[str, Any], make_project: Any, make_user: Any) -> None:
    """REG-3.1.3 over the API: transitions listed per caller, steps with the version (409
    when stale), the engine refuses the wrong role (409 with reasons)."""
    plan = _plan(p, make_project())
    head = _client(p["head"])
    detail = head.get(f"{API}/plans/{plan.pk}").json()
    assert [t["name"] for t in detail["transitions"]] == ["submit"]
    assert detail["items"] and detail["status"] == "draft"
    stale = head.post(
        f"{API}/plans/{plan.pk}/steps",
        {"transition": "submit", "version": plan.version - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    r = head.post(
        f"{API}/plans/{plan.pk}/steps",
        {"transition": "submit", "version": plan.version},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == PlanStatus.TECH_REVIEW
    wrong = head.post(
        f"{API}/plans/{plan.pk}/steps",
        {"transition": "review", "version": r.json()["version"]},
        content_type="application/json",
    )
    assert wrong.status_code in (403, 409)
    assert _client(p["tech_head"]).get(f"{API}/plans/{plan.pk}/transitions").json()[0]["name"] in (
        "review",
        "return",
    )
    outsider = make_user("customer", customer=make_project().customer)
    assert _client(outsider).get(f"{API}/plans/{plan.pk}").status_code == 404


def test_items_bad_input_and_conflict(p: dict[str, Any], make_project: Any) -> None:
    """REG-3.1.3: adding items to the draft — bad window 422 with fields, stale version
    409, wrong role 403."""
    plan = _plan(p, make_project())
    head = _client(p["head"])
    body = {
        "version": plan.version,
        "content": "开启扇五金件保养",
        "window_start": f"{YEAR}-06-01",
        "window_end": f"{YEAR}-05-01",
    }
    bad = head.post(f"{API}/plans/{plan.pk}/items", body, content_type="application/json")
    assert bad.status_code == 422 and "window_end" in bad.json()["fields"]
    body["window_end"] = f"{YEAR}-06-30"
    stale = head.post(
        f"{API}/plans/{plan.pk}/items", {**body, "version": 0}, content_type="application/json"
    )
    assert stale.status_code == 409
    ok = head.post(f"{API}/plans/{plan.pk}/items", body, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["origin"] == "manual"
    denied = _client(p["technician"]).post(
        f"{API}/plans/{plan.pk}/items",
        {**body, "version": plan.version + 1},
        content_type="application/json",
    )
    assert denied.status_code == 403


def test_plan_list_queries_constant(
    p: dict[str, Any], make_project: Any, django_assert_max_num_queries: Any
) -> None:
    """X-9.4: the plans endpoint reads a fixed number of queries whatever its rows."""
    make_project()
    services.draft_plans(actor=p["head"], year=YEAR)
    c = _client(p["head"])
    with django_assert_max_num_queries(8):
        few = c.get(f"{API}/plans").json()
    for _ in range(8):
        make_project()
    services.draft_plans(actor=p["head"], year=YEAR + 1)
    with django_assert_max_num_queries(8):
        many = c.get(f"{API}/plans").json()
    assert many["count"] > few["count"]


def test_elevation_map_and_pin(p: dict[str, Any], make_project: Any, make_user: Any) -> None:
    """DOM-3 over the API: pinning a defect gives its panel the worst open severity."""
    project = make_project()
    elevation = services.elevation_create(
        actor=p["technician"], project=project, name="东立面", axes=2, floors=2
    )
    panel = elevation.panels.get(axis=1, floor=1)
    defect = DefectType.objects.filter(is_active=True).order_by("code").first()
    assert defect is not None
    c = _client(p["technician"])
    url = f"{API}/elevations/{elevation.pk}"
    r = c.post(
        f"{url}/pins",
        {"panel_id": panel.pk, "defect_type_id": defect.pk, "severity": "S2"},
        content_type="application/json",
    )
    assert r.status_code == 201
    cells = {c["id"]: c for c in c.get(f"{url}/map").json()["panels"]}
    assert cells[panel.pk]["worst_open_severity"] == "S2"
    assert sum(1 for x in cells.values() if x["worst_open_severity"] == "") == 3
    bad = c.post(
        f"{url}/pins",
        {"panel_id": 999999, "defect_type_id": defect.pk},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "panel_id" in bad.json()["fields"]
    assert (
        _client(p["agent"])
        .post(
            f"{url}/pins",
            {"panel_id": panel.pk, "defect_type_id": defect.pk},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    outsider = make_user("customer", customer=make_project().customer)
    assert _client(outsider).get(f"{url}/map").status_code == 404


def test_portfolio_forecasts_at_risk(p: dict[str, Any], make_project: Any, make_user: Any) -> None:
    """DOM-1 portfolio and DOM-2 forecasts over the API (wind required: 422; role: 403)."""
    project = make_project(("hidden-frame-glass",), completion=dt.date(2010, 1, 1))
    rows = _client(p["head"]).get(f"{API}/portfolio?within_days=3650").json()
    assert any(r["project_id"] == project.pk and r["source"] for r in rows)
    agent = _client(p["agent"])
    bad = agent.post(
        f"{API}/forecasts", {"city": "上海", "date": "2026-07-01"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "wind_ms" in bad.json()["fields"]
    ok = agent.post(
        f"{API}/forecasts",
        {"city": "上海", "date": "2026-07-01", "wind_ms": "9.0"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["source"] == "manual"
    denied = _client(p["technician"]).post(
        f"{API}/forecasts",
        {"city": "上海", "date": "2026-07-02", "beaufort": 3},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert _client(p["head"]).get(f"{API}/at-risk").status_code == 200
    customer = make_user("customer", customer=project.customer)
    assert _client(customer).get(f"{API}/at-risk").status_code == 403
