"""The complaints of the generated benchmark company (``manage.py generate_company``).

About one complaint per 60 work orders (a large facade service company hears from a few
hundred unhappy customers a year), spread over the same years and projects, in realistic
proportions of category, severity, cause and outcome: about one in eight results is
rejected once and closed in a second round; recent ones are still open at every stage.
Rows are written in bulk like the rest of the company (``core.generator``)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.core.generator import BATCH, CompanyGenerator, pick
from facadeops.core.models import Sequence
from facadeops.core.roles import Role

from .models import CauseCategory, Complaint, CustomerUpdate, Round, Severity

PER_WORK_ORDERS = 60
CATEGORY_WEIGHTS = [
    ("quality", 38),
    ("timeliness", 27),
    ("attitude", 10),
    ("damage", 9),
    ("safety", 6),
    ("billing", 5),
    ("other", 5),
]
SEVERITY_WEIGHTS = [("general", 70), ("serious", 25), ("major", 5)]
CAUSE_WEIGHTS = [
    ("workmanship", 30),
    ("material", 14),
    ("timeliness", 18),
    ("communication", 12),
    ("maintenance", 9),
    ("design", 5),
    ("attitude", 5),
    ("third_party", 4),
    ("weather", 2),
    ("other", 1),
]
OPEN_WEIGHTS = [
    ("received", 10),
    ("investigating", 20),
    ("planning", 12),
    ("plan_review", 8),
    ("plan_approval", 6),
    ("handling", 24),
    ("feedback", 12),
    ("closed", 8),
]
ON_SITE_HOURS = {"general": 24, "serious": 8, "major": 2}
SUBJECTS = [
    "维修后仍漏水",
    "报修响应太慢",
    "施工损坏公共区域",
    "作业区未设警戒",
    "服务人员态度差",
    "胶缝反复开裂",
]


def generate(gen: CompanyGenerator) -> None:
    rng = random.Random(gen.rng.getrandbits(64))  # noqa: S311 (test data, seeded)
    n = max(1, gen.n_wo // PER_WORK_ORDERS) if gen.n_wo else 0
    if not n or not gen.projects:
        gen.counts["complaints"] = 0
        return
    severity = dict(Severity.objects.values_list("code", "pk"))
    cause = dict(CauseCategory.objects.values_list("code", "pk"))
    ct = ContentType.objects.get_for_model(Complaint).pk
    ct_proj = ContentType.objects.get_by_natural_key("customers", "project").pk
    agents: list[int | None] = [*gen.staff.get(Role.AGENT, [])] or [None]
    techs: list[int | None] = [*gen.staff.get(Role.TECHNICIAN, [])] or [None]
    span = dt.timedelta(days=365 * gen.years)
    start = gen.now - span
    recent = dt.timedelta(days=30)
    seq: dict[str, int] = dict(
        Sequence.objects.filter(key__startswith="TS-").values_list("key", "last")
    )
    ids = iter(gen.w.ids(Complaint, n))
    round_ids = iter(gen.w.ids(Round, n * 2))
    update_ids = iter(gen.w.ids(CustomerUpdate, n * 4))
    audit_ids = iter(gen.w.ids(AuditEvent, n * 3))
    offsets = sorted(span.total_seconds() * (rng.random() ** 0.6) for _ in range(n))
    rows: list[dict[str, Any]] = []
    rounds: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    totals = dict.fromkeys(["complaints", "complaint_rounds", "complaint_updates"], 0)
    bar = gen.progress("complaints", n)

    def flush(final: bool = False) -> None:
        nonlocal rows, rounds, updates, audit
        if len(rows) < BATCH and not final:
            return
        totals["complaints"] += gen.w.write(Complaint, rows)
        totals["complaint_rounds"] += gen.w.write(Round, rounds)
        totals["complaint_updates"] += gen.w.write(CustomerUpdate, updates)
        gen.w.write(AuditEvent, audit)
        bar.add(len(rows))
        rows, rounds, updates, audit = [], [], [], []

    for k in range(n):
        pk = next(ids)
        received = start + dt.timedelta(seconds=offsets[k])
        proj, cust, _pm, head = gen.projects[rng.randrange(len(gen.projects))]
        sev = pick(rng, SEVERITY_WEIGHTS)
        status = pick(rng, OPEN_WEIGHTS) if gen.now - received < recent else "closed"
        if status == "closed" and gen.now - received > 4 * recent:
            status = "archived" if rng.random() < 0.9 else "closed"
        reopened = status in {"closed", "archived"} and rng.random() < 0.12
        due = received + dt.timedelta(hours=ON_SITE_HOURS[sev])
        late = rng.random() < 0.15
        arrived = (
            received + dt.timedelta(hours=ON_SITE_HOURS[sev] * (1.4 if late else rng.random()))
            if status not in {"received"}
            else None
        )
        closed = (
            received + dt.timedelta(days=3 + rng.randrange(25) + (15 if reopened else 0))
            if status in {"closed", "archived"}
            else None
        )
        key = f"TS-{timezone.localtime(received).year}"
        seq[key] = seq.get(key, 0) + 1
        number = f"{key}-{seq[key]:06d}"
        agent = rng.choice(agents)
        n_rounds = 2 if reopened else 1
        rows.append(
            {
                "id": pk,
                "number": number,
                "status": status,
                "channel": rng.choice(["hotline", "hotline", "email", "portal", "website"]),
                "customer_id": cust,
                "contact_name": f"联系人{k % 997}",
                "contact_phone": f"139{k % 100000000:08d}",
                "contact_email": "",
                "project_id": proj,
                "location": f"{1 + k % 40}层",
                "category": pick(rng, CATEGORY_WEIGHTS),
                "severity_id": severity[sev],
                "subject": rng.choice(SUBJECTS),
                "description": "生成数据",
                "received_at": received,
                "received_by_id": agent,
                "service_head_id": head,
                "round_no": n_rounds,
                "escalation_level": (1 if late else 0) + (1 if reopened else 0),
                "acknowledged_at": received,
                "closed_at": closed,
                "archived_at": closed + dt.timedelta(days=7)
                if status == "archived" and closed
                else None,
                "created_at": received,
                "updated_at": closed or arrived or received,
                "version": 1,
            }
        )
        for r in range(1, n_rounds + 1):
            first = r == 1
            done = status in {"closed", "archived"} or not first
            rounds.append(
                {
                    "id": next(round_ids),
                    "complaint_id": pk,
                    "number": r,
                    "reason": "" if first else "客户不满意处理结果",
                    "leader_id": rng.choice(techs),
                    "on_site_due_at": due,
                    "arrived_at": arrived,
                    "findings": "现场检查记录（生成）" if arrived else "",
                    "cause_category_id": cause[pick(rng, CAUSE_WEIGHTS)] if arrived else None,
                    "root_cause": "根本原因（生成）" if arrived else "",
                    "whys": [],
                    "result": "处理结果（生成）" if done else "",
                    "result_at": closed if done else None,
                    "verdict": ("rejected" if reopened and first else "accepted") if done else "",
                    "verdict_reason": "",
                    "verdict_at": closed if done else None,
                    "created_at": received,
                    "updated_at": closed or received,
                }
            )
        updates.append(
            {
                "id": next(update_ids),
                "complaint_id": pk,
                "round_no": 1,
                "kind": "ack",
                "text": f"您的投诉已受理，编号 {number}。",
                "at": received,
                "by_id": agent,
            }
        )
        audit.append(
            {
                "id": next(audit_ids),
                "at": received,
                "actor_id": agent,
                "actor_repr": f"user {agent}",
                "verb": "created",
                "target_type_id": ct,
                "target_id": str(pk),
                "target_repr": number,
                "context_type_id": ct_proj,
                "context_id": str(proj),
                "before": {},
                "after": {},
            }
        )
        flush()
    flush(final=True)
    bar.close()
    for key, value in seq.items():
        Sequence.objects.update_or_create(key=key, defaults={"last": value})
    gen.counts.update(totals)
