"""The service part of the generated benchmark company (``manage.py generate_company``).

Requests and work orders spread over the years (a growing business), in realistic
proportions of states, urgencies and delays, with on-site assessments, plan versions,
materials drawn, one audit event per transition and attachment metadata — written in
bulk with ``core.generator``'s ``Writer``. ``service.demo.PIECE`` runs it after accounts
(staff), customers (projects) and materials.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.core.choices import Urgency
from facadeops.core.generator import BATCH, CompanyGenerator, pick
from facadeops.core.models import Attachment, Sequence
from facadeops.core.roles import Role
from facadeops.customers.models import Project

from .models import Assessment, MaterialDraw, Plan, ServiceRequest, WorkOrder

# Realistic proportions (a decade of a large facade service company).
URGENCY_WEIGHTS = [(Urgency.EMERGENCY, 5), (Urgency.URGENT, 20), (Urgency.NORMAL, 75)]
NATURE_WEIGHTS = [("repair", 55), ("maintenance", 30), ("inspection", 12), ("emergency", 3)]
CHANNEL_WEIGHTS = [
    ("hotline", 45),
    ("email", 15),
    ("website", 12),
    ("portal", 13),
    ("onsite", 5),
    ("plan", 10),
]
# Open work (the last weeks) is spread over the process; history is archived or cancelled.
OPEN_WEIGHTS = [
    ("new", 8),
    ("dispatched", 6),
    ("assessing", 7),
    ("planning", 6),
    ("plan_review", 4),
    ("plan_approval", 3),
    ("approved", 3),
    ("assigned", 5),
    ("ready", 3),
    ("in_progress", 14),
    ("paused", 2),
    ("change_review", 1),
    ("change_approval", 1),
    ("rectification", 2),
    ("completed", 6),
    ("customer_acceptance", 6),
    ("record", 5),
    ("record_review", 4),
    ("to_archive", 6),
    ("on_hold", 3),
    ("cancelled", 5),
]
# Position of each state in the process (how many steps a work order went through).
ORDER = [
    "new",
    "dispatched",
    "assessing",
    "planning",
    "plan_review",
    "plan_approval",
    "approved",
    "assigned",
    "ready",
    "in_progress",
    "paused",
    "change_review",
    "change_approval",
    "rectification",
    "completed",
    "customer_acceptance",
    "record",
    "record_review",
    "to_archive",
    "archived",
]
STEP = {s: i for i, s in enumerate(ORDER)} | {"on_hold": 3, "cancelled": 1}
ON_SITE_HOURS = {Urgency.EMERGENCY: 2, Urgency.URGENT: 24, Urgency.NORMAL: 72}
COMPLETE_DAYS = {Urgency.EMERGENCY: 1, Urgency.URGENT: 5, Urgency.NORMAL: 20}
DEFECTS = ["玻璃破裂", "密封胶老化", "开启扇五金松动", "渗漏水", "石材空鼓", "铝板变形"]


def generate(gen: CompanyGenerator) -> None:
    """Requests, work orders and what hangs on them, over the years (after accounts,
    customers and materials have put staff, projects and materials on ``gen``)."""
    rng = gen.rng
    n = gen.n_wo
    ct_wo = ContentType.objects.get_for_model(WorkOrder).pk
    ct_req = ContentType.objects.get_for_model(ServiceRequest).pk
    ct_proj = ContentType.objects.get_for_model(Project).pk
    span = dt.timedelta(days=365 * gen.years)
    start = gen.now - span
    # A growing business: creation times follow sqrt (more work in recent years).
    offsets = sorted(span.total_seconds() * (rng.random() ** 0.6) for _ in range(n))
    seq: dict[str, int] = dict(Sequence.objects.values_list("key", "last"))
    wo_ids = gen.w.ids(WorkOrder, n)
    # Roughly one request in six is an inquiry or is closed without work.
    n_req = n + n // 5
    req_ids = iter(gen.w.ids(ServiceRequest, n_req))

    wo_rows: list[dict[str, Any]] = []
    req_rows: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    assess: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    draws: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    totals = dict.fromkeys(
        ["work_orders", "requests", "audit", "assessments", "plans", "draws", "attachments"],
        0,
    )
    bar = gen.progress("work orders", n)
    recent = dt.timedelta(days=45)

    def number(prefix: str, at: dt.datetime) -> str:
        key = f"{prefix}-{timezone.localtime(at).year}"
        seq[key] = seq.get(key, 0) + 1
        return f"{key}-{seq[key]:06d}"

    def flush(final: bool = False) -> None:
        nonlocal wo_rows, req_rows, audit, assess, plans, draws, files
        if len(wo_rows) < BATCH and not final:
            return
        for key, model, rows in [
            ("requests", ServiceRequest, req_rows),
            ("work_orders", WorkOrder, wo_rows),
            ("assessments", Assessment, assess),
            ("plans", Plan, plans),
            ("draws", MaterialDraw, draws),
            ("audit", AuditEvent, audit),
            ("attachments", Attachment, files),
        ]:
            if rows:
                totals[key] += gen.w.write(model, rows)
        bar.add(len(wo_rows))
        wo_rows, req_rows, audit, assess, plans, draws = [], [], [], [], [], []
        files = []

    def event(at: dt.datetime, actor: int, verb: str, ct: int, oid: int, text: str,
              ctx: tuple[int, int] | None = None, before: Any = None, after: Any = None,
              ) -> None:  # fmt: skip
        audit.append(
            {
                "id": next(audit_ids),
                "at": at,
                "actor_id": actor,
                "actor_repr": f"user {actor}",
                "verb": verb,
                "target_type_id": ct,
                "target_id": str(oid),
                "target_repr": text,
                "context_type_id": ctx[0] if ctx else None,
                "context_id": str(ctx[1]) if ctx else "",
                "before": before or {},
                "after": after or {},
            }
        )

    audit_ids = iter(gen.w.ids(AuditEvent, n * 22 + n_req * 2 + 10))
    assess_ids = iter(gen.w.ids(Assessment, n))
    plan_ids = iter(gen.w.ids(Plan, n * 2))
    draw_ids = iter(gen.w.ids(MaterialDraw, n * 3))
    file_ids = iter(gen.w.ids(Attachment, n * 3))
    agents = gen.staff[Role.AGENT]
    techs = gen.staff[Role.TECHNICIAN]
    crew = gen.staff[Role.SERVICE_STAFF]
    hours = dt.timedelta(hours=1)

    for k, wo_id in enumerate(wo_ids):
        created = start + dt.timedelta(seconds=offsets[k])
        proj, cust, pm, head = gen.projects[rng.randrange(len(gen.projects))]
        urgency = pick(rng, URGENCY_WEIGHTS)
        nature = "emergency" if urgency == Urgency.EMERGENCY else pick(rng, NATURE_WEIGHTS)
        age = gen.now - created
        if age > recent:
            status = "cancelled" if rng.random() < 0.04 else "archived"
            if age < 3 * recent and status == "archived" and rng.random() < 0.1:
                status = rng.choice(["to_archive", "record_review", "on_hold"])
        else:
            status = pick(rng, OPEN_WEIGHTS)
        step = STEP[status]
        on_site_due = created + ON_SITE_HOURS[urgency] * hours
        complete_due = created + dt.timedelta(days=COMPLETE_DAYS[urgency])
        late_arrival = rng.random() < 0.12
        arrived = (
            created + ON_SITE_HOURS[urgency] * hours * (1.3 if late_arrival else rng.random())
            if step >= STEP["assessing"]
            else None
        )
        started = (
            arrived + dt.timedelta(hours=4 + rng.randrange(72))
            if arrived and step >= STEP["in_progress"]
            else None
        )
        late_done = rng.random() < 0.08
        completed = (
            created
            + dt.timedelta(
                days=COMPLETE_DAYS[urgency] * (1.4 if late_done else 0.3 + 0.6 * rng.random())
            )
            if step >= STEP["completed"]
            else None
        )
        if completed and started and completed < started:
            completed = started + 2 * hours
        archived_at = (
            completed + dt.timedelta(days=3 + rng.randrange(20))
            if status == "archived" and completed
            else None
        )
        tech = rng.choice(techs)
        lead = rng.choice(crew) if step >= STEP["assigned"] else None
        agent = rng.choice(agents)
        channel = pick(rng, CHANNEL_WEIGHTS)
        req_id = None
        if channel != "plan":
            req_id = next(req_ids)
            req_rows.append(
                {
                    "id": req_id,
                    "number": number("BX", created),
                    "kind": "maintenance" if nature == "maintenance" else "repair",
                    "channel": channel,
                    "status": "converted",
                    "customer_id": cust,
                    "project_id": proj,
                    "caller_name": f"联系人{k % 997}",
                    "caller_phone": f"139{k % 100000000:08d}",
                    "description": f"{rng.choice(DEFECTS)}，位置{1 + k % 40}层",
                    "reported_at": created - 0.5 * hours,
                    "urgency": urgency,
                    "received_by_id": agent,
                    "created_at": created - 0.5 * hours,
                    "updated_at": created,
                    "version": 2,
                }
            )
            event(created - 0.5 * hours, agent, "created", ct_req, req_id, "BX")
        number_wo = number("GD", created)
        last = archived_at or completed or started or arrived or created
        wo_rows.append(
            {
                "id": wo_id,
                "number": number_wo,
                "request_id": req_id,
                "customer_id": cust,
                "project_id": proj,
                "title": f"{rng.choice(DEFECTS)}（{number_wo}）",
                "description": "生成数据",
                "status": status,
                "held_from": "in_progress" if status == "on_hold" else "",
                "nature": nature,
                "urgency": urgency,
                "exterior_work": rng.random() < 0.6,
                "service_head_id": head,
                "technician_id": tech if step >= STEP["dispatched"] else None,
                "project_manager_id": pm,
                "lead_id": lead,
                "on_site_due_at": on_site_due,
                "complete_due_at": complete_due,
                "arrived_at": arrived,
                "started_at": started,
                "completed_at": completed,
                "archived_at": archived_at,
                "escalation_level": (1 if late_arrival else 0) + (1 if late_done else 0),
                "site_cleaned": step >= STEP["completed"],
                "facade_restored": step >= STEP["completed"],
                "cordon_removed": step >= STEP["completed"],
                "created_at": created,
                "updated_at": last,
                "version": 1 + min(step, 19),
            }
        )
        ctx = (ct_proj, proj)
        event(created, agent, "created", ct_wo, wo_id, number_wo, ctx)
        # One audit event per transition taken (the path through the states).
        path = ORDER[1 : min(step, STEP["to_archive"]) + 1] + (
            ["archived"] if status == "archived" else []
        )
        if status in {"cancelled", "on_hold"}:
            path = [*path[:2], status]
        span_h = max((last - created).total_seconds() / 3600, 1.0)
        prev = "new"
        for j, st in enumerate(path):
            at = created + dt.timedelta(hours=span_h * (j + 1) / (len(path) + 1))
            event(at, head, f"transition:{st}", ct_wo, wo_id, number_wo, ctx,
                  {"status": prev}, {"status": st})  # fmt: skip
            prev = st
        if arrived:
            assess.append(
                {
                    "id": next(assess_ids),
                    "work_order_id": wo_id,
                    "technician_id": tech,
                    "arrived_at": arrived,
                    "situation": "现场勘查记录（生成）",
                    "difficulty": rng.choice(["simple", "moderate", "difficult"]),
                    "created_at": arrived,
                    "updated_at": arrived,
                }
            )
            for _ in range(rng.choice([1, 1, 2, 3])):
                files.append(_file(next(file_ids), ct_wo, wo_id, tech, arrived))
        if step >= STEP["planning"]:
            versions = 2 if rng.random() < 0.15 else 1
            for v in range(1, versions + 1):
                approved = step >= STEP["approved"] and v == versions
                plans.append(
                    {
                        "id": next(plan_ids),
                        "work_order_id": wo_id,
                        "version_no": v,
                        "content": "维修方案（生成）",
                        "access_method": rng.choice(["interior", "gondola", "rope", "lift"]),
                        "safety_briefing_signed": approved,
                        "outcome": "approved"
                        if approved
                        else "superseded"
                        if v < versions
                        else "draft",
                        "written_by_id": tech,
                        "approved_by_id": pm if approved else None,
                        "approved_at": arrived if approved else None,
                        "created_at": arrived or created,
                        "updated_at": arrived or created,
                    }
                )
        if started:
            for _ in range(rng.randrange(1, 4)):
                draws.append(
                    {
                        "id": next(draw_ids),
                        "work_order_id": wo_id,
                        "material_id": rng.choice(gen.materials),
                        "quantity": Decimal(1 + rng.randrange(20)),
                        "drawn_by_id": lead or tech,
                        "created_at": started,
                        "updated_at": started,
                    }
                )
        flush()
    # Requests that never became work orders: inquiries answered, duplicates closed.
    for rid in req_ids:
        created = start + dt.timedelta(seconds=span.total_seconds() * rng.random() ** 0.6)
        proj, cust, _pm, _head = gen.projects[rng.randrange(len(gen.projects))]
        agent = rng.choice(agents)
        status = (
            "new"
            if gen.now - created < dt.timedelta(days=2)
            else rng.choice(["answered", "answered", "closed", "cancelled"])
        )
        req_rows.append(
            {
                "id": rid,
                "number": number("BX", created),
                "kind": "inquiry",
                "channel": pick(rng, CHANNEL_WEIGHTS[:5]),
                "status": status,
                "customer_id": cust,
                "project_id": proj,
                "caller_name": "咨询客户",
                "description": "保修期咨询（生成）",
                "reported_at": created,
                "urgency": Urgency.NORMAL,
                "received_by_id": agent,
                "answer": "" if status == "new" else "已答复",
                "created_at": created,
                "updated_at": created,
            }
        )
        event(created, agent, "created", ct_req, rid, "BX")
        if len(req_rows) >= BATCH:
            flush(final=True)
    flush(final=True)
    bar.close()
    # Numbers continue after the generated ones.
    for key, value in seq.items():
        Sequence.objects.update_or_create(key=key, defaults={"last": value})
    gen.counts.update(totals)


def _file(pk: int, ct: int, oid: int, user: int, at: dt.datetime) -> dict[str, Any]:
    digest = hashlib.sha256(f"{oid}-{pk}".encode()).hexdigest()
    return {
        "id": pk,
        "content_type_id": ct,
        "object_id": str(oid),
        "file": f"attachments/generated/{digest[:2]}/{digest}.jpg",
        "original_name": f"现场照片{pk}.jpg",
        "kind": "image",
        "mime": "image/jpeg",
        "size": 200_000 + pk % 3_000_000,
        "sha256": digest,
        "width": 1920,
        "height": 1440,
        "caption": "现场照片",
        "uploaded_by_id": user,
        "uploaded_at": at,
    }
