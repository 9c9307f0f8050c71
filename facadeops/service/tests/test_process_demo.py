"""The demo data walks requests and work orders into every state (X-9.5 "a living
system"), through the real services."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from facadeops.service.models import RequestStatus, ServiceRequest, WorkOrder, WOStatus

from .test_process_flow import _fast_passwords  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db
def test_demo_has_work_orders_in_every_state() -> None:
    """REG-2 demo: every work-order state and every request state is present."""
    from facadeops.accounts import demo as accounts_demo
    from facadeops.customers import demo as customers_demo
    from facadeops.materials import demo as materials_demo
    from facadeops.service import demo

    ctx: dict[str, Any] = {}
    with transaction.atomic():
        for module in (accounts_demo, materials_demo, customers_demo, demo):
            module.load(ctx)
    states = set(WorkOrder.objects.values_list("status", flat=True))
    assert states == set(WOStatus.values)
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert WorkOrder.objects.filter(status=WOStatus.ON_HOLD).get().held_from == "planning"
