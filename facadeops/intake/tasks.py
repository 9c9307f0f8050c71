"""Celery tasks of the intake app (beat: ``intake.sla_warn`` every 10 minutes,
``intake.fetch_mail`` every 2 minutes)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .mail import fetch_mail
from .sla import warn_due_soon


@shared_task(name="intake.sla_warn")
def sla_warn_task() -> int:
    """X-9.2: warn assignees at 80 % of a running deadline; returns how many were warned."""

    return len(warn_due_soon())


@shared_task(name="intake.fetch_mail")
def fetch_mail_task() -> dict[str, Any]:
    """REG-2.1.1: read the service mailbox (IMAP); returns the counts of this run."""
    from dataclasses import asdict

    return asdict(fetch_mail())
