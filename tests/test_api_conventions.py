"""API conventions shared by every endpoint: OpenAPI published, one error shape,
both auth methods, translated messages."""

from __future__ import annotations

from typing import Any

import pytest

from facadeops.core.roles import Role


@pytest.mark.django_db
def test_openapi_schema_lists_every_router(client: Any) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for prefix in (
        "/api/v1/customers/",
        "/api/v1/accounts/",
        "/api/v1/materials/",
        "/api/v1/notifications/",
        "/api/v1/attachments",
    ):
        assert any(p.startswith(prefix) for p in paths), prefix


@pytest.mark.django_db
def test_docs_are_reachable(client: Any) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 302 and r["Location"] == "/api/v1/docs"
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_unauthenticated_gets_the_error_shape(client: Any) -> None:
    r = client.get("/api/v1/notifications/unread-count")
    assert r.status_code == 401
    body = r.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "unauthenticated"


@pytest.mark.django_db
def test_messages_follow_the_users_language(client: Any) -> None:
    zh = client.get("/api/v1/notifications/unread-count", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    en = client.get("/api/v1/notifications/unread-count", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh["message"] != en["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["message"])


@pytest.mark.django_db
def test_validation_errors_name_the_fields(client: Any, make_user: Any) -> None:
    client.force_login(make_user(Role.MANAGEMENT))
    r = client.get("/api/v1/customers/customers?page=abc")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid" and "page" in body["fields"]


@pytest.mark.django_db
def test_bearer_token_and_session_both_authenticate(client: Any, make_user: Any) -> None:
    from facadeops.accounts.models import ApiToken

    user = make_user(Role.SERVICE_HEAD)
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="ci", prefix=raw[:8], digest=ApiToken.hash(raw))
    r = client.get("/api/v1/notifications/unread-count", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    r = client.get("/api/v1/notifications/unread-count", HTTP_AUTHORIZATION="Bearer fo_wrong")
    assert r.status_code == 401
    client.force_login(user)
    assert client.get("/api/v1/notifications/unread-count").status_code == 200


@pytest.mark.django_db
def test_session_writes_need_csrf(make_user: Any) -> None:
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(make_user(Role.MANAGEMENT))
    r = c.post("/api/v1/notifications/read", data={}, content_type="application/json")
    assert r.status_code in (401, 403)
    assert set(r.json()) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_bearer_token_writes_are_not_held_to_the_session_csrf_check(make_user: Any) -> None:
    """An integration with a token POSTs without a CSRF token (the browser's session does not
    apply to it); a session POST without the token is still refused (above)."""
    from django.test import Client

    from facadeops.accounts.models import ApiToken

    user = make_user(Role.SERVICE_HEAD)
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="pbx", prefix=raw[:8], digest=ApiToken.hash(raw))
    c = Client(enforce_csrf_checks=True)
    r = c.post(
        "/api/v1/notifications/read",
        data={"all": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200, r.content
