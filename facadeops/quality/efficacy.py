"""Efficacy measures of improvement actions: what "it worked" means is computed by the app
whose records it counts. An app registers a measure from its ``AppConfig.ready()``
(``complaints`` registers the complaint rate of a cause); quality knows none of them.

A measure is ``fn(params, start, end) -> list[str]``: the records (their numbers) in
``[start, end)``. The check compares the rate per 30 days in the window before the action
was done (as long as ``check_after_days``) with the window from done to the check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from facadeops.core.errors import InvalidInput

Counter = Callable[[dict[str, Any], dt.datetime, dt.datetime], list[str]]


@dataclass(frozen=True)
class Measure:
    key: str
    label: Any
    count: Counter


_MEASURES: dict[str, Measure] = {}


def register_measure(key: str, label: Any, count: Counter) -> None:
    _MEASURES[key] = Measure(key, label, count)


def measure(key: str) -> Measure:
    try:
        return _MEASURES[key]
    except KeyError as exc:
        raise InvalidInput(
            fields={"measure": [_("Unknown efficacy measure “%(key)s”.") % {"key": key}]}
        ) from exc


def measures() -> list[Measure]:
    return sorted(_MEASURES.values(), key=lambda m: m.key)


@dataclass(frozen=True)
class Result:
    rate_before: Decimal
    rate_after: Decimal
    efficacy_pct: int
    effective: bool
    before: list[str]
    after: list[str]
    windows: dict[str, str]


def _rate(n: int, days: float) -> Decimal:
    per30 = Decimal(n) * Decimal(30) / Decimal(str(max(days, 1.0)))
    return per30.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def evaluate(key: str, params: dict[str, Any], *, done_at: dt.datetime, now: dt.datetime) -> Result:
    """Rate before (the same length as the time since done, ending when done) against the
    rate after. Effective when the rate fell (or stayed at zero); efficacy = the share of
    the rate that went away, 0–100 %."""
    m = measure(key)
    span = now - done_at
    before = m.count(params, done_at - span, done_at)
    after = m.count(params, done_at, now)
    days = span.total_seconds() / 86400
    rb, ra = _rate(len(before), days), _rate(len(after), days)
    if rb > 0:
        pct = int(
            max(Decimal(0), (rb - ra) / rb * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
    else:
        pct = 100 if ra == 0 else 0
    return Result(
        rate_before=rb,
        rate_after=ra,
        efficacy_pct=min(pct, 100),
        effective=ra < rb or (rb == 0 and ra == 0),
        before=before,
        after=after,
        windows={
            "before": f"{(done_at - span).isoformat()} – {done_at.isoformat()}",
            "after": f"{done_at.isoformat()} – {now.isoformat()}",
        },
    )
