"""Fixtures of the archive tests: people per role, a Chinese work order ready to archive,
uploads in a temporary MEDIA_ROOT."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from . import factories


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def p(make_user: Callable[..., Any]) -> dict[str, Any]:
    return factories.people(make_user)


@pytest.fixture
def wo(p: dict[str, Any]) -> Any:
    return factories.work_order(p)
