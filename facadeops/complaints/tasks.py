"""Celery wrappers of the periodic complaint jobs (beat in production, eager in the
embedded setup): ``complaints.escalate_late`` every 10 minutes."""

from __future__ import annotations

from celery import shared_task

from .sla import escalate_late


@shared_task(name="complaints.escalate_late")
def escalate_late_task() -> int:
    """REG-4.2.2: escalate complaints whose team is late on site; returns how many moved."""
    return len(escalate_late())
