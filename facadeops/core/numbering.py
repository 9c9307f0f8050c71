"""Human numbers per type and year: ``BX-2026-000123``.

``next_number`` must run inside the transaction that creates the numbered record: the
counter row stays locked until that transaction ends, so concurrent creators queue up and
a rollback returns the number. Numbers are therefore gap-free and unique.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
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
    if not transaction.get_connection().in_atomic_block:
        raise NumberingOutsideTransaction(
            "next_number() must be called inside the transaction that creates the record."
        )
    year = timezone.localtime(at or timezone.now()).year
    key = f"{prefix}-{year}"
    for _attempt in range(3):
        if Sequence.objects.filter(key=key).update(last=F("last") + 1):
            value = Sequence.objects.values_list("last", flat=True).get(key=key)
            return f"{prefix}-{year}-{value:0{width}d}"
        try:
            with transaction.atomic():
                Sequence.objects.create(key=key, last=0)
        except IntegrityError:
            pass  # another transaction created it first; its row lock now serialises us
    raise RuntimeError(f"Could not allocate a number for {key}")  # pragma: no cover
