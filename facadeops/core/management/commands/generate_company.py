"""Generate a realistic facade service company for benchmarks (issue 7).

    manage.py generate_company --projects 5000 --work-orders 1000000 --years 10

Customers, projects, staff in every role, service requests and work orders spread over
the years (growing business), in realistic proportions of states, urgencies and delays,
with on-site assessments, plan versions, materials drawn, audit events and attachment
metadata. Rows are written in bulk: ``COPY`` on PostgreSQL, ``executemany`` elsewhere,
with explicit ids, so one million work orders take minutes, not hours. Deterministic for
a given ``--seed``. Meant for an empty (or dedicated) database; it refuses to run twice
unless ``--force``.

Each app generates its own part from its ``demo.py`` (``DemoPiece.generate``, in
dependency order; ``core.demo``) with the shared toolkit of ``core.generator``; this
command imports no domain app.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from facadeops.core.demo import pieces
from facadeops.core.generator import CompanyGenerator


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
        if opts["projects"] < 1 or opts["work_orders"] < 0 or opts["years"] < 1:
            raise CommandError("--projects ≥ 1, --work-orders ≥ 0 and --years ≥ 1 are required.")
        demo = pieces()
        if not opts["force"] and any(p.generated() for p in demo if p.generated is not None):
            raise CommandError("A generated company is already here (use --force to add more).")
        t0 = time.perf_counter()
        gen = CompanyGenerator(
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
            counts = gen.run(demo)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        took = time.perf_counter() - t0
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(f"Generated in {took:.1f} s — {summary}")
