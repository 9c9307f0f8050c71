"""The complaint chain of REG-4 through /api/v1/complaints: one end-to-end HTTP run of the
whole process (two rounds, the evidence through the attachments API), bad input with every
field's message, scope (404) and role (403/409) refusals, the list's filters, sorting,
pagination and its query budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from ninja import Schema

from facadeops.accounts.models import ApiToken
from facadeops.complaints import api
from facadeops.complaints import services as cs
from facadeops.complaints.models import Complaint, ComplaintStatus
from facadeops.customers.models import Contact
from facadeops.service.demo import photo

from .test_process import _approved, _investigated, _plan

S = ComplaintStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "media")]

API = "/api/v1/complaints"


def _api(user: Any, language: str = "en") -> Client:
    """A client of ``user`` with a personal API token (as an integration calls)."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=ApiToken.hash(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


def _post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def _put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, body, content_type="application/json")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def _step(client: Client, pk: int, name: str, note: str = "") -> Any:
    return _post(client, f"{API}/complaints/{pk}/transitions/{name}", {"note": note})


def _soon(days: int = 5) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _new(people: dict[str, Any], world: dict[str, Any], **data: Any) -> Complaint:
    payload = {
        "project": world["project_a"],
        "contact": world["contact"],
        "category": "quality",
        "severity": "serious",
        "subject": "维修后仍然漏水",
        "description": "上周维修的12层窗户，下雨后仍然漏水。",
    }
    payload.update(data)
    return cs.complaint_create(actor=people["agent"], data=payload)


def _investigate(
    c: dict[str, Client], people: dict[str, Any], world: dict[str, Any], pk: int, round_id: int
) -> Any:
    """REG-4.2.2, 4.2.3 through the API: arrival, a photo on the round, findings, submit."""
    _ok(_post(c["tech"], f"{API}/complaints/{pk}/arrival"))
    upload = c["tech"].post(
        "/api/v1/attachments",
        {"target_type": "complaints.round", "target_id": str(round_id), "file": photo("漏水.png")},
    )
    assert upload.status_code == 201, upload.content
    body = _ok(
        _put(
            c["tech"],
            f"{API}/complaints/{pk}/findings",
            {
                "findings": "窗框与副框之间打胶不连续",
                "cause_category": "workmanship",
                "root_cause": "上次维修打胶前未清理旧胶",
                "whys": ["为什么漏水？打胶不连续", "为什么不连续？旧胶未清理"],
                "responsible_department_id": world["dept"].pk,
                "responsible_person_id": people["staff"].pk,
            },
        )
    )
    current = body["rounds"][-1]
    assert current["cause_category"] == "workmanship"
    assert current["responsible_person_id"] == people["staff"].pk
    return _ok(_step(c["tech"], pk, "submit_findings"))


def _plan_body(people: dict[str, Any], summary: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "expected_completion": _soon(),
        "measures": [
            {
                "description": "清除旧胶并重新打胶",
                "deadline": _soon(),
                "responsible_id": people["staff"].pk,
                "site_work": True,
            },
            {
                "description": "淋水试验并向客户汇报",
                "deadline": _soon(4),
                "responsible_id": people["tech"].pk,
            },
        ],
    }


def _approve_and_handle(c: dict[str, Client], people: dict[str, Any], pk: int) -> Any:
    """REG-4.3.1, 4.3.2: a plan through both reviews, its measures done, the result."""
    _ok(_put(c["tech"], f"{API}/complaints/{pk}/plan", _plan_body(people, "重新打胶")))
    _ok(_step(c["tech"], pk, "submit_plan"))
    _ok(_step(c["tech_head"], pk, "approve_plan_tech", "同意"))
    body = _ok(_step(c["pm"], pk, "approve_plan"))
    assert body["status"] == S.HANDLING
    approved = body["rounds"][-1]["plans"][-1]
    assert approved["outcome"] == "approved"
    for m in approved["measures"]:
        who = "staff" if m["responsible_id"] == people["staff"].pk else "tech"
        _ok(_post(c[who], f"{API}/complaints/{pk}/measures/{m['id']}/done", {"note": "已完成"}))
    _ok(
        _put(c["tech"], f"{API}/complaints/{pk}/result", {"result": "已重新打胶，淋水试验无渗漏。"})
    )
    return _ok(_step(c["tech"], pk, "report_result"))


# --- the whole process ------------------------------------------------------------------------
def test_reg_4_the_whole_complaint_process_through_the_api(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.1.1, 4.1.2, 4.2.1, 4.2.2, 4.2.3, 4.3.1, 4.3.2, 4.3.3 end to end over HTTP: the
    agent records it, the service head forms the team and sends it, the team is on site with
    a photo (attachments API, on the round), finds the root cause, writes the plan; the
    technical head returns it with a note, the second version passes both reviews; the
    measures are done, the customer is told, the result reported; the customer rejects it
    (its own API call), a second round repeats the investigation, the customer accepts, the
    service head archives the file — every round kept."""
    c = {
        k: _api(people[k]) for k in ("agent", "head", "tech", "staff", "tech_head", "pm", "quality")
    }
    customer = _api(world["customer_user_a"])
    # REG-4.1.1 / 4.1.2: recorded with customer, contact, project, what, where and when
    body = _ok(
        _post(
            c["agent"],
            f"{API}/complaints",
            {
                "project_id": world["project_a"].pk,
                "contact_id": world["contact"].pk,
                "category": "quality",
                "severity": "serious",
                "subject": "维修后仍然漏水",
                "description": "上周维修的12层窗户，下雨后仍然漏水。",
                "location": "东立面 12F",
                "channel": "email",
            },
        ),
        201,
    )
    pk = body["id"]
    assert body["number"].startswith("TS-") and body["status"] == S.RECEIVED
    assert (body["customer_id"], body["project_id"], body["contact_id"]) == (
        world["customer_a"].pk,
        world["project_a"].pk,
        world["contact"].pk,
    )
    assert (body["contact_name"], body["severity"], body["channel"]) == (
        "周建华",
        "serious",
        "email",
    )
    assert body["received_by_id"] == people["agent"].pk and body["transitions"] == []
    assert [u["kind"] for u in body["updates"]] == ["ack"]
    first_round = body["rounds"][0]["id"]
    # REG-4.2.1: the service head forms the team, then sends it
    transitions = _ok(c["head"].get(f"{API}/complaints/{pk}/transitions"))
    assert {t["name"] for t in transitions} == {"start_investigation", "withdraw"}
    body = _ok(
        _post(
            c["head"],
            f"{API}/complaints/{pk}/team",
            {
                "leader_id": people["tech"].pk,
                "members": [
                    {"user_id": people["staff"].pk, "role": "service_staff"},
                    {"user_id": people["quality"].pk, "role": "quality"},
                ],
            },
        )
    )
    team = body["rounds"][0]
    assert team["leader_id"] == people["tech"].pk and team["leader_name"] == "张伟"
    assert {(m["user_id"], m["role"]) for m in team["members"]} == {
        (people["staff"].pk, "service_staff"),
        (people["quality"].pk, "quality"),
    }
    assert team["on_site_due_at"] is not None
    assert _ok(_step(c["head"], pk, "start_investigation"))["status"] == S.INVESTIGATING
    # REG-4.2.2, 4.2.3: on site, evidence, root cause
    body = _investigate(c, people, world, pk, first_round)
    assert body["status"] == S.PLANNING and body["rounds"][0]["arrived_at"] is not None
    # REG-4.3.1: the technical head returns the first version with a note
    body = _ok(_put(c["tech"], f"{API}/complaints/{pk}/plan", _plan_body(people, "第一稿")))
    assert [p["version_no"] for p in body["rounds"][0]["plans"]] == [1]
    _ok(_step(c["tech"], pk, "submit_plan"))
    refused = _step(c["tech_head"], pk, "return_plan_tech")  # a return needs its reason
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    body = _ok(_step(c["tech_head"], pk, "return_plan_tech", "缺少淋水试验"))
    assert body["status"] == S.PLANNING
    assert body["rounds"][0]["plans"][0]["outcome"] == "returned"
    assert body["rounds"][0]["plans"][0]["comment"] == "缺少淋水试验"
    # the new version passes the technical review and the project manager's approval
    body = _approve_and_handle(c, people, pk)
    plans = body["rounds"][0]["plans"]
    assert [(p["version_no"], p["outcome"]) for p in plans] == [(1, "returned"), (2, "approved")]
    assert (plans[1]["reviewed_by_id"], plans[1]["approved_by_id"]) == (
        people["tech_head"].pk,
        people["pm"].pk,
    )
    assert all(m["done_at"] for m in plans[1]["measures"])
    assert body["status"] == S.FEEDBACK and body["rounds"][0]["result_at"] is not None
    # REG-4.3.2: the agent tells the customer the progress with the expected completion
    update = _ok(
        _post(
            c["agent"],
            f"{API}/complaints/{pk}/updates",
            {"kind": "progress", "text": "等待客户确认", "expected_completion": _soon(2)},
        ),
        201,
    )
    assert update["kind"] == "progress" and update["expected_completion"] == _soon(2)
    # REG-4.3.3: the customer sees its complaint and rejects the result: a second round
    listed = _ok(customer.get(f"{API}/complaints"))
    assert [r["id"] for r in listed["results"]] == [pk]
    steps = _ok(customer.get(f"{API}/complaints/{pk}/transitions"))
    assert {t["name"] for t in steps} == {"accept", "reject"}
    assert _step(customer, pk, "reject").status_code == 409  # the reason is required
    body = _ok(_step(customer, pk, "reject", "雨后又漏了"))
    assert (body["status"], body["round_no"], body["escalation_level"]) == (S.INVESTIGATING, 2, 1)
    assert body["rounds"][0]["verdict"] == "rejected"
    assert body["rounds"][0]["verdict_reason"] == "雨后又漏了"
    second = body["rounds"][1]
    assert second["reason"] == "雨后又漏了" and second["leader_id"] == people["tech"].pk
    # the second round: its own arrival, evidence, findings, plan, handling and result
    _investigate(c, people, world, pk, second["id"])
    body = _approve_and_handle(c, people, pk)
    assert body["status"] == S.FEEDBACK
    body = _ok(_step(customer, pk, "accept", "满意"))
    assert body["status"] == S.CLOSED and body["closed_at"] is not None
    # REG-4.4.1: the service head archives the whole file
    body = _ok(_step(c["head"], pk, "archive"))
    assert body["status"] == S.ARCHIVED and body["archived_at"] is not None
    assert [(r["number"], r["verdict"]) for r in body["rounds"]] == [
        (1, "rejected"),
        (2, "accepted"),
    ]
    assert [len(r["plans"]) for r in body["rounds"]] == [2, 1]
    kinds = [u["kind"] for u in body["updates"]]
    assert kinds.count("result") == 2 and kinds.count("verdict") == 2 and "progress" in kinds
    # the customer reads the whole file too
    assert _ok(customer.get(f"{API}/complaints/{pk}"))["status"] == S.ARCHIVED


def test_reg_4_1_1_a_customer_user_complains_about_its_own_project_through_the_portal(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.1.1: a customer user records a complaint about its own project — the channel is
    the portal, the contact its own name, the least severity; another customer's project is
    not found."""
    own = _api(world["customer_user_a"])
    body = _ok(
        _post(
            own,
            f"{API}/complaints",
            {
                "project_id": world["project_a"].pk,
                "subject": "太慢",
                "description": "等了三天",
                "channel": "hotline",
            },
        ),
        201,
    )
    assert (body["channel"], body["contact_name"], body["severity"], body["category"]) == (
        "portal",
        "客户甲",
        "general",
        "other",
    )
    assert body["received_by_id"] is None
    r = _post(
        own,
        f"{API}/complaints",
        {"project_id": world["project_b"].pk, "subject": "x", "description": "y"},
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert Complaint.objects.count() == 1


# --- bad input --------------------------------------------------------------------------------
def _fields(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content.decode()
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    return body["fields"]


def test_reg_4_1_2_bad_input_names_every_field_with_its_message_and_writes_nothing(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.1.2: unknown ids, missing and wrong values — each field with its message in the
    caller's language; nothing is written."""
    agent = _api(people["agent"])
    url = f"{API}/complaints"
    base = {"project_id": world["project_a"].pk, "subject": "漏水", "description": "说明"}
    assert _fields(_post(agent, url, {**base, "project_id": 999999})) == {
        "project_id": ["There is no such record (id 999999)."]
    }
    assert _fields(_post(agent, url, {**base, "contact_id": 999999})) == {
        "contact_id": ["There is no such record (id 999999)."]
    }
    assert _fields(_post(agent, url, {**base, "work_order_ids": [999999]})) == {
        "work_order_ids": ["There is no such record (id 999999)."]
    }
    assert _fields(
        _post(
            agent,
            url,
            {
                **base,
                "category": None,
                "severity": "nope",
                "subject": " ",
                "description": "",
                "channel": "plan",
            },
        )
    ) == {
        "category": ["Choose what the complaint is about."],
        "severity": ["Choose the severity."],
        "subject": ["Give the complaint a short subject."],
        "description": ["Describe what the customer complains about."],
        "contact_name": ["Who complains? Give the contact's name."],
        "channel": ["Choose the channel the complaint came in on."],
    }
    other_contact = Contact.objects.create(customer=world["customer_b"], name="钱")
    fields = _fields(
        _post(
            agent,
            url,
            {**base, "category": "quality", "severity": "general", "contact_id": other_contact.pk},
        )
    )
    assert fields == {"contact_id": ["This contact does not belong to the customer."]}
    fields = _fields(
        _post(
            agent,
            url,
            {
                **base,
                "category": "quality",
                "severity": "general",
                "contact_name": "周",
                "subject": "x" * 201,
                "description": "y" * 8001,
            },
        )
    )
    assert fields == {
        "subject": ["At most 200 characters."],
        "description": ["At most 8,000 characters."],
    }
    fields = _fields(
        _post(
            agent,
            url,
            {
                **base,
                "category": "quality",
                "severity": "general",
                "contact_name": "周",
                "contact_email": "not-an-address",
            },
        )
    )
    assert list(fields) == ["contact_email"]
    # schema errors (a wrong type, an unknown choice, a missing field) name their fields too
    fields = _fields(_post(agent, url, {"project_id": "abc", "category": "nonsense"}))
    assert {"project_id", "category", "subject", "description"} <= set(fields)
    assert _fields(agent.get(url, {"sort": "nonsense"})) == {
        "sort": ["Sort by one of: number, received_at, status."]
    }
    # a NUL character (PostgreSQL cannot store or compare it) is refused, not a 500
    nul = ["A text may not contain NUL characters."]
    assert _fields(_post(agent, url, {**base, "subject": "漏\x00水"})) == {"subject": nul}
    assert _fields(agent.get(url, {"q": "漏\x00"})) == {"q": nul}
    assert _fields(agent.get(url, {"severity": "\x00"})) == {"severity": nul}
    assert not Complaint.objects.exists()


def test_reg_4_2_and_4_3_bad_input_of_every_step_names_its_fields(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.2.1, 4.2.2, 4.2.3, 4.3.1, 4.3.2, 4.3.3: the team, the arrival, the findings, the
    plan, the customer update and the result refuse bad input field by field."""
    c = _new(people, world)
    head, tech, agent = _api(people["head"]), _api(people["tech"]), _api(people["agent"])
    url = f"{API}/complaints/{c.pk}"
    # REG-4.2.1
    assert _fields(_post(head, f"{url}/team", {"leader_id": 999999, "members": []})) == {
        "leader_id": ["There is no such record (id 999999)."]
    }
    assert _fields(
        _post(
            head,
            f"{url}/team",
            {"leader_id": people["tech"].pk, "members": [{"user_id": 999999, "role": "quality"}]},
        )
    ) == {"members.0.user_id": ["There is no such record (id 999999)."]}
    assert _fields(
        _post(head, f"{url}/team", {"leader_id": world["customer_user_a"].pk, "members": []})
    ) == {
        "leader_id": ["Choose the team leader among the active staff."],
        "members": ["Add at least one member to the team."],
    }
    assert "members.0.role" in _fields(
        _post(
            head,
            f"{url}/team",
            {
                "leader_id": people["tech"].pk,
                "members": [{"user_id": people["staff"].pk, "role": "boss"}],
            },
        )
    )
    cs.team_set(
        actor=people["head"],
        complaint=c,
        leader=people["tech"],
        members=[(people["staff"], "service_staff")],
    )
    cs.complaint_transition(actor=people["head"], complaint=c, name="start_investigation")
    # REG-4.2.2
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    assert _fields(_post(tech, f"{url}/arrival", {"at": future})) == {
        "at": ["The arrival cannot be in the future."]
    }
    # REG-4.2.3
    assert _fields(
        _put(
            tech,
            f"{url}/findings",
            {"responsible_department_id": 999999, "responsible_person_id": 999998},
        )
    ) == {"responsible_department_id": ["There is no such record (id 999999)."]}
    assert _fields(
        _put(
            tech,
            f"{url}/findings",
            {
                "cause_category": "nope",
                "whys": ["为什么"] * 6,
                "responsible_person_id": world["customer_user_a"].pk,
            },
        )
    ) == {
        "cause_category": ["Choose one of the cause categories."],
        "whys": ["At most five whys."],
        "responsible_person_id": ["Choose a staff member."],
    }
    # REG-4.3.1 (the plan is written once the findings are complete)
    _investigated(people, world, c)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert _fields(_put(tech, f"{url}/plan", {"measures": [{"responsible_id": 999999}]})) == {
        "measures.0.responsible_id": ["There is no such record (id 999999)."]
    }
    assert _fields(
        _put(
            tech,
            f"{url}/plan",
            {
                "summary": " ",
                "expected_completion": past,
                "measures": [
                    {"description": "", "deadline": None},
                    {"description": "打胶", "deadline": past, "responsible_id": people["staff"].pk},
                ],
            },
        )
    ) == {
        "summary": ["Describe the handling plan."],
        "expected_completion": ["The expected completion cannot be in the past."],
        "measures": [
            "Measure 1: give what is to be done, the deadline, the responsible staff member.",
            "Measure 2: the deadline cannot be in the past.",
        ],
    }
    assert _fields(_put(tech, f"{url}/plan", {"summary": "方案"})) == {
        "expected_completion": ["Give the expected completion date."],
        "measures": ["Add at least one measure."],
    }
    # REG-4.3.2
    assert _fields(_post(agent, f"{url}/updates", {"text": " ", "expected_completion": past})) == {
        "text": ["Write what the customer is told."],
        "expected_completion": ["The expected completion cannot be in the past."],
    }
    assert "kind" in _fields(_post(agent, f"{url}/updates", {"kind": "email", "text": "x"}))
    # REG-4.3.3
    _approved(people, c)
    assert _fields(_put(tech, f"{url}/result", {"result": "  "})) == {
        "result": ["Describe the result of the handling."]
    }


def test_messages_follow_the_callers_language(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """Every refusal is in the caller's language (zh-Hans, the default, or English)."""
    body = {"project_id": 999999, "subject": "x", "description": "y"}
    zh = _post(_api(people["agent"], "zh-hans"), f"{API}/complaints", body).json()
    en = _post(_api(people["agent"], "en"), f"{API}/complaints", body).json()
    assert zh["message"] != en["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["message"] + zh["fields"]["project_id"][0])


# --- scope and roles --------------------------------------------------------------------------
def test_another_customers_complaint_is_not_found(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.1.2 / REG-1.3: a customer sees only its own complaints; another customer's is
    404 on every operation, and not in its list. Staff outside the complaint's team and
    project do not see it either; a team member does."""
    c = _new(people, world)
    other = _api(world["customer_user_b"])
    url = f"{API}/complaints/{c.pk}"
    assert _ok(other.get(f"{API}/complaints"))["count"] == 0
    for response in (
        other.get(url),
        other.get(f"{url}/transitions"),
        _step(other, c.pk, "accept"),
        _post(other, f"{url}/updates", {"text": "x"}),
        _put(other, f"{url}/result", {"result": "x"}),
        _post(_api(people["outsider"]), f"{url}/arrival"),
        _api(people["pm2"]).get(url),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    assert _ok(_api(world["customer_user_a"]).get(url))["id"] == c.pk
    assert _ok(_api(people["pm"]).get(url))["id"] == c.pk  # the project's manager
    cs.team_set(
        actor=people["head"],
        complaint=c,
        leader=people["tech"],
        members=[(people["outsider"], "other")],
    )
    assert _ok(_api(people["outsider"]).get(url))["id"] == c.pk  # now on the team


def test_a_wrong_role_is_refused_with_403_or_409(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.2.1 (only the project's service head forms the team), REG-4.3.1 (only the
    technical head reviews, the project's manager approves), REG-4.3.2 (customers do not
    write updates), reference data for staff only."""
    c = _new(people, world)
    url = f"{API}/complaints/{c.pk}"
    team = {
        "leader_id": people["tech"].pk,
        "members": [{"user_id": people["staff"].pk, "role": "service_staff"}],
    }
    for who in ("tech_head", "other_head", "agent", "quality"):
        r = _post(_api(people[who]), f"{url}/team", team)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", who
    customer = _api(world["customer_user_a"])
    assert _post(customer, f"{url}/updates", {"text": "x"}).status_code == 403
    assert _post(customer, f"{url}/team", team).status_code == 403
    assert customer.get(f"{API}/severities").status_code == 403
    assert customer.get(f"{API}/cause-categories").status_code == 403
    r = _step(_api(people["quality"]), c.pk, "start_investigation")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = _step(customer, c.pk, "accept")  # not yet: no result to accept
    assert r.status_code == 409
    r = _step(_api(people["head"]), c.pk, "no_such_step")
    assert r.status_code == 404 and r.json()["code"] == "unknown_transition"
    # a stale version is a conflict, and nothing moves
    r = _post(
        _api(people["head"]),
        f"{url}/transitions/withdraw",
        {"note": "重复", "version": c.version + 5},
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert Complaint.objects.get(pk=c.pk).status == S.RECEIVED
    # the plan under review: the project manager may not pass the technical review
    _investigated(people, world, c)
    _plan(people, c)
    cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_plan")
    r = _step(_api(people["pm"]), c.pk, "approve_plan_tech")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    assert _post(_api(people["tech_head"]), f"{url}/arrival").status_code == 403


def test_reg_4_3_1_a_measure_on_the_facade_opens_a_work_order_through_the_api(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    """REG-4.3.1: the service head opens a work order for a measure (once); the result cannot
    be reported while that work order is not completed."""
    c = {k: _api(people[k]) for k in ("head", "tech", "staff", "tech_head", "pm")}
    complaint = _new(people, world)
    pk = complaint.pk
    _ok(
        _post(
            c["head"],
            f"{API}/complaints/{pk}/team",
            {
                "leader_id": people["tech"].pk,
                "members": [{"user_id": people["staff"].pk, "role": "service_staff"}],
            },
        )
    )
    _ok(_step(c["head"], pk, "start_investigation"))
    round_id = complaint.rounds.get().pk
    _investigate(c, people, world, pk, round_id)
    _ok(_put(c["tech"], f"{API}/complaints/{pk}/plan", _plan_body(people, "重新打胶")))
    _ok(_step(c["tech"], pk, "submit_plan"))
    _ok(_step(c["tech_head"], pk, "approve_plan_tech"))
    body = _ok(_step(c["pm"], pk, "approve_plan"))
    site, other = body["rounds"][0]["plans"][0]["measures"]
    assert site["site_work"] is True
    url = f"{API}/complaints/{pk}/measures/{site['id']}/work-order"
    assert _post(c["tech"], url).status_code == 403  # the service head opens it
    wo = _ok(_post(c["head"], url), 201)
    assert wo["number"].startswith("GD-")
    assert _post(c["head"], url).status_code == 409  # once
    body = _ok(c["head"].get(f"{API}/complaints/{pk}"))
    assert wo["id"] in [w["id"] for w in body["work_orders"]]
    assert body["rounds"][0]["plans"][0]["measures"][0]["work_order_number"] == wo["number"]
    missing = _post(c["head"], f"{API}/complaints/{pk}/measures/999999/done")
    assert missing.status_code == 404
    for m, who in ((site, "staff"), (other, "tech")):
        _ok(_post(c[who], f"{API}/complaints/{pk}/measures/{m['id']}/done"))
    assert _post(c["tech"], f"{API}/complaints/{pk}/measures/{other['id']}/done").status_code == 409
    _ok(_put(c["tech"], f"{API}/complaints/{pk}/result", {"result": "完成"}))
    r = _step(c["tech"], pk, "report_result")
    assert r.status_code == 409 and wo["number"] in " ".join(r.json()["fields"]["__all__"])


def test_reference_data_for_staff(people: dict[str, Any]) -> None:
    """REG-4.1.2 / 4.2.3: the severities and the root-cause categories in use."""
    client = _api(people["agent"])
    severities = _ok(client.get(f"{API}/severities"))
    assert [s["code"] for s in severities] == ["general", "serious", "major"]
    assert severities[2]["label"] == "Major" and severities[2]["urgency"] == "emergency"
    causes = _ok(client.get(f"{API}/cause-categories"))
    assert "workmanship" in {c["code"] for c in causes}


# --- the list ---------------------------------------------------------------------------------
def test_list_filters_search_sort_and_pages(people: dict[str, Any], world: dict[str, Any]) -> None:
    """X-9.4 on REG-4: filters (status, category, channel, severity code, project, customer),
    search (number, subject, contact name), sorting and pages; scoped to the caller."""
    a1 = _new(people, world, subject="打胶开裂")
    a2 = _new(people, world, category="attitude", severity="general", subject="态度差")
    b1 = _new(
        people,
        world,
        project=world["project_b"],
        contact=None,
        contact_name="钱经理",
        severity="major",
        subject="玻璃自爆",
    )
    Complaint.objects.filter(pk=a2.pk).update(channel="email")
    agent = _api(people["agent"])

    def ids(**params: Any) -> list[int]:
        return [r["id"] for r in _ok(agent.get(f"{API}/complaints", params))["results"]]

    assert ids() == [b1.pk, a2.pk, a1.pk]  # newest first
    assert ids(category="attitude") == [a2.pk]
    assert ids(channel="email") == [a2.pk]
    assert ids(severity="major") == [b1.pk]
    assert ids(status="received") == [b1.pk, a2.pk, a1.pk] and ids(status="closed") == []
    assert ids(project_id=world["project_b"].pk) == [b1.pk]
    assert ids(customer_id=world["customer_a"].pk) == [a2.pk, a1.pk]
    assert ids(q="钱经理") == [b1.pk] and ids(q="开裂") == [a1.pk] and ids(q=a2.number) == [a2.pk]
    assert ids(sort="number") == [a1.pk, a2.pk, b1.pk]
    assert ids(sort="-number") == [b1.pk, a2.pk, a1.pk]
    assert ids(sort="received_at") == [a1.pk, a2.pk, b1.pk]
    page = _ok(agent.get(f"{API}/complaints", {"page_size": 2, "page": 2, "sort": "number"}))
    assert (page["count"], page["page"], page["page_size"]) == (3, 2, 2)
    assert [r["id"] for r in page["results"]] == [b1.pk] and page["count_capped"] is False
    row = page["results"][0]
    assert (row["customer_name"], row["project_name"], row["severity_label"]) == (
        "深圳华润物业",
        "华润大厦",
        "Major",
    )
    assert _ok(agent.get(f"{API}/complaints", {"page_size": 10_000}))["page_size"] == 200
    assert _ok(agent.get(f"{API}/complaints", {"page": 9}))["results"] == []
    customer = _api(world["customer_user_a"])
    mine = _ok(customer.get(f"{API}/complaints", {"customer_id": world["customer_b"].pk}))
    assert mine["count"] == 0  # a filter never widens the scope
    assert [r["id"] for r in _ok(customer.get(f"{API}/complaints"))["results"]] == [a2.pk, a1.pk]


@pytest.mark.parametrize("who", ["agent", "pm", "customer"])
def test_the_list_costs_the_same_queries_whatever_the_number_of_rows(
    who: str, people: dict[str, Any], world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    """X-9.4 (DESIGN "performance rules"): a page of complaints costs a fixed number of
    queries — token, roles, count, the page — for 2 rows and for 20."""
    user = world["customer_user_a"] if who == "customer" else people[who]
    client = _api(user)
    for _i in range(2):
        _new(people, world)
    client.get(f"{API}/complaints")  # warm up (content types, translations)
    with django_assert_max_num_queries(6) as small:
        assert _ok(client.get(f"{API}/complaints"))["count"] == 2
    for i in range(18):
        _new(people, world, subject=f"批量{i}", severity=("general", "serious", "major")[i % 3])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert _ok(client.get(f"{API}/complaints", {"page_size": 100}))["count"] == 20


def test_the_openapi_document_describes_these_schemas_and_not_namesakes(client: Client) -> None:
    """The published schema of every body and answer here is its own: ninja names a
    component by its class name, so a namesake in another app's API would replace it (the
    fuzz test and clients would then check against the wrong one)."""
    doc = client.get("/api/v1/openapi.json").json()
    components = doc["components"]["schemas"]
    mine = [v for v in vars(api).values() if isinstance(v, type) and issubclass(v, Schema)]
    mine = [s for s in mine if s.__module__ == api.__name__ and "[" not in s.__name__]
    mine = [s for s in mine if s not in (api._In, api.ComplaintFilter)]  # no components
    assert len(mine) > 15
    for schema in mine:
        assert set(components[schema.__name__]["properties"]) == set(schema.model_fields), schema
    create = doc["paths"][f"{API}/complaints"]["post"]["requestBody"]["content"]
    assert create["application/json"]["schema"]["$ref"].endswith("/ComplaintCreateIn")
    assert "project_id" in components["ComplaintCreateIn"]["required"]
