"""The archive (REG-2.5.2): archived by the service head through the service's "archive"
step, classified, with its retention period, found again by full-text search (Chinese) and
by project, customer, date and type, scoped, immutable, disposed of only with management's
approval after the retention period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from facadeops.archive import selectors, services
from facadeops.archive.models import ArchiveEntry, RecordType
from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.service import services as service_services
from facadeops.service.models import WOStatus

from . import factories

API = "/api/v1/archive"


def _archive(p: dict[str, Any], wo: Any) -> ArchiveEntry:
    """The real path: the service's archive step files the dossier (same transaction)."""
    service_services.work_order_transition(actor=p["head"], work_order=wo, name="archive")
    return ArchiveEntry.objects.get(number=wo.number)


@pytest.fixture
def old_entry(p: dict[str, Any]) -> ArchiveEntry:
    """An entry archived twelve years ago (retention 10 years → past retention)."""
    wo = factories.work_order(p, title="旧工单 中庭采光顶漏水")
    entry = services.archive_record(
        actor=p["head"],
        source=wo,
        record_type_code="work_order_dossier",
        title=wo.title,
        number=wo.number,
        record_date=timezone.localdate() - dt.timedelta(days=365 * 12 + 3),
        pdf=b"%PDF-1.7 old dossier",
        search_text="中庭采光顶漏水",
        customer=wo.customer,
        project=wo.project,
    )
    return entry


def test_record_types_are_seeded_editable_data(db: Any) -> None:
    """REG-2.5.2: retention periods per record type are data (服务记录, 工单档案, 投诉档案)."""
    seeded = {t.code: (t.name, t.retention_years) for t in RecordType.objects.all()}
    assert seeded["service_record"] == ("服务记录", 10)
    assert seeded["work_order_dossier"] == ("工单档案", 10)
    assert seeded["complaint_file"] == ("投诉档案", 10)


def test_service_head_archives_work_order_with_dossier_and_retention(
    p: dict[str, Any], wo: Any
) -> None:
    """REG-2.5.2: the reviewed record with plan, materials and acceptance reports is archived
    by the service head: classified, kept 10 years, the dossier PDF stored, audited."""
    entry = _archive(p, wo)
    wo.refresh_from_db()
    assert wo.status == WOStatus.ARCHIVED
    assert entry.record_type.code == "work_order_dossier"
    assert "·" in entry.classification
    assert entry.customer == wo.customer and entry.project == wo.project
    assert entry.retention_until == services.add_years(entry.record_date, 10)
    assert entry.archived_by == p["head"]
    assert entry.source == wo
    with entry.dossier.open("rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert "钢化玻璃自爆" in entry.search_text
    assert factories.RECORD_RESULT in entry.search_text
    assert AuditEvent.objects.filter(verb="archived", target_id=str(entry.pk)).exists()


def test_archiving_is_idempotent(p: dict[str, Any], wo: Any) -> None:
    """REG-2.5.2: archiving twice gives the same entry, one file."""
    entry = _archive(p, wo)
    wo.refresh_from_db()
    again = service_services.archive_work_order(actor=p["head"], work_order=wo)
    assert again is not None and again.pk == entry.pk
    assert ArchiveEntry.objects.count() == 1


def test_only_the_service_head_archives_and_only_when_reviewed(
    p: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    """REG-2.5.2: wrong role → 403; a work order whose record is not reviewed → 409."""
    wo = factories.work_order(p)
    with pytest.raises(Forbidden):
        service_services.archive_work_order(actor=p["pm"], work_order=wo)
    early = factories.work_order(p, status=WOStatus.RECORD_REVIEW, with_photo=False)
    with pytest.raises(Conflict):
        service_services.archive_work_order(actor=p["head"], work_order=early)
    assert not ArchiveEntry.objects.exists()


def test_archived_work_order_records_cannot_be_changed(p: dict[str, Any], wo: Any) -> None:
    """REG-2.5.2: archived records cannot be changed — the service refuses edits of an
    archived work order's records (progress, defects, completion checklist, record)."""
    _archive(p, wo)
    wo.refresh_from_db()
    attempts = [
        lambda: service_services.progress_log(actor=p["staff"], work_order=wo, text="补记"),
        lambda: service_services.completion_update(
            actor=p["staff"],
            work_order=wo,
            site_cleaned=False,
            facade_restored=False,
            cordon_removed=False,
            expected_version=wo.version,
        ),
        lambda: service_services.service_record_fill(actor=p["staff"], work_order=wo),
        lambda: service_services.work_order_transition(
            actor=p["head"], work_order=wo, name="cancel", note="x"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == "archived"


def test_archive_entry_refuses_updates_and_deletes_in_the_model(p: dict[str, Any], wo: Any) -> None:
    """REG-2.5.2: an archive entry cannot be changed (save, queryset update) or deleted
    before its approved disposal."""
    entry = _archive(p, wo)
    entry.title = "改过的题名"
    with pytest.raises(Conflict):
        entry.save()
    with pytest.raises(Conflict):
        ArchiveEntry.objects.filter(pk=entry.pk).update(title="改过的题名")
    with pytest.raises(Conflict):
        entry.delete()
    with pytest.raises(Conflict):
        ArchiveEntry.objects.filter(pk=entry.pk).delete()
    assert ArchiveEntry.objects.get(pk=entry.pk).title == wo.title


def test_full_text_search_finds_chinese_substrings(p: dict[str, Any], wo: Any) -> None:
    """REG-2.5.2: full-text search works for Chinese (substrings of the record's text), every
    term must match; filters by project, customer, date and type."""
    entry = _archive(p, wo)
    other = factories.work_order(p, title="北立面铝板变形维修", with_photo=False)
    other_entry = _archive(p, other)
    user = p["agent"]

    def found(**kw: Any) -> set[int]:
        return set(selectors.entry_search(user=user, **kw).values_list("pk", flat=True))

    assert found(q="玻璃自爆") == {entry.pk, other_entry.pk}
    assert found(q="淋水试验") >= {entry.pk}
    assert found(q="铝板变形") == {other_entry.pk}
    assert found(q="铝板变形 东立面") == {other_entry.pk}
    assert found(q="铝板变形 淋水 不存在") == set()
    assert found(q="不存在的词语") == set()
    assert found(q=wo.number) == {entry.pk}
    assert found(customer=wo.customer_id) == {entry.pk}
    assert found(project=other.project_id) == {other_entry.pk}
    today = timezone.localdate()
    assert found(date_from=today - dt.timedelta(days=1), date_to=today) == {
        entry.pk,
        other_entry.pk,
    }
    assert found(date_from=today + dt.timedelta(days=1)) == set()
    rt = RecordType.objects.get(code="complaint_file")
    assert found(record_type=rt) == set()


def test_customers_see_only_their_own_archive(
    p: dict[str, Any], wo: Any, make_user: Callable[..., Any]
) -> None:
    """REG-2.5.2 / REG-1.3: a customer finds only its own records; another customer's entry
    is 404; technicians have no archive (403)."""
    entry = _archive(p, wo)
    other = factories.work_order(p, with_photo=False)
    other_entry = _archive(p, other)
    own = make_user("customer", customer=wo.customer)
    assert set(selectors.entry_search(user=own, q="玻璃").values_list("pk", flat=True)) == {
        entry.pk
    }
    from facadeops.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.entry_get(user=own, pk=other_entry.pk)
    with pytest.raises(Forbidden):
        selectors.entry_list(user=p["technician"])


def test_disposal_needs_management_and_expired_retention(
    p: dict[str, Any], wo: Any, old_entry: ArchiveEntry, django_capture_on_commit_callbacks: Any
) -> None:
    """REG-2.5.2: records past retention are listed; management approves the disposal
    (audited), the PDF is destroyed and a tombstone stays; earlier or by others is refused."""
    current = _archive(p, wo)
    due = list(selectors.disposal_due(user=p["head"]))
    assert due == [old_entry]
    with pytest.raises(Forbidden):
        services.entry_dispose(actor=p["head"], entry=old_entry, note="到期")
    with pytest.raises(InvalidInput):
        services.entry_dispose(actor=p["manager"], entry=old_entry, note=" ")
    with pytest.raises(Conflict):
        services.entry_dispose(actor=p["manager"], entry=current, note="提前销毁")
    file_name = old_entry.dossier.name or ""
    storage = old_entry.dossier.storage
    assert storage.exists(file_name)
    with django_capture_on_commit_callbacks(execute=True):
        disposed = services.entry_dispose(
            actor=p["manager"], entry=old_entry, note="总经理办公会批准 2026-08 号"
        )
    assert not storage.exists(file_name)
    tomb = ArchiveEntry.objects.get(pk=old_entry.pk)
    assert tomb.disposed_by == p["manager"] and tomb.disposed_at is not None
    assert tomb.number == old_entry.number and tomb.title == old_entry.title
    assert not tomb.dossier and tomb.search_text == ""
    assert disposed.disposal_note.startswith("总经理办公会")
    assert AuditEvent.objects.filter(verb="disposed", target_id=str(tomb.pk)).exists()
    assert list(selectors.disposal_due(user=p["manager"])) == []
    with pytest.raises(Conflict):
        services.entry_dispose(actor=p["manager"], entry=tomb, note="again")


def test_retention_period_edit_is_management_only(p: dict[str, Any]) -> None:
    """REG-2.5.2: the retention period per record type is editable data (management)."""
    rt = RecordType.objects.get(code="service_record")
    with pytest.raises(Forbidden):
        services.record_type_update(actor=p["head"], record_type=rt, data={"retention_years": 30})
    with pytest.raises(InvalidInput):
        services.record_type_update(actor=p["manager"], record_type=rt, data={"retention_years": 0})
    with pytest.raises(InvalidInput):
        services.record_type_update(actor=p["manager"], record_type=rt, data={"code": "x"})
    services.record_type_update(actor=p["manager"], record_type=rt, data={"retention_years": 30})
    rt.refresh_from_db()
    assert rt.retention_years == 30


# -- pages -----------------------------------------------------------------------------------
def test_search_page_finds_chinese_and_query_count_is_constant(
    p: dict[str, Any], client: Any, django_assert_max_num_queries: Any
) -> None:
    """REG-2.5.2 / X-9.4: the archive search page; its query count does not grow with rows."""
    first = factories.work_order(p, with_photo=False)
    _archive(p, first)
    client.force_login(p["agent"])
    url = reverse("archive:entry_list")
    with django_assert_max_num_queries(12):
        r = client.get(url, {"q": "钢化玻璃"})
    assert r.status_code == 200 and first.number in r.content.decode()
    for _ in range(4):
        _archive(p, factories.work_order(p, with_photo=False))
    with django_assert_max_num_queries(12):
        r = client.get(url, {"q": "钢化玻璃"})
    assert r.content.decode().count("GD-2026-") >= 5
    r = client.get(url, {"q": "找不到的内容"})
    assert first.number not in r.content.decode()


def test_pages_scope_and_disposal_flow(
    p: dict[str, Any], wo: Any, old_entry: ArchiveEntry, client: Any, make_user: Callable[..., Any]
) -> None:
    """REG-2.5.2: detail, dossier download, 403 for roles without archive, 404 for another
    customer's entry, disposal page and approval by management."""
    entry = _archive(p, wo)
    client.force_login(p["technician"])
    assert client.get(reverse("archive:entry_list")).status_code == 403
    other_customer, _pr = factories.customer_and_project(p["manager"], p["pm"], name="别家物业")
    client.force_login(make_user("customer", customer=other_customer))
    assert client.get(reverse("archive:entry_detail", args=[entry.pk])).status_code == 404
    assert client.get(reverse("archive:entry_file", args=[entry.pk])).status_code == 404
    client.force_login(make_user("customer", customer=wo.customer))
    r = client.get(reverse("archive:entry_file", args=[entry.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(p["head"])
    r = client.get(reverse("archive:disposal_list"))
    assert r.status_code == 200 and old_entry.number in r.content.decode()
    r = client.post(reverse("archive:entry_dispose", args=[old_entry.pk]), {"note": "到期"})
    assert r.status_code == 403
    client.force_login(p["manager"])
    r = client.post(reverse("archive:entry_dispose", args=[old_entry.pk]), {"note": "批准销毁"})
    assert r.status_code == 302
    assert ArchiveEntry.objects.get(pk=old_entry.pk).disposed_at is not None
    r = client.get(reverse("archive:entry_detail", args=[old_entry.pk]))
    assert "tombstone" in r.content.decode()


# -- API ---------------------------------------------------------------------------------------
def test_api_search_filters_scope_and_query_count(
    p: dict[str, Any],
    client: Any,
    make_user: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    """REG-2.5.2: /archive/entries searches Chinese full text with filters, scoped; its query
    count does not grow with rows."""
    wo = factories.work_order(p, with_photo=False)
    entry = _archive(p, wo)
    client.force_login(p["agent"])
    with django_assert_max_num_queries(8):
        r = client.get(f"{API}/entries", {"q": "钢化玻璃 淋水", "type": "work_order_dossier"})
    assert r.status_code == 200
    assert [e["number"] for e in r.json()["results"]] == [wo.number]
    for _ in range(4):
        _archive(p, factories.work_order(p, with_photo=False))
    with django_assert_max_num_queries(8):
        r = client.get(f"{API}/entries", {"q": "钢化玻璃"})
    assert r.json()["count"] == 5
    assert client.get(f"{API}/entries", {"sort": "bogus"}).status_code == 422
    assert client.get(f"{API}/entries", {"date_from": "not-a-date"}).status_code == 422
    own = make_user("customer", customer=wo.customer)
    client.force_login(own)
    r = client.get(f"{API}/entries")
    assert [e["id"] for e in r.json()["results"]] == [entry.pk]
    other = ArchiveEntry.objects.exclude(pk=entry.pk).first()
    assert other is not None
    assert client.get(f"{API}/entries/{other.pk}").status_code == 404
    r = client.get(f"{API}/entries/{entry.pk}/dossier")
    assert r.status_code == 200
    client.force_login(p["technician"])
    assert client.get(f"{API}/entries").status_code == 403


def test_api_disposal(p: dict[str, Any], old_entry: ArchiveEntry, client: Any) -> None:
    """REG-2.5.2: disposal through the API — 403 for the service head, 422 without a note,
    200 for management, 409 the second time."""
    url = f"{API}/entries/{old_entry.pk}/dispose"
    client.force_login(p["head"])
    assert client.get(f"{API}/disposal").json()["count"] == 1
    assert client.post(url, {"note": "到期"}, content_type="application/json").status_code == 403
    client.force_login(p["manager"])
    r = client.post(url, {"note": ""}, content_type="application/json")
    assert r.status_code == 422 and "note" in r.json()["fields"]
    r = client.post(url, {"note": "批准"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["disposed_at"] and not r.json()["has_dossier"]
    assert client.post(url, {"note": "再次"}, content_type="application/json").status_code == 409
