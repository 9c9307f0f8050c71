"""Demo data of the customers app (loaded after the demo people)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from facadeops.audit.models import AuditEvent
from facadeops.core.roles import has_role
from facadeops.customers.models import (
    Contact,
    ContractStatus,
    Customer,
    Project,
    ServiceContract,
    ServiceLevel,
)

pytestmark = pytest.mark.django_db


def test_demo_load() -> None:
    """X-1.1–X-1.3 demo: 10 customers in 10 cities with contacts, 30 projects, contracts
    (most active, one draft, one expired) with DOM-4 levels, all audited; the demo customer
    login sees the first customer."""
    from facadeops.accounts import demo as accounts_demo
    from facadeops.customers import demo

    ctx: dict[str, Any] = {}
    accounts_demo.load(ctx)
    demo.load(ctx)
    assert Customer.objects.count() == 10
    assert len(set(Customer.objects.values_list("city", flat=True))) == 10
    assert Contact.objects.count() == 20
    assert Project.objects.count() == 30
    heights = [p.building_height_m or Decimal(0) for p in Project.objects.all()]
    assert min(heights) >= Decimal("40") and max(heights) <= Decimal("310")
    years = {p.completion_date.year for p in Project.objects.all() if p.completion_date}
    assert min(years) >= 2008 and max(years) <= 2024
    statuses = list(ServiceContract.objects.values_list("status", flat=True))
    assert statuses.count(ContractStatus.ACTIVE) == 8
    assert statuses.count(ContractStatus.DRAFT) == 1
    assert statuses.count(ContractStatus.EXPIRED) == 1
    assert ServiceLevel.objects.filter(urgency="emergency", on_site_within_hours=2).count() == 10
    assert AuditEvent.objects.filter(verb="contract.activate").count() == 9
    user = ctx["customer_user"]
    assert user.username == "customer" and user.customer == Customer.objects.order_by("pk").first()
    assert has_role(user, "customer")
    assert user.check_password(accounts_demo.DEMO_PASSWORD)
