"""The efficacy check of improvement actions (REG-4.4.2, reused by REG-5/7/8): the rate per
30 days before the action was done against the rate after, from a registered measure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from facadeops.core.errors import InvalidInput
from facadeops.quality import efficacy

DONE = timezone.now().replace(microsecond=0)


@pytest.fixture
def counted() -> Any:
    """A measure counting the given timestamps (records named by their day offset)."""
    stamps: list[dt.datetime] = []

    def count(params: dict[str, Any], lo: dt.datetime, hi: dt.datetime) -> list[str]:
        return [f"R{(s - DONE).days}" for s in stamps if lo <= s < hi]

    efficacy.register_measure("test.stamps", "stamps", count)
    yield stamps
    efficacy._MEASURES.pop("test.stamps", None)


def _at(days: float) -> dt.datetime:
    return DONE + dt.timedelta(days=days)


def test_reg_4_4_2_fewer_after_is_effective_with_the_share_that_went_away(counted: Any) -> None:
    counted += [_at(-50), _at(-40), _at(-20), _at(-5), _at(10)]
    r = efficacy.evaluate("test.stamps", {}, done_at=DONE, now=_at(60))
    assert r.before == ["R-50", "R-40", "R-20", "R-5"] and r.after == ["R10"]
    assert (r.rate_before, r.rate_after) == (Decimal("2.000"), Decimal("0.500"))
    assert r.efficacy_pct == 75 and r.effective


def test_reg_4_4_2_as_many_or_more_after_is_not_effective(counted: Any) -> None:
    counted += [_at(-10), _at(3), _at(4)]
    r = efficacy.evaluate("test.stamps", {}, done_at=DONE, now=_at(30))
    assert r.efficacy_pct == 0 and not r.effective
    counted[:] = [_at(-10), _at(3)]
    r = efficacy.evaluate("test.stamps", {}, done_at=DONE, now=_at(30))
    assert r.rate_before == r.rate_after and not r.effective


def test_reg_4_4_2_none_before_and_none_after_counts_as_effective(counted: Any) -> None:
    r = efficacy.evaluate("test.stamps", {}, done_at=DONE, now=_at(30))
    assert r.effective and r.efficacy_pct == 100


def test_an_unknown_measure_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput) as exc:
        efficacy.measure("nothing.here")
    assert "measure" in exc.value.fields


def test_complaints_register_their_cause_measure() -> None:
    assert "complaints.cause" in {m.key for m in efficacy.measures()}
