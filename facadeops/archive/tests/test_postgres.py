"""PostgreSQL: the trigger refuses UPDATE/DELETE of archive entries (REG-2.5.2) and the
pg_trgm GIN index serves Chinese substring search on this server's locale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from facadeops.archive import selectors, services
from facadeops.archive.models import ArchiveEntry

from . import factories

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _only_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


def _entry(p: dict[str, Any], *, years_ago: int = 0, text: str = "钢化玻璃自爆") -> ArchiveEntry:
    wo = factories.work_order(p, with_photo=False)
    return services.archive_record(
        actor=p["head"],
        source=wo,
        record_type_code="work_order_dossier",
        title=wo.title,
        number=wo.number,
        record_date=timezone.localdate() - dt.timedelta(days=365 * years_ago + 3 * years_ago),
        pdf=b"%PDF-1.7 test",
        search_text=text,
        customer=wo.customer,
        project=wo.project,
    )


def _refused(sql: str, params: list[Any]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_database_refuses_update_and_delete_of_an_archive_entry(p: dict[str, Any]) -> None:
    """REG-2.5.2: the database itself refuses UPDATE of the content and DELETE of an
    archived record (raw SQL, bypassing the model)."""
    entry = _entry(p)
    table = ArchiveEntry._meta.db_table
    _refused(f"UPDATE {table} SET title = %s WHERE id = %s", ["改", entry.pk])  # noqa: S608
    _refused(f"UPDATE {table} SET search_text = %s WHERE id = %s", ["", entry.pk])  # noqa: S608
    _refused(f"UPDATE {table} SET retention_until = %s WHERE id = %s", ["2000-01-01", entry.pk])  # noqa: S608
    _refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    # a "disposal" within the retention period is refused too
    _refused(
        f"UPDATE {table} SET disposed_at = now(), disposed_by_id = %s, dossier = '', "  # noqa: S608
        "search_text = '' WHERE id = %s",
        [p["manager"].pk, entry.pk],
    )
    assert ArchiveEntry.objects.get(pk=entry.pk).title == entry.title


def test_database_allows_only_the_approved_disposal(p: dict[str, Any]) -> None:
    """REG-2.5.2: past retention, the approved disposal may clear the file and the text;
    afterwards the tombstone never changes, and only then may the row be deleted."""
    old = _entry(p, years_ago=12)
    table = ArchiveEntry._meta.db_table
    _refused(
        f"UPDATE {table} SET disposed_at = now(), dossier = '', search_text = '' WHERE id = %s",  # noqa: S608
        [old.pk],
    )  # no approver
    services.entry_dispose(actor=p["manager"], entry=old, note="批准")
    _refused(f"UPDATE {table} SET disposal_note = %s WHERE id = %s", ["改", old.pk])  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [old.pk])  # noqa: S608
    assert not ArchiveEntry.objects.filter(pk=old.pk).exists()


def test_trigram_index_serves_chinese_substring_search(p: dict[str, Any]) -> None:
    """REG-2.5.2: pg_trgm makes trigrams of Chinese text on this server's locale and the
    GIN index on UPPER(search_text) is used for the search the selectors run."""
    with connection.cursor() as cur:
        cur.execute("SELECT array_length(show_trgm(%s), 1)", ["钢化玻璃自爆"])
        assert (cur.fetchone() or [0])[0] >= 4  # CJK characters are word characters
    target = _entry(p, text="中庭采光顶耐候胶开裂渗漏")
    for i in range(3):
        _entry(p, text=f"北立面铝板变形 {i}")
    qs = selectors.entry_search(user=p["agent"], q="耐候胶开裂")
    assert list(qs.values_list("pk", flat=True)) == [target.pk]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")  # tiny table: make the planner show
        cur.execute("SET LOCAL enable_indexscan = off")  # whether the GIN index is usable
        sql, params = (
            ArchiveEntry.objects.filter(search_text__icontains="耐候胶开裂")
            .order_by()
            .values("pk")
            .query.sql_with_params()
        )
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "archive_search_trgm" in plan, plan
