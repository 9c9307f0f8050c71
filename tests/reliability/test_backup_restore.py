"""Issue 4: `manage.py backup` / `manage.py restore` — restoring into an empty database gives
identical row counts per table and an identical audit log, and the media files come back.

The commands run as subprocesses against two scratch PostgreSQL databases (``<db>_src``,
``<db>_dst``, created and dropped here); the source is a copy of the migrated test database
filled by `manage.py loaddemo` plus one uploaded file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def _url(db: dict[str, Any], name: str) -> str:
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _admin(db: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(_url(db, "postgres"), autocommit=True)


def _manage(*args: str, url: str, media: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(media), FACADEOPS_TESTING="1")
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _snapshot(url: str) -> tuple[dict[str, int], list[Any]]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [r[0] for r in cur.fetchall()]
        counts = {}
        for t in tables:
            cur.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(t)))
            counts[t] = cur.fetchone()[0]  # type: ignore[index]
        cur.execute("SELECT * FROM audit_auditevent ORDER BY id")
        audit = cur.fetchall()
    return counts, audit


@pytest.fixture
def scratch() -> Iterator[tuple[str, str]]:
    db = connection.settings_dict
    test_db = db["NAME"]
    base = test_db.removeprefix("test_")
    src, dst = f"{base}_src", f"{base}_dst"
    connection.close()  # the template must have no other session
    with _admin(db) as admin:
        for name in (src, dst):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # Idle sessions left on the test database by earlier tests of this worker (live
        # server threads, subprocesses) would block the template copy: end them.
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (test_db,),
        )
        admin.execute(f'CREATE DATABASE "{src}" TEMPLATE "{test_db}"')
        admin.execute(f'CREATE DATABASE "{dst}"')
    try:
        yield _url(db, src), _url(db, dst)
    finally:
        with _admin(db) as admin:
            for name in (src, dst):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_restore_into_empty_database(scratch: tuple[str, str], tmp_path: Path) -> None:
    """Issue 4: backup → restore into an empty database: identical row counts per table,
    identical audit log, identical media files; a non-empty database is refused."""
    src, dst = scratch
    src_media, dst_media = tmp_path / "src_media", tmp_path / "dst_media"
    (src_media / "attachments" / "2026").mkdir(parents=True)
    (src_media / "attachments" / "2026" / "现场照片.png").write_bytes(b"\x89PNG fake photo")
    loaded = _manage("loaddemo", url=src, media=src_media)
    assert loaded.returncode == 0, loaded.stderr

    archive = tmp_path / "facadeops.tar"
    done = _manage("backup", str(archive), url=src, media=src_media)
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout

    restored = _manage("restore", str(archive), url=dst, media=dst_media)
    assert restored.returncode == 0, restored.stderr

    src_counts, src_audit = _snapshot(src)
    dst_counts, dst_audit = _snapshot(dst)
    assert src_counts == dst_counts
    assert src_counts["audit_auditevent"] > 0 and src_counts["service_workorder"] > 0
    assert src_audit == dst_audit
    src_files = {
        p.relative_to(src_media): p.read_bytes() for p in src_media.rglob("*") if p.is_file()
    }
    dst_files = {
        p.relative_to(dst_media): p.read_bytes() for p in dst_media.rglob("*") if p.is_file()
    }
    assert src_files == dst_files and src_files

    # The restored database is no longer empty: a second restore is refused, nothing changed.
    again = _manage("restore", str(archive), url=dst, media=dst_media)
    assert again.returncode != 0 and "not empty" in again.stderr
    assert _snapshot(dst) == (dst_counts, dst_audit)
    # An existing archive is never overwritten.
    clash = _manage("backup", str(archive), url=src, media=src_media)
    assert clash.returncode != 0 and "exists" in clash.stderr


@pytest.mark.django_db
def test_sqlite_backup_restore_by_file_copy(tmp_path: Path) -> None:
    """Issue 4: on SQLite (the embedded `make run` database) backup copies the database file;
    restore puts it back into an empty database with the same row counts."""
    import sqlite3

    src_url = f"sqlite:///{tmp_path / 'src.sqlite3'}"
    dst_url = f"sqlite:///{tmp_path / 'dst.sqlite3'}"
    media = tmp_path / "media"
    (media / "a").mkdir(parents=True)
    (media / "a" / "合同.pdf").write_bytes(b"%PDF-1.4 contract")
    migrated = _manage("migrate", "--no-input", url=src_url, media=media)
    assert migrated.returncode == 0, migrated.stderr
    archive = tmp_path / "sqlite.tar"
    assert _manage("backup", str(archive), url=src_url, media=media).returncode == 0
    out = _manage("restore", str(archive), url=dst_url, media=tmp_path / "media2")
    assert out.returncode == 0, out.stderr

    def counts(path: Path) -> dict[str, int]:
        with sqlite3.connect(path) as conn:
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608

    src_counts = counts(tmp_path / "src.sqlite3")
    assert src_counts == counts(tmp_path / "dst.sqlite3") and src_counts["django_migrations"] > 0
    assert (tmp_path / "media2" / "a" / "合同.pdf").read_bytes() == b"%PDF-1.4 contract"
