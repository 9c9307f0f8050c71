"""`manage.py backup ARCHIVE.tar`: the database and the uploaded files in one tar archive.

Layout of the archive:
- ``manifest.json`` — format version, database engine, time, row count per table;
- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite, a consistent copy through SQLite's online backup API);
- ``media/…`` — every file under MEDIA_ROOT.

Restore with `manage.py restore` into an EMPTY database (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

FORMAT = 1


def tool(name: str) -> str:
    """Full path of a PostgreSQL client program (postgresql-client must be installed)."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} not found on PATH; install the PostgreSQL client tools.")
    return path


def pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq environment for the pg_* tools (no password on the command line)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def row_counts() -> dict[str, int]:
    """Rows per table of the connected database (the manifest; compared after a restore)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


class Command(BaseCommand):
    help = "Back up the database and the media files into one tar archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="path of the .tar archive to write")
        parser.add_argument("--no-media", action="store_true", help="database only")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["archive"])
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name.")
        db = settings.DATABASES["default"]
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"Unsupported database engine: {vendor}")
        tables = row_counts()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "engine": vendor,
            "created_at": timezone.now().isoformat(),
            "tables": tables,
        }
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            if vendor == "postgresql":
                dump = work / "database.dump"
                result = subprocess.run(  # noqa: S603
                    [tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump)],
                    env=pg_env(db),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if result.returncode != 0:
                    raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            else:
                dump = work / "database.sqlite3"
                connection.close()
                src = sqlite3.connect(str(db["NAME"]))
                dst = sqlite3.connect(str(dump))
                try:
                    src.backup(dst)
                finally:
                    dst.close()
                    src.close()
            (work / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
            media = Path(settings.MEDIA_ROOT)
            files = 0
            partial = target.with_name(target.name + ".part")
            try:
                with tarfile.open(partial, "w") as tar:
                    tar.add(work / "manifest.json", arcname="manifest.json")
                    tar.add(dump, arcname=dump.name)
                    if not options["no_media"] and media.is_dir():
                        for path in sorted(media.rglob("*")):
                            if path.is_file() and not path.is_symlink():
                                tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
                                files += 1
                partial.rename(target)
            except BaseException:
                partial.unlink(missing_ok=True)  # never leave a half-written archive
                raise
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: {vendor}, {len(tables)} tables, "
                f"{sum(tables.values())} rows, {files} media files."
            )
        )
