"""User journey (issue 2, X-1.1, X-1.2, X-9.4): a manager logs in, creates a customer and
a project, finds the project in the list, exports the list to Excel and switches the
language — in a real browser (Debian's Chromium)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from facadeops.core.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_create_customer_and_project_find_export_and_switch_language(
    page: Any, make_user: Any
) -> None:
    make_user(Role.MANAGEMENT, username="manager1", password="Facade-e2e-2026", full_name="周经理")
    make_user(Role.PROJECT_MANAGER, username="pm1", full_name="李项目")

    # Log in (the page is Chinese by default).
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "manager1")
    page.fill("input[name=password]", "Facade-e2e-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    # a customer.
    page.goto("/customers/new/")
    page.fill("#id_name", "杭州钱江新城物业管理有限公司")
    page.fill("#id_city", "杭州")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/customers/*/")
    assert page.get_by_text("杭州钱江新城物业管理有限公司").first.is_visible()

    # a project of that customer.
    page.goto("/customers/projects/new/")
    page.select_option("#id_customer", label="杭州钱江新城物业管理有限公司")
    page.fill("#id_name", "钱江国际广场 A 座")
    page.fill("#id_city", "杭州")
    page.fill("#id_building_height_m", "218")
    page.fill("#id_floors_above", "52")
    page.fill("#id_completion_date", "2016-09-30")
    page.select_option("#id_project_manager", label="李项目")
    page.locator("input[name=facade_systems]").first.check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/customers/projects/*/")
    assert page.get_by_text("钱江国际广场 A 座").first.is_visible()

    # find it in the list by search.
    page.goto("/customers/projects/")
    page.fill("#id_q", "钱江")
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#record-table tbody tr")
    assert rows.count() == 1
    assert "钱江国际广场 A 座" in rows.first.inner_text()

    # X-9.4: export what is shown to Excel and read it back.
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    data = io.BytesIO(open(download.path(), "rb").read())  # noqa: SIM115
    ws = load_workbook(data).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert any("钱江国际广场 A 座" in [str(v) for v in row] for row in values[1:])

    # The language switch: English, then back to Chinese.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Export to Excel").is_visible()
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="导出 Excel").is_visible()
