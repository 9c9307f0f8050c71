from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facadeops.service.tests.test_process_flow import crew, people, world  # noqa: F401


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Path) -> None:
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
