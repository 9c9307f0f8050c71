"""Personal API tokens: shown once, stored hashed, Bearer auth, revoke and expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from facadeops.accounts import services
from facadeops.accounts.models import ApiToken
from facadeops.audit.models import AuditEvent
from facadeops.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db
ME = "/api/v1/accounts/me"


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_raw_token_never_stored_and_works_as_bearer(client, make_user) -> None:
    """X-9 API: only the SHA-256 digest is stored; the raw token authenticates."""
    user = make_user("technician", username="api-user")
    token, raw = services.api_token_create(actor=user, name="ERP")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert stored.digest == ApiToken.hash(raw)
    assert raw.startswith(stored.prefix)
    event = AuditEvent.objects.get(verb="token_created", target_id=str(token.pk))
    assert raw not in str(event.after) and stored.digest not in str(event.after)
    r = client.get(ME, **_bearer(raw))
    assert r.status_code == 200 and r.json()["username"] == "api-user"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_revoked_expired_unknown_and_inactive_refused(client, make_user) -> None:
    """X-9 API: a revoked, expired or unknown token, or one of a disabled user, gets 401."""
    user = make_user("technician")
    _t1, raw1 = services.api_token_create(actor=user, name="a")
    t2, raw2 = services.api_token_create(actor=user, name="b")
    assert client.get(ME, **_bearer(raw1)).status_code == 200
    services.api_token_revoke(actor=user, token=_t1)
    r = client.get(ME, **_bearer(raw1))
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    ApiToken.objects.filter(pk=t2.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(ME, **_bearer(raw2)).status_code == 401
    assert client.get(ME, **_bearer("fo_not-a-token")).status_code == 401
    _t3, raw3 = services.api_token_create(actor=user, name="c")
    user.is_active = False
    user.save()
    assert client.get(ME, **_bearer(raw3)).status_code == 401


def test_token_input_errors_and_others_tokens(make_user) -> None:
    """X-9 API: name required, expiry in the future; nobody revokes another's token."""
    user = make_user("technician")
    other = make_user("technician")
    with pytest.raises(InvalidInput) as exc:
        services.api_token_create(
            actor=user, name=" ", expires_at=timezone.now() - dt.timedelta(days=1)
        )
    assert set(exc.value.fields) == {"name", "expires_at"}
    token, _raw = services.api_token_create(actor=user, name="mine")
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=other, token=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_api_own_tokens_only(client, make_user) -> None:
    """X-9 API: POST/GET/DELETE /tokens act on the caller's own tokens only."""
    user = make_user("technician")
    other = make_user("quality")
    foreign, _raw = services.api_token_create(actor=other, name="foreign")
    client.force_login(user)
    r = client.post("/api/v1/accounts/tokens", {"name": "脚本"}, content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert body["token"].startswith(body["prefix"])
    assert ApiToken.objects.get(pk=body["id"]).digest == ApiToken.hash(body["token"])
    r = client.get("/api/v1/accounts/tokens")
    assert [t["name"] for t in r.json()] == ["脚本"]
    assert "token" not in r.json()[0] and "digest" not in r.json()[0]
    r = client.post("/api/v1/accounts/tokens", {"name": ""}, content_type="application/json")
    assert r.status_code == 422 and "name" in r.json()["fields"]
    assert client.delete(f"/api/v1/accounts/tokens/{foreign.pk}").status_code == 404
    assert client.delete(f"/api/v1/accounts/tokens/{body['id']}").status_code == 204
    assert ApiToken.objects.get(pk=body["id"]).revoked_at is not None
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None


def test_profile_token_shown_once_and_revoke(client, make_user) -> None:
    """X-9 API: the profile page creates a token and shows it once; revoke works."""
    user = make_user("service_staff")
    client.force_login(user)
    r = client.post(reverse("accounts:token_create"), {"name": "手机"})
    assert r.status_code == 200 and b'id="new-token"' in r.content
    token = ApiToken.objects.get(user=user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="new-token"' not in page and token.prefix in page
    r = client.post(reverse("accounts:token_create"), {"name": "", "expires_on": "2000-01-01"})
    assert r.status_code == 422 and b"invalid-feedback" in r.content
    r = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert r.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
