"""X-1.4: import of the project ledger (项目台账) from Excel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Forbidden, InvalidInput
from facadeops.customers.importer import COLUMNS, import_ledger
from facadeops.customers.models import Contact, Customer, Project

pytestmark = pytest.mark.django_db


def workbook(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for sheet, rows in sheets.items():
        ws = wb.create_sheet(sheet)
        headers = [c[1] for c in COLUMNS[sheet]]
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger(pm: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "客户": [
            {"客户名称": "杭州绿城物业", "城市": "杭州", "电话": 57187770004},
            {"客户名称": "南京金鹰物业", "城市": "南京"},
        ],
        "联系人": [
            {
                "客户名称": "杭州绿城物业",
                "姓名": "王海涛",
                "电话": "13605710001",
                "主要联系人": "是",
            },
            {"客户名称": "南京金鹰物业", "姓名": "刘斌", "邮箱": "lb@x.cn"},
        ],
        "项目": [
            {
                "客户名称": "杭州绿城物业",
                "项目名称": "绿城滨江中心",
                "城市": "杭州",
                "区县": "滨江区",
                "用途": "办公",
                "建筑高度(m)": 160,
                "地上层数": 38,
                "地下层数": 3,
                "幕墙面积(m²)": 45000,
                "幕墙系统": "单元式玻璃幕墙、aluminium-panel",
                "玻璃类型": "中空玻璃，low-e",
                "竣工验收日期": dt.datetime(2017, 7, 7),
                "质保到期日": "2019-07-07",
                "项目经理": pm.username,
            },
            {
                "客户名称": "南京金鹰物业",
                "项目名称": "金鹰国际中心",
                "幕墙系统": "拉索/拉杆幕墙",
                "竣工验收日期": "2014/12/18",
                "项目经理": pm.full_name,
            },
        ],
    }


def test_happy_path(manager: Any, pm: Any) -> None:
    """X-1.4: customers, contacts and projects are imported, with catalogue names or codes,
    Excel dates and text dates; every record is audited as "imported"."""
    result = import_ledger(actor=manager, data=workbook(ledger(pm)))
    assert result.ok, result.errors
    assert result.created == {"客户": 2, "联系人": 2, "项目": 2}
    p = Project.objects.get(name="绿城滨江中心")
    assert p.code.startswith("XM-") and p.customer.name == "杭州绿城物业"
    assert p.floors_above == 38 and p.use_type == "office"
    assert sorted(f.code for f in p.facade_systems.all()) == ["aluminium-panel", "unitised-glass"]
    assert sorted(g.code for g in p.glass_types.all()) == ["insulating", "low-e"]
    assert p.completion_date == dt.date(2017, 7, 7) and p.warranty_end == dt.date(2019, 7, 7)
    assert Project.objects.get(name="金鹰国际中心").completion_date == dt.date(2014, 12, 18)
    assert Customer.objects.get(name="杭州绿城物业").phone == "57187770004"
    assert Contact.objects.get(name="王海涛").is_primary
    assert AuditEvent.objects.filter(verb="imported").count() == 6


def test_reimport_updates_not_duplicates(manager: Any, pm: Any) -> None:
    """X-1.4: importing again updates the matched records instead of duplicating them."""
    data = ledger(pm)
    assert import_ledger(actor=manager, data=workbook(data)).ok
    code = Project.objects.get(name="绿城滨江中心").code
    data["项目"][0]["地上层数"] = 40
    data["项目"].append(
        {
            "项目编号": code,
            "客户名称": "杭州绿城物业",
            "项目名称": "绿城滨江中心(改名)",
            "项目经理": pm.username,
        }
    )
    data["项目"].pop(0)
    data["客户"][1]["城市"] = "南京市"
    result = import_ledger(actor=manager, data=workbook(data))
    assert result.ok, result.errors
    assert Customer.objects.count() == 2 and Project.objects.count() == 2
    assert Contact.objects.count() == 2
    assert Project.objects.get(code=code).name == "绿城滨江中心(改名)"
    assert Customer.objects.get(name="南京金鹰物业").city == "南京市"
    assert result.updated["客户"] == 1 and result.unchanged["客户"] == 1


def test_row_by_row_errors_and_nothing_written(manager: Any, pm: Any, technician: Any) -> None:
    """X-1.4: every bad row is reported (sheet, row, column, message) and nothing at all is
    written, although other rows were fine."""
    data = ledger(pm)
    data["客户"].append({"客户名称": "杭州绿城物业"})  # duplicate within the file
    data["联系人"].append({"客户名称": "不存在的公司", "姓名": "某人", "电话": "1"})
    data["项目"].append(
        {
            "客户名称": "南京金鹰物业",
            "项目名称": "坏项目",
            "建筑高度(m)": "很高",
            "地上层数": 2.5,
            "幕墙系统": "木幕墙",
            "竣工验收日期": "去年",
            "项目经理": technician.username,
        }
    )
    data["项目"].append({"客户名称": "南京金鹰物业", "项目名称": "", "项目经理": pm.username})
    data["项目"].append(
        {
            "客户名称": "南京金鹰物业",
            "项目名称": "质保早于竣工",
            "竣工验收日期": "2020-01-01",
            "质保到期日": "2019-01-01",
            "项目经理": pm.username,
        }
    )
    result = import_ledger(actor=manager, data=workbook(data))
    assert not result.ok
    got = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("客户", 4, "客户名称") in got
    assert ("联系人", 4, "客户名称") in got
    for column in ("建筑高度(m)", "地上层数", "幕墙系统", "竣工验收日期", "项目经理"):
        assert ("项目", 4, column) in got, column
    assert ("项目", 5, "项目名称") in got
    assert ("项目", 6, "质保到期日") in got
    assert all(e.message for e in result.errors)
    assert not Customer.objects.exists() and not Project.objects.exists()
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(verb="imported").exists()


def test_missing_required_column(manager: Any) -> None:
    """X-1.4: a sheet without a required column is reported."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "客户"
    ws.append(["城市"])
    ws.append(["上海"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_ledger(actor=manager, data=buf.getvalue())
    assert ("客户", 1, "客户名称") in {(e.sheet, e.row, e.column) for e in result.errors}


def test_bad_files_refused(manager: Any, settings: Any) -> None:
    """X-1.4: non-xlsx content, a damaged zip and oversize files are refused clearly."""
    for data in (b"name,city\nA,B\n", b"PK\x03\x04garbage", b"%PDF-1.4"):
        with pytest.raises(InvalidInput) as exc:
            import_ledger(actor=manager, data=data)
        assert "file" in exc.value.fields
    from facadeops.customers import importer

    with pytest.raises(InvalidInput) as exc:
        import_ledger(actor=manager, data=b"PK\x03\x04" + b"0" * (importer.IMPORT_MAX_BYTES + 1))
    assert "file" in exc.value.fields


def test_only_import_roles(make_user: Any, pm: Any) -> None:
    """X-1.4: only management, the service head and project managers may import."""
    with pytest.raises(Forbidden):
        import_ledger(actor=make_user("agent", password=None), data=workbook(ledger(pm)))
    assert import_ledger(actor=pm, data=workbook(ledger(pm))).ok


def test_import_page(login: Any, manager: Any, pm: Any, make_user: Any) -> None:
    """X-1.4: the page imports, shows the error report, refuses a CSV with a message and
    offers a Chinese-header template."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(manager)
    r = client.get("/customers/import/template.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == ["客户", "联系人", "项目"]
    assert [c.value for c in wb["项目"][1]][:3] == ["项目编号", "客户名称", "项目名称"]
    bad = ledger(pm)
    bad["项目"][0]["地上层数"] = "三十"
    r = client.post("/customers/import/", {"file": SimpleUploadedFile("a.xlsx", workbook(bad))})
    assert r.status_code == 422
    assert "地上层数" in r.content.decode() and not Customer.objects.exists()
    r = client.post("/customers/import/", {"file": SimpleUploadedFile("a.csv", b"a,b\n1,2\n")})
    assert r.status_code == 422 and "xlsx" in r.content.decode()
    r = client.post(
        "/customers/import/", {"file": SimpleUploadedFile("a.xlsx", workbook(ledger(pm)))}
    )
    assert r.status_code == 200 and Customer.objects.count() == 2
    assert login(make_user("agent", password=None)).get("/customers/import/").status_code == 403
