"""Demo requests and work orders in every state (deterministic), walked through the real
services and the workflow engine by the demo people.

``walk(wo, target, crew)`` takes a work order along the happy path until it reaches
``target``; the tests use it too. The generated benchmark company's requests and work
orders are in ``demo_company``.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from facadeops.core.attachments import attachment_add
from facadeops.core.demo import DemoPiece
from facadeops.customers.models import Project
from facadeops.materials.models import Material
from facadeops.service import services as sv

from . import demo_company
from .models import AccessMethod, DefectType, QualityCheckKind, WorkOrder, WOStatus

S = WOStatus


@dataclass
class Crew:
    head: Any
    tech: Any
    tech_head: Any
    pm: Any
    lead: Any
    quality: Any
    members: list[Any] = field(default_factory=list)
    materials: list[Any] = field(default_factory=list)
    at_height: bool = False


def png_bytes(
    color: tuple[int, int, int] = (40, 90, 160), size: tuple[int, int] = (64, 48)
) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (235, 235, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle([8, 8, size[0] - 8, size[1] - 8], outline=color, width=3)
    draw.line([0, 0, size[0], size[1]], fill=color, width=2)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def photo(name: str = "site.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def signature_data_url() -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.line([(20, 70), (80, 20), (140, 80), (200, 25), (280, 60)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def plan_data(*, at_height: bool, change: bool = False) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=1)
    data: dict[str, Any] = {
        "content": "更换破损玻璃面板，重新打耐候胶，检查周边连接件。",
        "tools": "玻璃吸盘、打胶枪、扭力扳手",
        "schedule_start": start,
        "schedule_end": start + dt.timedelta(hours=8),
        "safety_measures": "地面设置警戒区，专人监护；作业人员系安全带。",
        "access_method": AccessMethod.GONDOLA if at_height else AccessMethod.INTERIOR,
        "certified_staff_only": at_height,
        "safety_briefing_signed": at_height,
    }
    if change:
        data["change_reason"] = "拆除后发现相邻面板结构胶老化，需一并更换。"
    return data


def _step(wo: WorkOrder, crew: Crew) -> None:
    status = wo.status
    if status == S.NEW:
        sv.work_order_triage(
            actor=crew.head,
            work_order=wo,
            nature=wo.nature,
            urgency=wo.urgency,
            technician=crew.tech,
            exterior_work=crew.at_height,
            expected_version=wo.version,
        )
    elif status == S.DISPATCHED:
        sv.work_order_check_in(
            actor=crew.tech, work_order=wo, latitude="31.239700", longitude="121.499800"
        )
    elif status == S.ASSESSING:
        sv.assessment_update(
            actor=crew.tech,
            work_order=wo,
            situation="12层东立面一块玻璃自爆，碎片已清理，周边胶缝有开裂。",
            difficulty="moderate",
        )
        sv.defect_add(
            actor=crew.tech,
            work_order=wo,
            defect_type=DefectType.objects.get(code="GL-01"),
            location="东立面 12F 轴线3-4",
        )
        attachment_add(actor=crew.tech, target=wo, upload=photo(), caption="现场照片")
        sv.work_order_transition(actor=crew.tech, work_order=wo, name="submit_findings")
    elif status == S.PLANNING:
        sv.plan_save(
            actor=crew.tech,
            work_order=wo,
            data=plan_data(at_height=crew.at_height),
            materials=[(m, Decimal("2"), "") for m in crew.materials],
        )
        sv.work_order_transition(actor=crew.tech, work_order=wo, name="submit_plan")
    elif status == S.PLAN_REVIEW:
        sv.work_order_transition(
            actor=crew.tech_head, work_order=wo, name="approve_plan_tech", note="方案可行。"
        )
    elif status == S.PLAN_APPROVAL:
        sv.work_order_transition(actor=crew.pm, work_order=wo, name="approve_plan", note="同意。")
    elif status == S.APPROVED:
        sv.work_order_assign(
            actor=crew.pm,
            work_order=wo,
            lead=crew.lead,
            members=crew.members,
            requirements="按方案施工，注意高处作业安全。",
            deadline=timezone.now() + dt.timedelta(days=3),
            expected_version=wo.version,
        )
    elif status == S.ASSIGNED:
        sv.plan_acknowledge(actor=crew.lead, work_order=wo)
        for m in crew.materials:
            sv.material_draw(
                actor=crew.lead, work_order=wo, material=m, quantity="2", tools="打胶枪"
            )
        sv.work_order_transition(actor=crew.lead, work_order=wo, name="prepare")
    elif status == S.READY:
        sv.work_order_transition(actor=crew.lead, work_order=wo, name="start")
    elif status == S.IN_PROGRESS:
        sv.progress_log(actor=crew.lead, work_order=wo, text="旧玻璃已拆除。", percent_done=50)
        if crew.materials:
            sv.part_replacement_add(
                actor=crew.lead,
                work_order=wo,
                old_part="自爆钢化玻璃 6+12A+6",
                material=crew.materials[0],
                quantity="1",
                batch="2026-03 批次",
                location="东立面 12F",
            )
        sv.progress_log(actor=crew.lead, work_order=wo, text="新玻璃已安装，打胶完成。")
        sv.quality_check_add(
            actor=crew.quality,
            work_order=wo,
            kind=QualityCheckKind.SUPERVISION,
            follows_plan=True,
            materials_correct=True,
            result_meets_standard=True,
            documents_complete=True,
            passed=True,
        )
        wo.refresh_from_db()
        sv.completion_update(
            actor=crew.lead,
            work_order=wo,
            site_cleaned=True,
            facade_restored=True,
            cordon_removed=True,
            expected_version=wo.version,
        )
        sv.work_order_transition(actor=crew.lead, work_order=wo, name="complete")
    elif status == S.COMPLETED:
        sv.quality_check_add(
            actor=crew.quality,
            work_order=wo,
            kind=QualityCheckKind.INTERNAL_ACCEPTANCE,
            follows_plan=True,
            materials_correct=True,
            result_meets_standard=True,
            documents_complete=True,
            passed=True,
            findings="符合方案与规范要求，资料齐全。",
        )
    elif status == S.CUSTOMER_ACCEPTANCE:
        sv.customer_acceptance_record(
            actor=crew.lead,
            work_order=wo,
            accepted=True,
            signer_name="周建华",
            signature_data_url=signature_data_url(),
        )
    elif status == S.RECORD:
        sv.service_record_fill(actor=crew.lead, work_order=wo)
        sv.service_record_sign(
            actor=crew.lead,
            work_order=wo,
            content="更换自爆玻璃一块，重新打胶。",
            result="修复完成，经内部验收与客户验收合格。",
            signature_data_url=signature_data_url(),
        )
        sv.work_order_transition(actor=crew.lead, work_order=wo, name="submit_record")
    elif status == S.RECORD_REVIEW:
        sv.work_order_transition(actor=crew.head, work_order=wo, name="approve_record")
    elif status == S.TO_ARCHIVE:
        sv.work_order_transition(actor=crew.head, work_order=wo, name="archive")
    else:
        raise ValueError(f"walk() has no step from {status}")
    wo.refresh_from_db()


def walk(wo: WorkOrder, target: str, crew: Crew) -> WorkOrder:
    """Take ``wo`` along the happy path until it is in ``target``."""
    for _i in range(40):
        wo.refresh_from_db()
        if wo.status == target:
            return wo
        _step(wo, crew)
    raise RuntimeError(f"{wo} did not reach {target}")  # pragma: no cover


# --- loaddemo ------------------------------------------------------------------------------------
REQUESTS: list[tuple[str, str, str, str]] = [
    # kind, urgency, description, location
    ("repair", "emergency", "大堂上方雨棚玻璃自爆，有碎片坠落风险。", "南立面 2F 雨棚"),
    ("repair", "urgent", "会议室外窗渗水，下雨时窗台积水。", "西立面 18F"),
    ("repair", "normal", "开启扇关闭不严，五金松动。", "北立面 9F"),
    ("maintenance", "normal", "申请安排年度幕墙清洗与胶缝检查。", "全楼"),
    ("inquiry", "normal", "咨询幕墙定期检查的周期与费用。", ""),
]


def load(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    staff = ctx.get("staff") or [users["service_staff"]]
    projects = list(Project.objects.order_by("id").select_related("customer")[:12])
    if not projects:
        return
    materials = list(Material.objects.filter(is_active=True).order_by("code")[:2])
    # staff, staff2 (height certificates valid) — the demo's qualified gondola team
    certified = [u for u in staff if u.username in ("staff", "staff4")] or staff[:1]

    def crew(at_height: bool = False) -> Crew:
        return Crew(
            head=users["service_head"],
            tech=users["technician"],
            tech_head=users["tech_head"],
            pm=users["project_manager"],
            lead=certified[0],
            members=certified[1:2],
            quality=users["quality"],
            materials=materials,
            at_height=at_height,
        )

    agent = users["agent"]

    def new_request(i: int, kind: str, urgency: str, text: str, location: str) -> Any:
        project = projects[i % len(projects)]
        contact = project.customer.contacts.order_by("id").first()
        return sv.request_create(
            actor=agent,
            data={
                "kind": kind,
                "channel": "hotline",
                "customer": project.customer,
                "contact": contact,
                "project": project,
                "caller_name": contact.name if contact else "来电人",
                "caller_phone": contact.phone if contact else "13800000000",
                "description": text,
                "location": location,
                "urgency": urgency,
            },
        )

    # Requests: new, answered+closed inquiry, cancelled.
    for i, (kind, urgency, text, loc) in enumerate(REQUESTS):
        req = new_request(i, kind, urgency, text, loc)
        if kind == "inquiry":
            sv.request_answer(
                actor=agent,
                request=req,
                answer="全面检查：竣工验收后一年一次，之后每五年一次；费用按合同约定。",
            )
    open_inquiry = new_request(4, "inquiry", "normal", "咨询玻璃质保期还剩多久。", "")
    sv.request_answer(
        actor=agent,
        request=open_inquiry,
        answer="玻璃质保两年，将核对竣工日期后回电。",
        close=False,
    )
    cancelled = new_request(5, "repair", "normal", "重复报修（同一问题已登记）。", "")
    sv.request_cancel(actor=agent, request=cancelled, note="与已登记报修重复。")
    new_request(6, "repair", "urgent", "外墙铝板有一块松动，风大时有响声。", "东立面 21F")

    # One work order per state, converted from requests.
    targets = [
        S.NEW,
        S.DISPATCHED,
        S.ASSESSING,
        S.PLANNING,
        S.PLAN_REVIEW,
        S.PLAN_APPROVAL,
        S.APPROVED,
        S.ASSIGNED,
        S.READY,
        S.IN_PROGRESS,
        S.COMPLETED,
        S.CUSTOMER_ACCEPTANCE,
        S.RECORD,
        S.RECORD_REVIEW,
        S.TO_ARCHIVE,
        S.ARCHIVED,
    ]
    urgencies = ["emergency", "urgent", "normal"]
    for i, target in enumerate(targets):
        req = new_request(
            i + 7,
            "repair",
            urgencies[i % 3],
            f"演示工单：{REQUESTS[i % 3][2]}",
            REQUESTS[i % 3][3],
        )
        wo = sv.request_convert(actor=users["service_head"], request=req)
        walk(wo, target, crew(at_height=i % 2 == 0))

    def convert(i: int, text: str) -> WorkOrder:
        req = new_request(i, "repair", "urgent", text, "西立面")
        return sv.request_convert(actor=users["service_head"], request=req)

    c = crew(at_height=True)
    # paused
    wo = walk(convert(30, "演示：暂停中的工单"), S.IN_PROGRESS, c)
    sv.work_order_transition(
        actor=c.lead, work_order=wo, name="pause", note="风力超过4级，暂停外立面作业。"
    )
    # change review / change approval
    for i, target in enumerate([S.CHANGE_REVIEW, S.CHANGE_APPROVAL]):
        wo = walk(convert(31 + i, "演示：施工中变更方案"), S.IN_PROGRESS, c)
        sv.plan_save(
            actor=c.tech,
            work_order=wo,
            data=plan_data(at_height=True, change=True),
            materials=[(m, Decimal("4"), "") for m in materials],
            is_change=True,
        )
        sv.work_order_transition(actor=c.tech, work_order=wo, name="request_change")
        if target == S.CHANGE_APPROVAL:
            sv.work_order_transition(
                actor=c.tech_head, work_order=wo, name="approve_change_tech", note="同意变更。"
            )
    # rectification (failed internal acceptance)
    wo = walk(convert(33, "演示：内部验收不合格"), S.COMPLETED, c)
    sv.quality_check_add(
        actor=c.quality,
        work_order=wo,
        kind=QualityCheckKind.INTERNAL_ACCEPTANCE,
        follows_plan=True,
        materials_correct=True,
        result_meets_standard=False,
        documents_complete=True,
        passed=False,
        findings="胶缝不饱满。",
        rectification="重新打胶，胶缝应饱满顺直。",
    )
    # on hold, cancelled
    wo = walk(convert(34, "演示：挂起的工单"), S.PLANNING, c)
    sv.work_order_transition(
        actor=c.head, work_order=wo, name="hold", note="等待业主确认进场时间。"
    )
    wo = convert(35, "演示：取消的工单")
    sv.work_order_transition(
        actor=c.head, work_order=wo, name="cancel", note="业主自行处理，取消。"
    )


PIECE = DemoPiece(
    app="service",
    after=("accounts", "customers", "materials"),
    load=load,
    generate=demo_company.generate,
)
