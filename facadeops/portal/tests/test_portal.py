"""Customer portal: scope (pages and API), remote acceptance (REG-2.4.1), satisfaction
(REG-3.3.3, REG-5), complaints, invitations bound to a customer."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail

from facadeops.complaints import services as cs
from facadeops.complaints.models import Complaint, ComplaintStatus, CustomerUpdate
from facadeops.notifications.models import Notification
from facadeops.portal.models import PortalInvitation, SatisfactionRating
from facadeops.service import services as sv
from facadeops.service.demo import signature_data_url, walk
from facadeops.service.models import CustomerAcceptance, WOStatus
from facadeops.service.tests.test_process_flow import make_request

pytestmark = [pytest.mark.django_db]
API = "/api/v1/portal"


@pytest.fixture
def two(people: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """A work order of customer A and one of customer B."""
    wo_a = sv.request_convert(actor=people["head"], request=make_request(people, world))
    req_b = make_request(people, world, project=world["project_b"], caller_name="钱先生")
    wo_b = sv.request_convert(actor=people["head"], request=req_b)
    return {"a": wo_a, "b": wo_b, "req_b": req_b}


def test_pages_show_only_own_customer(
    login: Any, world: dict[str, Any], two: dict[str, Any]
) -> None:
    """Portal pages: a customer sees its own projects, requests and work orders, nothing of
    another customer (404 for every other record)."""
    c = login(world["customer_user_a"])
    home = c.get("/portal/").content.decode()
    assert two["a"].number in home and two["b"].number not in home
    assert world["project_a"].name in home and world["project_b"].name not in home
    assert c.get(f"/portal/work-orders/{two['a'].pk}/").status_code == 200
    assert c.get(f"/portal/work-orders/{two['b'].pk}/").status_code == 404
    assert c.get(f"/portal/requests/{two['req_b'].pk}/").status_code == 404
    assert c.get(f"/portal/projects/{world['project_b'].pk}/").status_code == 404
    assert c.get(f"/portal/work-orders/{two['b'].pk}/acceptance/").status_code == 404
    assert c.get(f"/portal/work-orders/{two['b'].pk}/rate/").status_code == 404
    assert c.get(f"/portal/work-orders/{two['a'].pk}/").status_code == 200
    detail = c.get(f"/portal/work-orders/{two['a'].pk}/").content.decode()
    assert "status-history" in detail


def test_staff_are_refused_the_portal(login: Any, people: dict[str, Any]) -> None:
    assert login(people["agent"]).get("/portal/").status_code == 403


def test_api_scope(login: Any, world: dict[str, Any], two: dict[str, Any]) -> None:
    """Portal API: lists hold only the caller's customer's records; other records are 404."""
    c = login(world["customer_user_a"])
    wos = c.get(f"{API}/work-orders").json()
    assert [w["number"] for w in wos["results"]] == [two["a"].number]
    reqs = c.get(f"{API}/requests").json()
    assert {r["number"] for r in reqs["results"]} == {two["a"].request.number}
    projects = c.get(f"{API}/projects").json()
    assert [p["id"] for p in projects["results"]] == [world["project_a"].pk]
    assert c.get(f"{API}/work-orders/{two['b'].pk}").status_code == 404
    assert c.get(f"{API}/work-orders/{two['a'].pk}").json()["history"]
    r = c.post(
        f"{API}/work-orders/{two['b'].pk}/rating",
        json.dumps({"score": 5}),
        content_type="application/json",
    )
    assert r.status_code == 404
    r = c.post(
        f"{API}/complaints",
        json.dumps({"subject": "x", "description": "y", "project_id": world["project_b"].pk}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "project" in r.json()["fields"]
    other = login(world["customer_user_b"])
    assert other.get(f"{API}/work-orders/{two['a'].pk}").status_code == 404


def test_api_refuses_staff_and_anonymous(client: Any, login: Any, people: dict[str, Any]) -> None:
    assert client.get(f"{API}/work-orders").status_code == 401
    assert login(people["tech"]).get(f"{API}/work-orders").status_code == 403


def test_list_queries_do_not_grow(
    login: Any,
    people: dict[str, Any],
    world: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    c = login(world["customer_user_a"])

    def add(n: int) -> None:
        for _i in range(n):
            sv.request_convert(actor=people["head"], request=make_request(people, world))

    add(2)
    with django_assert_max_num_queries(12):
        assert c.get("/portal/").status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(f"{API}/work-orders").json()["count"] == 2
    add(10)
    with django_assert_max_num_queries(12):
        assert c.get("/portal/").status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(f"{API}/work-orders").json()["count"] == 12


def test_remote_acceptance_signed_in_portal(
    login: Any, world: dict[str, Any], crew: Any, two: dict[str, Any]
) -> None:
    """REG-2.4.1: the customer signs the acceptance remotely (channel portal)."""
    wo = walk(two["a"], WOStatus.CUSTOMER_ACCEPTANCE, crew)
    c = login(world["customer_user_a"])
    page = c.get(f"/portal/work-orders/{wo.pk}/").content.decode()
    assert "sign-acceptance" in page
    url = f"/portal/work-orders/{wo.pk}/acceptance/"
    bad = c.post(url, {"decision": "accept", "signer_name": "客户甲", "signature": ""})
    assert bad.status_code == 422
    assert not CustomerAcceptance.objects.filter(work_order=wo).exists()
    ok = c.post(
        url, {"decision": "accept", "signer_name": "客户甲", "signature": signature_data_url()}
    )
    assert ok.status_code == 302
    wo.refresh_from_db()
    assert wo.status == WOStatus.RECORD
    acc = CustomerAcceptance.objects.get(work_order=wo)
    assert acc.channel == "portal" and acc.accepted and acc.signature
    # another customer cannot sign it
    assert login(world["customer_user_b"]).post(url, {"decision": "accept"}).status_code == 404


def test_satisfaction_rating(
    login: Any, world: dict[str, Any], crew: Any, two: dict[str, Any]
) -> None:
    """REG-3.3.3 / REG-5: satisfaction 1–5 with a comment, once, after acceptance."""
    c = login(world["customer_user_a"])
    url = f"{API}/work-orders/{two['a'].pk}/rating"
    early = c.post(url, json.dumps({"score": 5}), content_type="application/json")
    assert early.status_code == 409
    walk(two["a"], WOStatus.RECORD, crew)
    bad = c.post(url, json.dumps({"score": 7}), content_type="application/json")
    assert bad.status_code == 422 and "score" in bad.json()["fields"]
    ok = c.post(url, json.dumps({"score": 4, "comment": "很及时"}), content_type="application/json")
    assert ok.status_code == 201
    rating = SatisfactionRating.objects.get(work_order=two["a"])
    assert (rating.score, rating.comment, rating.customer) == (4, "很及时", world["customer_a"])
    again = c.post(url, json.dumps({"score": 5}), content_type="application/json")
    assert again.status_code == 409


def test_reg_4_1_1_a_portal_complaint_is_a_real_complaint_acknowledged_and_the_head_told(
    login: Any,
    people: dict[str, Any],
    world: dict[str, Any],
    two: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """REG-4.1.1 (portal channel), 4.1.2: the complaint filed in the portal enters the REG-4
    chain — numbered, its work order related, acknowledged at once, the project's service
    head told — and the customer lands on its page."""
    c = login(world["customer_user_a"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            "/portal/complaints/new/",
            {"subject": "维修拖延", "description": "三天没人来", "work_order": two["a"].pk},
        )
    comp = Complaint.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/portal/complaints/{comp.pk}/"
    assert (comp.customer, comp.project, comp.channel) == (
        world["customer_a"],
        two["a"].project,
        "portal",
    )
    assert list(comp.work_orders.all()) == [two["a"]] and comp.status == ComplaintStatus.RECEIVED
    assert Notification.objects.filter(recipient=people["head"], verb="complaint.created").exists()
    page = c.get(f"/portal/complaints/{comp.pk}/").content.decode()
    assert comp.number in page and CustomerUpdate.objects.get(complaint=comp).text in page
    assert comp.number in c.get("/portal/").content.decode()
    r = c.post(
        "/portal/complaints/new/", {"subject": "x", "description": "y", "work_order": two["b"].pk}
    )
    assert r.status_code == 422
    r = c.post("/portal/complaints/new/", {"subject": "x", "description": "y"})
    assert r.status_code == 422 and "project" in r.context["form"].errors
    assert Complaint.objects.count() == 1
    other = login(world["customer_user_b"])
    assert other.get(f"/portal/complaints/{comp.pk}/").status_code == 404


def test_reg_4_3_3_the_customer_rejects_in_the_portal_with_a_reason_then_accepts(
    login: Any, people: dict[str, Any], world: dict[str, Any], media: Any
) -> None:
    """REG-4.3.2, 4.3.3: the result reaches the portal; the customer's rejection (reason
    required) opens a new round; the later acceptance closes the complaint."""
    from facadeops.complaints.tests.test_process import (
        _approved,
        _handled,
        _investigated,
    )

    p = {**people, "staff": people["lead"]}
    w = {**world, "dept": _dept()}
    comp = cs.complaint_create(
        actor=people["agent"],
        data={"project": world["project_a"], "category": "quality", "severity": "general",
              "subject": "仍漏水", "description": "说明", "contact_name": "周"},
    )  # fmt: skip
    comp = _handled(p, _approved(p, _investigated(p, w, comp)))
    c = login(world["customer_user_a"])
    page = c.get(f"/portal/complaints/{comp.pk}/").content.decode()
    assert 'id="complaint-verdict"' in page
    r = c.post(f"/portal/complaints/{comp.pk}/verdict/", {"verdict": "reject", "reason": " "})
    assert r.status_code == 422
    comp.refresh_from_db()
    assert comp.status == ComplaintStatus.FEEDBACK
    r = c.post(f"/portal/complaints/{comp.pk}/verdict/", {"verdict": "reject", "reason": "又漏了"})
    assert r.status_code == 302
    comp.refresh_from_db()
    assert (comp.status, comp.round_no) == (ComplaintStatus.INVESTIGATING, 2)
    assert 'id="complaint-verdict"' not in c.get(f"/portal/complaints/{comp.pk}/").content.decode()
    comp = _handled(p, _approved(p, _investigated(p, w, comp)))
    r = c.post(f"/portal/complaints/{comp.pk}/verdict/", {"verdict": "accept"})
    comp.refresh_from_db()
    assert r.status_code == 302 and comp.status == ComplaintStatus.CLOSED
    other = login(world["customer_user_b"])
    assert (
        other.post(f"/portal/complaints/{comp.pk}/verdict/", {"verdict": "accept"}).status_code
        == 404
    )


def _dept() -> Any:
    from facadeops.accounts.models import Department

    return Department.objects.get_or_create(code="svc", defaults={"name": "服务部"})[0]


def test_portal_request_submission(login: Any, world: dict[str, Any]) -> None:
    """REG-2.1.1 portal channel: a customer submits a request for its own project."""
    from facadeops.service.models import ServiceRequest

    c = login(world["customer_user_a"])
    r = c.post(
        "/portal/requests/new/",
        {
            "kind": "inquiry",
            "project": world["project_a"].pk,
            "urgency": "normal",
            "description": "请问清洗周期？",
        },
    )
    assert r.status_code == 302
    req = ServiceRequest.objects.get()
    assert (req.channel, req.customer, req.kind) == ("portal", world["customer_a"], "inquiry")
    r = c.post(
        "/portal/requests/new/",
        {
            "kind": "repair",
            "project": world["project_b"].pk,
            "urgency": "normal",
            "description": "x",
        },
    )
    assert r.status_code == 422
    assert ServiceRequest.objects.count() == 1


def test_invitation_binds_the_account_to_the_customer(
    client: Any,
    login: Any,
    people: dict[str, Any],
    world: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Customer users are invited by e-mail and bound to their customer."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    agent = login(people["agent"])
    with django_capture_on_commit_callbacks(execute=True):
        r = agent.post(
            "/portal/invite/",
            {
                "customer": world["customer_a"].pk,
                "email": "wang@example.com",
                "full_name": "王经理",
            },
        )
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"(/portal/invitation/[^/\s]+/)", str(mail.outbox[0].body))
    assert link is not None and "FacadeOps" in mail.outbox[0].subject
    zh, en = str(mail.outbox[0].body).split("\n\n----\n\n")
    assert link.group(1) in zh and link.group(1) in en  # one body per language, zh first
    assert "customer portal" in en and "customer portal" not in zh
    agent.logout()
    weak = client.post(link.group(1), {"username": "wang", "password": "123"})
    assert weak.status_code == 422
    ok = client.post(link.group(1), {"username": "wang", "password": "Facade-portal-2026"})
    assert ok.status_code == 302
    inv = PortalInvitation.objects.get()
    assert inv.user is not None and inv.user.customer == world["customer_a"]
    assert inv.user.groups.filter(name="customer").exists()
    assert client.get("/portal/").status_code == 200
    client.logout()
    reuse = client.post(link.group(1), {"username": "wang2", "password": "Facade-portal-2026"})
    assert reuse.status_code == 422  # used: shown as a form error
    assert login(people["tech"]).get("/portal/invite/").status_code == 403
