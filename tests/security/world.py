"""One small, complete world for the security tests: a user per role, two customer companies
each with a customer user, and one record of every kind the routes take an id of — all built
with the apps' own services (the archive entry with a stub PDF through the archive service).

Not collected by pytest (holds no tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from facadeops.core.roles import Role

STAFF_ROLES = [r.value for r in Role if r.value != "customer"]
PRINCIPALS = ["anonymous", *STAFF_ROLES, "customer_a", "customer_b"]
_seq = itertools.count(1)


@dataclass
class World:
    users: dict[str, Any]
    objs: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.objs[key]


def make_user(*roles: str, **fields: Any) -> Any:
    """The root conftest's ``make_user`` without its function-scoped ``db`` fixture, for
    the world built once per module (tests/security/test_access_matrix.py)."""
    from django.contrib.auth.models import Group

    from facadeops.accounts.models import User

    fields.setdefault("full_name", f"安全测试{fields.get('username', '')}")
    user = User.objects.create_user(password="pw-for-tests-123", **fields)
    if roles:
        user.groups.set([Group.objects.get_or_create(name=r)[0] for r in roles])
    return user


def build_world(make_user: Any) -> World:
    from facadeops.accounts import services as acc
    from facadeops.accounts.models import Certificate, CertificateType, Employee
    from facadeops.archive.services import archive_record
    from facadeops.core.attachments import attachment_add
    from facadeops.customers import services as cs
    from facadeops.customers.models import FacadeSystem, GlassType, ServiceLevelDefault
    from facadeops.materials import services as ms
    from facadeops.materials.models import MaterialCategory
    from facadeops.notifications.services import notify
    from facadeops.service import services as sv
    from facadeops.service.demo import png_bytes

    n = next(_seq)
    users: dict[str, Any] = {r: make_user(r, username=f"sec{n}-{r}") for r in STAFF_ROLES}
    manager, agent = users["management"], users["agent"]
    # Someone else's people: the records below belong to them, not to the role principals.
    other_pm = make_user("project_manager", username=f"sec{n}-pm-other")
    other_head = make_user("service_head", username=f"sec{n}-head-other")
    w = World(users=users)
    o = w.objs
    o["customer_a"] = cs.customer_create(actor=manager, data={"name": f"安全测试甲物业{n}"})
    o["customer_b"] = cs.customer_create(actor=manager, data={"name": f"安全测试乙物业{n}"})
    users["customer_a"] = make_user("customer", username=f"sec{n}-cust-a", customer=o["customer_a"])
    users["customer_b"] = make_user("customer", username=f"sec{n}-cust-b", customer=o["customer_b"])
    o["contact"] = cs.contact_create(
        actor=manager, customer=o["customer_a"], data={"name": "周建华", "phone": "13801610001"}
    )
    o["project"] = cs.project_create(
        actor=manager,
        data={
            "customer": o["customer_a"],
            "name": f"安全测试大厦{n}",
            "city": "上海",
            "address": "世纪大道1号",
            "project_manager": other_pm,
            "service_head": other_head,
        },
    )
    o["contract"] = cs.contract_create(
        actor=manager,
        customer=o["customer_a"],
        data={
            "title": "幕墙维保合同",
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2027, 12, 31),
        },
        projects=[o["project"]],
    )
    o["facade_system"] = FacadeSystem.objects.order_by("pk").first()
    o["glass_type"] = GlassType.objects.order_by("pk").first()
    o["sl_default"] = ServiceLevelDefault.objects.order_by("pk").first()
    o["request"] = sv.request_create(
        actor=agent,
        data={
            "kind": "repair",
            "channel": "hotline",
            "project": o["project"],
            "caller_name": "周建华",
            "caller_phone": "13801610001",
            "description": "东立面12层玻璃自爆",
            "location": "东立面 12F",
            "urgency": "urgent",
        },
    )
    req2 = sv.request_create(
        actor=agent,
        data={
            "kind": "repair",
            "channel": "hotline",
            "project": o["project"],
            "caller_name": "周建华",
            "caller_phone": "13801610001",
            "description": "西立面渗水",
            "location": "西立面 3F",
            "urgency": "normal",
        },
    )
    o["work_order"] = sv.request_convert(actor=other_head, request=req2)
    o["attachment"] = attachment_add(
        actor=agent,
        target=o["request"],
        upload=SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png"),
    )
    o["entry"] = archive_record(
        actor=other_head,
        source=o["contract"],
        record_type_code="work_order_dossier",
        title="安全测试档案",
        number=f"SEC-{n}",
        record_date=dt.date(2026, 1, 5),
        pdf=b"%PDF-1.4\n%stub\n",
        search_text="安全测试",
        customer=o["customer_a"],
        project=o["project"],
    )
    o["category"] = MaterialCategory.objects.create(code=f"SEC{n}", name="安全测试类别")
    o["material"] = ms.material_create(
        actor=users["procurement"],
        data={"code": f"SEC-M{n}", "name": "耐候胶", "unit": "支", "category": o["category"]},
    )
    o["department"] = acc.department_create(
        actor=manager, data={"code": f"SEC{n}", "name": f"安全测试部{n}"}
    )
    o["employee"] = Employee.objects.create(user=other_pm, employee_no=f"SEC{n:05d}")
    ctype = CertificateType.objects.order_by("pk").first()
    o["certificate"] = Certificate.objects.create(
        employee=o["employee"],
        type=ctype,
        number=f"SEC-C{n}",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2028, 1, 1),
    )
    o["token"], _raw = acc.api_token_create(actor=other_pm, name="其他人的令牌")
    o["other_user"] = other_pm
    o["notification"] = notify(recipient_ids=[other_pm.pk], verb="test", title="别人的通知")[0]
    _planning(w, n, other_head=other_head, other_pm=other_pm)
    _intake_and_portal(w, n)
    _complaints(w, n, make_user, other_head=other_head, other_pm=other_pm)
    return w


def _planning(w: World, n: int, *, other_head: Any, other_pm: Any) -> None:
    """Customer A's facade register, inspection and annual plan (published revision 1 with
    its first quarterly review, draft revision 2) — kept by other people than the role
    principals, through the planning services and the plan's workflow."""
    from facadeops.customers.models import Project
    from facadeops.planning import services as pl
    from facadeops.planning.models import AnnualPlan, ChecklistItem, InspectionRule
    from facadeops.service.models import DefectType

    o = w.objs
    project, tech_head = o["project"], w.users["tech_head"]
    o["rule"] = InspectionRule.objects.order_by("pk").first()
    o["elevation"] = pl.elevation_create(
        actor=other_head, project=project, name="东立面", orientation="E", axes=3, floors=3
    )
    o["panel"] = o["elevation"].panels.get(axis=2, floor=2)
    o["pin"] = pl.defect_pin(
        actor=other_head,
        panel=o["panel"],
        defect_type=DefectType.objects.filter(is_active=True).order_by("pk").first(),
        severity="S2",
        notes="耐候胶开裂",
    )
    checks = list(ChecklistItem.objects.filter(is_active=True).order_by("code"))
    results = {c.code: (True, "") for c in checks}
    results[checks[-1].code] = (False, "开启扇五金件松动")
    o["inspection"] = pl.inspection_record(
        actor=other_head,
        project=project,
        rule=None,
        performed_on=dt.date(2026, 5, 20),
        results=results,
        elevation=o["elevation"],
        summary="安全测试检查",
    )
    o["check"] = o["inspection"].results.get(ok=False)
    year = 2026
    o["draft_run"] = pl.draft_plans(
        actor=other_head, year=year, projects=Project.objects.filter(pk=project.pk)
    )
    plan = AnnualPlan.objects.get(project=project, year=year)
    pl.item_add(
        actor=other_head,
        plan=plan,
        data={
            "item_type": "cleaning",
            "content": "外立面清洗",
            "window_start": dt.date(year, 3, 1),
            "window_end": dt.date(year, 3, 31),
        },
    )
    for item in plan.items.filter(responsible__isnull=True):
        pl.item_update(actor=other_head, item=item, data={"responsible": other_head})
    for step, who in (
        ("submit", other_head),
        ("review", tech_head),
        ("approve", other_pm),
        ("publish", other_head),
    ):
        plan.refresh_from_db()
        pl.plan_transition(actor=who, plan=plan, name=step, note="安全测试")
    plan.refresh_from_db()
    after_q1 = dt.date(year, 4, 1)
    o["review"] = pl.review_create(
        actor=other_head,
        plan=plan,
        quarter=1,
        causes={i.pk: "连续降雨" for i, _o in pl.review_lines(plan, 1, on=after_q1)},
        analysis="安全测试季度检查",
        on=after_q1,
    )
    o["plan"] = plan
    o["plan_r2"] = pl.plan_revise(actor=other_head, plan=plan, reason="季度调整")
    o["item"] = o["plan_r2"].items.order_by("pk").first()


def _intake_and_portal(w: World, n: int) -> None:
    """A website submission (its tracking token), a hotline call, and a portal invitation
    for customer A (its token taken from the invitation e-mail)."""
    import re

    from django.core import mail
    from django.test import TestCase

    from facadeops.intake import services as intake
    from facadeops.portal import services as portal

    o = w.objs
    o["submission"], o["track_token"] = intake.web_submit(
        data={
            "name": "周建华",
            "phone": "13801610001",
            "description": "东立面玻璃有裂纹",
            "project_text": o["project"].name,
        },
        remote_addr="192.0.2.10",
    )
    o["call"], _new = intake.hotline_call_received(
        call_id=f"SEC-CALL-{n}", caller_number="13801610001"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        o["invitation"] = portal.invitation_create(
            actor=w.users["agent"],
            customer=o["customer_a"],
            email=f"sec{n}@example.com",
            full_name="王经理",
            base_url="http://testserver/",
        )
    sent = [m for m in mail.outbox if f"sec{n}@example.com" in m.to]
    found = re.search(r"/portal/invitation/([^/\s]+)/", str(sent[-1].body)) if sent else None
    if found is None:
        raise LookupError("the invitation e-mail with its link was not sent")
    o["invitation_token"] = found.group(1)


def _complaints(w: World, n: int, make_user: Any, *, other_head: Any, other_pm: Any) -> None:
    """Customer A's complaint (REG-4), taken through the complaint services and the engine to
    "handling": its project's service head and manager are other people than the role
    principals; the team's leader is the technician principal (the service-staff principal
    is on no team), its approved plan has one measure, not done yet."""
    from django.utils import timezone

    from facadeops.complaints import services as cp
    from facadeops.complaints.rules import current_round
    from facadeops.core.attachments import attachment_add
    from facadeops.service.demo import png_bytes

    o, users = w.objs, w.users
    tech = users["technician"]
    staff = make_user("service_staff", username=f"sec{n}-staff-other")
    c = cp.complaint_create(
        actor=users["agent"],
        data={
            "project": o["project"],
            "contact": o["contact"],
            "category": "quality",
            "severity": "serious",
            "subject": "维修后仍然漏水",
            "description": "东立面12层维修后下雨仍然漏水",
            "location": "东立面 12F",
        },
    )
    cp.team_set(actor=other_head, complaint=c, leader=tech, members=[(staff, "service_staff")])
    cp.complaint_transition(actor=other_head, complaint=c, name="start_investigation")
    cp.arrival_record(actor=tech, complaint=c)
    attachment_add(
        actor=tech,
        target=current_round(c),
        upload=SimpleUploadedFile("漏水.png", png_bytes(), content_type="image/png"),
    )
    cp.findings_update(
        actor=tech,
        complaint=c,
        data={
            "findings": "打胶不连续",
            "cause_category": "workmanship",
            "root_cause": "打胶前未清理旧胶",
            "responsible_department": o["department"],
            "responsible_person": staff,
        },
    )
    cp.complaint_transition(actor=tech, complaint=c, name="submit_findings")
    due = timezone.localdate() + dt.timedelta(days=30)
    plan = cp.plan_save(
        actor=tech,
        complaint=c,
        summary="清理旧胶，重新打胶",
        expected_completion=due,
        measures=[
            {"description": "重新打胶", "deadline": due, "responsible": staff, "site_work": True}
        ],
    )
    cp.complaint_transition(actor=tech, complaint=c, name="submit_plan")
    cp.complaint_transition(actor=users["tech_head"], complaint=c, name="approve_plan_tech")
    cp.complaint_transition(actor=other_pm, complaint=c, name="approve_plan")
    c.refresh_from_db()
    o["complaint"] = c
    o["measure"] = plan.measures.get()
