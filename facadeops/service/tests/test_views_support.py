"""Fixtures and a chain driver shared by the service view and API tests: people in every
role, a customer with a project, catalogue materials, and ``advance(wo, state)`` which
takes a work order through the real services to the state asked for."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from facadeops.service import services
from facadeops.service.models import DefectType, WorkOrder, WOStatus


def png_bytes(size: tuple[int, int] = (40, 30), color: str = "navy") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def png_upload(name: str = "site.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def signature_data_url() -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 120), "white")
    ImageDraw.Draw(img).line([(10, 100), (120, 20), (280, 90)], fill="black", width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@dataclass
class World:
    agent: Any
    head: Any
    tech: Any
    tech_head: Any
    pm: Any
    staff: Any
    staff2: Any
    quality: Any
    management: Any
    customer_user: Any
    other_customer_user: Any
    customer: Any
    other_customer: Any
    project: Any
    other_project: Any
    material: Any
    defect_type: Any


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    from facadeops.customers import services as customer_services
    from facadeops.customers.models import FacadeSystem, GlassType
    from facadeops.materials.models import Material, MaterialCategory

    management = make_user("management", username="boss", full_name="吴总")
    pm = make_user("project_manager", username="pm", full_name="李明")
    head = make_user("service_head", username="head", full_name="王建国")
    customer = customer_services.customer_create(
        actor=management, data={"name": "上海陆家嘴物业管理有限公司", "city": "上海"}
    )
    other = customer_services.customer_create(
        actor=management, data={"name": "深圳华润置地物业服务有限公司", "city": "深圳"}
    )

    def project(cust: Any, name: str) -> Any:
        return customer_services.project_create(
            actor=management,
            data={
                "customer": cust,
                "name": name,
                "city": cust.city,
                "address": "世纪大道100号",
                "completion_date": dt.date(2015, 6, 30),
                "warranty_end": dt.date(2017, 6, 30),
                "project_manager": pm,
                "service_head": head,
            },
            facade_systems=[facade],
            glass_types=[glass],
        )

    # Catalogue rows are seeded by migrations; a transactional (browser) test may run after
    # a flush, so make sure they are there.
    facade, _created = FacadeSystem.objects.get_or_create(
        code="unitised-glass", defaults={"name": "单元式玻璃幕墙"}
    )
    glass, _created = GlassType.objects.get_or_create(
        code="insulating", defaults={"name": "中空玻璃"}
    )
    defect_type = DefectType.objects.filter(is_active=True).order_by("code").first()
    if defect_type is None:
        defect_type = DefectType.objects.create(
            code="GL-01", name="玻璃自爆/破裂", default_severity="S1"
        )
    cat = MaterialCategory.objects.create(code="SEAL", name="密封材料")
    material = Material.objects.create(
        code="M-SIL-01", name="硅酮结构密封胶", unit="支", category=cat
    )
    return World(
        agent=make_user("agent", username="agent", full_name="张客服"),
        head=head,
        tech=make_user("technician", username="tech", full_name="赵技术"),
        tech_head=make_user("tech_head", username="techhead", full_name="钱总工"),
        pm=pm,
        staff=make_user("service_staff", username="staff", full_name="孙师傅"),
        staff2=make_user("service_staff", username="staff2", full_name="周师傅"),
        quality=make_user("quality", username="quality", full_name="郑质检"),
        management=management,
        customer_user=make_user("customer", username="cust", customer=customer),
        other_customer_user=make_user("customer", username="cust2", customer=other),
        customer=customer,
        other_customer=other,
        project=project(customer, "陆家嘴金融中心"),
        other_project=project(other, "华润大厦"),
        material=material,
        defect_type=defect_type,
    )


ORDER = [
    WOStatus.NEW,
    WOStatus.DISPATCHED,
    WOStatus.ASSESSING,
    WOStatus.PLANNING,
    WOStatus.PLAN_REVIEW,
    WOStatus.PLAN_APPROVAL,
    WOStatus.APPROVED,
    WOStatus.ASSIGNED,
    WOStatus.READY,
    WOStatus.IN_PROGRESS,
    WOStatus.COMPLETED,
    WOStatus.CUSTOMER_ACCEPTANCE,
    WOStatus.RECORD,
    WOStatus.RECORD_REVIEW,
    WOStatus.TO_ARCHIVE,
    WOStatus.ARCHIVED,
]


def new_work_order(w: World, *, title: str = "玻璃幕墙渗漏", project: Any = None) -> WorkOrder:
    return services.work_order_create(
        actor=w.head,
        project=project or w.project,
        title=title,
        description="12层东立面窗角渗水",
        nature="repair",
        urgency="urgent",
    )


def plan_data(**extra: Any) -> dict[str, Any]:
    now = timezone.now()
    data = {
        "content": "拆除旧胶，清洁，重新打胶",
        "tools": "胶枪、刮刀",
        "schedule_start": now + dt.timedelta(days=1),
        "schedule_end": now + dt.timedelta(days=2),
        "safety_measures": "设置警戒区，佩戴安全带",
        "access_method": "interior",
        "safety_briefing_signed": True,
        "certified_staff_only": False,
    }
    data.update(extra)
    return data


def advance(w: World, wo: WorkOrder, target: str) -> WorkOrder:
    """Take ``wo`` through the services, step by its own role, until it is in ``target``."""
    from facadeops.core.attachments import attachment_add

    def move(actor: Any, name: str, note: str = "") -> None:
        services.work_order_transition(actor=actor, work_order=wo, name=name, note=note)

    while wo.status != target:
        s = wo.status
        if s == WOStatus.NEW:
            services.work_order_triage(
                actor=w.head,
                work_order=wo,
                nature="repair",
                urgency="urgent",
                technician=w.tech,
                exterior_work=False,
                expected_version=wo.version,
            )
        elif s == WOStatus.DISPATCHED:
            services.work_order_check_in(actor=w.tech, work_order=wo)
        elif s == WOStatus.ASSESSING:
            services.assessment_update(
                actor=w.tech, work_order=wo, situation="窗角胶条老化开裂", difficulty="simple"
            )
            attachment_add(actor=w.tech, target=wo, upload=png_upload(), caption="现场")
            services.defect_add(actor=w.tech, work_order=wo, defect_type=w.defect_type)
            move(w.tech, "submit_findings")
        elif s == WOStatus.PLANNING:
            services.plan_save(
                actor=w.tech,
                work_order=wo,
                data=plan_data(),
                materials=[(w.material, Decimal("2"), "")],
            )
            move(w.tech, "submit_plan")
        elif s == WOStatus.PLAN_REVIEW:
            move(w.tech_head, "approve_plan_tech")
        elif s == WOStatus.PLAN_APPROVAL:
            move(w.pm, "approve_plan")
        elif s == WOStatus.APPROVED:
            services.work_order_assign(
                actor=w.pm,
                work_order=wo,
                lead=w.staff,
                members=[w.staff2],
                requirements="按方案施工，注意安全",
                deadline=timezone.now() + dt.timedelta(days=3),
                expected_version=wo.version,
            )
        elif s == WOStatus.ASSIGNED:
            services.plan_acknowledge(actor=w.staff, work_order=wo)
            services.material_draw(
                actor=w.staff, work_order=wo, material=w.material, quantity=Decimal("2")
            )
            move(w.staff, "prepare")
        elif s == WOStatus.READY:
            move(w.staff, "start")
        elif s == WOStatus.IN_PROGRESS:
            services.completion_update(
                actor=w.staff,
                work_order=wo,
                site_cleaned=True,
                facade_restored=True,
                cordon_removed=True,
                expected_version=wo.version,
            )
            wo.refresh_from_db()
            move(w.staff, "complete")
        elif s == WOStatus.COMPLETED:
            services.quality_check_add(
                actor=w.quality,
                work_order=wo,
                kind="internal_acceptance",
                follows_plan=True,
                materials_correct=True,
                result_meets_standard=True,
                documents_complete=True,
                passed=True,
            )
        elif s == WOStatus.CUSTOMER_ACCEPTANCE:
            services.customer_acceptance_record(
                actor=w.staff,
                work_order=wo,
                accepted=True,
                signer_name="刘经理",
                signature_data_url=signature_data_url(),
            )
        elif s == WOStatus.RECORD:
            services.service_record_fill(actor=w.staff, work_order=wo)
            services.service_record_sign(
                actor=w.staff,
                work_order=wo,
                content="重新打胶 6 m",
                result="渗漏消除",
                signature_data_url=signature_data_url(),
            )
            move(w.staff, "submit_record")
        elif s == WOStatus.RECORD_REVIEW:
            move(w.head, "approve_record")
        elif s == WOStatus.TO_ARCHIVE:
            move(w.head, "archive")
        else:  # pragma: no cover - a state the driver does not know
            raise AssertionError(f"cannot advance from {s}")
        wo.refresh_from_db()
        assert wo.status != s, f"stuck in {s}"
    return wo
