from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_checks_the_database(client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}
    assert r["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_reports_migrations_and_cache(client) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["migrations"] == "ok" and body["cache"] == "ok" and body["status"] == "ok"


@pytest.mark.django_db
def test_request_id_is_echoed_or_generated(client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert generated != "bad id with spaces" and len(generated) == 32


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client) -> None:
    assert client.post("/healthz").status_code == 405
