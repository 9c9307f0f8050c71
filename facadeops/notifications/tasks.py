"""Celery tasks of the notifications app (beat: ``notifications.send_due`` every minute)."""

from __future__ import annotations

from celery import shared_task

from .channels import send_due


@shared_task(name="notifications.send_due")
def send_due_task() -> dict[str, int]:
    """X-9.3: send the due e-mail and chat-group deliveries (urgent at once, digests at the
    digest hour); failures stay on the row and are retried with back-off."""
    return send_due()
