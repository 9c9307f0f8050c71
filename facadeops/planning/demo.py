"""Demo planning data (deterministic), written through the real services: facade registers
with pinned defects for the first three projects, an inspection with one failed point, this
year's plans drafted for them, the first one published with its first quarterly review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from facadeops.core.demo import DemoPiece
from facadeops.core.roles import Role, has_role
from facadeops.customers.models import Project
from facadeops.service.models import DefectType

from . import services
from .models import AnnualPlan, ChecklistItem, PlanStatus

ELEVATIONS = [("东立面", "E", 8, 10), ("南立面", "S", 10, 12)]
# (elevation index, axis, floor, severity, notes)
PINS = [
    (0, 3, 9, "S1", "玻璃自爆，已拉警戒线"),
    (0, 4, 9, "S2", "耐候胶开裂"),
    (0, 6, 2, "S3", "表面污染"),
    (1, 2, 11, "S2", "开启扇五金件松动"),
    (1, 7, 5, "S3", "胶条老化"),
]


def load(ctx: dict[str, Any]) -> None:
    users = ctx["users"]
    head, tech, tech_head = users["service_head"], users["technician"], users["tech_head"]
    projects = list(
        Project.objects.filter(is_active=True, completion_date__isnull=False)
        .select_related("project_manager")
        .order_by("id")[:3]
    )
    if not projects:
        return
    defects = list(DefectType.objects.filter(is_active=True).order_by("code")[:5])
    checklist = list(ChecklistItem.objects.filter(is_active=True).order_by("code"))
    results = {i.code: (True, "") for i in checklist}
    if checklist:
        results[checklist[-1].code] = (False, "南立面11层开启扇五金件松动")
    today = timezone.localdate()

    # -- facade registers with pinned defects ----------------------------------------------
    for n, project in enumerate(projects):
        elevations = [
            services.elevation_create(
                actor=tech, project=project, name=name, orientation=o, axes=a, floors=f
            )
            for name, o, a, f in ELEVATIONS[: 2 if n == 0 else 1]
        ]
        for i, (e, axis, floor, sev, notes) in enumerate(PINS):
            if e >= len(elevations) or not defects or (n > 0 and i % 2):
                continue
            panel = elevations[e].panels.get(axis=axis, floor=floor)
            services.defect_pin(
                actor=tech,
                panel=panel,
                defect_type=defects[i % len(defects)],
                severity=sev,
                notes=notes,
            )
        # DOM-1.7: a periodic inspection with one failed point
        if results:
            services.inspection_record(
                actor=tech,
                project=project,
                rule=None,
                performed_on=today - dt.timedelta(days=20 + n),
                results=results,
                elevation=elevations[0],
                summary="例行检查",
            )

    # -- this year's plans; the first published with its first quarterly review -----------
    year = today.year
    services.draft_plans(
        actor=head, year=year, projects=Project.objects.filter(pk__in=[p.pk for p in projects])
    )
    plan = AnnualPlan.objects.filter(project=projects[0], year=year).first()
    pm = projects[0].project_manager
    if plan is None or pm is None or not has_role(pm, Role.PROJECT_MANAGER):
        return
    for item in plan.items.filter(responsible__isnull=True):
        services.item_update(actor=head, item=item, data={"responsible": head})
    if not plan.items.exists():
        return
    for step, who in (("submit", head), ("review", tech_head), ("approve", pm), ("publish", head)):
        plan.refresh_from_db()
        services.plan_transition(actor=who, plan=plan, name=step, note="演示")
    plan.refresh_from_db()
    if plan.status != PlanStatus.PUBLISHED:
        return
    q1_end = dt.date(year, 3, 31)
    lines = services.review_lines(plan, 1, on=q1_end + dt.timedelta(days=1))
    services.review_create(
        actor=head,
        plan=plan,
        quarter=1,
        causes={item.pk: "春节假期及连续降雨，工期顺延" for item, _o in lines},
        analysis="第一季度受天气影响，部分外立面作业顺延至第二季度。",
        on=q1_end + dt.timedelta(days=1),
    )
    ctx["annual_plan"] = plan


PIECE = DemoPiece(app="planning", after=("accounts", "customers", "service"), load=load)
