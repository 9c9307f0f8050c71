"""Database routing for a PostgreSQL read replica (docs/scaling.md, issue 7).

Nothing goes to the replica by default: the workflow, numbering and anything read and then
written stay on the primary (replica lag, row locks). Report selectors that may show data a
few seconds old (dashboard figures, exports, forecasts, the archive search) read
explicitly with ``.using(reports_db())``.

``DATABASE_REPLICA_URL`` configures the ``"replica"`` alias (``config/settings.py``);
without it ``reports_db()`` is ``"default"``: the same queries run on the primary, with no
second connection. Writes always go to the primary, also for objects read from the
replica, and relations between the two aliases are allowed: they are the same data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

PRIMARY = "default"
REPORTS = "replica"


def reports_db() -> str:
    """The alias report selectors read from: the replica if one is configured."""
    return REPORTS if REPORTS in settings.DATABASES else PRIMARY


class ReportsRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPORTS:
            # Related objects of a report row (e.g. work_order.project) come from the
            # replica too, as Django's default would; everything else is the primary's.
            return REPORTS
        return PRIMARY

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPORTS} or None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY
