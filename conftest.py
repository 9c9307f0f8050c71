"""Shared fixtures. Tests run against a real database (PostgreSQL in `make test`, plus the
database-agnostic part on SQLite); nothing of our own is mocked."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_login_throttling(settings: Any) -> None:
    """django-axes off in tests (its own tests switch it on)."""
    settings.AXES_ENABLED = False


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English, for tests that match refusal texts (the UI default is zh-Hans).
    Use it with ``pytestmark = pytest.mark.usefixtures("english")``."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT in the test's own temporary folder (to prove what is, or is not, stored)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


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


# Reference data written by data migrations. Transactional tests (live server, parallel
# processes) empty every table when they end, so each one re-seeds it first — the seed
# functions are idempotent. Later chapters add their seed migrations here.
SEED_MIGRATIONS = [
    "facadeops.accounts.migrations.0003_seed_certificate_types_skills",
    "facadeops.customers.migrations.0003_seed_catalogues",
    "facadeops.service.migrations.0003_seed_defects_and_calendar",
    "facadeops.archive.migrations.0002_seed_record_types",
    "facadeops.planning.migrations.0002_seed_rules",
    "facadeops.complaints.migrations.0002_seed_severities_causes",
]


@pytest.fixture(autouse=True)
def _reseed_reference_data(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        f in request.fixturenames for f in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from facadeops.accounts.signals import sync_role_groups

    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)
    sync_role_groups()
