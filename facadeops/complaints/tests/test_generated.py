"""The complaints of the generated company (checklist: data at scale) are linked, in
realistic proportions, and the numbering continues after them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from facadeops.complaints import services as cs
from facadeops.complaints.models import Complaint, Round
from facadeops.core.models import Sequence
from facadeops.customers.models import Project


@pytest.mark.django_db(transaction=True)
def test_generated_company_has_complaints_with_rounds_and_numbers_continue(
    make_user: Any,
) -> None:
    call_command("generate_company", projects=6, work_orders=1200, years=3, quiet=True)
    complaints = Complaint.objects.all()
    assert complaints.count() == 1200 // 60
    assert complaints.filter(status__in=["closed", "archived"]).exists()
    assert complaints.values("category").distinct().count() >= 2
    assert Round.objects.filter(complaint__in=complaints).count() >= complaints.count()
    assert all(c.project.customer_id == c.customer_id for c in complaints.select_related("project"))
    reopened = complaints.filter(round_no=2)
    assert all(c.rounds.count() == 2 for c in reopened)
    last = complaints.order_by("-number").values_list("number", flat=True).first()
    assert last is not None
    key, n = last.rsplit("-", 1)
    assert Sequence.objects.get(key=key).last >= int(n)
    new = cs.complaint_create(
        actor=make_user("agent"),
        data={
            "project": Project.objects.first(),
            "category": "quality",
            "severity": "general",
            "subject": "新投诉",
            "description": "说明",
            "contact_name": "周",
        },
    )
    assert new.number not in set(complaints.exclude(pk=new.pk).values_list("number", flat=True))
