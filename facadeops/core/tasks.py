"""Periodic housekeeping of the core app."""

from __future__ import annotations

from celery import shared_task

from .idempotency import purge_expired


@shared_task(name="core.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Drop stored idempotency keys older than IDEMPOTENCY_KEY_TTL (default 24 h)."""
    return purge_expired()
