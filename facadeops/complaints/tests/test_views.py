"""Pages of customer complaints (REG-4): who sees which page (customers none of them), the
list's query budget and Excel export, and every action form with good and bad input — bad
input comes back on the form with its message and writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from facadeops.accounts.models import User
from facadeops.complaints import services as cs
from facadeops.complaints.models import (
    Complaint,
    ComplaintStatus,
    CustomerUpdate,
    HandlingPlan,
    Measure,
    PlanOutcome,
    Severity,
    TeamRole,
)
from facadeops.complaints.rules import current_round
from facadeops.core.attachments import attachment_add
from facadeops.customers.models import Contact
from facadeops.service.demo import photo

S = ComplaintStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
Login = Callable[[Any], Client]


def _en(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _as(user: Any) -> Client:
    """A client of its own (``login`` re-uses the test's one client) for tests where
    several people act in turn."""
    client = Client()
    client.force_login(user)
    return client


def _complaint(people: dict[str, Any], world: dict[str, Any], **data: Any) -> Complaint:
    payload = {
        "project": world["project_a"],
        "contact": world["contact"],
        "category": "quality",
        "severity": "serious",
        "subject": "维修后仍然漏水",
        "description": "上周维修的12层窗户，下雨后仍然漏水。",
        "location": "东立面 12F",
    }
    payload.update(data)
    return cs.complaint_create(actor=people["agent"], data=payload)


def _team(people: dict[str, Any], c: Complaint) -> None:
    cs.team_set(
        actor=people["head"],
        complaint=c,
        leader=people["tech"],
        members=[(people["staff"], TeamRole.SERVICE_STAFF), (people["quality"], TeamRole.QUALITY)],
    )


def _investigating(people: dict[str, Any], c: Complaint) -> Complaint:
    _team(people, c)
    return cs.complaint_transition(actor=people["head"], complaint=c, name="start_investigation")


def _planning(people: dict[str, Any], world: dict[str, Any], c: Complaint) -> Complaint:
    _investigating(people, c)
    cs.arrival_record(actor=people["tech"], complaint=c)
    attachment_add(actor=people["tech"], target=current_round(c), upload=photo("leak.png"))
    cs.findings_update(
        actor=people["tech"],
        complaint=c,
        data={
            "findings": "窗框与副框之间打胶不连续",
            "cause_category": "workmanship",
            "root_cause": "上次维修打胶前未清理旧胶",
            "whys": ["为什么漏水？打胶不连续"],
            "responsible_department": world["dept"],
            "responsible_person": people["staff"],
        },
    )
    return cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_findings")


def _handling(people: dict[str, Any], world: dict[str, Any], c: Complaint) -> Complaint:
    _planning(people, world, c)
    soon = timezone.localdate() + dt.timedelta(days=5)
    cs.plan_save(
        actor=people["tech"],
        complaint=c,
        summary="清理旧胶，重新打胶，淋水试验",
        expected_completion=soon,
        measures=[
            {
                "description": "清除旧胶并重新打胶",
                "deadline": soon,
                "responsible": people["staff"],
                "site_work": True,
            },
            {
                "description": "淋水试验并向客户汇报",
                "deadline": soon,
                "responsible": people["tech"],
            },
        ],
    )
    cs.complaint_transition(actor=people["tech"], complaint=c, name="submit_plan")
    cs.complaint_transition(actor=people["tech_head"], complaint=c, name="approve_plan_tech")
    return cs.complaint_transition(actor=people["pm"], complaint=c, name="approve_plan")


def _detail(c: Complaint) -> str:
    return reverse("complaints:detail", args=[c.pk])


def _url(name: str, c: Complaint) -> str:
    return reverse(f"complaints:{name}", args=[c.pk])


def _formset(prefix: str, rows: list[dict[str, Any]], extra: int = 1) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


# -- who sees the pages -------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["agent", "head", "tech_head", "pm", "quality", "manager"])
def test_list_and_detail_render_in_chinese_for_the_complaint_roles(
    people: dict[str, Any], world: dict[str, Any], login: Login, who: str
) -> None:
    """REG-4: the receivers, the heads, the reviewers and quality see the complaint, in
    zh-Hans by default (the regulation's words)."""
    c = _complaint(people, world)
    client = login(people[who])
    page = client.get(reverse("complaints:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert c.number in body and "客户投诉" in body and "导出 Excel" in body
    detail = client.get(_detail(c))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "调查小组" in text and "处理方案" in text and "上海陆家嘴物业" in text
    assert 'id="timeline"' in text


def test_the_pages_speak_english_too(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    c = _complaint(people, world)
    client = _en(login(people["head"]))
    body = client.get(reverse("complaints:list")).content.decode()
    assert "Customer complaints" in body and "Export to Excel" in body
    text = client.get(_detail(c)).content.decode()
    assert "Investigation team" in text and "Send the team" in text


def test_the_navigation_offers_complaints_to_staff_but_not_to_customers(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    url = reverse("complaints:list")
    for who in ("agent", "tech", "staff", "quality", "manager"):
        assert f'href="{url}"' in login(people[who]).get(reverse("core:home")).content.decode()
    home = login(world["customer_user_a"]).get(reverse("core:home")).content.decode()
    assert f'href="{url}"' not in home


def test_customers_and_other_customers_get_no_staff_page(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """Customers follow their complaints in the portal: the staff pages refuse them (their
    own complaint as well as another customer's)."""
    c = _complaint(people, world)
    for user in (world["customer_user_a"], world["customer_user_b"]):
        client = login(user)
        assert client.get(reverse("complaints:list")).status_code == 403
        assert client.get(reverse("complaints:create")).status_code == 403
        assert client.get(_detail(c)).status_code == 403
        resp = client.post(_url("transition", c), {"transition": "accept"})
        assert resp.status_code == 403
        assert client.post(_url("update", c), {"kind": "progress", "text": "x"}).status_code == 403
    assert CustomerUpdate.objects.filter(complaint=c).count() == 1  # the acknowledgement only


def test_staff_outside_the_scope_get_404_and_a_list_without_the_complaint(
    people: dict[str, Any], world: dict[str, Any], login: Login, make_user: Any
) -> None:
    """A technician or service staff member sees only the complaints of their team; a
    project manager only those of their projects; other roles have no complaint pages."""
    c = _complaint(people, world)
    for who in ("outsider", "tech", "pm2"):
        client = login(people[who])
        assert client.get(_detail(c)).status_code == 404
        assert c.number not in client.get(reverse("complaints:list")).content.decode()
        assert client.post(_url("findings", c), {"findings": "x"}).status_code == 404
    _team(people, c)
    assert login(people["tech"]).get(_detail(c)).status_code == 200
    buyer = make_user("procurement")
    assert login(buyer).get(reverse("complaints:list")).status_code == 403
    assert login(buyer).get(_detail(c)).status_code == 403
    assert login(people["head"]).get(reverse("complaints:detail", args=[999999])).status_code == 404


# -- the list -------------------------------------------------------------------------------------
def test_list_query_count_does_not_grow_with_its_rows(
    people: dict[str, Any], world: dict[str, Any], login: Login, django_assert_max_num_queries: Any
) -> None:
    """X-9.4: the list reads a fixed number of queries however many rows it shows."""
    _complaint(people, world)
    url = reverse("complaints:list") + "?sort=-received_at"
    for who in ("head", "pm"):
        client = login(people[who])
        with django_assert_max_num_queries(12) as few:
            assert client.get(url).status_code == 200
        n_few = len(few.captured_queries)
        for i in range(8):
            _complaint(people, world, subject=f"投诉 {i}")
        with django_assert_max_num_queries(n_few) as many:
            body = client.get(url).content.decode()
        assert len(many.captured_queries) == n_few
        assert body.count('class="badge text-bg-secondary"') >= 2 * 9


def test_list_filters_search_and_sort(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    a = _complaint(people, world, subject="玻璃自爆", category="safety")
    b = _complaint(people, world, subject="服务态度差", category="attitude", severity="general")
    client = login(people["agent"])
    url = reverse("complaints:list")

    def numbers(query: str) -> list[bool]:
        body = client.get(url + query).content.decode()
        return [a.number in body, b.number in body]

    assert numbers("?category=safety") == [True, False]
    assert numbers("?severity=general") == [False, True]
    assert numbers("?q=态度") == [False, True]
    assert numbers(f"?q={a.number}") == [True, False]
    assert numbers(f"?project={world['project_a'].code}") == [True, True]
    assert numbers("?project=XM-C-2") == [False, False]
    assert numbers("?status=closed") == [False, False]
    assert numbers("?channel=hotline&sort=-severity") == [True, True]


def test_excel_export_holds_the_filtered_rows(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """X-9.4: what you export is what you see."""
    a = _complaint(people, world, category="safety")
    b = _complaint(people, world, category="billing")
    resp = login(people["head"]).get(reverse("complaints:list") + "?category=safety&export=xlsx")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "投诉编号"
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [a.number] and b.number not in numbers


# -- REG-4.1: recording a complaint ---------------------------------------------------------------
def _create_form(world: dict[str, Any], **data: Any) -> dict[str, Any]:
    form = {
        "project": world["project_a"].pk,
        "contact": world["contact"].pk,
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "channel": "email",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": "quality",
        "severity": "",
        "subject": "幕墙玻璃渗水",
        "description": "客户来电：会议室窗边渗水。",
        "location": "南立面 8F",
    }
    form.update(data)
    return form


def test_create_records_the_complaint_and_refuses_bad_input_at_its_field(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """REG-4.1.1/4.1.2: the agent records a complaint taken by e-mail; a missing subject or
    a contact of another customer comes back at its field and nothing is written."""
    client = _en(login(people["agent"]))
    url = reverse("complaints:create")
    assert client.get(url).status_code == 200
    serious = Severity.objects.get(code="serious").pk
    bad = client.post(url, _create_form(world, severity=serious, subject=""))
    assert bad.status_code == 422
    assert "This field is required." in bad.content.decode()
    stranger = Contact.objects.create(customer=world["customer_b"], name="外人")
    bad = client.post(url, _create_form(world, severity=serious, contact=stranger.pk))
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "This contact does not belong to the customer." in body
    assert body.index("This contact does not belong") > body.index('name="contact"')
    assert Complaint.objects.count() == 0
    ok = client.post(url, _create_form(world, severity=serious))
    c = Complaint.objects.get()
    assert ok.status_code == 302 and ok["Location"] == _detail(c)
    assert (c.channel, c.contact_name, c.customer, c.received_by) == (
        "email",
        "周建华",
        world["customer_a"],
        people["agent"],
    )
    for who in ("tech_head", "pm", "quality"):  # reviewers do not record complaints
        assert login(people[who]).get(url).status_code == 403


# -- REG-4.2: team, arrival, findings -----------------------------------------------------------
def test_the_team_form_sets_leader_and_members_or_says_what_is_missing(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """REG-4.2.1: the service head forms the team (leader + members with their role)."""
    c = _complaint(people, world)
    assert 'id="form-team"' not in _as(people["agent"]).get(_detail(c)).content.decode()
    client = _en(_as(people["head"]))
    assert 'id="form-team"' in client.get(_detail(c)).content.decode()
    bad = client.post(_url("team", c), {"leader": people["tech"].pk, **_formset("members", [])})
    assert bad.status_code == 422
    assert "Add at least one member to the team." in bad.content.decode()
    half = _formset("members", [{"user": people["staff"].pk, "role": ""}])
    bad = client.post(_url("team", c), {"leader": people["tech"].pk, **half})
    assert bad.status_code == 422 and "Choose the person&#x27;s role in the team." in (
        bad.content.decode()
    )
    r = current_round(c)
    assert r is not None and r.leader_id is None and not r.members.exists()
    rows = [
        {"user": people["staff"].pk, "role": "service_staff"},
        {"user": people["quality"].pk, "role": "quality"},
    ]
    ok = client.post(_url("team", c), {"leader": people["tech"].pk, **_formset("members", rows)})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.leader == people["tech"]
    assert {(m.user_id, m.role) for m in r.members.all()} == {
        (people["staff"].pk, "service_staff"),
        (people["quality"].pk, "quality"),
    }
    # refused before the form is read
    assert _as(people["agent"]).post(_url("team", c), {"leader": 1}).status_code == 403
    forbidden = _as(people["agent"]).post(
        _url("team", c), {"leader": people["tech"].pk, **_formset("members", rows)}
    )
    assert forbidden.status_code == 403


def test_transition_buttons_move_the_complaint_or_list_every_reason(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """The engine's buttons: without a team the step is refused with the reason; with a
    team the head sends it; a stale version is refused; a role without the step is told."""
    c = _complaint(people, world)
    client = _en(_as(people["head"]))
    resp = client.post(_url("transition", c), {"transition": "start_investigation"}, follow=True)
    assert "Name the leader of the investigation team." in resp.content.decode()
    c.refresh_from_db()
    assert c.status == S.RECEIVED
    _team(people, c)
    stale = client.post(
        _url("transition", c),
        {"transition": "start_investigation", "version": c.version + 5},
        follow=True,
    )
    assert "changed by someone else" in stale.content.decode()
    ok = client.post(
        _url("transition", c), {"transition": "start_investigation", "version": c.version}
    )
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.status == S.INVESTIGATING
    agent = _as(people["agent"]).post(_url("transition", c), {"transition": "withdraw"})
    assert agent.status_code == 302
    c.refresh_from_db()
    assert c.status == S.INVESTIGATING


def test_arrival_and_findings_forms(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """REG-4.2.2/4.2.3: the team records its arrival (not in the future) and the findings
    (at most five whys); bad input changes nothing."""
    c = _investigating(people, _complaint(people, world))
    client = _en(_as(people["tech"]))
    page = client.get(_detail(c)).content.decode()
    assert 'id="form-arrival"' in page and 'id="form-findings"' in page
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(_url("arrival", c), {"at": future})
    assert bad.status_code == 422 and "The arrival cannot be in the future." in bad.content.decode()
    r = current_round(c)
    assert r is not None and r.arrived_at is None
    assert client.post(_url("arrival", c), {"at": ""}).status_code == 302
    r.refresh_from_db()
    assert r.arrived_at is not None
    findings = {
        "findings": "打胶不连续",
        "cause_category": "",
        "root_cause": "旧胶未清理",
        "whys": "\n".join(f"为什么{i}" for i in range(6)),
        "responsible_department": world["dept"].pk,
        "responsible_person": people["staff"].pk,
    }
    bad = client.post(_url("findings", c), findings)
    assert bad.status_code == 422 and "At most five whys." in bad.content.decode()
    r.refresh_from_db()
    assert r.findings == "" and r.whys == []
    ok = client.post(_url("findings", c), {**findings, "whys": "为什么漏水？打胶不连续"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert (r.findings, r.whys, r.responsible_person) == (
        "打胶不连续",
        ["为什么漏水？打胶不连续"],
        people["staff"],
    )
    late = client.get(_detail(c)).content.decode()
    assert "为什么漏水？打胶不连续" in late
    assert _as(people["agent"]).post(_url("arrival", c), {}).status_code == 403


# -- REG-4.3.1: the handling plan ---------------------------------------------------------------
def test_plan_form_with_measures(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """REG-4.3.1: summary, expected completion and measures (what, by when, who); a row
    without its deadline or a plan without measures is refused, nothing written."""
    c = _planning(people, world, _complaint(people, world))
    client = _en(_as(people["tech"]))
    assert 'id="form-plan"' in client.get(_detail(c)).content.decode()
    soon = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    base = {"summary": "重新打胶", "expected_completion": soon}
    bad = client.post(_url("plan", c), {**base, **_formset("measures", [])})
    assert bad.status_code == 422 and "Add at least one measure." in bad.content.decode()
    row = {"description": "重新打胶", "deadline": "", "responsible": people["staff"].pk}
    bad = client.post(_url("plan", c), {**base, **_formset("measures", [row])})
    assert bad.status_code == 422 and "Measure 1: give the deadline." in bad.content.decode()
    assert not HandlingPlan.objects.filter(round__complaint=c).exists()
    rows = [
        {**row, "deadline": soon, "site_work": "on"},
        {"description": "淋水试验", "deadline": soon, "responsible": people["tech"].pk},
    ]
    ok = client.post(_url("plan", c), {**base, **_formset("measures", rows)})
    assert ok.status_code == 302
    plan = HandlingPlan.objects.get(round__complaint=c)
    assert plan.outcome == PlanOutcome.DRAFT and plan.summary == "重新打胶"
    assert [(m.description, m.site_work) for m in plan.measures.all()] == [
        ("重新打胶", True),
        ("淋水试验", False),
    ]
    client.post(_url("transition", c), {"transition": "submit_plan"})
    returned = _en(_as(people["tech_head"])).post(
        _url("transition", c), {"transition": "return_plan_tech", "note": "补充淋水试验标准"}
    )
    assert returned.status_code == 302
    page = client.get(_detail(c)).content.decode()
    assert "补充淋水试验标准" in page and 'data-outcome="returned"' in page
    assert 'value="重新打胶"' in page  # the form starts from the returned version


# -- REG-4.3.2/4.3.3: handling, measures, customer, result --------------------------------------
def test_measures_work_orders_updates_and_result(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """REG-4.3.1/4.3.2: the head opens a work order for a measure that needs facade work
    (once); the team marks measures done (once); the customer is told the progress; the
    result is written — bad input each time comes back with its message."""
    c = _handling(people, world, _complaint(people, world))
    plan = HandlingPlan.objects.get(round__complaint=c, outcome=PlanOutcome.APPROVED)
    site, test = list(plan.measures.order_by("position"))
    head = _en(_as(people["head"]))
    page = head.get(_detail(c)).content.decode()
    assert f'data-measure-work-order="{site.pk}"' in page
    assert f'data-measure-work-order="{test.pk}"' not in page
    ok = head.post(_url("measure_work_order", c), {"measure": site.pk})
    assert ok.status_code == 302
    site.refresh_from_db()
    assert site.work_order is not None
    again = head.post(_url("measure_work_order", c), {"measure": site.pk})
    assert again.status_code == 409 and "already has work order" in again.content.decode()
    page = head.get(_detail(c)).content.decode()
    assert site.work_order.number in page and site.work_order.get_absolute_url() in page
    assert head.post(_url("measure_work_order", c), {"measure": 999999}).status_code == 404

    tech = _en(_as(people["tech"]))
    assert tech.post(
        _url("measure_done", c), {"measure": test.pk, "note": "无渗漏"}
    ).status_code == (302)
    again = tech.post(_url("measure_done", c), {"measure": test.pk})
    assert again.status_code == 409 and "This measure is already done." in again.content.decode()
    assert tech.post(_url("measure_done", c), {"measure": "x"}).status_code == 422
    assert Measure.objects.get(pk=test.pk).done_note == "无渗漏"

    before = CustomerUpdate.objects.filter(complaint=c).count()
    agent = _en(_as(people["agent"]))
    bad = agent.post(_url("update", c), {"kind": "progress", "text": ""})
    assert bad.status_code == 422 and "Write what the customer is told." in bad.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    bad = agent.post(
        _url("update", c), {"kind": "phone", "text": "已电话告知", "expected_completion": past}
    )
    assert bad.status_code == 422
    assert CustomerUpdate.objects.filter(complaint=c).count() == before
    soon = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    ok = agent.post(
        _url("update", c), {"kind": "phone", "text": "已电话告知进度", "expected_completion": soon}
    )
    assert ok.status_code == 302
    told = CustomerUpdate.objects.filter(complaint=c).latest("id")
    assert (told.kind, told.text, told.by) == ("phone", "已电话告知进度", people["agent"])
    assert "已电话告知进度" in agent.get(_detail(c)).content.decode()

    bad = tech.post(_url("result", c), {"result": "  "})
    assert bad.status_code == 422 and "Describe the result of the handling." in (
        bad.content.decode()
    )
    assert tech.post(_url("result", c), {"result": "已重新打胶。"}).status_code == 302
    r = current_round(c)
    assert r is not None and r.result == "已重新打胶。"
    assert _as(people["quality"]).post(_url("result", c), {"result": "x"}).status_code == 302


def test_a_rejected_result_shows_both_rounds_side_by_side(
    people: dict[str, Any], world: dict[str, Any], login: Login
) -> None:
    """REG-4.3.3: the customer (by phone, recorded by the agent) rejects the result; the
    page shows round 1 with its verdict and reason next to round 2."""
    c = _handling(people, world, _complaint(people, world))
    plan = HandlingPlan.objects.get(round__complaint=c, outcome=PlanOutcome.APPROVED)
    for m in plan.measures.all():
        cs.measure_done(actor=people["tech"], complaint=c, measure_id=m.pk)
    cs.result_save(actor=people["tech"], complaint=c, result="已重新打胶。")
    client = _as(people["tech"])
    assert client.post(_url("transition", c), {"transition": "report_result"}).status_code == 302
    agent = _as(people["agent"])
    no_note = agent.post(_url("transition", c), {"transition": "reject"}, follow=True)
    assert "请" in no_note.content.decode()
    c.refresh_from_db()
    assert c.status == S.FEEDBACK
    agent.post(_url("transition", c), {"transition": "reject", "note": "雨后仍有渗水"})
    c.refresh_from_db()
    assert (c.status, c.round_no, c.escalation_level) == (S.INVESTIGATING, 2, 1)
    page = agent.get(_detail(c)).content.decode()
    assert 'id="round-1"' in page and 'id="round-2"' in page and "col-lg-6" in page
    assert "雨后仍有渗水" in page and 'id="escalation"' in page


def test_admin_edits_severities_and_causes_and_shows_complaints_read_only(
    people: dict[str, Any], world: dict[str, Any], client: Client
) -> None:
    c = _complaint(people, world)
    root = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-123")
    client.force_login(root)
    for model in ("severity", "causecategory", "complaint"):
        assert client.get(f"/admin/complaints/{model}/").status_code == 200
    assert client.get("/admin/complaints/severity/add/").status_code == 200
    assert client.get("/admin/complaints/complaint/add/").status_code == 403
    view = client.get(f"/admin/complaints/complaint/{c.pk}/change/")
    assert view.status_code == 200 and 'name="subject"' not in view.content.decode()
