"""REG-4.2.2 "on site within the set time; late is escalated": the complaint's team clock
runs on the service-level clock of DOM-4 (``service.sla``); a round whose team has not
arrived by its deadline climbs the same escalation ladder as late work orders (X-9.2):
service head → project manager → management, at the same lateness steps."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.service.sla import ESCALATION_HOURS, ESCALATION_LABELS, raise_escalation

from .models import Complaint, ComplaintStatus, Round

# Before the team is on site (the states in which a round's arrival is awaited).
BEFORE_ARRIVAL = (ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING)


def level_due(due: dt.datetime, now: dt.datetime) -> int:
    late_h = (now - due).total_seconds() / 3600
    return sum(1 for h in ESCALATION_HOURS if late_h >= h) if late_h > 0 else 0


def late_rounds(now: dt.datetime) -> list[Round]:
    """Current rounds whose team is late on site (one indexed query)."""
    return list(
        Round.objects.filter(
            complaint__status__in=BEFORE_ARRIVAL,
            arrived_at__isnull=True,
            on_site_due_at__lt=now,
        )
        .select_related("complaint__project__service_head", "complaint__service_head")
        .select_related("complaint__project__project_manager")
        .order_by("id")
    )


def escalate_late(now: dt.datetime | None = None) -> list[Complaint]:
    """Raise each late complaint's escalation level to what its lateness calls for, tell
    the people of each new level and audit it (``service.sla.raise_escalation``).
    Idempotent; returns the escalated ones."""
    now = now or timezone.now()
    escalated: list[Complaint] = []
    for r in late_rounds(now):
        c = r.complaint
        if r.number != c.round_no or r.on_site_due_at is None:
            continue
        # Levels already reached (a reopened complaint starts one up) stay; lateness adds.
        target = (r.number - 1) + level_due(r.on_site_due_at, now)
        if target <= c.escalation_level:
            continue
        note = _("The team is late on site since %(since)s; escalated to the %(who)s.") % {
            "since": timezone.localtime(r.on_site_due_at).strftime("%Y-%m-%d %H:%M"),
            "who": ESCALATION_LABELS.get(min(target, 3), ""),
        }
        title = _("Complaint %(number)s: the team is late on site (level %(level)s)") % {
            "number": c.number,
            "level": target,
        }
        if raise_escalation(
            c, target=target, verb="complaint.escalated", note=note, title=title, urgent=True
        ):
            escalated.append(c)
    return escalated
