"""Shared fixtures. Tests run against a real database (PostgreSQL in `make test`, plus the
database-agnostic part on SQLite); nothing of our own is mocked."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _english_free_of_throttling(settings: Any) -> None:
    settings.AXES_ENABLED = False


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("technician", "quality", customer=None, **fields) → a user holding the roles."""
    from django.contrib.auth.models import Group

    from facadeops.accounts.models import User

    def _make(*roles: str, password: str = "pw-for-tests-123", **fields: Any) -> User:
        n = next(_seq)
        fields.setdefault("username", f"user{n}")
        fields.setdefault("full_name", f"测试用户{n}")
        user = User.objects.create_user(password=password, **fields)
        if roles:
            user.groups.set([Group.objects.get_or_create(name=r)[0] for r in roles])
        return user

    return _make


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    def _login(user: Any) -> Any:
        client.force_login(user)
        return client

    return _login


def roles_of(user: Any) -> Iterable[str]:
    return user.groups.values_list("name", flat=True)
