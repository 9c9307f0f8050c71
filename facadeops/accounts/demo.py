"""Demo people (filled in by the people work). DEMO_LOGINS is shown on the login page
under `make run` and printed by `manage.py loaddemo`."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "facade-demo-2026"  # noqa: S105 - demo data only, shown on the login page
DEMO_LOGINS: list[dict[str, Any]] = []
