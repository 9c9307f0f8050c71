"""Issue 7 (docs/scaling.md, docs/configuration.md): the scale-out settings are read from
the environment — SESSION_ENGINE, CELERY_BROKER_URL, DATABASE_REPLICA_URL,
DB_DISABLE_SERVER_SIDE_CURSORS — and a wrong combination stops the start with a message.
Each case loads config.settings in a fresh process with exactly that environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
PG = "postgres://app@db.example:5432/facadeops"

_PRINT = """
import json
from config import settings as s
dbs = {a: {k: d.get(k) for k in ("ENGINE", "NAME", "HOST", "CONN_MAX_AGE",
       "DISABLE_SERVER_SIDE_CURSORS", "TEST")} for a, d in s.DATABASES.items()}
print(json.dumps({"session": s.SESSION_ENGINE, "broker": s.CELERY_BROKER_URL,
                  "eager": s.CELERY_TASK_ALWAYS_EAGER, "databases": dbs,
                  "routers": s.DATABASE_ROUTERS}))
"""


def _settings(**env: str) -> tuple[int, dict[str, Any], str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "REDIS_URL",
            "SESSION_ENGINE",
            "CELERY_BROKER_URL",
            "DATABASE_REPLICA_URL",
            "DB_DISABLE_SERVER_SIDE_CURSORS",
            "DB_CONN_MAX_AGE",
            "DATABASE_URL",
        }
    }
    clean.update({"FACADEOPS_TESTING": "1", "DATABASE_URL": PG, **env})
    out = subprocess.run(
        [sys.executable, "-c", _PRINT],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
    return out.returncode, data, out.stderr


def test_defaults_are_one_machine() -> None:
    rc, s, err = _settings()
    assert rc == 0, err
    assert s["session"] == "django.contrib.sessions.backends.db"
    assert s["broker"] == "memory://" and s["eager"] is True
    assert list(s["databases"]) == ["default"]
    assert s["databases"]["default"]["CONN_MAX_AGE"] == 60
    assert s["databases"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert s["routers"] == ["facadeops.core.db_router.ReportsRouter"]


def test_sessions_in_redis() -> None:
    redis = "redis://cache.example:6379/0"
    for name, engine in (("cached_db", "cached_db"), ("cache", "cache")):
        rc, s, err = _settings(SESSION_ENGINE=name, REDIS_URL=redis)
        assert rc == 0, err
        assert s["session"] == f"django.contrib.sessions.backends.{engine}"
    rc, s, err = _settings(
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db", REDIS_URL=redis
    )
    assert rc == 0 and s["session"].endswith(".cached_db"), err


def test_cache_sessions_without_redis_or_unknown_engine_refuse_to_start() -> None:
    rc, _s, err = _settings(SESSION_ENGINE="cache")
    assert rc != 0 and "set REDIS_URL too" in err
    rc, _s, err = _settings(SESSION_ENGINE="files")
    assert rc != 0 and "use one of db, cached_db, cache" in err


def test_celery_broker_has_its_own_variable() -> None:
    rc, s, err = _settings(
        REDIS_URL="redis://r.example:6379/0", CELERY_BROKER_URL="redis://r.example:6379/1"
    )
    assert rc == 0, err
    assert s["broker"] == "redis://r.example:6379/1" and s["eager"] is False
    rc, s, err = _settings(REDIS_URL="redis://r.example:6379/0")
    assert rc == 0 and s["broker"] == "redis://r.example:6379/0" and s["eager"] is False, err
    rc, s, err = _settings(CELERY_BROKER_URL="redis://broker.example:6379/1")
    assert rc == 0 and s["eager"] is False, err  # a broker alone: tasks go to workers


def test_replica_and_pgbouncer_settings() -> None:
    rc, s, err = _settings(
        DATABASE_REPLICA_URL="postgres://app@replica.example:5432/facadeops",
        DB_DISABLE_SERVER_SIDE_CURSORS="1",
        DB_CONN_MAX_AGE="0",
    )
    assert rc == 0, err
    replica, default = s["databases"]["replica"], s["databases"]["default"]
    assert replica["HOST"] == "replica.example" and default["HOST"] == "db.example"
    assert replica["TEST"] == {"MIRROR": "default"}
    for db in (replica, default):
        assert db["DISABLE_SERVER_SIDE_CURSORS"] is True and db["CONN_MAX_AGE"] == 0


def test_replica_of_another_engine_refuses_to_start() -> None:
    rc, _s, err = _settings(DATABASE_REPLICA_URL="sqlite:////tmp/other.sqlite3")
    assert rc != 0 and "same database engine" in err


@pytest.mark.django_db
def test_cached_db_sessions_sign_in_and_survive_a_cache_flush(
    make_user: Any, settings: Any
) -> None:
    """The engine the Kubernetes ConfigMap uses: a signed-in user stays signed in when the
    cache (Redis in production, here the per-process cache) is flushed."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.test import Client

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    user = make_user("service_head", password="pw-for-tests-123")
    client = Client()
    assert client.login(username=user.username, password="pw-for-tests-123")
    assert client.get("/", follow=True).wsgi_request.user == user
    store = client.session
    assert Session.objects.filter(session_key=store.session_key).exists()
    assert cache.get(store.cache_key) is not None  # read from the cache, not the database
    cache.clear()
    assert client.get("/", follow=True).wsgi_request.user == user
