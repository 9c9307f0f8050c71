"""Benchmark: draft the annual plan for N generated projects (default 5,000) and print the
time (``make bench`` runs it as below, on its own scratch database):

    FACADEOPS_TESTING=1 DJANGO_SETTINGS_MODULE=config.settings \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fo_bench_plan \
    .venv/bin/python bench/plan_draft.py 5000

Creates a throw-away test database, generates the projects with bulk_create, runs
``draft_plans`` and prints the figures."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FACADEOPS_TESTING", "1")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main(n: int) -> None:
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from facadeops.accounts.models import User
        from facadeops.customers.models import Customer, FacadeSystem, Project
        from facadeops.planning.models import AnnualPlan, PlanItem
        from facadeops.planning.services import draft_plans

        head = User.objects.create_user(username="bench-head", password=None)
        head.groups.add(Group.objects.get_or_create(name="service_head")[0])
        pm = User.objects.create_user(username="bench-pm", password=None)
        pm.groups.add(Group.objects.get_or_create(name="project_manager")[0])
        t0 = time.perf_counter()
        customers = Customer.objects.bulk_create(
            [Customer(code=f"KH-B-{i:06d}", name=f"客户{i}") for i in range(n // 10 + 1)]
        )
        projects = Project.objects.bulk_create(
            [
                Project(
                    code=f"XM-B-{i:06d}",
                    customer=customers[i // 10],
                    name=f"项目{i}",
                    city="上海",
                    project_manager=pm,
                    service_head=head,
                    completion_date=dt.date(2000 + i % 25, 1 + i % 12, 1),
                )
                for i in range(n)
            ]
        )
        systems = list(FacadeSystem.objects.all())
        through = Project.facade_systems.through
        through.objects.bulk_create(
            [
                through(project_id=p.pk, facadesystem_id=systems[i % len(systems)].pk)
                for i, p in enumerate(projects)
            ]
        )
        setup = time.perf_counter() - t0

        def progress(done: int, total: int) -> None:
            sys.stdout.write(f"\r{done}/{total}")
            sys.stdout.flush()

        t1 = time.perf_counter()
        run = draft_plans(actor=head, year=2027, progress=progress)
        took = time.perf_counter() - t1
        out = sys.stdout.write
        out("\n")
        out(f"projects generated: {n} in {setup:.2f} s" + "\n")
        out(
            f"plans drafted: {run.done}, items: {PlanItem.objects.count()}, "
            f"plans in db: {AnnualPlan.objects.count()}\n"
        )
        out(
            f"draft_plans for {n} projects: {took:.2f} s "
            f"({1000 * took / max(n, 1):.2f} ms/project)\n"
        )
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
