"""Human numbers per type and year: ``BX-2026-000123``.

``next_number`` must run inside the transaction that creates the numbered record: the
counter row stays locked until that transaction ends, so concurrent creators queue up and
a rollback returns the number. Numbers are therefore gap-free and unique.

Take the number as late as possible in the transaction (after validation, right before
the INSERT): every statement between ``next_number`` and the commit runs while other
creators of the same prefix wait. The increment and the read are one statement
(``UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35), one round trip.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Sequence

# The registry of prefixes in use, so two apps never share one (checked by a test).
PREFIXES: dict[str, str] = {
    "BX": "service request (报修)",
    "GD": "work order (工单)",
    "TS": "complaint (投诉)",
    "CG": "purchase order (采购)",
    "HT": "service contract (维保合同)",
    "XM": "project (项目)",
    "KH": "customer (客户)",
}


class NumberingOutsideTransaction(RuntimeError):
    pass


def next_number(prefix: str, *, at: datetime | None = None, width: int = 6) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"Unknown number prefix {prefix!r}; register it in PREFIXES.")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise NumberingOutsideTransaction(
            "next_number() must be called inside the transaction that creates the record."
        )
    year = timezone.localtime(at or timezone.now()).year
    key = f"{prefix}-{year}"
    qn = connection.ops.quote_name
    table, last, key_col = qn(Sequence._meta.db_table), qn("last"), qn("key")
    # Identifiers from the model, quoted; the key is a parameter.
    sql = f"UPDATE {table} SET {last} = {last} + 1 WHERE {key_col} = %s RETURNING {last}"  # noqa: S608
    for _attempt in range(3):
        with connection.cursor() as cur:
            cur.execute(sql, [key])
            row = cur.fetchone()
        if row is not None:
            return f"{prefix}-{year}-{int(row[0]):0{width}d}"
        try:
            with transaction.atomic():
                Sequence.objects.create(key=key, last=0)
        except IntegrityError:
            pass  # another transaction created it first; its row lock now serialises us
    raise RuntimeError(f"Could not allocate a number for {key}")  # pragma: no cover
