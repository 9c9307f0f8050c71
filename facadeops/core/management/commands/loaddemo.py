"""Load the deterministic demo company once (a second run changes nothing)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: people first (actors of every later record), then reference data.
DEMO_APPS = ["accounts", "materials", "customers", "service", "planning"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print one demo login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        from facadeops.accounts.demo import DEMO_LOGINS, already_loaded

        if already_loaded():
            self.stdout.write("Demo data already loaded; nothing changed.")
        else:
            with transaction.atomic():
                ctx: dict[str, Any] = {}
                for app in DEMO_APPS:
                    module = import_module(f"facadeops.{app}.demo")
                    module.load(ctx)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (one per role):")
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login['role_label']!s:<24} {login['username']:<12} {login['password']}"
            )
