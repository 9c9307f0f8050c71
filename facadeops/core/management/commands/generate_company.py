"""Generate a realistic facade service company for benchmarks (issue 7).

    manage.py generate_company --projects 5000 --work-orders 1000000 --years 10

Customers, projects, staff in every role, service requests and work orders spread over
the years (growing business), in realistic proportions of states, urgencies and delays,
with on-site assessments, plan versions, materials drawn, audit events and attachment
metadata. Rows are written in bulk: ``COPY`` on PostgreSQL, ``executemany`` elsewhere,
with explicit ids, so one million work orders take minutes, not hours. Deterministic for
a given ``--seed``. Meant for an empty (or dedicated) database; it refuses to run twice
unless ``--force``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from facadeops.core.choices import Urgency
from facadeops.core.roles import Role

GEN_MARK = "GEN"  # user names and customer codes carry it (idempotency check)
BATCH = 20_000

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
CITIES = [
    ("上海市", "上海"),
    ("北京市", "北京"),
    ("广东省", "深圳"),
    ("广东省", "广州"),
    ("浙江省", "杭州"),
    ("江苏省", "南京"),
    ("江苏省", "苏州"),
    ("四川省", "成都"),
    ("湖北省", "武汉"),
    ("天津市", "天津"),
]
DEFECTS = ["玻璃破裂", "密封胶老化", "开启扇五金松动", "渗漏水", "石材空鼓", "铝板变形"]
STAFF = {  # role: (per 100 projects, minimum)
    Role.AGENT: (1, 3),
    Role.SERVICE_HEAD: (0.5, 2),
    Role.TECHNICIAN: (3, 5),
    Role.TECH_HEAD: (0.3, 1),
    Role.PROJECT_MANAGER: (2, 3),
    Role.SERVICE_STAFF: (8, 8),
    Role.QUALITY: (0.5, 2),
    Role.PROCUREMENT: (0.2, 1),
    Role.MANAGEMENT: (0.1, 1),
}


def _pick(rng: random.Random, weights: list[tuple[Any, int]]) -> Any:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


class Progress:
    """A one-line progress bar on stderr (no dependency)."""

    def __init__(self, label: str, total: int, out: Any = sys.stderr, quiet: bool = False):
        self.label, self.total, self.out, self.quiet = label, max(total, 1), out, quiet
        self.done, self.t0, self._last = 0, time.perf_counter(), 0.0

    def add(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if not self.quiet and (now - self._last > 0.2 or self.done >= self.total):
            self._last = now
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(30 * frac)
            rate = self.done / max(now - self.t0, 1e-9)
            self.out.write(
                f"\r{self.label:<14} [{bar:<30}] {self.done:>9}/{self.total} {rate:>9.0f}/s"
            )
            self.out.flush()

    def close(self) -> None:
        if not self.quiet:
            self.out.write("\n")
            self.out.flush()


class Writer:
    """Bulk rows with explicit ids: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.next_ids: dict[type[models.Model], int] = {}

    def ids(self, model: type[models.Model], n: int) -> range:
        if model not in self.next_ids:
            top = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next_ids[model] = top + 1
        start = self.next_ids[model]
        self.next_ids[model] = start + n
        return range(start, start + n)

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
        # Generated columns (e.g. WorkOrder.next_due_at) are computed by the database.
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        cols = [str(f.column) for f in fields]
        table = model._meta.db_table
        defaults = {f.attname: f.get_default() for f in fields if f.has_default()}
        count = 0
        prepared: list[tuple[Any, ...]] = []

        # Per column: attname, default, and a converter. On PostgreSQL psycopg dumps the
        # Python values itself (only JSON needs wrapping) — far faster than get_db_prep_save.
        spec: list[tuple[str, Any, Any]] = []
        conv: Any
        for f in fields:
            default = defaults.get(f.attname)
            if default is None and not f.null and f.empty_strings_allowed:
                default = ""
            if not self.pg:
                conv = functools.partial(f.get_db_prep_save, connection=connection)
            elif isinstance(f, models.JSONField):
                conv = Jsonb
            else:
                conv = None
            spec.append((f.attname, default, conv))

        def values(row: dict[str, Any]) -> tuple[Any, ...]:
            out = []
            for attname, default, conv in spec:
                v = row.get(attname, default)
                if v is None:
                    v = default
                out.append(conv(v) if conv is not None and v is not None else v)
            return tuple(out)

        with connection.cursor() as cur:
            if self.pg:
                sql = "COPY {} ({}) FROM STDIN".format(
                    connection.ops.quote_name(table),
                    ", ".join(connection.ops.quote_name(c) for c in cols),
                )
                with cur.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(values(row))
                        count += 1
            else:
                sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names)
                    connection.ops.quote_name(table),
                    ", ".join(connection.ops.quote_name(c) for c in cols),
                    ", ".join(["%s"] * len(cols)),
                )
                for row in rows:
                    prepared.append(values(row))
                    count += 1
                    if len(prepared) >= BATCH:
                        cur.executemany(sql, prepared)
                        prepared = []
                if prepared:
                    cur.executemany(sql, prepared)
        return count

    def reset_sequences(self) -> None:
        if not self.pg:
            return
        with connection.cursor() as cur:
            for model in self.next_ids:
                table = model._meta.db_table
                pk = model._meta.pk.column
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "  # noqa: S608
                    f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 1))'
                )


def _chunks(it: Iterable[Any], n: int) -> Iterator[list[Any]]:
    buf: list[Any] = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


class Command(BaseCommand):
    help = "Generate a realistic facade service company (benchmarks, issue 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, default=500)
        parser.add_argument("--work-orders", type=int, default=20_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--force", action="store_true", help="add to existing data")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        from facadeops.accounts.models import User

        if opts["projects"] < 1 or opts["work_orders"] < 0 or opts["years"] < 1:
            raise CommandError("--projects ≥ 1, --work-orders ≥ 0 and --years ≥ 1 are required.")
        if not opts["force"] and User.objects.filter(username__startswith="gen-").exists():
            raise CommandError("A generated company is already here (use --force to add more).")
        t0 = time.perf_counter()
        gen = Generator(
            projects=opts["projects"],
            work_orders=opts["work_orders"],
            years=opts["years"],
            seed=opts["seed"],
            quiet=opts["quiet"],
        )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    # Bulk load: ids are consistent by construction, so skip the per-row
                    # foreign-key triggers for this transaction (superuser; dedicated DB).
                    cur.execute("SET LOCAL session_replication_role = replica")
                    cur.execute("SET LOCAL synchronous_commit = off")
            counts = gen.run()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        took = time.perf_counter() - t0
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(f"Generated in {took:.1f} s — {summary}")


class Generator:
    def __init__(self, *, projects: int, work_orders: int, years: int, seed: int, quiet: bool):
        self.n_projects, self.n_wo, self.years = projects, work_orders, years
        self.rng = random.Random(seed)  # noqa: S311 (test data, fixed seed)
        self.quiet = quiet
        self.w = Writer()
        self.now = timezone.now().replace(microsecond=0)
        self.counts: dict[str, int] = {}

    def progress(self, label: str, total: int) -> Progress:
        return Progress(label, total, quiet=self.quiet)

    # -------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        self.make_users()
        self.make_customers_projects()
        self.make_materials()
        self.make_work()
        self.w.reset_sequences()
        return self.counts

    def make_users(self) -> None:
        from facadeops.accounts.models import User

        rows: list[dict[str, Any]] = []
        self.staff: dict[str, list[int]] = {}
        role_of: list[tuple[int, str]] = []
        for role, (per100, minimum) in STAFF.items():
            n = max(minimum, int(self.n_projects * per100 / 100))
            ids = list(self.w.ids(User, n))
            self.staff[role] = ids
            for i, pk in enumerate(ids):
                rows.append(
                    {
                        "id": pk,
                        "username": f"gen-{role}-{i:05d}",
                        "password": "!generated",
                        "full_name": f"{role} {i}",
                        "is_active": True,
                        "date_joined": self.now,
                        "preferred_language": "zh-hans",
                    }
                )
                role_of.append((pk, role))
        self.counts["users"] = self.w.write(User, rows)
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=list(STAFF))}
        through = User.groups.through
        self.w.write(
            through,
            (
                {"id": pk, "user_id": uid, "group_id": groups[role]}
                for pk, (uid, role) in zip(self.w.ids(through, len(role_of)), role_of, strict=True)
                if role in groups
            ),
        )

    def make_customers_projects(self) -> None:
        from facadeops.customers.models import Customer, Project

        n_cust = max(1, self.n_projects // 8)
        cust_ids = list(self.w.ids(Customer, n_cust))
        self.counts["customers"] = self.w.write(
            Customer,
            (
                {
                    "id": pk,
                    "code": f"KH-{GEN_MARK}-{i:06d}",
                    "name": f"生成客户{i:06d}置业有限公司",
                    "short_name": f"客户{i}",
                    "city": CITIES[i % len(CITIES)][1],
                    "phone": f"021-{50000000 + i}",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for i, pk in enumerate(cust_ids)
            ),
        )
        rng = self.rng
        self.projects: list[tuple[int, int, int, int]] = []  # id, customer, pm, head
        rows = []
        for i, pk in enumerate(self.w.ids(Project, self.n_projects)):
            cust = cust_ids[i % n_cust]
            pm = rng.choice(self.staff[Role.PROJECT_MANAGER])
            head = rng.choice(self.staff[Role.SERVICE_HEAD])
            province, city = CITIES[i % len(CITIES)]
            done = dt.date(2000 + i % 25, 1 + i % 12, 1 + i % 28)
            floors = 5 + rng.randrange(60)
            self.projects.append((pk, cust, pm, head))
            rows.append(
                {
                    "id": pk,
                    "code": f"XM-{GEN_MARK}-{i:06d}",
                    "customer_id": cust,
                    "name": f"{city}生成项目{i:06d}",
                    "province": province,
                    "city": city,
                    "building_height_m": Decimal(floors * 4),
                    "floors_above": floors,
                    "facade_area_m2": Decimal(1000 + rng.randrange(80000)),
                    "completion_date": done,
                    "warranty_end": done.replace(year=done.year + 2),
                    "project_manager_id": pm,
                    "service_head_id": head,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        self.counts["projects"] = self.w.write(Project, rows)

    def make_materials(self) -> None:
        from facadeops.materials.models import Material, MaterialCategory

        self.materials = list(Material.objects.values_list("pk", flat=True)[:200])
        if not self.materials:
            cat = MaterialCategory.objects.create(code=f"{GEN_MARK}-cat", name="幕墙材料")
            Material.objects.bulk_create(
                [
                    Material(code=f"{GEN_MARK}-M{i:03d}", name=name, unit=unit, category=cat)
                    for i, (name, unit) in enumerate(
                        [("结构胶", "支"), ("耐候胶", "支"), ("钢化玻璃", "m²"), ("执手", "个")]
                    )
                ]
            )
            self.materials = list(Material.objects.values_list("pk", flat=True))

    # -------------------------------------------------------------------------------
    def make_work(self) -> None:
        from facadeops.audit.models import AuditEvent
        from facadeops.core.models import Attachment, Sequence
        from facadeops.service.models import (
            Assessment,
            MaterialDraw,
            Plan,
            ServiceRequest,
            WorkOrder,
        )

        rng = self.rng
        n = self.n_wo
        ct_wo = ContentType.objects.get_for_model(WorkOrder).pk
        ct_req = ContentType.objects.get_for_model(ServiceRequest).pk
        ct_proj = ContentType.objects.get_for_model(self._project_model()).pk
        span = dt.timedelta(days=365 * self.years)
        start = self.now - span
        # A growing business: creation times follow sqrt (more work in recent years).
        offsets = sorted(span.total_seconds() * (rng.random() ** 0.6) for _ in range(n))
        seq: dict[str, int] = dict(Sequence.objects.values_list("key", "last"))
        wo_ids = self.w.ids(WorkOrder, n)
        # Roughly one request in six is an inquiry or is closed without work.
        n_req = n + n // 5
        req_ids = iter(self.w.ids(ServiceRequest, n_req))

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
        bar = self.progress("work orders", n)
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
                    totals[key] += self.w.write(model, rows)
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

        audit_ids = iter(self.w.ids(AuditEvent, n * 22 + n_req * 2 + 10))
        assess_ids = iter(self.w.ids(Assessment, n))
        plan_ids = iter(self.w.ids(Plan, n * 2))
        draw_ids = iter(self.w.ids(MaterialDraw, n * 3))
        file_ids = iter(self.w.ids(Attachment, n * 3))
        agents = self.staff[Role.AGENT]
        techs = self.staff[Role.TECHNICIAN]
        crew = self.staff[Role.SERVICE_STAFF]
        hours = dt.timedelta(hours=1)

        for k, wo_id in enumerate(wo_ids):
            created = start + dt.timedelta(seconds=offsets[k])
            proj, cust, pm, head = self.projects[rng.randrange(len(self.projects))]
            urgency = _pick(rng, URGENCY_WEIGHTS)
            nature = "emergency" if urgency == Urgency.EMERGENCY else _pick(rng, NATURE_WEIGHTS)
            age = self.now - created
            if age > recent:
                status = "cancelled" if rng.random() < 0.04 else "archived"
                if age < 3 * recent and status == "archived" and rng.random() < 0.1:
                    status = rng.choice(["to_archive", "record_review", "on_hold"])
            else:
                status = _pick(rng, OPEN_WEIGHTS)
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
            channel = _pick(rng, CHANNEL_WEIGHTS)
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
                    files.append(self._file(next(file_ids), ct_wo, wo_id, tech, arrived))
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
                            "material_id": rng.choice(self.materials),
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
            proj, cust, _pm, _head = self.projects[rng.randrange(len(self.projects))]
            agent = rng.choice(agents)
            status = (
                "new"
                if self.now - created < dt.timedelta(days=2)
                else rng.choice(["answered", "answered", "closed", "cancelled"])
            )
            req_rows.append(
                {
                    "id": rid,
                    "number": number("BX", created),
                    "kind": "inquiry",
                    "channel": _pick(rng, CHANNEL_WEIGHTS[:5]),
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
        self.counts.update(totals)

    @staticmethod
    def _project_model() -> type[models.Model]:
        from facadeops.customers.models import Project

        return Project

    def _file(self, pk: int, ct: int, oid: int, user: int, at: dt.datetime) -> dict[str, Any]:
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
