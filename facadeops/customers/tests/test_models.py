"""X-1.1 / X-1.2: customers, contacts and projects — fields, numbers and validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Forbidden, InvalidInput
from facadeops.customers import services
from facadeops.customers.models import FacadeSystem, GlassType, Project, WarrantyStatus

pytestmark = pytest.mark.django_db


def test_catalogues_seeded() -> None:
    """X-1.2: the facade systems and glass types of the spec are seeded."""
    names = set(FacadeSystem.objects.values_list("name", flat=True))
    assert {
        "单元式玻璃幕墙",
        "构件式玻璃幕墙",
        "点支式玻璃幕墙",
        "隐框玻璃幕墙",
        "半隐框玻璃幕墙",
        "拉索/拉杆幕墙",
        "石材幕墙",
        "铝板幕墙",
        "陶板幕墙",
    } <= names
    assert {"钢化玻璃", "夹层玻璃", "中空玻璃", "半钢化玻璃", "低辐射(Low-E)玻璃"} <= set(
        GlassType.objects.values_list("name", flat=True)
    )


def test_customer_numbered_and_audited(manager: Any) -> None:
    """X-1.1: a customer gets a KH number and its creation is audited."""
    c = services.customer_create(
        actor=manager, data={"name": "某物业", "address": "某路1号", "phone": "021-1"}
    )
    assert c.code.startswith("KH-") and c.code.endswith("000001")
    assert AuditEvent.objects.filter(verb="created", target_id=str(c.pk)).exists()


def test_contact_fields_and_context(manager: Any, customer_a: Any) -> None:
    """X-1.1: contacts carry name, phone, e-mail and role; events show on the customer."""
    contact = services.contact_create(
        actor=manager,
        customer=customer_a,
        data={"name": "周建华", "phone": "13800000000", "email": "z@x.cn", "title": "工程部经理"},
    )
    assert (contact.name, contact.phone, contact.email, contact.title) == (
        "周建华",
        "13800000000",
        "z@x.cn",
        "工程部经理",
    )
    ev = AuditEvent.objects.get(
        verb="created", target_id=str(contact.pk), context_id=str(customer_a.pk)
    )
    assert ev.context_type is not None and ev.context_type.model == "customer"


def test_contact_needs_phone_or_email(manager: Any, customer_a: Any) -> None:
    """X-1.1: a contact without any way to reach them is refused, with a field message."""
    with pytest.raises(InvalidInput) as exc:
        services.contact_create(actor=manager, customer=customer_a, data={"name": "无名"})
    assert "phone" in exc.value.fields


def test_agent_may_not_create_project(make_user: Any, customer_a: Any, pm: Any) -> None:
    """X-1.2: writes need the model permission (the agent has no add_project)."""
    agent = make_user("agent", password=None)
    with pytest.raises(Forbidden):
        services.project_create(
            actor=agent, data={"customer": customer_a, "name": "X", "project_manager": pm}
        )


def test_project_every_field(make_project: Any, customer_a: Any) -> None:
    """X-1.2: every project field is stored; number XM-…; age and warranty status."""
    p = make_project(
        customer_a,
        province="上海市",
        use_type="hotel",
        design_service_life_years=30,
        notes="北立面曾更换玻璃",
    )
    p = Project.objects.get(pk=p.pk)
    assert p.code.startswith("XM-")
    assert p.province == "上海市" and p.district == "浦东新区" and p.city == "上海"
    assert p.building_height_m == Decimal("120.00") and p.floors_above == 30
    assert p.floors_below == 3 and p.facade_area_m2 == Decimal("25000")
    assert [f.code for f in p.facade_systems.all()] == ["unitised-glass"]
    assert [g.code for g in p.glass_types.all()] == ["insulating"]
    assert p.completion_date == dt.date(2015, 6, 30) and p.warranty_end == dt.date(2017, 6, 30)
    assert p.design_service_life_years == 30 and p.use_type == "hotel"
    assert p.age_years(dt.date(2025, 6, 29)) == 9
    assert p.age_years(dt.date(2025, 6, 30)) == 10
    assert p.warranty_status(dt.date(2017, 6, 30)) == WarrantyStatus.UNDER_WARRANTY
    assert p.warranty_status(dt.date(2017, 7, 1)) == WarrantyStatus.EXPIRED
    assert p.design_life_end() == dt.date(2045, 6, 30)


def test_design_life_default_25(make_project: Any, customer_a: Any) -> None:
    """X-1.2: the design service life defaults to 25 years."""
    assert make_project(customer_a).design_service_life_years == 25


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"warranty_end": dt.date(2014, 1, 1)}, "warranty_end"),
        ({"building_height_m": Decimal("-5")}, "building_height_m"),
        ({"building_height_m": Decimal("1500")}, "building_height_m"),
        ({"facade_area_m2": Decimal("0")}, "facade_area_m2"),
        ({"floors_above": 0}, "floors_above"),
        ({"floors_above": 90, "building_height_m": Decimal("100")}, "floors_above"),
        ({"floors_below": 25}, "floors_below"),
        ({"design_service_life_years": 0}, "design_service_life_years"),
        ({"completion_date": None}, "completion_date"),
    ],
)
def test_project_validation(make_project: Any, customer_a: Any, data: Any, field: str) -> None:
    """X-1.2: implausible values are refused with a message on the right field; nothing
    is written."""
    before = Project.objects.count()
    with pytest.raises(InvalidInput) as exc:
        make_project(customer_a, **data)
    assert field in exc.value.fields
    assert exc.value.fields[field][0]
    assert Project.objects.count() == before


def test_project_manager_must_hold_role(
    make_project: Any, customer_a: Any, technician: Any
) -> None:
    """X-1.2: the project manager must hold the project manager role."""
    with pytest.raises(InvalidInput) as exc:
        make_project(customer_a, project_manager=technician)
    assert "project_manager" in exc.value.fields


def test_project_name_unique_per_customer(
    make_project: Any, customer_a: Any, customer_b: Any
) -> None:
    """X-1.2: a customer cannot have two projects of the same name (another may)."""
    make_project(customer_a, name="国贸大厦")
    make_project(customer_b, name="国贸大厦")
    with pytest.raises(InvalidInput) as exc:
        make_project(customer_a, name="国贸大厦")
    assert "__all__" in exc.value.fields


def test_project_update_stale_version(make_project: Any, customer_a: Any, manager: Any) -> None:
    """X-9.1: a stale version is refused (Conflict) and nothing is written."""
    from facadeops.core.errors import Conflict

    p = make_project(customer_a)
    services.project_update(actor=manager, project=p, data={"notes": "一"}, version=1)
    stale = Project.objects.get(pk=p.pk)
    stale.version = 1
    with pytest.raises(Conflict):
        services.project_update(actor=manager, project=stale, data={"notes": "二"}, version=1)
    assert Project.objects.get(pk=p.pk).notes == "一"
