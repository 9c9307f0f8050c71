"""REG-2.4.1 in the browser: a customer logs into the portal, follows its work order (not
another customer's) and signs the acceptance remotely by drawing on the canvas."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from facadeops.service.models import CustomerAcceptance, WOStatus
from facadeops.service.tests.test_views_support import World, advance, new_work_order, world

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


def draw_signature(page: Any, pad_id: str) -> None:
    pad = page.locator(f"#{pad_id}")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + 150)
    page.mouse.down()
    page.mouse.move(x + 120, y + 40, steps=12)
    page.mouse.move(x + 220, y + 140, steps=12)
    page.mouse.move(x + 300, y + 60, steps=12)
    page.mouse.up()


def test_customer_follows_its_work_order_and_signs_acceptance(page: Any, world: World) -> None:
    """REG-2.1.1 portal, REG-2.4.1: the customer sees its own work order with its status,
    not the other customer's, and accepts it with a drawn signature."""
    w = world
    wo = advance(w, new_work_order(w), WOStatus.CUSTOMER_ACCEPTANCE)
    other = new_work_order(w, title="别家的工单", project=w.other_project)

    sign_in(page, w.customer_user)
    page.goto(reverse("portal:home"))
    assert wo.number in page.content()
    assert other.number not in page.content()
    page.click(f"a:text('{wo.number}')")
    page.wait_for_load_state("networkidle")
    with translation.override("zh-hans"):
        waiting = str(WOStatus.CUSTOMER_ACCEPTANCE.label)
    assert page.locator("#work-order-status").inner_text() == waiting
    resp = page.goto(reverse("portal:work_order_detail", args=[other.pk]))
    assert resp is not None and resp.status in (403, 404)

    page.goto(reverse("portal:work_order_detail", args=[wo.pk]))
    page.click("#sign-acceptance")
    page.wait_for_load_state("networkidle")
    page.check("input[name=decision][value=accept]")
    page.fill("input[name=signer_name]", "陆家嘴物业 周经理")
    draw_signature(page, "portal-acceptance-pad")
    page.locator("#acceptance-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("portal:work_order_detail", args=[wo.pk]))
    acc = CustomerAcceptance.objects.get(work_order=wo)
    assert acc.accepted and acc.signature
    assert acc.signature.size > 500  # a drawn stroke, not an empty canvas
    wo.refresh_from_db()
    assert wo.status != WOStatus.CUSTOMER_ACCEPTANCE
    assert page.locator("#sign-acceptance").count() == 0
