"""The planning demo: registers with pinned defects, a published plan with its first
quarterly review — written through the services, deterministic."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from facadeops.planning.models import AnnualPlan, PanelDefect, PlanStatus, QuarterlyReview


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_demo_has_registers_and_a_reviewed_plan() -> None:
    """Issue 6 demo: facade registers with defects for a few projects; a published plan
    with its first quarterly review."""
    from facadeops.accounts import demo as accounts_demo
    from facadeops.customers import demo as customers_demo
    from facadeops.materials import demo as materials_demo
    from facadeops.planning import demo
    from facadeops.service import demo as service_demo

    ctx: dict[str, Any] = {}
    with transaction.atomic():
        for module in (accounts_demo, materials_demo, customers_demo, service_demo, demo):
            module.load(ctx)
    severities = set(PanelDefect.objects.values_list("severity", flat=True))
    assert severities == {"S1", "S2", "S3"}
    assert PanelDefect.objects.values("panel__elevation__project").distinct().count() == 3
    plan = AnnualPlan.objects.get(status=PlanStatus.PUBLISHED)
    review = QuarterlyReview.objects.get(plan=plan)
    assert review.quarter == 1 and review.lines.exists()
