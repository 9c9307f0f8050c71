"""REG-3.1.2 at year end: draft next year's plan for every active project, with a progress
bar. ``manage.py draft_plans --year 2027 --user head``"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from facadeops.accounts.models import User
from facadeops.core.errors import FacadeOpsError

from ...services import draft_plans


def bar(done: int, total: int, width: int = 40) -> str:
    filled = width if not total else int(width * done / total)
    pct = 100 if not total else int(100 * done / total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {pct:3d}% {done}/{total}"


class Command(BaseCommand):
    help = "Draft next year's annual maintenance plans (bulk, idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=timezone.localdate().year + 1)
        parser.add_argument("--user", required=True, help="username of the service head")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **opts: Any) -> None:

        try:
            actor = User.objects.get(username=opts["user"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user {opts['user']!r}") from exc

        def progress(done: int, total: int) -> None:
            sys.stdout.write("\r" + bar(done, total))
            sys.stdout.flush()

        try:
            run = draft_plans(
                actor=actor, year=opts["year"], batch_size=opts["batch_size"], progress=progress
            )
        except FacadeOpsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(f"drafted {run.done}, skipped {run.skipped} (year {run.year})")
