# ruff: noqa: F811  (pytest fixtures imported from test_process_flow)
"""Issue 7: the deadlines set at triage read the working calendar once (both clocks share
one Calendar), and the result is the same as two separate computations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facadeops.service import sla

from .test_process_flow import people, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_deadlines_read_the_calendar_once(world: dict[str, Any]) -> None:
    from facadeops.customers.models import ServiceLevelDefault

    project = world["project_a"]
    # Both clocks on working days: the on-site and the completion deadline.
    ServiceLevelDefault.objects.filter(urgency="normal").update(
        on_site_within_hours=48, complete_within_hours=80, clock="working_days"
    )
    start = timezone.make_aware(dt.datetime(2026, 9, 30, 16, 0))
    with CaptureQueriesContext(connection) as cq:
        on_site, complete = sla.deadlines_for(project, "normal", start=start)
    calendar_reads = [q for q in cq.captured_queries if "service_calendarday" in q["sql"]]
    assert len(calendar_reads) == 1, [q["sql"] for q in cq.captured_queries]
    assert on_site == sla.due_at(start, 48, "working_days")
    assert complete == sla.due_at(start, 80, "working_days")
