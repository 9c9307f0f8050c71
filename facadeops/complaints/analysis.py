"""REG-4.4.2: the figures of the periodic complaint analysis, computed from the records by
grouped queries (a quarter over 100,000 complaints stays within the benchmark's 2 s):
counts and trends by category, cause, project, facade system, team leader and responsible
person; time to the team's arrival and to closing; reopen rate; repeat complaints per
project; the Pareto of causes. Every figure keeps the complaint numbers behind it where a
reader would click through (top groups)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import Cast, Extract
from django.utils import timezone

from facadeops.accounts.models import User
from facadeops.customers.models import Project

from .models import CauseCategory, Complaint, Round, Severity

TOP = 10
SAMPLE = 20  # complaint numbers kept per group (the records behind the figure)


def _window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def complaints_in(start: dt.date, end: dt.date) -> QuerySet[Complaint]:
    lo, hi = _window(start, end)
    return Complaint.objects.filter(received_at__gte=lo, received_at__lt=hi).exclude(
        status="cancelled"
    )


def _epoch(field: str) -> Any:
    """The time as epoch seconds, computed by PostgreSQL (SQLite: read as it is, turned
    into seconds by ``_seconds``)."""
    if connection.vendor == "postgresql":
        return Cast(Extract(field, "epoch"), FloatField())
    return F(field)


def _seconds(value: Any) -> float | None:
    if value is None or isinstance(value, float | int):
        return value
    return float(value.timestamp())


def _month_starts(start: dt.date, end: dt.date) -> list[tuple[float, str]]:
    """(epoch of the local month start, "YYYY-MM") of every month the period touches."""
    tz = timezone.get_current_timezone()
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append((dt.datetime.combine(day, dt.time.min, tzinfo=tz).timestamp(), f"{day:%Y-%m}"))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    out[0] = (float("-inf"), out[0][1])
    return out


def _hours(seconds: list[float]) -> float | None:
    return round(sum(seconds) / len(seconds) / 3600, 1) if seconds else None


def _top(counter: Counter[Any], labels: dict[Any, str]) -> list[dict[str, Any]]:
    ranked = sorted(
        ((k, n) for k, n in counter.items() if k is not None), key=lambda kn: (-kn[1], str(kn[0]))
    )
    return [{"key": k, "label": labels.get(k, str(k)), "count": n} for k, n in ranked[:TOP]]


def _names(model: Any, ids: Iterable[Any], field: str = "name") -> dict[Any, str]:
    ids = [i for i in ids if i is not None]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field)) if ids else {}


def figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The period's figures. Two reads of the period's rows (complaints, their rounds) and
    counting in memory, then a few small reads for the names of the top groups: about
    0.5 s for a quarter of 100,000 complaints (docs/benchmarks.md)."""
    qs = complaints_in(start, end)
    lo, hi = _window(start, end)
    # Times as epoch seconds (double precision): parsing 100,000 timestamps in Python costs
    # seconds, floats cost nothing.
    rows = list(
        qs.annotate(rec=_epoch("received_at"), clo=_epoch("closed_at"), nb=Value(0))
        .values_list("id", "nb", "category", "severity_id", "project_id", "rec", "clo", "round_no")
        .order_by("received_at", "id")
    )  # fmt: skip
    if connection.vendor != "postgresql":
        rows = [(*r[:5], _seconds(r[5]), _seconds(r[6]), r[7]) for r in rows]
    ids = {r[0] for r in rows}
    rounds = list(
        Round.objects.filter(
            complaint__received_at__gte=lo,
            complaint__received_at__lt=hi,
        )
        .exclude(complaint__status="cancelled")
        .annotate(arr=_epoch("arrived_at"), due=_epoch("on_site_due_at"))
        .values_list(
            "complaint_id", "number", "leader_id", "responsible_person_id", "cause_category_id",
            "arr", "due",
        )
    )  # fmt: skip
    if connection.vendor != "postgresql":
        rounds = [(*r[:5], _seconds(r[5]), _seconds(r[6])) for r in rounds]
    received = {r[0]: r[5] for r in rows}
    by_category = Counter(r[2] for r in rows)
    by_severity = Counter(r[3] for r in rows)
    by_project = Counter(r[4] for r in rows)
    bounds = _month_starts(start, end)
    months = Counter(
        bounds[bisect.bisect_right([b for b, _m in bounds], r[5]) - 1][1] for r in rows
    )
    leaders: Counter[Any] = Counter()
    persons: Counter[Any] = Counter()
    cause_of: dict[Any, set[Any]] = {}
    to_arrival: list[float] = []
    late = 0
    for cid, n, leader, person, cause, arrived, due in rounds:
        if cid not in ids:
            continue
        leaders[leader] += 1
        persons[person] += 1
        if cause is not None:
            cause_of.setdefault(cause, set()).add(cid)
        if n == 1 and arrived is not None:
            to_arrival.append(arrived - received[cid])
            late += bool(due is not None and arrived > due)
    causes = Counter({k: len(v) for k, v in cause_of.items()})
    closed = [r for r in rows if r[6] is not None]
    reopened = [r for r in closed if r[7] > 1]
    systems: Counter[Any] = Counter()
    system_names: dict[Any, str] = {}
    for pid, sid, name in Project.facade_systems.through.objects.filter(
        project_id__in=list(by_project)
    ).values_list("project_id", "facadesystem_id", "facadesystem__name"):
        systems[sid] += by_project[pid]
        system_names[sid] = name
    cause_rows = list(
        CauseCategory.objects.filter(pk__in=list(causes)).values_list("pk", "code", "name")
    )
    code_of = {pk: code for pk, code, _n in cause_rows}
    cause_total = sum(causes.values()) or 1
    pareto, running = [], 0
    names = {pk: name for pk, _c, name in cause_rows}
    ranked = sorted(causes.items(), key=lambda kn: (-kn[1], code_of[kn[0]]))
    for item in [{"key": k, "label": names[k], "count": n} for k, n in ranked]:
        running += item["count"]
        pareto.append(
            {
                "key": code_of[item["key"]],
                "label": item["label"],
                "count": item["count"],
                "cumulative_pct": round(running * 100 / cause_total, 1),
            }
        )
    project_names = _names(Project, [k for k, _n in by_project.most_common(TOP)])
    people = _names(User, {*leaders, *persons}, "full_name")
    severity = {
        pk: (code, name) for pk, code, name in Severity.objects.values_list("pk", "code", "name")
    }
    top_cause = ranked[0][0] if ranked else None
    repeat = [(pid, n) for pid, n in by_project.most_common() if n > 1][:TOP]
    # The numbers of the records shown behind the figures (a few, read by id).
    top_set = cause_of.get(top_cause, set())
    top_ids = [r[0] for r in rows if r[0] in top_set][:SAMPLE]
    sample = {r[0] for r in reopened[:SAMPLE]} | {r[0] for r in rows[:SAMPLE]} | set(top_ids)
    number = dict(Complaint.objects.filter(pk__in=sample).values_list("pk", "number"))
    repeat_names = _names(Project, [pid for pid, _n in repeat])
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "total": len(rows),
        "by_category": _top(by_category, {}),
        "by_severity": [
            {"key": severity[k][0], "label": severity[k][1], "count": n}
            for k, n in sorted(by_severity.items(), key=lambda kn: -kn[1])
            if k in severity
        ],
        "by_project": _top(by_project, project_names),
        "by_facade_system": _top(systems, system_names),
        "by_team_leader": _top(leaders, people),
        "by_responsible_person": _top(persons, people),
        "pareto_causes": pareto,
        "trend_by_month": [{"month": m, "count": n} for m, n in sorted(months.items())],
        "hours_to_arrival_avg": _hours(to_arrival),
        "arrived": len(to_arrival),
        "late_on_site": late,
        "hours_to_close_avg": _hours([r[6] - r[5] for r in closed]),
        "closed": len(closed),
        "reopened": len(reopened),
        "reopen_rate_pct": round(len(reopened) * 100 / len(closed), 1) if closed else 0.0,
        "repeat_projects": [
            {"key": pid, "label": repeat_names.get(pid, str(pid)), "count": n} for pid, n in repeat
        ],
        # The records behind the headline figures (the first ones, in time order).
        "records": {
            "reopened": [number[r[0]] for r in reopened[:SAMPLE]],
            "top_cause": [number[i] for i in top_ids],
            "first_received": [number[r[0]] for r in rows[:SAMPLE]],
        },
        "first_received_at": (
            dt.datetime.fromtimestamp(rows[0][5], tz=dt.UTC) if rows else timezone.now()
        ).isoformat(),
    }


def _with_cause(code: Any) -> QuerySet[Any]:
    return Round.objects.filter(cause_category__code=code).values("complaint_id")


def cause_complaints(params: dict[str, Any], lo: dt.datetime, hi: dt.datetime) -> list[str]:
    """Efficacy measure "complaints.cause": the complaints received in ``[lo, hi)`` whose
    root cause (any round) is ``params["cause"]`` (optionally on ``params["project"]``)."""
    qs = Complaint.objects.filter(
        received_at__gte=lo, received_at__lt=hi, pk__in=_with_cause(params.get("cause"))
    ).exclude(status="cancelled")
    if params.get("project"):
        qs = qs.filter(project_id=params["project"])
    return list(qs.order_by("received_at").values_list("number", flat=True))
