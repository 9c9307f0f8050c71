"""Profile the request create and the service-report PDF in-process (issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fo_bench_small REDIS_URL=redis://… \
    python bench/profile_create.py create|pdf CONTEXT_JSON [N]

create: N creates through the API (Bearer token, the Django test client, full middleware
stack); prints ms per create, the queries of one create (SQL), then a pyinstrument profile.
pdf: the same for ``render_service_report_pdf`` of the context's archived work order.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402


def create(ctx: dict, n: int) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ctx['token']}", HTTP_X_FORWARDED_PROTO="https")
    rng = random.Random(1)

    def one() -> None:
        pid = rng.choice(ctx["project_ids"])
        body = {
            "caller_name": "压测来电",
            "caller_phone": f"139{rng.randrange(10**8):08d}",
            "description": "玻璃破裂，需尽快处理（压测）",
            "project_id": pid,
            "customer_id": ctx["project_customer"][str(pid)],
            "urgency": rng.choice(["normal", "urgent"]),
        }
        resp = client.post("/api/v1/service/requests", body, content_type="application/json")
        assert resp.status_code == 201, resp.content

    for _ in range(3):
        one()  # warm up
    with CaptureQueriesContext(connection) as cq:
        one()
    print(f"queries of one create: {len(cq.captured_queries)}")
    for q in cq.captured_queries:
        print(f"  {q['time']}s {q['sql'][:160]}")
    t = time.perf_counter()
    for _ in range(n):
        one()
    print(f"{1000 * (time.perf_counter() - t) / n:.1f} ms per create (no profiler)")
    prof = Profiler(interval=0.0005)
    prof.start()
    for _ in range(n):
        one()
    prof.stop()
    print(prof.output_text(unicode=True, color=False, show_all=False))


def pdf(ctx: dict, n: int) -> None:
    from facadeops.service.documents import render_service_report_pdf
    from facadeops.service.models import WorkOrder

    wo = WorkOrder.objects.get(pk=ctx["pdf_wo"])
    render_service_report_pdf(wo)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        render_service_report_pdf(WorkOrder.objects.get(pk=wo.pk))
        times.append(1000 * (time.perf_counter() - t))
    print("ms:", [round(x) for x in times])
    prof = Profiler(interval=0.001)
    prof.start()
    render_service_report_pdf(WorkOrder.objects.get(pk=wo.pk))
    prof.stop()
    print(prof.output_text(unicode=True, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))))


if __name__ == "__main__":
    context = json.loads(Path(sys.argv[2]).read_text())
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    {"create": create, "pdf": pdf}[sys.argv[1]](context, count)
