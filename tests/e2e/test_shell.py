"""User journey: the login page in Chinese, sign-in, and the language switch."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_page_is_chinese_and_language_switches(page: Any, make_user: Any) -> None:
    make_user("management", username="boss", password="a-Long-pass-2026")
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("button", name="登录").is_visible()
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "a-Long-pass-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    assert page.locator("#user-menu").is_visible()
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Inbox").count() >= 1
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
