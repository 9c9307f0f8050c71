"""Test data for the archive and the service documents: a work order with every record a
service report shows, in Chinese. Built with the customers/materials services and the
ORM for the service records (test set-up only; the state is set with a queryset update,
which only tests may do). Not collected by pytest (holds no tests)."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from facadeops.core.attachments import attachment_add
from facadeops.core.choices import Urgency
from facadeops.customers import services as customer_services
from facadeops.materials.models import Material, MaterialCategory
from facadeops.service.models import (
    AccessMethod,
    Assessment,
    CustomerAcceptance,
    DefectFinding,
    DefectType,
    Difficulty,
    Nature,
    PartReplacement,
    Plan,
    PlanMaterial,
    PlanStatus,
    QualityCheck,
    QualityCheckKind,
    ServiceRecord,
    WorkOrder,
    WOStatus,
)

_seq = itertools.count(1)

CUSTOMER_NAME = "上海陆家嘴物业管理有限公司"
PROJECT_NAME = "陆家嘴金融中心幕墙"
DEFECT_NOTE = "东立面二十三层钢化玻璃自爆，已设置警戒区"
PLAN_CONTENT = "更换东立面23层破损的钢化中空玻璃一块，重新打耐候密封胶"
RECORD_RESULT = "玻璃已更换，打胶饱满，淋水试验无渗漏"
QC_FINDINGS = "玻璃安装牢固，密封胶连续均匀，资料齐全"


def png_bytes(size: tuple[int, int] = (240, 90), color: str = "white", line: bool = True) -> bytes:
    img = Image.new("RGB", size, color)
    if line:
        draw = ImageDraw.Draw(img)
        draw.line([(10, 70), (60, 20), (120, 65), (200, 25)], fill="black", width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def people(make_user: Any) -> dict[str, Any]:
    return {
        "manager": make_user("management", full_name="吴总经理"),
        "head": make_user("service_head", full_name="王建国"),
        "technician": make_user("technician", full_name="张技术"),
        "tech_head": make_user("tech_head", full_name="赵工"),
        "pm": make_user("project_manager", full_name="李项目"),
        "staff": make_user("service_staff", full_name="刘师傅"),
        "quality": make_user("quality", full_name="陈质检"),
        "agent": make_user("agent", full_name="孙客服"),
    }


def customer_and_project(
    manager: Any, pm: Any, *, name: str = CUSTOMER_NAME, project: str = PROJECT_NAME
) -> tuple[Any, Any]:
    n = next(_seq)
    customer = customer_services.customer_create(
        actor=manager, data={"name": f"{name}{'' if n == 1 else n}", "city": "上海"}
    )
    proj = customer_services.project_create(
        actor=manager,
        data={
            "customer": customer,
            "name": project,
            "address": "上海市浦东新区世纪大道100号",
            "city": "上海",
            "project_manager": pm,
        },
    )
    return customer, proj


def material(name: str = "钢化中空玻璃", spec: str = "6+12A+6 Low-E") -> Material:
    cat, _ = MaterialCategory.objects.get_or_create(code="GL", defaults={"name": "玻璃"})
    n = next(_seq)
    return Material.objects.create(
        code=f"M-{n:04d}", name=name, spec_model=f"{spec} #{n}", unit="块", category=cat
    )


def work_order(
    p: dict[str, Any],
    *,
    customer: Any = None,
    project: Any = None,
    status: str = WOStatus.TO_ARCHIVE,
    title: str = "东立面玻璃自爆维修",
    with_photo: bool = True,
) -> WorkOrder:
    """A work order with assessment, defect, plan + materials, replacement, internal
    acceptance, signed customer acceptance and signed, reviewed service record."""
    if customer is None:
        customer, project = customer_and_project(p["manager"], p["pm"])
    n = next(_seq)
    now = timezone.now()
    wo = WorkOrder.objects.create(
        number=f"GD-2026-{n:06d}",
        customer=customer,
        project=project,
        title=title,
        description="客户报修：东立面二十三层玻璃自爆，碎片坠落风险",
        nature=Nature.REPAIR,
        urgency=Urgency.EMERGENCY,
        exterior_work=True,
        service_head=p["head"],
        technician=p["technician"],
        project_manager=p["pm"],
        lead=p["staff"],
        arrived_at=now,
        started_at=now,
        completed_at=now,
    )
    wo.members.set([p["staff"]])
    Assessment.objects.create(
        work_order=wo,
        technician=p["technician"],
        arrived_at=now,
        situation="现场确认玻璃自爆，碎片已清理，设置警戒区",
        difficulty=Difficulty.MODERATE,
    )
    gl01 = DefectType.objects.filter(code="GL-01").first() or DefectType.objects.create(
        code="GL-01", name="钢化玻璃自爆", default_severity="S1"
    )
    DefectFinding.objects.create(
        work_order=wo,
        defect_type=gl01,
        severity="S1",
        location="东立面23层 A-3轴",
        notes=DEFECT_NOTE,
    )
    glass = material()
    plan = Plan.objects.create(
        work_order=wo,
        version_no=1,
        content=PLAN_CONTENT,
        tools="吊篮、吸盘、打胶枪",
        safety_measures="吊篮作业，持证上岗，安全技术交底已签字，地面设置警戒区",
        access_method=AccessMethod.GONDOLA,
        safety_briefing_signed=True,
        certified_staff_only=True,
        written_by=p["technician"],
        tech_reviewed_by=p["tech_head"],
        approved_by=p["pm"],
    )
    Plan.objects.filter(pk=plan.pk).update(outcome=PlanStatus.APPROVED)
    PlanMaterial.objects.create(
        plan=plan, material=glass, quantity=Decimal("1"), note="按现场尺寸订制"
    )
    PartReplacement.objects.create(
        work_order=wo,
        old_part="破损钢化中空玻璃 1500×2400",
        material=glass,
        quantity=Decimal("1"),
        batch="批号 20260315-07",
        location="东立面23层",
        recorded_by=p["staff"],
    )
    QualityCheck.objects.create(
        work_order=wo,
        kind=QualityCheckKind.INTERNAL_ACCEPTANCE,
        inspector=p["quality"],
        passed=True,
        findings=QC_FINDINGS,
        report_number=f"NY-2026-{n:06d}",
    )
    acc = CustomerAcceptance(
        work_order=wo, accepted=True, signer_name="周经理", recorded_by=p["staff"]
    )
    acc.signature.save("sig.png", ContentFile(png_bytes()), save=False)
    acc.save()
    rec = ServiceRecord(
        work_order=wo,
        service_time="2026-03-15 09:00–16:30",
        place="陆家嘴金融中心 东立面23层",
        customer_name=customer.name,
        content=PLAN_CONTENT,
        result=RECORD_RESULT,
        materials_text="钢化中空玻璃 1 块（批号 20260315-07）",
        signed_by=p["staff"],
        signed_at=now,
        reviewed_by=p["head"],
        reviewed_at=now,
    )
    rec.staff_signature.save("staff.png", ContentFile(png_bytes(color="#fafafa")), save=False)
    rec.save()
    if with_photo:
        upload = SimpleUploadedFile("现场.png", png_bytes((640, 480), "#88aacc"), "image/png")
        attachment_add(actor=p["technician"], target=wo, upload=upload, caption="自爆玻璃现场照片")
    WorkOrder.objects.filter(pk=wo.pk).update(status=status)
    wo.refresh_from_db()
    return wo
