"""Helper for chapter authors: print the observed matrix of routes as Python table rows
(`FACADEOPS_TESTING=1 pytest tests/security/dump_matrix.py -s`). Review every row before
copying it into access_matrix.py — the table states what SHOULD happen.
`DUMP_MISSING=1` prints only the routes that have no row yet."""

from __future__ import annotations

import os
from typing import Any

import pytest

from .probe import OK, probe
from .routes import live_routes
from .world import PRINCIPALS, STAFF_ROLES, build_world


@pytest.mark.django_db
def test_dump(make_user: Any) -> None:
    w = build_world(make_user)
    import time

    from .access_matrix import ACCESS

    only_missing = os.environ.get("DUMP_MISSING") == "1"
    for route in live_routes():
        if only_missing and route.key in ACCESS:
            continue
        t0 = time.monotonic()
        try:
            seen = {p: probe(route, p, w)[0] for p in PRINCIPALS}
        except LookupError as exc:
            print(f"    # {route.key!r}: {exc}")  # noqa: T201
            continue
        allowed = [p for p in PRINCIPALS if seen[p] == OK]
        odd = {p: v for p, v in seen.items() if v not in (OK, "deny", "login")}
        staff = [r for r in STAFF_ROLES if r in allowed]
        desc = "STAFF" if staff == STAFF_ROLES else repr(staff)
        extra = [p for p in allowed if p not in STAFF_ROLES]
        took = time.monotonic() - t0
        row = f"{route.key!r}: ({desc}, {extra!r}, {seen['anonymous']!r}),"
        print(f"    {row}  # {odd or ''} {took:.1f}s")  # noqa: T201
