"""Issue 7 (docs/scaling.md): the read-replica router. Nothing is routed to the replica
unless a selector asks with ``.using(reports_db())``; without DATABASE_REPLICA_URL (as in
the test settings) that is the primary, so report reads work on every installation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, router

from facadeops.core.db_router import PRIMARY, REPORTS, ReportsRouter, reports_db
from facadeops.customers.models import Customer

ROOT = Path(__file__).resolve().parents[3]


def test_without_a_replica_reports_read_the_primary() -> None:
    assert settings.DATABASE_ROUTERS == ["facadeops.core.db_router.ReportsRouter"]
    assert REPORTS not in settings.DATABASES
    assert reports_db() == PRIMARY


def test_router_sends_reads_and_writes_to_the_primary_by_default() -> None:
    assert router.db_for_read(Customer) == PRIMARY
    assert router.db_for_write(Customer) == PRIMARY
    assert router.allow_migrate(PRIMARY, "customers") is True
    assert router.allow_migrate(REPORTS, "customers") is False


def test_related_reads_of_a_replica_row_stay_on_the_replica_but_writes_go_primary() -> None:
    r = ReportsRouter()
    from_replica, from_primary = Customer(name="a"), Customer(name="b")
    from_replica._state.db, from_primary._state.db = REPORTS, PRIMARY
    assert r.db_for_read(Customer, instance=from_replica) == REPORTS
    assert r.db_for_read(Customer, instance=from_primary) == PRIMARY
    assert r.db_for_write(Customer, instance=from_replica) == PRIMARY
    assert r.allow_relation(from_replica, from_primary) is True
    other = Customer(name="c")
    other._state.db = "elsewhere"
    assert r.allow_relation(from_replica, other) is None


@pytest.mark.django_db
def test_reports_db_query_runs_on_the_primary_without_a_replica(make_user: Any) -> None:
    from facadeops.customers import services as customer_services

    made = customer_services.customer_create(
        actor=make_user("management"), data={"name": "报表读取测试公司"}
    )
    seen = Customer.objects.using(reports_db()).get(pk=made.pk)
    assert seen.name == "报表读取测试公司" and seen._state.db == PRIMARY


_PROBE = """
import json, django
django.setup()
from django.db import connections
from facadeops.core.db_router import reports_db
from facadeops.customers.models import Customer
pk = int(__import__("sys").argv[1])
c = Customer.objects.using(reports_db()).get(pk=pk)
read_from, opened = c._state.db, connections["replica"].connection is not None
c.notes = "written through a replica read"
c.save(update_fields=["notes"])
print(json.dumps({"alias": reports_db(), "db": read_from, "replica_opened": opened,
                  "name": c.name, "saved_to": c._state.db}))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_a_replica_url_reports_read_the_replica_alias(make_user: Any) -> None:
    """A process configured with DATABASE_REPLICA_URL (here the same test database, as a
    streaming replica would hold the same rows) reads through the "replica" alias and
    still writes to the primary."""
    from facadeops.customers import services as customer_services

    made = customer_services.customer_create(
        actor=make_user("management"), data={"name": "副本读取测试公司"}
    )
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FACADEOPS_TESTING": "1",
        "DATABASE_URL": url,
        "DATABASE_REPLICA_URL": url,
        "DB_CONN_MAX_AGE": "0",
    }
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(made.pk)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["alias"] == REPORTS and result["db"] == REPORTS and result["replica_opened"]
    assert result["saved_to"] == PRIMARY
    assert result["name"] == "副本读取测试公司"
    made.refresh_from_db()
    assert made.notes == "written through a replica read"
