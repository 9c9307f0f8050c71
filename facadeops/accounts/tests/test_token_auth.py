"""Bearer-token authentication reads the token, its user and (PostgreSQL) the user's roles in
one fixed SQL statement (issue 7): the user is the one the ORM loads, field for field, and
the roles are read afresh on every request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facadeops.accounts import services
from facadeops.accounts.api_auth import _token_user
from facadeops.accounts.models import ApiToken, User
from facadeops.core.roles import user_roles

pytestmark = pytest.mark.django_db
ME = "/api/v1/accounts/me"


def test_the_token_user_is_the_orm_user_with_its_roles(make_user: Any) -> None:
    user = make_user(
        "technician", "quality", full_name="张 <伟>", phone="138", preferred_language="en"
    )
    user.last_login = timezone.now() - dt.timedelta(days=2)
    user.save()
    Group.objects.create(name="not-a-role").user_set.add(user)
    token, raw = services.api_token_create(
        actor=user, name="t", expires_at=timezone.now() + dt.timedelta(days=3)
    )
    found = _token_user(ApiToken.hash(raw))
    assert found is not None
    token_id, last_used, expires, revoked, loaded = found
    stored = ApiToken.objects.get(pk=token.pk)
    assert (token_id, last_used, expires, revoked) == (
        stored.pk,
        stored.last_used_at,
        stored.expires_at,
        stored.revoked_at,
    )
    fresh = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert not loaded._state.adding and loaded._state.db == "default"
    assert user_roles(loaded) == {"technician", "quality"}
    assert _token_user(ApiToken.hash(raw + "x")) is None


def test_the_raw_row_is_only_used_where_no_user_column_needs_a_converter(
    make_user: Any,
) -> None:
    """PostgreSQL: the raw row is what the ORM would load only while no User column needs a
    database converter (a JSON field, say, would break that): this fails first. Other
    databases (SQLite: datetimes and booleans are converted) load through the ORM."""
    _t, raw = services.api_token_create(actor=make_user("technician"), name="t")
    with CaptureQueriesContext(connection) as cq:
        assert _token_user(ApiToken.hash(raw)) is not None
    (query,) = cq.captured_queries
    if connection.vendor == "postgresql":
        assert "ARRAY(SELECT" in query["sql"]
        for field in User._meta.concrete_fields:
            assert not field.get_db_converters(connection), field.name
            col = field.get_col(User._meta.db_table)
            assert not connection.ops.get_db_converters(col), field.name
    else:
        assert "ARRAY(" not in query["sql"]


def test_roles_are_read_on_every_request(client: Any, make_user: Any) -> None:
    user = make_user("technician")
    _t, raw = services.api_token_create(actor=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    dashboard = "/api/v1/service/dashboard"
    assert client.get(dashboard, **auth).status_code == 403  # a technician has none
    user.groups.add(Group.objects.get_or_create(name="management")[0])
    assert client.get(dashboard, **auth).status_code == 200  # the next request sees it
    user.groups.clear()
    assert client.get(dashboard, **auth).status_code == 403
