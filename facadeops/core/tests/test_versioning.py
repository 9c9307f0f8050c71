from __future__ import annotations

import pytest

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Conflict, InvalidInput
from facadeops.core.services import create_record, update_record
from facadeops.customers.models import Customer


@pytest.fixture
def customer(make_user):
    actor = make_user("management")
    return create_record(Customer, actor=actor, data={"name": "上海陆家嘴物业", "code": "KH-T-1"})


@pytest.mark.django_db
def test_update_with_current_version_writes_bumps_and_audits(customer, make_user) -> None:
    """X-9.1: an edit records before/after of the changed fields only."""
    actor = make_user("management")
    assert customer.version == 1
    update_record(
        customer, actor=actor, data={"city": "上海", "name": customer.name}, expected_version=1
    )
    customer.refresh_from_db()
    assert customer.version == 2 and customer.city == "上海"
    ev = AuditEvent.objects.filter(verb="updated").get()
    assert ev.before == {"city": ""} and ev.after == {"city": "上海"}


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_written(customer, make_user) -> None:
    """Concurrent edits never silently overwrite: the second editor gets a Conflict."""
    alice, bob = make_user("management"), make_user("management")
    update_record(customer, actor=alice, data={"city": "上海"}, expected_version=1)
    stale = Customer.objects.get(pk=customer.pk)
    stale.version = 1  # bob opened the form before alice saved
    with pytest.raises(Conflict) as exc:
        update_record(stale, actor=bob, data={"city": "北京"}, expected_version=1)
    assert exc.value.status == 409 and exc.value.as_dict()["code"] == "conflict"
    customer.refresh_from_db()
    assert customer.city == "上海" and customer.version == 2
    assert AuditEvent.objects.filter(verb="updated").count() == 1


@pytest.mark.django_db
def test_missing_version_is_refused(customer, make_user) -> None:
    with pytest.raises(InvalidInput) as exc:
        update_record(
            customer, actor=make_user("management"), data={"city": "x"}, expected_version=None
        )
    assert "version" in exc.value.fields


@pytest.mark.django_db
def test_invalid_data_gives_field_messages_and_writes_nothing(customer, make_user) -> None:
    """Bad input gets a specific message per field; nothing is half-written."""
    with pytest.raises(InvalidInput) as exc:
        update_record(
            customer,
            actor=make_user("management"),
            data={"email": "not-an-email", "city": "杭州"},
            expected_version=1,
        )
    assert "email" in exc.value.fields
    customer.refresh_from_db()
    assert customer.city == "" and customer.version == 1
    assert not AuditEvent.objects.filter(verb="updated").exists()


@pytest.mark.django_db
def test_unchanged_data_writes_nothing(customer, make_user) -> None:
    update_record(
        customer, actor=make_user("management"), data={"name": customer.name}, expected_version=1
    )
    customer.refresh_from_db()
    assert customer.version == 1
    assert not AuditEvent.objects.filter(verb="updated").exists()
