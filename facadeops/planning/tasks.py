"""Celery wrappers of the periodic planning jobs. Schedule (beat):
``planning.generate_work_orders`` daily at 06:00 Asia/Shanghai."""

from __future__ import annotations

from celery import shared_task

from .models import DraftRun
from .services import draft_plans, generate_work_orders


@shared_task(name="planning.generate_work_orders")
def generate_work_orders_task() -> int:
    """REG-3.3.1: plan items become work orders ahead of their window (idempotent)."""

    return len(generate_work_orders())


@shared_task(name="planning.draft_plans")
def draft_plans_task(run_id: int) -> int:
    """REG-3.1.1/3.1.2 from the UI: the drafting runs in the background and writes its
    progress to the ``DraftRun`` row the page polls."""

    run = DraftRun.objects.select_related("started_by").get(pk=run_id)
    return draft_plans(actor=run.started_by, year=run.year, run=run).done
