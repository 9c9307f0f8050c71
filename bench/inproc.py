"""In-process steps of ``make bench`` (Django loaded with bench.settings on the bench DB).

    python bench/inproc.py prepare|pdf|queries CONTEXT_JSON

prepare: the floor table, a service head (with management) with an API token and a
session, samples of project and work-order ids → the context file.
pdf: milliseconds to render the service report PDF of a generated work order (median of 5
after the first render of the process, which loads the fonts and is reported apart).
queries: queries of one work-order list page (API, page of 10 and of 50; the HTML list).
complaints: milliseconds of the REG-4.4.2 analysis figures of the last 91 days with 100,000
complaints in that window (generated once into the bench database; median of 3).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def prepare(path: Path) -> None:
    from facadeops.accounts.models import ApiToken, User
    from facadeops.customers.models import Project
    from facadeops.service.models import WorkOrder

    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor "
            "(id bigserial PRIMARY KEY, at timestamptz NOT NULL, payload text NOT NULL)"
        )
    user, _ = User.objects.get_or_create(
        username="bench-head", defaults={"full_name": "Bench head", "is_active": True}
    )
    for role in ("service_head", "management"):
        user.groups.add(Group.objects.get(name=role))
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="bench", prefix=raw[:8], digest=ApiToken.hash(raw))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    projects = list(Project.objects.order_by("?").values_list("pk", "customer_id")[:300])
    wo_ids = list(WorkOrder.objects.order_by("?").values_list("pk", flat=True)[:500])
    archived = (
        WorkOrder.objects.filter(status="archived").order_by("-pk").values_list("pk", flat=True)
    )
    ctx = {
        "token": raw,
        "session": session.session_key,
        "project_ids": [p for p, _c in projects],
        "project_customer": {str(p): c for p, c in projects},
        "wo_ids": wo_ids,
        "pdf_wo": archived.first(),
    }
    path.write_text(json.dumps(ctx))


def pdf(path: Path) -> None:
    from facadeops.service.documents import render_service_report_pdf
    from facadeops.service.models import WorkOrder

    ctx = json.loads(path.read_text())
    wo = WorkOrder.objects.get(pk=ctx["pdf_wo"])
    times = []
    for _ in range(6):
        t = time.perf_counter()
        data = render_service_report_pdf(WorkOrder.objects.get(pk=wo.pk))
        times.append(1000 * (time.perf_counter() - t))
    # The first render of a process loads the fonts (once per worker): reported apart; the
    # figure is the median of the next five, the cost of a PDF in a running worker.
    print(
        json.dumps(
            {
                "pdf_report_ms": round(statistics.median(times[1:]), 1),
                "first_ms": round(times[0], 1),
                "all_ms": [round(t) for t in times],
                "bytes": len(data),
            }
        )
    )


def queries(path: Path) -> None:
    ctx = json.loads(path.read_text())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ctx['token']}", HTTP_X_FORWARDED_PROTO="https")
    out = {}
    # Warm up: the first request of a token in a minute also writes its last_used_at.
    client.get("/api/v1/service/work-orders?sort=-created_at&page_size=1")
    for size in (10, 50):
        with CaptureQueriesContext(connection) as cq:
            resp = client.get(f"/api/v1/service/work-orders?sort=-created_at&page_size={size}")
        assert resp.status_code == 200, resp.status_code
        out[f"api_page_{size}"] = len(cq.captured_queries)
    web = Client(HTTP_X_FORWARDED_PROTO="https")
    web.cookies["sessionid"] = ctx["session"]
    with CaptureQueriesContext(connection) as cq:
        resp = web.get("/service/work-orders/")
    out["html_list"] = len(cq.captured_queries) if resp.status_code == 200 else -resp.status_code
    print(json.dumps(out))


def complaints(path: Path) -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from facadeops.complaints import demo_company
    from facadeops.complaints.analysis import figures
    from facadeops.complaints.models import Complaint
    from facadeops.core.generator import CompanyGenerator
    from facadeops.core.roles import Role
    from facadeops.customers.models import Project

    target = int(os.environ.get("BENCH_COMPLAINTS", "100000"))
    today = timezone.localdate()
    start = today - dt.timedelta(days=90)
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    have = Complaint.objects.filter(received_at__gte=lo).count()
    t0 = time.perf_counter()
    if have < target:
        # A quarter of complaints (years=0.25): the same generator as generate_company.
        gen = CompanyGenerator(
            projects=1, work_orders=(target - have) * demo_company.PER_WORK_ORDERS,
            years=0.25, seed=11, quiet=True,  # type: ignore[arg-type]
        )  # fmt: skip
        users = get_user_model().objects
        for role in (Role.AGENT, Role.TECHNICIAN):
            gen.staff[role] = list(users.filter(groups__name=role).values_list("pk", flat=True))
        gen.projects = [
            (p, c, pm or 0, h or 0)
            for p, c, pm, h in Project.objects.values_list(
                "pk", "customer_id", "project_manager_id", "service_head_id"
            )
        ]
        with transaction.atomic():
            demo_company.generate(gen)
        have = Complaint.objects.filter(received_at__gte=lo).count()
    generated_s = time.perf_counter() - t0
    times = []
    for _ in range(3):
        t = time.perf_counter()
        f = figures(start, today)
        times.append(1000 * (time.perf_counter() - t))
    print(
        json.dumps(
            {
                "complaint_analysis_quarter_ms": round(statistics.median(times), 1),
                "all_ms": [round(t) for t in times],
                "complaints_in_window": have,
                "total": f["total"],
                "generated_s": round(generated_s, 1),
            }
        )
    )


if __name__ == "__main__":
    {"prepare": prepare, "pdf": pdf, "queries": queries, "complaints": complaints}[sys.argv[1]](
        Path(sys.argv[2])
    )
