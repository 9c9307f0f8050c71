from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from facadeops.audit.models import AuditEvent
from facadeops.audit.selectors import timeline_for
from facadeops.audit.services import record


@pytest.fixture
def target(make_user):
    return make_user("management")


@pytest.mark.django_db
def test_record_keeps_who_what_before_after_note(target, make_user) -> None:
    """X-9.1: every change is recorded — who, when, what, before/after; approvals keep comments."""
    actor = make_user("service_head", full_name="王主管")
    ev = record(
        actor=actor, verb="updated", target=target, before={"a": 1}, after={"a": 2}, note="同意"
    )
    ev.refresh_from_db()
    assert ev.actor == actor and ev.actor_repr == "王主管"
    assert ev.before == {"a": 1} and ev.after == {"a": 2}
    assert ev.note == "同意"
    assert ev.at is not None
    assert ev.changes == [("a", 1, 2)]
    assert list(timeline_for(target)) == [ev]


@pytest.mark.django_db
def test_model_refuses_update_and_delete(target) -> None:
    """X-9.1: the audit log is append-only, whatever the database."""
    ev = record(actor=None, verb="created", target=target)
    ev.note = "changed"
    with pytest.raises(RuntimeError):
        ev.save()
    with pytest.raises(RuntimeError):
        ev.delete()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_trigger_refuses_update_and_delete_even_in_bulk(target) -> None:
    """X-9.1: on PostgreSQL a trigger refuses UPDATE and DELETE — also queryset bulk
    operations and raw SQL that bypass the model."""
    assert connection.vendor == "postgresql"
    ev = record(actor=None, verb="created", target=target, note="original")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(note="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("DELETE FROM audit_auditevent")
    ev.refresh_from_db()
    assert ev.note == "original"
    assert AuditEvent.objects.filter(pk=ev.pk).exists()


@pytest.mark.django_db
def test_timeline_includes_events_whose_context_is_the_record(target, make_user) -> None:
    """X-9.1: a record's timeline shows its own events and those of records belonging to it."""
    other = make_user("technician")
    own = record(actor=None, verb="updated", target=target)
    child = record(actor=None, verb="created", target=other, context=target)
    unrelated = record(actor=None, verb="created", target=other)
    events = list(timeline_for(target))
    assert own in events and child in events and unrelated not in events
