"""generate_company at a tiny scale: the rows are linked, realistic and usable (issue 7)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from facadeops.audit.models import AuditEvent
from facadeops.core.models import Attachment, Sequence
from facadeops.customers.models import Project
from facadeops.service.models import MaterialDraw, ServiceRequest, WorkOrder


@pytest.mark.django_db(transaction=True)
def test_generates_a_linked_company_and_refuses_to_run_twice() -> None:
    """Issue 7 (data at scale): projects, work orders over the years in several states and
    urgencies, with requests, audit events, materials and attachment metadata."""
    call_command("generate_company", projects=6, work_orders=120, years=3, quiet=True)
    assert Project.objects.filter(code__startswith="XM-GEN-").count() == 6
    wos = WorkOrder.objects.all()
    assert wos.count() == 120
    assert wos.filter(status="archived").exists()
    assert wos.values("urgency").distinct().count() >= 2
    assert wos.filter(request__isnull=False).count() > 60
    assert ServiceRequest.objects.filter(kind="inquiry").exists()
    assert AuditEvent.objects.filter(target_id=str(wos.first().pk)).exists()  # type: ignore[union-attr]
    assert MaterialDraw.objects.exists() and Attachment.objects.exists()
    # New numbers continue after the generated ones (no unique-number collision).
    last = WorkOrder.objects.order_by("-number").values_list("number", flat=True).first()
    assert last is not None
    key = last.rsplit("-", 1)[0]
    assert Sequence.objects.get(key=key).last >= int(last.rsplit("-", 1)[1])
    with pytest.raises(CommandError):
        call_command("generate_company", projects=1, work_orders=1, quiet=True)
