"""Load the deterministic demo company once (a second run changes nothing).

Each app contributes its demo data from its ``demo.py`` (``core.demo``), in dependency
order; this command imports no domain app.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from facadeops.core.demo import pieces


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print one demo login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = pieces()
        if any(p.loaded() for p in demo if p.loaded is not None):
            self.stdout.write("Demo data already loaded; nothing changed.")
        else:
            with transaction.atomic():
                ctx: dict[str, Any] = {}
                for piece in demo:
                    if piece.load is not None:
                        piece.load(ctx)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for piece in demo:
            if piece.summary is not None:
                for line in piece.summary():
                    self.stdout.write(line)
