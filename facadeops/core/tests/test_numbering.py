from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from facadeops.core.numbering import PREFIXES, NumberingOutsideTransaction, next_number

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_numbers_are_per_prefix_and_year_and_zero_padded() -> None:
    """Numbering per type and year: BX-2026-000001 …"""
    year = timezone.localtime().year
    with transaction.atomic():
        a = next_number("BX")
        b = next_number("BX")
        c = next_number("GD")
    assert a == f"BX-{year}-000001"
    assert b == f"BX-{year}-000002"
    assert c == f"GD-{year}-000001"


@pytest.mark.django_db
def test_year_boundary_uses_local_time_of_shanghai() -> None:
    """A record created at 2026-12-31 17:00 UTC is already 2027 in Asia/Shanghai."""
    import datetime as dt

    at = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
    with transaction.atomic():
        assert next_number("TS", at=at) == "TS-2027-000001"


@pytest.mark.django_db
def test_rolled_back_creation_gives_its_number_back() -> None:
    """Gap-free: a creation that fails and rolls back does not consume a number."""
    year = timezone.localtime().year
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("HT") == f"HT-{year}-000001"
        raise RuntimeError("creation failed")
    with transaction.atomic():
        assert next_number("HT") == f"HT-{year}-000001"


@pytest.mark.django_db(transaction=True)
def test_numbering_outside_a_transaction_is_refused() -> None:
    with pytest.raises(NumberingOutsideTransaction):
        next_number("BX")


@pytest.mark.django_db
def test_unknown_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown number prefix"), transaction.atomic():
        next_number("ZZ")


def test_prefixes_are_unique_two_letter_codes() -> None:
    assert all(len(p) == 2 and p.isupper() for p in PREFIXES)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_gap_free_and_unique_under_eight_parallel_processes() -> None:
    """Numbering is gap-free and unique when 8 OS processes create at the same time
    (PostgreSQL row lock on the counter)."""
    assert connection.vendor == "postgresql"
    db_name = connection.settings_dict["NAME"]
    per_process = 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "facadeops.core.tests.number_worker",
                db_name,
                str(per_process),
                "CG",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    numbers: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        numbers.extend(line for line in out.splitlines() if line)
    year = timezone.localtime().year
    assert len(numbers) == 8 * per_process
    assert len(set(numbers)) == len(numbers), "duplicate numbers"
    assert sorted(numbers) == [f"CG-{year}-{i:06d}" for i in range(1, 8 * per_process + 1)]
