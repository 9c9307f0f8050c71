"""X-9.3 in-app inbox: page, mark read, API; nobody sees another person's notifications."""

from __future__ import annotations

from typing import Any

import pytest

from facadeops.notifications.models import Notification
from facadeops.notifications.services import notify

API = "/api/v1/notifications"


@pytest.fixture
def people(make_user: Any) -> tuple[Any, Any]:
    return make_user("technician"), make_user("service_head")


def test_inbox_page_shows_only_own(people: tuple[Any, Any], client: Any):
    """X-9.3: the inbox lists the user's own entries only."""
    me, other = people
    notify(recipient_ids=[me.pk], verb="assigned", title="给我的通知")
    notify(recipient_ids=[other.pk], verb="assigned", title="别人的通知")
    client.force_login(me)
    r = client.get("/notifications/")
    html = r.content.decode()
    assert r.status_code == 200 and "给我的通知" in html and "别人的通知" not in html


def test_inbox_page_query_count_constant(
    people: tuple[Any, Any], client: Any, django_assert_max_num_queries: Any
):
    me, other = people
    client.force_login(me)
    for n in (3, 25):
        while Notification.objects.filter(recipient=me).count() < n:
            notify(recipient_ids=[me.pk], verb="assigned", title="通知", actor_id=other.pk)
        with django_assert_max_num_queries(9):
            assert client.get("/notifications/").status_code == 200
        with django_assert_max_num_queries(7):
            r = client.get(API)
        assert r.json()["count"] == n


def test_mark_read_page_only_touches_own(people: tuple[Any, Any], client: Any):
    """Marking read by id never reaches another user's entry."""
    me, other = people
    mine = notify(recipient_ids=[me.pk], verb="v", title="a")[0]
    theirs = notify(recipient_ids=[other.pk], verb="v", title="b")[0]
    client.force_login(me)
    r = client.post("/notifications/read", {"id": [mine.pk, theirs.pk]})
    assert r.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_api_inbox_unread_filter_and_count(people: tuple[Any, Any], client: Any):
    """API: own inbox paginated, unread=true filter, unread count, mark read by ids/all."""
    me, other = people
    a, b, c = (
        notify(recipient_ids=[me.pk], verb="v", title=t, actor_id=other.pk)[0]
        for t in ("一", "二", "三")
    )
    notify(recipient_ids=[other.pk], verb="v", title="别人")
    client.force_login(me)
    r = client.get(API, {"page_size": 2})
    body = r.json()
    assert r.status_code == 200 and body["count"] == 3 and len(body["results"]) == 2
    assert {x["title"] for x in body["results"]} <= {"一", "二", "三"}
    assert body["results"][0]["actor_id"] == other.pk
    assert client.get(f"{API}/unread-count").json() == {"unread": 3}

    r = client.post(f"{API}/read", {"ids": [a.pk]}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread": 2}
    r = client.get(API, {"unread": "true"})
    assert {x["id"] for x in r.json()["results"]} == {b.pk, c.pk}
    r = client.post(f"{API}/read", {"all": True}, content_type="application/json")
    assert r.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_api_never_reaches_other_users(people: tuple[Any, Any], client: Any):
    """Nobody sees or marks another person's notifications through the API."""
    me, other = people
    theirs = notify(recipient_ids=[other.pk], verb="v", title="机密")[0]
    client.force_login(me)
    r = client.get(API)
    assert r.json()["count"] == 0
    r = client.post(f"{API}/read", {"ids": [theirs.pk]}, content_type="application/json")
    assert r.json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_bad_input_and_auth(people: tuple[Any, Any], client: Any):
    me, _other = people
    assert client.get(API).status_code == 401
    client.force_login(me)
    r = client.post(f"{API}/read", {}, content_type="application/json")
    assert r.status_code == 422 and "ids" in r.json()["fields"]
    r = client.post(f"{API}/read", {"ids": ["x"]}, content_type="application/json")
    assert r.status_code == 422
    r = client.get(API, {"unread": "maybe"})
    assert r.status_code == 422
