"""Celery wrappers of the periodic service jobs (run by beat in production, eagerly in the
embedded setup). Schedule: ``service.escalate_overdue`` every 10 minutes."""

from __future__ import annotations

from celery import shared_task

from .sla import escalate_overdue


@shared_task(name="service.escalate_overdue")
def escalate_overdue_task() -> int:
    """X-9.2: escalate late work orders to the next person up; returns how many moved."""

    return len(escalate_overdue())
