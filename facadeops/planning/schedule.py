"""DOM-1: due dates of the statutory inspections per project, computed from the rule table
(data), the project's completion-acceptance date, facade systems, age and design life, and
the inspections already done. Pure functions over pre-loaded data, so the portfolio page
and the bulk drafting of 5,000 plans do a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .models import InspectionRule


def add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Due:
    project: Any
    rule: InspectionRule
    due_on: dt.date
    last_done: dt.date | None
    overdue: bool
    pending_inspection_id: int | None = None
    event: str = ""


def project_systems(project: Any) -> tuple[set[str], set[str]]:
    """(facade system codes, categories) of a project (uses the prefetch cache)."""
    systems = list(project.facade_systems.all())
    return {s.code for s in systems}, {s.category for s in systems}


def applies(rule: InspectionRule, codes: set[str], categories: set[str]) -> bool:
    if rule.event_triggered or not rule.is_active:
        return False
    if rule.codes and not (rule.codes & codes):
        return False
    return not (rule.glass_only and "glass" not in categories)


def next_due(rule: InspectionRule, project: Any, last_done: dt.date | None) -> dt.date | None:
    """The next due date of ``rule`` on ``project`` (None: not computable, e.g. no
    completion date). DOM-1.4: every N years and, from the end of the design life,
    every M months — whichever comes first."""
    completion = project.completion_date
    if completion is None:
        return None
    candidates: list[dt.date] = []
    if last_done is None:
        if rule.first_after_months is not None:
            candidates.append(add_months(completion, rule.first_after_months))
        elif rule.every_months:
            candidates.append(add_months(completion, rule.every_months))
    elif rule.every_months:
        candidates.append(add_months(last_done, rule.every_months))
    if rule.beyond_design_life_every_months:
        life_end = add_months(completion, 12 * project.design_service_life_years)
        if last_done is None or last_done < life_end:
            candidates.append(life_end)
        else:
            candidates.append(add_months(last_done, rule.beyond_design_life_every_months))
    return min(candidates) if candidates else None


def project_due(
    project: Any,
    rules: Iterable[InspectionRule],
    last_done: dict[int, dt.date],
    *,
    on: dt.date,
) -> list[Due]:
    """Every applicable rule's next due date for one project (``last_done``: rule id →
    date of the latest inspection done under it)."""
    codes, categories = project_systems(project)
    out = []
    for rule in rules:
        if not applies(rule, codes, categories):
            continue
        last = last_done.get(rule.pk)
        due = next_due(rule, project, last)
        if due is None:
            continue
        out.append(Due(project, rule, due, last, due < on))
    return sorted(out, key=lambda d: d.due_on)


def occurrences_in_year(
    rule: InspectionRule, project: Any, last_done: dt.date | None, year: int
) -> list[dt.date]:
    """The due dates that fall in ``year`` (an overdue one is brought into January)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: list[dt.date] = []
    due = next_due(rule, project, last_done)
    guard = 0
    while due is not None and due <= end and guard < 24:
        guard += 1
        when = max(due, start)
        out.append(when)
        due = next_due(rule, project, when)
        if due is not None and due <= when:
            break
    return out
