"""Celery tasks of the intake app (beat: ``intake.sla_warn`` every 10 minutes)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="intake.sla_warn")
def sla_warn_task() -> int:
    """X-9.2: warn assignees at 80 % of a running deadline; returns how many were warned."""
    from .sla import warn_due_soon

    return len(warn_due_soon())
