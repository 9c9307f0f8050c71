"""Issue 7: the work-order reads cost a fixed number of queries whatever the number of rows
— the list (API and page), the detail page with its timeline, the board (API and page),
the dashboard and "my work today" — measured at two data sizes. Also: the two-segment
"overdue first" paging gives exactly the order of ``selectors.overdue_first``, list counts
stop at the cap, board columns are limited with their totals, the timeline is bounded with
a "show all" link, and the cached dashboard changes on the next request after a write.
"""

# ruff: noqa: F811  (pytest fixtures imported from test_process_flow)
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from facadeops.accounts.models import ApiToken
from facadeops.audit.services import record
from facadeops.service import selectors
from facadeops.service import services as sv
from facadeops.service.models import OPEN_STATES, WorkOrder, WOStatus

from .test_process_flow import (  # noqa: F401  (fixtures)
    _fast_passwords,
    make_request,
    people,
    world,
)

S = WOStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/v1/service"
STATES = [S.NEW, S.DISPATCHED, S.ASSESSING, S.IN_PROGRESS, S.ASSIGNED, S.COMPLETED, S.ARCHIVED]


_numbers = iter(range(1, 10**6))


def _make(world: dict[str, Any], people: dict[str, Any], n: int, start: int, **fields: Any) -> None:
    """``n`` work orders spread over states, urgencies and deadlines (some late, some
    running, some without a running clock)."""
    now = timezone.now()
    for i in range(n):
        data: dict[str, Any] = {
            "number": f"GD-Q-{next(_numbers):06d}",
            "customer": world["customer_a"],
            "project": world["project_a"],
            "title": f"批量 {start + i}",
            "status": STATES[i % len(STATES)],
            "urgency": ["emergency", "urgent", "normal"][i % 3],
            "technician": people["tech"],
            "lead": people["lead"],
            "service_head": people["head"],
            "project_manager": people["pm"],
            "on_site_due_at": now + dt.timedelta(hours=(i % 5) - 2),
            "complete_due_at": now + dt.timedelta(hours=(i % 7) - 3),
        }
        data.update(fields)
        wo = WorkOrder.objects.create(**data)
        wo.members.add(people["member"])


def _token(user: Any) -> Client:
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="q", prefix=raw[:8], digest=ApiToken.hash(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _queries(fn: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as cq:
        result = fn()
    return len(cq.captured_queries), result


def _at_two_sizes(
    world: dict[str, Any], people: dict[str, Any], fn: Callable[[], Any], **fields: Any
) -> tuple[int, int]:
    """Query counts of ``fn`` with 5 and with 40 more work orders (warmed up first). Both
    sizes have late and other rows on the first page (a page inside one segment of the
    overdue-first order is one query less)."""
    _make(world, people, 5, 0, **fields)
    fn()
    small, _r = _queries(fn)
    _make(world, people, 40, 100, **fields)
    fn()
    big, _r = _queries(fn)
    return small, big


# --- the list -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "page_size=50",  # overdue first (the default order)
        "status=new&page_size=50",
        "status=in_progress&status=new&page_size=50",
        "status=archived&sort=-created_at&page=1&page_size=50",  # the bench's request
        "sort=-created_at&page_size=10",
    ],
)
def test_api_list_queries_do_not_grow(people, world, query: str) -> None:
    client = _token(people["head"])

    def get() -> Any:
        r = client.get(f"{API}/work-orders?{query}")
        assert r.status_code == 200, r.content
        return r

    small, big = _at_two_sizes(world, people, get)
    assert small == big <= 6, (small, big)


@pytest.mark.parametrize(
    "query",
    [
        "page_size=50",  # overdue first: both segments on the page
        "status=new&status=in_progress&page_size=50",
        "status=archived&sort=-created_at&page=1&page_size=50",
        "sort=number&page=2&page_size=7",
        "assignee_id={member}&sort=-created_at",
        "q=批量 1&open_only=true",
    ],
)
def test_api_list_is_what_the_schema_renders(people, world, query: str) -> None:
    """The list's rows are built from column values, not validated model instances: the
    body is byte for byte what ninja renders for ``Page[WorkOrderOut]`` from the work
    orders themselves (names, SLA flags, enums, dates, key order)."""
    from ninja.responses import NinjaJSONEncoder

    from facadeops.core.api import Page
    from facadeops.service.api import WorkOrderOut

    _make(world, people, 25, 0)
    _make(world, people, 3, 50, status=S.ARCHIVED, request=None)
    query = query.format(member=people["member"].pk)
    r = _token(people["head"]).get(f"{API}/work-orders?{query}")
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(r.content)
    assert body["results"], query
    ids = [row["id"] for row in body["results"]]
    by_id = WorkOrder.objects.select_related("customer", "project").in_bulk(ids)
    page = {k: v for k, v in body.items() if k != "results"}
    reference = Page[WorkOrderOut].model_validate({**page, "results": [by_id[i] for i in ids]})
    assert r.content == json.dumps(reference.model_dump(), cls=NinjaJSONEncoder).encode()


def test_html_list_queries_do_not_grow(people, world, login) -> None:
    client = login(people["head"])

    def get() -> Any:
        r = client.get(reverse("service:workorder_list"))
        assert r.status_code == 200
        return r

    small, big = _at_two_sizes(world, people, get)
    assert small == big, (small, big)
    sorted_small, sorted_big = _at_two_sizes(
        world, people, lambda: client.get(reverse("service:workorder_list") + "?sort=-number")
    )
    assert sorted_small == sorted_big


def test_two_segment_paging_is_exactly_overdue_first(people, world) -> None:
    """Page by page (pages of 4 cross the late/rest boundary), the API's default order is
    the order of ``selectors.overdue_first`` over the same rows."""
    _make(world, people, 24, 0)
    _make(world, people, 6, 50, on_site_due_at=None, complete_due_at=None)
    now = timezone.now()
    expected = [wo.pk for wo in selectors.overdue_first(WorkOrder.objects.all(), now)]
    late = WorkOrder.objects.filter(next_due_at__lt=now).count()
    assert 0 < late < len(expected) and late % 4  # the boundary is inside a page
    client = _token(people["head"])
    seen: list[int] = []
    for page in range(1, 10):
        body = client.get(f"{API}/work-orders?page={page}&page_size=4").json()
        assert body["count"] == len(expected) and body["count_capped"] is False
        seen += [row["id"] for row in body["results"]]
    assert seen == expected
    # the same through the HTML list (its default order is overdue first too)
    segments = selectors.OverdueFirst(WorkOrder.objects.all(), now)
    assert [w.pk for w in segments[0:30]] == expected
    assert [w.pk for w in segments[late - 1 : late + 2]] == expected[late - 1 : late + 2]


def test_counts_stop_at_the_cap(people, world, login, settings) -> None:
    settings.LIST_COUNT_CAP = 5
    _make(world, people, 8, 0)
    body = _token(people["head"]).get(f"{API}/work-orders?page_size=3").json()
    assert body["count"] == 5 and body["count_capped"] is True and len(body["results"]) == 3
    body = _token(people["head"]).get(f"{API}/work-orders?status=new&page_size=3").json()
    assert body["count"] == 2 and body["count_capped"] is False
    client = login(people["head"])
    html = client.get(reverse("service:workorder_list")).content.decode()
    with translation.override("zh-hans"):
        zh = _("More than %(counter)s records (refine the filter to see them all)")
    assert zh % {"counter": 5} in html and "超过" in zh


def test_my_work_today_page_queries_do_not_grow(people, world, login) -> None:
    """One engine check per card used to cost a query or two each (team membership, the
    routine-skip policy); now they are loaded in bulk."""
    for key, state in (("tech", S.DISPATCHED), ("member", S.ASSIGNED)):
        WorkOrder.objects.all().delete()
        client = login(people[key])

        def get(client: Client = client) -> Any:
            r = client.get(reverse("service:my_work_today"))
            assert r.status_code == 200
            return r

        small, big = _at_two_sizes(world, people, get, status=state)
        assert small == big, (key, small, big)
        page = get().content.decode()
        assert page.count("today-card") == 45
        # the big button names the forward step, as before
        label = "Check in on site" if key == "tech" else "Prepared: plan read, materials drawn"
        with translation.override("zh-hans"):
            assert str(_(label)) in page, (key, label)


# --- the detail page ------------------------------------------------------------------------
def test_detail_page_queries_do_not_grow_and_timeline_is_bounded(people, world, login) -> None:
    from facadeops.service.views import TIMELINE_LIMIT

    wo = sv.request_convert(actor=people["head"], request=make_request(people, world))
    client = login(people["head"])
    url = reverse("service:workorder_detail", args=[wo.pk])
    client.get(url)
    small, page = _queries(lambda: client.get(url))
    assert page.status_code == 200 and "timeline-all" not in page.content.decode()
    for i in range(TIMELINE_LIMIT + 10):
        record(actor=people["head"], verb="wo.commented", target=wo, note=f"备注 {i}")
    big, page = _queries(lambda: client.get(url))
    assert small == big, (small, big)
    html = page.content.decode()
    # the latest TIMELINE_LIMIT events (notes 10 … 59), then a link to all of them
    assert "备注 59<" in html and "备注 10<" in html and "备注 9<" not in html
    assert f"{url}?timeline=all#timeline" in html
    every = client.get(url + "?timeline=all").content.decode()
    assert "备注 0<" in every and "timeline-all" not in every


def _grow_history(wo: WorkOrder, people: dict[str, Any], world: dict[str, Any], n: int) -> None:
    """``n`` more of everything a work order's page shows: events, plan versions with
    material lines, draws, logs, attachments, team members."""
    from django.contrib.contenttypes.models import ContentType

    from facadeops.core.models import Attachment
    from facadeops.service.models import MaterialDraw, Plan, PlanMaterial, WorkLog

    mat = world["materials"][0]
    last = wo.plans.count()
    for i in range(n):
        record(actor=people["head"], verb="wo.commented", target=wo, note=f"历史 {i}")
        plan = Plan.objects.create(
            work_order=wo,
            version_no=last + i + 1,
            content=f"方案 {i}",
            outcome="superseded",
            written_by=people["head"],
        )
        PlanMaterial.objects.create(plan=plan, material=mat, quantity=i + 1)
        MaterialDraw.objects.create(
            work_order=wo, material=mat, quantity=1, drawn_by=people["lead"]
        )
        WorkLog.objects.create(work_order=wo, author=people["lead"], text=f"进度 {i}")
        Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(WorkOrder),
            object_id=str(wo.pk),
            file=f"x/{wo.pk}-{i}.jpg",
            original_name=f"现场 {i}.jpg",
            kind="image",
            mime="image/jpeg",
            size=10,
            sha256="0" * 64,
        )


def test_detail_page_of_an_open_work_order_costs_the_same_whatever_its_history(
    people, world, login, make_user
) -> None:
    """The page of an open work order shows the reassignment form (every technician and
    service staff member) besides its history: neither a long history nor a large staff
    adds a query (at 1,000,000 work orders these pages were the p95 tail:
    docs/benchmarks.md, ``wo_detail``)."""
    wo = sv.request_convert(actor=people["head"], request=make_request(people, world))
    WorkOrder.objects.filter(pk=wo.pk).update(status=S.IN_PROGRESS)
    wo.members.add(people["member"])
    _grow_history(wo, people, world, 1)  # one of each: every panel has its query
    client = login(people["head"])
    url = reverse("service:workorder_detail", args=[wo.pk])
    client.get(url)
    small, page = _queries(lambda: client.get(url))
    assert page.status_code == 200
    assert 'id="form-reassign"' in page.content.decode()
    _grow_history(wo, people, world, 30)
    for i in range(30):
        make_user("service_staff", full_name=f"新员工 {i}")
        make_user("technician", full_name=f"新技术员 {i}")
    wo.members.add(people["lead"], people["uncertified"])
    big, page = _queries(lambda: client.get(url))
    assert small == big, (small, big)
    html = page.content.decode()
    assert html.count('name="members"') == 4 + 30  # every service staff member
    assert "新技术员 29</option>" in html and "新员工 29</label>" in html
    assert html.count("方案 ") >= 31 and "进度 29" in html


def test_timeline_lookup_has_its_indexes() -> None:
    """The timeline reads events by target and by context: both lookups have an index
    led by (type, id) and ordered by time (EXPLAIN at a million events: docs/benchmarks.md)."""
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, "audit_auditevent")
    columns = {c["columns"][0:3].__repr__() for c in found.values() if c["index"]}
    assert repr(["target_type_id", "target_id", "at"]) in columns
    assert repr(["context_type_id", "context_id", "at"]) in columns


# --- the board --------------------------------------------------------------------------------
def test_board_queries_do_not_grow(people, world, login) -> None:
    api = _token(people["head"])
    page = login(people["head"])
    small, big = _at_two_sizes(world, people, lambda: api.get(f"{API}/board"))
    if connection.vendor == "postgresql":
        assert small == big <= 6, (small, big)
    else:  # no LIMIT inside a UNION: one query per column short of cards, at most one a state
        assert max(small, big) <= 5 + len(OPEN_STATES), (small, big)
    small, big = _at_two_sizes(world, people, lambda: page.get(reverse("service:board")))
    if connection.vendor == "postgresql":
        assert small == big, (small, big)
    else:
        assert abs(small - big) <= len(OPEN_STATES), (small, big)


def test_board_columns_are_limited_with_their_totals(people, world, login) -> None:
    limit = selectors.BOARD_COLUMN_LIMIT
    _make(world, people, limit + 3, 0, status=S.NEW)
    now = timezone.now()
    columns = {c["state"]: c for c in _token(people["head"]).get(f"{API}/board").json()}
    assert set(columns) == set(OPEN_STATES)
    new = columns[S.NEW]
    assert new["count"] == limit + 3 and len(new["work_orders"]) == limit
    assert new["list_url"].endswith("/work-orders?status=new")
    expected = [w.pk for w in selectors.overdue_first(WorkOrder.objects.filter(status=S.NEW), now)][
        :limit
    ]
    assert [w["id"] for w in new["work_orders"]] == expected
    assert new["work_orders"][0]["sla"]["on_site"] == "overdue"
    html = login(people["head"]).get(reverse("service:board")).content.decode()
    with translation.override("zh-hans"):
        more = ngettext("%(counter)s more in the list", "%(counter)s more in the list", 3)
    assert more % {"counter": 3} in html and "?status=new" in html


# --- the dashboard ------------------------------------------------------------------------------
@pytest.fixture
def redis_cache(settings: Any) -> None:
    """The real Redis (as in production), with a key prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": f"fo-test-{uuid.uuid4().hex}",
        }
    }


def test_dashboard_queries_do_not_grow(people, world, login, redis_cache) -> None:
    client = login(people["manager"])

    def miss() -> Any:
        selectors.dashboard_version_bump()  # measure the computation, not the cache
        r = client.get(reverse("service:dashboard_data"))
        assert r.status_code == 200
        return r

    small, big = _at_two_sizes(world, people, miss)
    assert small == big, (small, big)
    hit, _r = _queries(lambda: client.get(reverse("service:dashboard_data")))
    assert hit < small  # served from the cache: no figure is computed


def test_dashboard_api_hit_is_the_cached_json_after_one_query(people, world, redis_cache) -> None:
    """A hit of the API's dashboard is the token's one query (with the roles) and the JSON
    kept by the miss, byte for byte; each language has its own (labels), and what both
    serve equals the figures computed afresh."""
    _make(world, people, 7, 0)
    api = _token(people["manager"])
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"{API}/dashboard"
    first = api.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/json; charset=utf-8"
    hit_queries, hit = _queries(lambda: api.get(url))
    # authentication (token, user, roles; the roles apart elsewhere than PostgreSQL), no figure
    assert hit_queries == (1 if connection.vendor == "postgresql" else 2)
    assert hit.content == first.content
    zh = api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200
    labels = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            labels[lang] = str(S.NEW.label)
    assert labels["zh-hans"] != labels["en"]
    assert {i["key"]: i["label"] for i in zh.json()["by_state"]}[S.NEW] == labels["zh-hans"]
    assert {i["key"]: i["label"] for i in hit.json()["by_state"]}[S.NEW] == labels["en"]
    with translation.override("en"):
        fresh = selectors.dashboard_payload(selectors.dashboard_figures(user=people["manager"]))
    assert hit.json() == json.loads(json.dumps(fresh))
    # a user outside the dashboard roles is refused on a hit too
    assert _token(people["tech"]).get(url).status_code == 403


def test_dashboard_cache_is_invalidated_by_every_write(people, world, redis_cache) -> None:
    api = _token(people["manager"])

    def figures() -> dict[str, Any]:
        r = api.get(f"{API}/dashboard")
        assert r.status_code == 200
        data: dict[str, Any] = r.json()
        return data

    first = figures()
    assert first["open"] == 0
    # created (save): the next request sees it
    wo = sv.request_convert(actor=people["head"], request=make_request(people, world))
    after_create = figures()
    assert after_create["open"] == 1
    assert {i["key"]: i["value"] for i in after_create["by_state"]}[S.NEW] == 1
    # a workflow transition (an audited UPDATE, no save()): the next request sees it
    sv.work_order_triage(
        actor=people["head"],
        work_order=wo,
        nature="repair",
        urgency="urgent",
        technician=people["tech"],
        exterior_work=False,
        expected_version=wo.version,
    )
    after_triage = figures()
    states = {i["key"]: i["value"] for i in after_triage["by_state"]}
    assert states[S.NEW] == 0 and states[S.DISPATCHED] == 1
    # nothing written: the same (cached) figures
    assert figures() == after_triage


def test_html_list_filters_by_typed_project_or_customer(people, world, login) -> None:
    """The project and customer filters are typed (an id, a code or a name fragment), so
    the page does not render every project of the company as an option."""
    _make(world, people, 2, 0)
    _make(world, people, 1, 0, project=world["project_b"], customer=world["customer_b"])
    client = login(people["head"])
    url = reverse("service:workorder_list")

    def titles(**params: Any) -> int:
        r = client.get(url, params)
        assert r.status_code == 200
        return len(r.context["rows"])

    assert titles() == 3
    assert titles(project="华润") == 1 and titles(project="xm-t-2") == 1
    assert titles(project=str(world["project_a"].pk)) == 2
    assert titles(customer="陆家嘴") == 2 and titles(customer=str(world["customer_b"].pk)) == 1
    assert titles(project="没有这个项目") == 0 and titles(customer="9" * 40) == 0
    html = client.get(url).content.decode()
    assert 'name="project"' in html and '<select name="project"' not in html


@pytest.mark.parametrize(
    "query",
    [
        "page=0&page_size=0",
        "page=-5&page_size=-1",
        "page=999999999999&page_size=200",
        "page=3&page_size=1000",
        "sort=-created_at&page=999999999999",
        "status=archived&status=new&page=2&page_size=2",
    ],
)
def test_list_paging_edges_never_fail(people, world, query: str) -> None:
    _make(world, people, 7, 0)
    r = _token(people["head"]).get(f"{API}/work-orders?{query}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert 1 <= body["page_size"] <= 200 and body["page"] >= 1 and body["count"] >= 0


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=999999",
        "page=-1",
        "sort=bogus",
        "project=%27%20OR%201%3D1",
        "customer=" + "9" * 300,
    ],
)
def test_html_list_odd_input_never_fails(people, world, login, query: str) -> None:
    _make(world, people, 7, 0)
    r = login(people["head"]).get(reverse("service:workorder_list") + "?" + query)
    assert r.status_code == 200
