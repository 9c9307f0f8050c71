"""Authorization matrix (issue 4): every live route (Django URL resolver + the API's OpenAPI
paths) × every role, anonymous, and customer users of two companies.

- test_every_route_has_an_entry fails when a route is added without its row.
- test_route_access sends one request per route and principal (writes rolled back) and
  compares with the table. The bounded run (make test) checks anonymous, both customers and
  one allowed and one refused staff role per route; SECURITY_FULL_MATRIX=1 (make soak) checks
  all twelve principals.

The world is built once per module (per xdist worker) inside a transaction that is rolled
back when the module ends, so nothing of it outlives these tests. Every test runs in a
savepoint of that transaction (pytest-django) and every probe request in a further one that
is rolled back, so each request sees the same, freshly built world. No access decision
reads the cache (only the dashboard figures and the website form's rate counter are cached).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from .access_matrix import ACCESS, SAME_FOR_ALL
from .probe import DENY, LOGIN, OK, probe
from .routes import live_routes
from .world import PRINCIPALS, STAFF_ROLES, World, build_world, make_user

# `make test` (bounded), `make test-security` (marker matrix) and `make soak` (full).
pytestmark = pytest.mark.matrix

FULL = os.environ.get("SECURITY_FULL_MATRIX") == "1"
ROUTES = live_routes()


def expected(key: str) -> dict[str, str]:
    if key in SAME_FOR_ALL:
        return dict.fromkeys(PRINCIPALS, SAME_FOR_ALL[key])
    staff, others, anonymous = ACCESS[key]
    out = {p: (OK if p in staff or p in others else DENY) for p in PRINCIPALS}
    out["anonymous"] = anonymous
    return out


def principals_for(key: str) -> list[str]:
    if FULL:
        return PRINCIPALS
    exp = expected(key)
    allowed = [r for r in STAFF_ROLES if exp[r] == OK][:1]
    refused = [r for r in STAFF_ROLES if exp[r] != OK][:1]
    return ["anonymous", "customer_a", "customer_b", *allowed, *refused]


def test_every_route_has_an_entry() -> None:
    """Issue 4: a route without a row in access_matrix.ACCESS fails here."""
    missing = [r.key for r in ROUTES if r.key not in ACCESS]
    assert not missing, "routes without an access-matrix entry:\n" + "\n".join(missing)
    stale = sorted(set(ACCESS) - {r.key for r in ROUTES})
    assert not stale, "entries for routes that no longer exist:\n" + "\n".join(stale)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One world per module and worker, rolled back at the end (see the module docstring)."""
    from facadeops.accounts.models import User

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            w = build_world(make_user)
            yield w
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        # nothing of the world outlives the module (other tests on this worker count rows)
        assert not User.objects.filter(username=w.users["agent"].username).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.key in ACCESS], ids=lambda r: r.key)
def test_route_access(route: Any, world: World) -> None:
    """Issue 4: role AND object scope of each route, per principal."""
    w = world
    exp = expected(route.key)
    wrong = []
    for principal in principals_for(route.key):
        got, response = probe(route, principal, w)
        if got != exp[principal]:
            wrong.append(
                f"{principal}: expected {exp[principal]}, got {got} ({response.status_code})"
            )
    assert not wrong, route.key + "\n" + "\n".join(wrong)


def test_classification_is_not_vacuous() -> None:
    """The table holds real denials and real grants (a test that cannot fail is a defect)."""
    assert any(exp[0] and exp[0] != STAFF_ROLES for exp in ACCESS.values())
    assert all(exp[2] in (LOGIN, OK) for exp in ACCESS.values())
