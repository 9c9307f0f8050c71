"""Celery wrappers of the periodic planning jobs. Schedule (beat):
``planning.generate_work_orders`` daily at 06:00 Asia/Shanghai."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="planning.generate_work_orders")
def generate_work_orders_task() -> int:
    """REG-3.3.1: plan items become work orders ahead of their window (idempotent)."""
    from .services import generate_work_orders

    return len(generate_work_orders())
