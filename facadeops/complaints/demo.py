"""Demo complaints (REG-4) for ``make run``: one in each stage of the chain, one plan
returned by the technical head, one complaint reopened by the customer and closed in the
second round — on the demo customer's projects, through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from facadeops.core.attachments import attachment_add
from facadeops.core.demo import DemoPiece
from facadeops.customers.models import Project
from facadeops.quality import services as qs
from facadeops.service.demo import photo

from . import demo_company
from . import services as cs
from .models import Complaint, HandlingPlan, PlanOutcome, TeamRole
from .rules import current_round

COMPLAINTS = [
    # stage reached, category, severity, subject, description, location
    (
        "received",
        "timeliness",
        "general",
        "报修三天无人上门",
        "上周五报修外窗渗水，至今无人联系。",
        "西立面 18F",
    ),
    (
        "investigating",
        "quality",
        "serious",
        "维修后仍然漏水",
        "上月维修的窗户，下雨后窗台仍有积水。",
        "东立面 12F",
    ),
    (
        "plan_review",
        "damage",
        "serious",
        "施工损坏大堂地面",
        "吊篮作业时工具坠落，砸坏大堂入口石材。",
        "南立面 1F 入口",
    ),
    (
        "handling",
        "safety",
        "major",
        "作业区未设警戒",
        "外墙清洗时地面未设警戒线，行人从吊篮下方通过。",
        "北立面 地面",
    ),
    (
        "feedback",
        "attitude",
        "general",
        "服务人员态度生硬",
        "现场人员对物业提出的问题不予理会。",
        "",
    ),
    (
        "closed",
        "quality",
        "serious",
        "胶缝开裂反复出现",
        "同一位置胶缝半年内第二次开裂。",
        "东立面 20F",
    ),
]
STAGES = ["received", "investigating", "planning", "plan_review", "handling", "feedback", "closed"]


@dataclass(frozen=True)
class Crew:
    """The people who take a complaint through the REG-4 chain, step by step — for the
    demo data and the tests that walk the chain (tests/reliability)."""

    head: Any
    tech: Any  # the team leader
    staff: Any  # member, responsible person and owner of the facade measure
    quality: Any
    tech_head: Any
    pm: Any  # approves when the project names no manager
    dept: Any
    due: dt.date

    def step(self, actor: Any, c: Complaint, name: str, note: str = "") -> Complaint:
        return cs.complaint_transition(actor=actor, complaint=c, name=name, note=note)

    def investigate(self, c: Complaint) -> Complaint:
        """Form and send the team (first round), arrive, add a photo."""
        if c.status == "received":
            cs.team_set(
                actor=self.head,
                complaint=c,
                leader=self.tech,
                members=[(self.staff, TeamRole.SERVICE_STAFF), (self.quality, TeamRole.QUALITY)],
            )
            c = self.step(self.head, c, "start_investigation")
        cs.arrival_record(actor=self.tech, complaint=c)
        r = current_round(c)
        assert r is not None
        attachment_add(actor=self.tech, target=r, upload=photo("现场照片.png"))
        return c

    def findings(self, c: Complaint, text: str = "胶缝开裂、脱胶，基面残留旧胶。") -> Complaint:
        cs.findings_update(
            actor=self.tech,
            complaint=c,
            data={
                "findings": text,
                "cause_category": "workmanship",
                "root_cause": "打胶前未彻底清理基面，胶缝与基材粘结不良",
                "whys": [
                    "为什么开裂？粘结不良",
                    "为什么粘结不良？基面未清理",
                    "为什么未清理？作业指导书未要求",
                ],
                "responsible_department": self.dept,
                "responsible_person": self.staff,
            },
        )
        return self.step(self.tech, c, "submit_findings")

    def plan(self, c: Complaint, summary: str = "清除旧胶、重新打胶并做淋水试验") -> None:
        cs.plan_save(
            actor=self.tech,
            complaint=c,
            summary=summary,
            expected_completion=self.due,
            measures=[
                {
                    "description": "清除旧胶，清理基面后重新打胶",
                    "deadline": self.due,
                    "responsible": self.staff,
                    "site_work": True,
                },
                {
                    "description": "淋水试验并向客户汇报结果",
                    "deadline": self.due,
                    "responsible": self.tech,
                },
            ],
        )
        self.step(self.tech, c, "submit_plan")

    def approve(self, c: Complaint) -> Complaint:
        self.step(self.tech_head, c, "approve_plan_tech", "方案可行")
        return self.step(c.project.project_manager or self.pm, c, "approve_plan", "同意")

    def handle(self, c: Complaint) -> Complaint:
        approved = HandlingPlan.objects.get(round=current_round(c), outcome=PlanOutcome.APPROVED)
        for m in approved.measures.all():
            cs.measure_done(actor=m.responsible, complaint=c, measure_id=m.pk, note="已完成")
        cs.result_save(actor=self.tech, complaint=c, result="已重新打胶并做淋水试验，未见渗漏。")
        return self.step(self.tech, c, "report_result")


def load(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    departments = ctx.get("departments") or {}
    projects = list(
        Project.objects.filter(customer__users__isnull=False)
        .select_related("project_manager")
        .order_by("id")
        .distinct()[:3]
    ) or list(Project.objects.select_related("project_manager").order_by("id")[:3])
    if not projects:
        return
    agent, head, tech = users["agent"], users["service_head"], users["technician"]
    staff, quality = users["service_staff"], users["quality"]
    tech_head = users["tech_head"]
    soon = timezone.localdate() + dt.timedelta(days=7)
    dept = departments.get("service")

    crew = Crew(
        head=head,
        tech=tech,
        staff=staff,
        quality=quality,
        tech_head=tech_head,
        pm=users["project_manager"],
        dept=dept,
        due=soon,
    )
    step = crew.step

    for i, (stage, category, severity, subject, text, location) in enumerate(COMPLAINTS):
        project = projects[i % len(projects)]
        contact = project.customer.contacts.order_by("id").first()
        c = cs.complaint_create(
            actor=agent,
            channel=["hotline", "email", "portal", "website", "hotline", "onsite"][i],
            data={
                "project": project,
                "contact": contact,
                "contact_name": "" if contact else "物业工程部",
                "category": category,
                "severity": severity,
                "subject": subject,
                "description": text,
                "location": location,
            },
        )
        target = STAGES.index(stage)
        if target >= STAGES.index("investigating"):
            c = crew.investigate(c)
        if target >= STAGES.index("planning"):
            c = crew.findings(c, "现场检查发现胶缝多处开裂、脱胶，基面残留旧胶。")
        if target >= STAGES.index("plan_review"):
            crew.plan(c, "清除旧胶、重新打胶并做淋水试验")
            if stage == "plan_review":
                step(tech_head, c, "return_plan_tech", "请补充淋水试验的范围和验收标准")
                crew.plan(c, "清除旧胶、重新打胶；对该立面 18–22 层做淋水试验，无渗漏为合格")
        if target >= STAGES.index("handling"):
            c = crew.approve(c)
        if target >= STAGES.index("feedback"):
            c = crew.handle(c)
        if stage == "closed":
            customer = project.customer.users.order_by("id").first() or agent
            c = step(customer, c, "reject", "雨后同一位置又出现渗水")
            c = crew.findings(crew.investigate(c), "复查发现副框与主体结构间存在渗水通道。")
            crew.plan(c, "封堵副框与结构间的渗水通道，重新打胶，扩大淋水试验范围")
            c = crew.handle(crew.approve(c))
            step(agent, c, "accept", "客户电话确认：雨后未再渗漏，满意")

    # REG-4.4.2: this month's analysis, approved, with its improvement actions.
    manager = users["management"]
    a = cs.analysis_draft(actor=head, period="month", start=timezone.localdate().replace(day=1))
    a = cs.analysis_update(
        actor=head,
        analysis=a,
        conclusions="本月投诉集中在维修质量（打胶工艺），一宗投诉经二次处理后结案。"
        "需修订打胶作业指导书并对服务人员进行专项培训。",
        expected_version=a.version,
    )
    a = cs.analysis_transition(actor=head, analysis=a, name="submit")
    a = cs.analysis_transition(actor=manager, analysis=a, name="approve", note="同意，按期落实")
    first = cs.analysis_action_add(
        actor=manager,
        analysis=a,
        kind="corrective",
        title="修订打胶作业指导书：打胶前清理基面并做粘结性检查",
        owner=tech_head,
        due_date=soon,
        cause="workmanship",
        check_after_days=90,
    )
    cs.analysis_action_add(
        actor=manager,
        analysis=a,
        kind="preventive",
        title="服务人员打胶工艺专项培训",
        owner=head,
        due_date=soon + dt.timedelta(days=14),
        cause="workmanship",
        check_after_days=90,
    )
    qs.action_transition(actor=tech_head, action=first, name="start")
    qs.action_transition(actor=tech_head, action=first, name="complete", note="已发布修订版")


PIECE = DemoPiece(
    app="complaints",
    after=("accounts", "customers", "service"),
    load=load,
    generate=demo_company.generate,
)
