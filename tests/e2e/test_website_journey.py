"""REG-2.1.1 website channel in the browser: a message sent with the public form reaches
the agents' queue with its suggested project, the agent applies the suggestion and turns
the request into a work order."""

from __future__ import annotations

from typing import Any

import pytest

from facadeops.intake.models import WebSubmission
from facadeops.service.models import ServiceRequest, WorkOrder
from facadeops.service.tests.test_views_support import World, world

__all__ = ["world"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"


def sign_in(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_website_message_reaches_the_queue_and_becomes_a_work_order(
    page: Any, world: World
) -> None:
    """REG-2.1.1: website form → reference number and tracking link → agents' queue with
    the suggested project → suggestion applied → work order."""
    w = world
    page.context.clear_cookies()
    page.goto("/intake/web/")
    page.select_option("#id_kind", "repair")
    page.fill("#id_name", "刘经理")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_company", w.customer.name)
    page.fill("#id_project_text", w.project.name)
    page.fill("#id_location", "东立面12层")
    page.fill("#id_description", "12层窗角渗水，玻璃周边胶条开裂")
    page.locator("#web-request-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    req = ServiceRequest.objects.get()
    assert page.locator("#reference-number").inner_text() == req.number
    track = page.locator("#track-link").get_attribute("href")
    assert track
    sub = WebSubmission.objects.get(request=req)
    assert sub.suggested_project == w.project

    sign_in(page, w.agent)
    page.goto("/intake/queue/")
    row = page.locator("tr", has_text=req.number)
    assert w.project.name in row.inner_text()
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    req.refresh_from_db()
    assert req.project == w.project and req.customer == w.customer
    assert req.number in page.content()
    page.click("#convert-btn")
    page.wait_for_load_state("networkidle")
    wo = WorkOrder.objects.get(request=req)
    assert wo.number in page.content()

    page.context.clear_cookies()
    page.goto(track)
    assert req.number in page.content()  # the sender follows it without logging in


def test_hotline_call_pops_on_the_desk_page_and_keeps_notes(
    page: Any, world: World, settings: Any
) -> None:
    """REG-2.1.1 hotline: while the agent's desk page is open, a call reported by the phone
    system pops up by itself (htmx polling) with the caller's customer; the notes typed on
    it are kept and link the call to its request."""
    from facadeops.intake.models import HotlineCall

    w = world
    settings.HOTLINE_WEBHOOK_TOKEN = "e2e-hotline-token"
    w.customer.phone = "021-5888 0001"
    w.customer.save()
    sign_in(page, w.agent)
    page.goto("/intake/queue/")
    assert page.locator("#hotline-idle").count() == 1
    refused = page.request.post(
        "/intake/hotline/webhook", data={"call_id": "x", "caller_number": "02158880001"}
    )
    assert refused.status == 401
    resp = page.request.post(
        "/intake/hotline/webhook",
        data={"call_id": "pbx-1", "caller_number": "021-58880001"},
        headers={"Authorization": "Bearer e2e-hotline-token"},
    )
    assert resp.status == 201
    pop = page.locator(".hotline-pop[data-call='pbx-1']")
    pop.wait_for(timeout=15_000)  # appears without reloading the page
    assert w.customer.name in pop.inner_text()
    href = pop.locator("a.hotline-new-request").get_attribute("href")
    assert href and href.endswith("?phone=02158880001")
    pop.locator("textarea[name=notes]").fill("客户来电询问维修进度")
    pop.locator("button").click()
    page.wait_for_load_state("networkidle")
    call = HotlineCall.objects.get(call_id="pbx-1")
    assert call.notes == "客户来电询问维修进度" and call.agent == w.agent
