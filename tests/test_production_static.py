"""Production serves hashed, compressed static files (WhiteNoise manifest storage):
collectstatic must succeed with the production settings on the installed assets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_collectstatic_with_production_settings(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FACADEOPS_TESTING", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        {
            "SECRET_KEY": "collectstatic-test-" + "x" * 40,
            "ALLOWED_HOSTS": "facadeops.example.com",
            "STATIC_ROOT": str(tmp_path / "static"),
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3"),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    assert list((tmp_path / "static" / "vendor" / "htmx").glob("htmx.min.*.js.gz"))
