"""`manage.py restore ARCHIVE.tar`: restore a `manage.py backup` archive into an EMPTY
database (no tables) and its media files into MEDIA_ROOT; then check the row count of every
table against the archive's manifest. Refuses a database that holds tables, an archive of
another engine, and media names that would escape MEDIA_ROOT (docs/operations.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import FORMAT, pg_env, row_counts, tool


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (and its media files)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="path of the .tar archive written by backup")
        parser.add_argument("--no-media", action="store_true", help="database only")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["archive"])
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        vendor = connection.vendor
        db = settings.DATABASES["default"]
        with connection.cursor() as cursor:
            existing = connection.introspection.table_names(cursor)
        if existing:
            raise CommandError(
                f"The database {db['NAME']} is not empty ({len(existing)} tables); "
                "restore only into an empty database."
            )
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r") as tar:
            work = Path(tmp)
            names = tar.getnames()
            if "manifest.json" not in names:
                raise CommandError(f"{source} is not a FacadeOps backup (no manifest.json).")
            tar.extractall(work, filter="data")  # refuses absolute, ../ and device members
            manifest = json.loads((work / "manifest.json").read_text("utf-8"))
            if manifest.get("format") != FORMAT or manifest.get("engine") != vendor:
                raise CommandError(
                    f"The archive holds a {manifest.get('engine')} database (format "
                    f"{manifest.get('format')}); this database is {vendor}."
                )
            if vendor == "postgresql":
                result = subprocess.run(  # noqa: S603
                    [
                        tool("pg_restore"),
                        "--no-owner",
                        "--exit-on-error",
                        "--single-transaction",
                        "--dbname",
                        str(db["NAME"]),
                        str(work / "database.dump"),
                    ],
                    env=pg_env(db),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if result.returncode != 0:
                    raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
            else:
                connection.close()
                shutil.copyfile(work / "database.sqlite3", str(db["NAME"]))
            files = 0
            media_src = work / "media"
            if not options["no_media"] and media_src.is_dir():
                media = Path(settings.MEDIA_ROOT)
                for path in sorted(media_src.rglob("*")):
                    if path.is_file():
                        dest = media / path.relative_to(media_src)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, dest)
                        files += 1
        connection.close()
        counts = row_counts()
        expected = manifest["tables"]
        if counts != expected:
            wrong = sorted(
                t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t)
            )
            raise CommandError(f"Row counts differ from the backup in: {', '.join(wrong)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {source}: {len(counts)} tables, {sum(counts.values())} rows "
                f"(as in the backup), {files} media files."
            )
        )
