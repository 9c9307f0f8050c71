"""Object scope and roles of planning confirmed for the authorization matrix (issue 4,
tests/security/access_matrix.py): a customer user sees only its own projects' plans, plan
items and due inspections — another customer's rows are absent, not merely a 200 — and
who may enter the weather forecasts of the DOM-2 gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facadeops.planning import services
from facadeops.planning.models import AnnualPlan, Forecast, PlanItem

pytestmark = pytest.mark.django_db
API = "/api/v1/planning"
YEAR = 2026


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def two(p: dict[str, Any], make_project: Any, make_user: Any) -> dict[str, Any]:
    """Projects of two customers, each with a drafted plan (items) and overdue inspections,
    and a customer user of the first."""
    a = make_project(("hidden-frame-glass",), completion=dt.date(2010, 1, 1))
    b = make_project(("hidden-frame-glass",), completion=dt.date(2010, 1, 1))
    services.draft_plans(
        actor=p["head"], year=YEAR, projects=type(a).objects.filter(pk__in=[a.pk, b.pk])
    )
    plan_a = AnnualPlan.objects.get(project=a, year=YEAR)
    plan_b = AnnualPlan.objects.get(project=b, year=YEAR)
    assert plan_a.items.exists() and plan_b.items.exists()
    return {
        "a": a,
        "b": b,
        "plan_a": plan_a,
        "plan_b": plan_b,
        "customer": make_user("customer", customer=a.customer),
    }


def test_staff_see_both_customers_rows(p: dict[str, Any], two: dict[str, Any]) -> None:
    """The absence checks below are not vacuous: the same lists show both rows to staff."""
    c = _client(p["technician"])
    plans = {r["id"] for r in c.get(f"{API}/plans?year={YEAR}").json()["results"]}
    assert {two["plan_a"].pk, two["plan_b"].pk} <= plans
    due = {r["project_id"] for r in c.get(f"{API}/portfolio?within_days=3650").json()}
    assert {two["a"].pk, two["b"].pk} <= due


def test_customer_plan_list_page_and_api_show_only_own_projects(two: dict[str, Any]) -> None:
    c = _client(two["customer"])
    page = c.get(reverse("planning:plan_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert two["plan_a"].get_absolute_url() in body
    assert two["plan_b"].get_absolute_url() not in body
    assert two["b"].name not in body
    api = c.get(f"{API}/plans?year={YEAR}")
    assert api.status_code == 200
    assert [r["id"] for r in api.json()["results"]] == [two["plan_a"].pk]
    assert c.get(f"{API}/plans/{two['plan_b'].pk}").status_code == 404


def test_customer_plan_items_api_shows_only_own_projects(two: dict[str, Any]) -> None:
    c = _client(two["customer"])
    rows = c.get(f"{API}/items?page_size=200").json()["results"]
    own = set(PlanItem.objects.filter(plan=two["plan_a"]).values_list("pk", flat=True))
    assert rows and {r["id"] for r in rows} == own
    assert {r["plan_id"] for r in rows} == {two["plan_a"].pk}
    # asking for the other customer's plan by id gives nothing, not its items
    other = c.get(f"{API}/items?plan_id={two['plan_b'].pk}")
    assert other.status_code == 200 and other.json()["results"] == []
    mine = c.get(f"{API}/items?plan_id={two['plan_a'].pk}&page_size=200")
    assert {r["id"] for r in mine.json()["results"]} == own
    item_b = two["plan_b"].items.first()
    assert c.get(f"{API}/items/{item_b.pk}").status_code == 404


def test_customer_portfolio_page_and_api_show_only_own_projects(two: dict[str, Any]) -> None:
    c = _client(two["customer"])
    due = c.get(f"{API}/portfolio?within_days=3650")
    assert due.status_code == 200
    assert due.json() and {r["project_id"] for r in due.json()} == {two["a"].pk}
    page = c.get(reverse("planning:portfolio") + "?days=3650")
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("planning:register", args=[two["a"].pk]) in body
    assert reverse("planning:register", args=[two["b"].pk]) not in body
    assert two["b"].name not in body


FORECAST = {"city": "上海", "date": "2026-07-01", "beaufort": 6, "rain": "none"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("service_head", True),
        ("tech_head", True),
        ("management", True),
        ("agent", True),
        ("technician", False),
        ("project_manager", False),
        ("service_staff", False),
        ("quality", False),
        ("procurement", False),
    ],
)
def test_who_enters_forecasts(make_user: Any, role: str, allowed: bool) -> None:
    """DOM-2: the dispatcher (service head), the owner of the weather limits (technical
    head), the 24-hour desk (agents) and management enter forecasts; nobody else."""
    c = _client(make_user(role))
    api = c.post(f"{API}/forecasts", FORECAST, content_type="application/json")
    page = c.post(reverse("planning:forecasts"), {**FORECAST, "date": "2026-07-02"})
    if allowed:
        assert api.status_code == 200 and page.status_code == 302
        assert Forecast.objects.filter(city="上海").count() == 2
    else:
        assert api.status_code == 403 and page.status_code == 403
        assert not Forecast.objects.exists()


def test_customer_may_not_enter_forecasts(two: dict[str, Any]) -> None:
    c = _client(two["customer"])
    assert c.post(f"{API}/forecasts", FORECAST, content_type="application/json").status_code == 403
    assert c.post(reverse("planning:forecasts"), FORECAST).status_code == 403
    assert not Forecast.objects.exists()


def test_plan_revision_page_refuses_other_roles_before_reading_the_form(
    p: dict[str, Any], two: dict[str, Any]
) -> None:
    """Only the plan editors start a revision: others get 403 whatever they post (not a
    422 for an empty reason)."""
    url = reverse("planning:plan_revise", args=[two["plan_a"].pk])
    for who in (p["technician"], p["agent"], two["customer"]):
        assert _client(who).post(url, {}).status_code == 403
    assert _client(p["head"]).post(url, {}).status_code == 422
