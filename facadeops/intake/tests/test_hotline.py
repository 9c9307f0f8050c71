"""REG-2.1.1 hotline channel (24小时服务热线): the phone system's webhook records the call,
the caller's record pops on the duty agent's screen, and the call notes are kept on the
request the call became."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from facadeops.audit.models import AuditEvent
from facadeops.intake.models import HotlineCall
from facadeops.service.models import ServiceRequest

pytestmark = [pytest.mark.django_db]

HOOK = "/intake/hotline/webhook"
POPS = "/intake/hotline/pops/"
TOKEN = "s3cret-hotline-token"


@pytest.fixture(autouse=True)
def _token(settings: Any) -> None:
    settings.HOTLINE_WEBHOOK_TOKEN = TOKEN


def ring(body: Any, token: str | None = TOKEN) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    raw = body if isinstance(body, str) else json.dumps(body)
    return Client().post(HOOK, raw, content_type="application/json", **headers)


def test_webhook_refuses_missing_or_wrong_token(settings: Any) -> None:
    """REG-2.1.1: only the phone system (shared token) may report calls; 401 otherwise."""
    body = {"call_id": "c-1", "caller_number": "13801610001"}
    assert ring(body, token=None).status_code == 401
    assert ring(body, token="wrong").status_code == 401
    assert ring(body, token=TOKEN + "x").status_code == 401
    settings.HOTLINE_WEBHOOK_TOKEN = ""  # not configured: nobody gets in
    assert ring(body, token="").status_code == 401
    assert not HotlineCall.objects.exists()
    assert Client().get(HOOK).status_code == 405


def test_webhook_bad_body_is_422_with_fields() -> None:
    """REG-2.1.1: bad input is refused with the fields named and nothing recorded."""
    resp = ring("not json")
    assert resp.status_code == 422
    resp = ring({"call_id": "", "caller_number": "12", "agent_extension": "abc"})
    assert resp.status_code == 422
    fields = resp.json()["fields"]
    assert set(fields) == {"call_id", "caller_number", "agent_extension"}
    assert not HotlineCall.objects.exists()


def test_webhook_records_call_once_and_routes_by_extension(
    people: dict[str, Any], make_user: Any
) -> None:
    """REG-2.1.1: the call is recorded (idempotent by call id) and routed to the agent on
    the extension; a non-desk user on that extension gets nothing."""
    agent = people["agent"]
    agent.phone = "8001"
    agent.save()
    make_user("technician", phone="8002")
    resp = ring({"call_id": "c-1", "caller_number": "138 0161 0001", "agent_extension": "8001"})
    assert resp.status_code == 201, resp.content
    again = ring({"call_id": "c-1", "caller_number": "138 0161 0001", "agent_extension": "8001"})
    assert again.status_code == 200
    call = HotlineCall.objects.get()
    assert call.caller_number == "13801610001" and call.agent == agent
    ring({"call_id": "c-2", "caller_number": "13801610001", "agent_extension": "8002"})
    assert HotlineCall.objects.get(call_id="c-2").agent is None


def test_desk_page_pops_the_caller_with_link_to_the_hotline_form(
    login: Any, world: dict[str, Any], people: dict[str, Any], make_user: Any
) -> None:
    """REG-2.1.1: the duty agent's screen shows the caller's contact, customer and projects
    (htmx-polled partial on the desk page) and opens the hotline form with the number."""
    other_agent = make_user("agent", phone="8009")
    ring({"call_id": "c-1", "caller_number": "13801610001"})
    ring({"call_id": "c-2", "caller_number": "13999990000", "agent_extension": "8009"})
    agent = login(people["agent"])
    page = agent.get("/intake/queue/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-get="/intake/hotline/pops/"' in html and "every 4s" in html
    part = agent.get(POPS)
    assert part.status_code == 200
    text = part.content.decode()
    assert "周建华" in text and world["customer_a"].name in text
    assert world["project_a"].name in text
    assert world["customer_b"].name not in text
    assert "/service/requests/hotline/?phone=13801610001" in text
    assert "13999990000" not in text  # routed to another agent's extension
    assert "13999990000" in login(other_agent).get(POPS).content.decode()
    fresh = agent.get("/service/requests/hotline/?phone=13801610001")
    assert fresh.status_code == 200 and "13801610001" in fresh.content.decode()


def test_pops_and_notes_are_desk_only(
    login: Any, world: dict[str, Any], people: dict[str, Any]
) -> None:
    """REG-2.1.1: technicians and customers see no calls and keep no notes (403)."""
    ring({"call_id": "c-1", "caller_number": "13801610001"})
    call = HotlineCall.objects.get()
    for user in (people["tech"], world["customer_user_a"]):
        c = login(user)
        assert c.get(POPS).status_code == 403
        assert c.post(f"/intake/hotline/{call.pk}/notes", {"notes": "x"}).status_code == 403
    assert Client().get(POPS).status_code == 302  # anonymous: to the login page
    assert login(people["agent"]).post("/intake/hotline/999999/notes", {}).status_code == 404
    call.refresh_from_db()
    assert call.notes == ""


def test_call_notes_kept_on_the_request(
    login: Any, world: dict[str, Any], people: dict[str, Any]
) -> None:
    """REG-2.1.1: the call notes are kept and the call is linked to the request it became;
    the notes show in the request's history; a wrong number changes nothing."""
    Client().post(
        "/intake/web/",
        {"kind": "repair", "name": "周建华", "phone": "13801610001", "description": "玻璃裂纹"},
    )
    req = ServiceRequest.objects.get()
    ring({"call_id": "c-1", "caller_number": "13801610001"})
    call = HotlineCall.objects.get()
    agent = login(people["agent"])
    bad = agent.post(
        f"/intake/hotline/{call.pk}/notes",
        {"notes": "客户说裂纹在扩大", "request_number": "BX-1999-000001"},
        follow=True,
    )
    assert "BX-1999-000001" in bad.content.decode()
    call.refresh_from_db()
    assert call.notes == "" and call.request is None
    empty = agent.post(f"/intake/hotline/{call.pk}/notes", {"notes": " "})
    assert empty.status_code == 302
    call.refresh_from_db()
    assert call.seen_at is None
    ok = agent.post(
        f"/intake/hotline/{call.pk}/notes",
        {"notes": "客户说裂纹在扩大", "request_number": req.number},
    )
    assert ok.status_code == 302
    call.refresh_from_db()
    assert call.request == req and call.notes == "客户说裂纹在扩大"
    assert call.agent == people["agent"] and call.seen_at is not None
    assert req.hotline_calls.get() == call
    event = AuditEvent.objects.get(verb="intake.call_notes")
    assert event.note == "客户说裂纹在扩大"
    # linked to its request: no longer popped
    assert "13801610001" not in agent.get(POPS).content.decode()
    page = agent.get(req.get_absolute_url())
    assert "客户说裂纹在扩大" in page.content.decode()


def test_pops_query_count_is_bounded(
    login: Any, world: dict[str, Any], people: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    """REG-2.1.1: the polled partial shows at most five calls; its queries do not grow with
    the number of calls ringing (5 calls vs 15 calls, same bound)."""
    agent = login(people["agent"])
    for i in range(5):
        ring({"call_id": f"a-{i}", "caller_number": "13801610001"})
    with django_assert_max_num_queries(20):
        first = agent.get(POPS)
    assert first.content.decode().count('class="card border-warning') == 5
    for i in range(10):
        ring({"call_id": f"b-{i}", "caller_number": "02158880001"})
    with django_assert_max_num_queries(20):
        second = agent.get(POPS)
    assert second.content.decode().count('class="card border-warning') == 5
