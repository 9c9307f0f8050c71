"""Sign-in, sign-out, password change and login throttling (django-axes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from facadeops.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PW = "pw-for-tests-123"


def test_login_and_logout(client, make_user) -> None:
    """REG-1.3: a person signs in with username and password and signs out (POST)."""
    make_user("technician", username="zhang", password=PW)
    r = client.get(reverse("accounts:login"))
    assert r.status_code == 200 and b'id="login-form"' in r.content
    r = client.post(reverse("accounts:login"), {"username": "zhang", "password": PW})
    assert r.status_code == 302 and r["Location"] == reverse("core:home")
    assert client.get(reverse("accounts:profile")).status_code == 200
    r = client.post(reverse("accounts:logout"))
    assert r.status_code == 302
    r = client.get(reverse("accounts:profile"))
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_wrong_password_shows_error(client, make_user) -> None:
    """REG-1.3: a wrong password gets the form again with a message, no session."""
    make_user("technician", username="zhang", password=PW)
    r = client.post(reverse("accounts:login"), {"username": "zhang", "password": "nope"})
    assert r.status_code == 200 and b"form-errors" in r.content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client, make_user) -> None:
    """REG-6.4.4: a disabled (left) employee cannot sign in."""
    make_user("technician", username="gone", password=PW, is_active=False)
    client.post(reverse("accounts:login"), {"username": "gone", "password": PW})
    assert "_auth_user_id" not in client.session


def test_password_change(client, make_user) -> None:
    """REG-1.3: a person changes their own password (old one needed); audited."""
    user = make_user("technician", username="zhang", password=PW)
    client.force_login(user)
    r = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "Nm-8x!q2zz", "new_password2": "Nm-8x!q2zz"},
    )
    assert r.status_code == 200 and b"invalid-feedback" in r.content
    r = client.post(
        reverse("accounts:password_change"),
        {"old_password": PW, "new_password1": "Nm-8x!q2zz", "new_password2": "Nm-8x!q2zz"},
    )
    assert r.status_code == 302 and r["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password("Nm-8x!q2zz")
    assert AuditEvent.objects.filter(verb="password_changed", target_id=str(user.pk)).exists()


def test_five_failures_lock_the_sixth_attempt(client, make_user, settings) -> None:
    """REG-1.3 (X): after 5 failed sign-ins the 6th is refused even with the right
    password, with the locked-out page."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    make_user("technician", username="zhang", password=PW)
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "zhang", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    r = client.post(url, {"username": "zhang", "password": PW}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429
    assert b'id="locked-out"' in r.content
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, make_user, settings) -> None:
    """REG-1.3 (X): below the limit the right password still works."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    make_user("technician", username="zhang", password=PW)
    url = reverse("accounts:login")
    for _ in range(4):
        client.post(url, {"username": "zhang", "password": "wrong"}, REMOTE_ADDR="10.0.0.8")
    r = client.post(url, {"username": "zhang", "password": PW}, REMOTE_ADDR="10.0.0.8")
    assert r.status_code == 302
