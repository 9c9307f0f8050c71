"""REG-2.1.1 website channel (公司网站留言): public form → request in the agents' queue with
a suggested customer/project, reference number and tracking link; abuse protection."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from facadeops.core.attachments import attachments_of
from facadeops.intake.models import WebSubmission
from facadeops.service.demo import png_bytes
from facadeops.service.models import ServiceRequest

pytestmark = [pytest.mark.django_db]

URL = "/intake/web/"


def form(**over: Any) -> dict[str, Any]:
    data = {
        "kind": "repair",
        "name": "周建华",
        "phone": "138 0161 0001",
        "email": "",
        "company": "陆家嘴物业",
        "project_text": "陆家嘴中心 东塔",
        "location": "东立面 12F",
        "description": "12层有一块玻璃出现裂纹",
        "website": "",
    }
    data.update(over)
    return data


def test_submission_becomes_request_with_number_tracking_and_suggestion(
    client: Client, world: dict[str, Any], people: dict[str, Any]
) -> None:
    """REG-2.1.1: a website message becomes a request (channel website) with its reference
    number, a tracking link, photos kept, and the known customer/project suggested."""
    photo = SimpleUploadedFile("crack.png", png_bytes(), content_type="image/png")
    resp = client.post(URL, {**form(), "photos": [photo]})
    assert resp.status_code == 201, resp.content.decode()[:2000]
    req = ServiceRequest.objects.get()
    assert req.channel == "website" and req.status == "new"
    assert req.customer is None  # only suggested, the agent confirms
    html = resp.content.decode()
    assert req.number in html
    sub = WebSubmission.objects.get(request=req)
    assert sub.suggested_customer == world["customer_a"]
    assert sub.suggested_project == world["project_a"]
    assert attachments_of(req).count() == 1
    track = re.search(r'id="track-link" href="([^"]+)"', html)
    assert track is not None
    page = Client().get(track.group(1).replace("http://testserver", ""))
    assert page.status_code == 200
    assert req.number in page.content.decode()
    assert "周建华" not in page.content.decode()  # the tracking page shows no personal data
    assert Client().get("/intake/track/not-a-token/").status_code == 404


def test_agent_queue_shows_suggestion_and_applies_it(
    client: Client, login: Any, world: dict[str, Any], people: dict[str, Any]
) -> None:
    """REG-2.1.1: the request lands in the agents' queue with the suggested match."""
    client.post(URL, form())
    req = ServiceRequest.objects.get()
    agent = login(people["agent"])
    page = agent.get("/intake/queue/")
    assert page.status_code == 200
    text = page.content.decode()
    assert req.number in text and world["project_a"].name in text
    sub = WebSubmission.objects.get()
    stale = agent.post(f"/intake/queue/{sub.pk}/apply", {"version": req.version + 5})
    assert stale.status_code == 302
    req.refresh_from_db()
    assert req.project is None
    ok = agent.post(f"/intake/queue/{sub.pk}/apply", {"version": req.version})
    assert ok.status_code == 302
    req.refresh_from_db()
    assert req.project == world["project_a"] and req.customer == world["customer_a"]
    # and the service desk's own queue lists it
    assert req.number in agent.get("/service/requests/").content.decode()


def test_queue_refused_to_other_roles(login: Any, people: dict[str, Any], make_user: Any) -> None:
    assert login(people["tech"]).get("/intake/queue/").status_code == 403
    assert login(make_user("customer")).get("/intake/queue/").status_code == 403


def test_queue_query_count_does_not_grow(
    client: Client,
    login: Any,
    people: dict[str, Any],
    world: dict[str, Any],
    django_assert_max_num_queries: Any,
    settings: Any,
) -> None:
    settings.INTAKE_WEB_RATE_LIMIT = (1000, 3600)
    for i in range(3):
        client.post(URL, form(description=f"问题 {i}"))
    agent = login(people["agent"])
    with django_assert_max_num_queries(9):
        assert agent.get("/intake/queue/").status_code == 200
    for i in range(15):
        client.post(URL, form(description=f"更多问题 {i}"))
    with django_assert_max_num_queries(9):
        assert agent.get("/intake/queue/").content.decode().count("/apply") == 18


def test_honeypot_stores_nothing(client: Client, world: dict[str, Any]) -> None:
    """Abuse protection: a filled honeypot is refused and nothing is stored."""
    resp = client.post(URL, form(website="http://spam.example"))
    assert resp.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_rate_limit_per_address(client: Client, world: dict[str, Any], settings: Any) -> None:
    """Abuse protection: per-address rate limit (cache counter)."""
    settings.INTAKE_WEB_RATE_LIMIT = (2, 3600)
    assert client.post(URL, form(), REMOTE_ADDR="10.0.0.1").status_code == 201
    assert client.post(URL, form(), REMOTE_ADDR="10.0.0.1").status_code == 201
    third = client.post(URL, form(), REMOTE_ADDR="10.0.0.1")
    assert third.status_code == 429
    assert client.post(URL, form(), REMOTE_ADDR="10.0.0.2").status_code == 201
    assert ServiceRequest.objects.count() == 3


def test_bad_input_and_size_limits(client: Client, world: dict[str, Any], settings: Any) -> None:
    """Bad input is refused field by field; nothing half-written (no request, no file)."""
    resp = client.post(URL, form(name="", phone="", email="", description=""))
    assert resp.status_code == 422
    errors = resp.context["form"].errors
    assert {"name", "description"} <= set(errors)
    assert "phone" in errors
    not_photo = SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", content_type="image/png")
    resp = client.post(URL, {**form(), "photos": [not_photo]})
    assert resp.status_code == 422 and "photos" in resp.context["form"].errors
    settings.INTAKE_WEB_MAX_PHOTO_BYTES = 100
    big = SimpleUploadedFile("big.png", png_bytes(size=(400, 400)), content_type="image/png")
    resp = client.post(URL, {**form(), "photos": [big]})
    assert resp.status_code == 422 and "photos" in resp.context["form"].errors
    many = [
        SimpleUploadedFile(f"p{i}.png", png_bytes(), content_type="image/png") for i in range(6)
    ]
    settings.INTAKE_WEB_MAX_PHOTO_BYTES = 10 * 1024 * 1024
    resp = client.post(URL, {**form(), "photos": many})
    assert resp.status_code == 422 and "photos" in resp.context["form"].errors
    assert not ServiceRequest.objects.exists()


def test_form_is_embeddable(client: Client) -> None:
    """The form can be framed by the company website."""
    resp = client.get(URL + "?embed=1")
    assert resp.status_code == 200
    assert "X-Frame-Options" not in resp.headers
    assert 'name="website"' in resp.content.decode()
