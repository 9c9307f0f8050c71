"""Issue 7: the idempotency key is claimed with one ``INSERT … ON CONFLICT DO NOTHING``
(no savepoint, no DELETE per request). Still: an expired key starts afresh, two requests
with one key at the same time create one record, and a create with a key costs only the
claim, the stored answer and a savepoint pair on top of the create itself."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facadeops.core.models import IdempotencyKey
from facadeops.customers.models import Customer

URL = "/api/v1/customers/customers"


def _post(client: Client, body: dict[str, Any], key: str | None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_expired_key_is_forgotten_and_the_request_runs_afresh(
    make_user: Callable[..., Any], login: Callable[[Any], Client]
) -> None:
    client = login(make_user("management"))
    assert _post(client, {"name": "过期键物业甲"}, "old-key").status_code == 201
    IdempotencyKey.objects.filter(key="old-key").update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    again = _post(client, {"name": "过期键物业乙"}, "old-key")  # another body: not a 422
    assert again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "false"
    assert Customer.objects.filter(name="过期键物业乙").exists()
    rows = IdempotencyKey.objects.filter(key="old-key")
    assert rows.count() == 1 and rows.get().created_at > timezone.now() - dt.timedelta(minutes=5)


@pytest.mark.django_db(transaction=True)
def test_key_costs_four_queries_on_top_of_the_create(
    make_user: Callable[..., Any], login: Callable[[Any], Client]
) -> None:
    """With a key: the claim INSERT and the stored answer UPDATE, and the create's own
    transaction becomes a savepoint pair inside the key's (was 7: a DELETE of expired keys
    and a savepoint around the claim on every request)."""
    client = login(make_user("management"))
    _post(client, {"name": "预热物业"}, None)
    with CaptureQueriesContext(connection) as plain:
        assert _post(client, {"name": "无键物业"}, None).status_code == 201
    with CaptureQueriesContext(connection) as keyed:
        assert _post(client, {"name": "有键物业"}, "count-key").status_code == 201
    sql = [q["sql"] for q in keyed.captured_queries]
    assert len(sql) == len(plain.captured_queries) + 4, "\n".join(sql)
    assert sum("ON CONFLICT" in s for s in sql) == 1
    assert not any(s.startswith("DELETE") for s in sql)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_key_at_the_same_time_creates_one_record(
    make_user: Callable[..., Any],
) -> None:
    user = make_user("management")
    results: list[Any] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            r = _post(client, {"name": "并发幂等物业"}, "race-key")
            results.append((r.status_code, r.get("Idempotent-Replayed"), r.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4
    assert {status for status, _r, _b in results} == {201}
    assert sorted(replayed for _s, replayed, _b in results) == ["false", "true", "true", "true"]
    assert len({body["id"] for _s, _r, body in results}) == 1
    assert Customer.objects.filter(name="并发幂等物业").count() == 1
