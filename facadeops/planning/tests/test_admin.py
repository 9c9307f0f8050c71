"""DOM-1 / DOM-2: the rule tables are data the company edits (back office), with sources."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["inspectionrule", "planningrule", "weatherlimit", "routinepolicy", "checklistitem"]
)
def test_rule_tables_are_editable_in_the_back_office(client: Any, model: str) -> None:
    from facadeops.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-123")
    client.force_login(admin)
    r = client.get(f"/admin/planning/{model}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "result_list" in body  # the seeded rows are listed


def test_weather_limits_show_their_source(client: Any) -> None:
    """DOM-2.1–2.4 limits are seeded with the standard they come from."""
    from facadeops.planning.models import WeatherLimit

    limits = list(WeatherLimit.objects.all())
    assert len(limits) >= 3
    assert all(limit.source for limit in limits)
