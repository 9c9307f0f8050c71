"""Issue 7: creating a service request through the API is a fixed number of queries —
it does not grow with the requests already on the project or the customer's contacts.

Run with real transactions (``transaction=True``) so the count is the production one:
BEGIN/COMMIT instead of savepoints; the heads' notifications commit with the request.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from facadeops.accounts.models import ApiToken
from facadeops.audit.models import AuditEvent
from facadeops.customers.models import Contact
from facadeops.notifications.models import Notification
from facadeops.service.models import ServiceRequest

from .test_views_support import World, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/service/requests"
# token (with the user's roles), project + customer, BEGIN, contacts, service heads +
# preferences, number (UPDATE … RETURNING), INSERT request, INSERT audit event, INSERT
# notifications, COMMIT. Elsewhere than PostgreSQL the roles are one more query.
CREATE_QUERIES = 10 if connection.vendor == "postgresql" else 11


def _token_client(user: Any) -> Client:
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="q", prefix=raw[:8], digest=ApiToken.hash(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _create(client: Client, w: World, phone: str) -> tuple[int, dict[str, Any], list[str]]:
    body = {
        "caller_name": "陈先生",
        "caller_phone": phone,
        "description": "玻璃幕墙渗水",
        "project_id": w.project.pk,
        "customer_id": w.customer.pk,
        "urgency": "urgent",
    }
    with CaptureQueriesContext(connection) as cq:
        r = client.post(API, body, content_type="application/json")
    assert r.status_code == 201, r.content
    return len(cq.captured_queries), r.json(), [q["sql"] for q in cq.captured_queries]


def test_create_request_query_count_does_not_grow(world: World) -> None:
    client = _token_client(world.agent)
    _create(client, world, "13900000000")  # first call: the caller becomes a contact
    before, first, sql = _create(client, world, "13900000001")
    assert before == CREATE_QUERIES, "\n".join(sql)

    # Everything the create did is there: the number, the audit event, the head's inbox.
    req = ServiceRequest.objects.get(pk=first["id"])
    assert req.number.startswith("BX-") and req.contact is not None
    ct = ContentType.objects.get_for_model(ServiceRequest)
    events = AuditEvent.objects.filter(target_type=ct, target_id=str(req.pk), verb="created")
    assert [e.after["number"] for e in events] == [req.number]
    assert Notification.objects.filter(
        recipient=world.head, verb="request.created", target_id=str(req.pk)
    ).exists()

    # 5 more requests on the project and 5 more contacts of the customer: same count.
    for i in range(5):
        _create(client, world, f"1390000010{i}")
        Contact.objects.create(customer=world.customer, name=f"联系人{i}", phone=f"138000000{i}")
    after, last, sql = _create(client, world, "13900000002")
    assert after == before, "\n".join(sql)
    numbers = list(ServiceRequest.objects.order_by("number").values_list("number", flat=True))
    tail = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert tail == list(range(tail[0], tail[0] + len(tail))), "numbers are gap-free"
    assert last["number"] == numbers[-1]


def test_known_phone_number_matches_the_contact_in_the_same_query(world: World) -> None:
    client = _token_client(world.agent)
    _create(client, world, "13900000000")  # warm: the year's counter, the token's last use
    known = Contact.objects.create(customer=world.customer, name="赵经理", phone="139-1234-5678")
    n, body, sql = _create(client, world, "13912345678")
    assert body["contact_id"] == known.pk
    assert n == CREATE_QUERIES, "\n".join(sql)
