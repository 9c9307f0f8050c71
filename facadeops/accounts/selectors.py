"""Reads of people data, scoped to the user (REG-1.3, X-6.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from facadeops.core.errors import NotFound
from facadeops.core.roles import is_staff_member

from .models import (
    ApiToken,
    Certificate,
    Department,
    Employee,
    EmployeeStatus,
    User,
)
from .permissions import can_view_people, is_customer_user, require_manage_people


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _valid_on(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on, f"{prefix}valid_to__gte": on})


def employee_list(
    *,
    user: Any,
    q: str | None = None,
    status: str | None = None,
    department: Any = None,
    role: str | None = None,
    on: dt.date | None = None,
) -> QuerySet[Employee]:
    """Employees the user may see, each annotated with ``height_valid_until`` (the latest
    end date of a work-at-height certificate valid on ``on``). Managers and the viewing
    heads see everyone; other staff only themselves; customers nobody."""
    from django.contrib.auth.models import Group

    day = _today(on)
    height = (
        Certificate.objects.filter(employee=OuterRef("pk"), type__is_work_at_height=True)
        .filter(_valid_on(day))
        .order_by("-valid_to")
        .values("valid_to")[:1]
    )
    qs = (
        Employee.objects.select_related("user", "department")
        .prefetch_related(
            Prefetch("user__groups", queryset=Group.objects.order_by("name")),
            "skills",
        )
        .annotate(height_valid_until=Subquery(height))
    )
    if not can_view_people(user):
        if is_staff_member(user) and not is_customer_user(user) and user.is_active:
            qs = qs.filter(user=user)
        else:
            return qs.none()
    if q:
        q = q.strip()[:100]
        qs = qs.filter(
            Q(employee_no__icontains=q)
            | Q(user__full_name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(phone__icontains=q)
            | Q(position__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department=department)
    if role:
        qs = qs.filter(user__groups__name=role)
    return qs


def employee_certificates(*, employee: Employee) -> QuerySet[Certificate]:
    return employee.certificates.select_related("type").order_by("type__name", "-valid_to")


def user_list(
    *,
    user: Any,
    q: str | None = None,
    role: str | None = None,
    department: Any = None,
    is_active: bool | None = None,
) -> QuerySet[User]:
    """Users the caller may list (people viewers: all; everyone else: none)."""
    from django.contrib.auth.models import Group

    qs = User.objects.select_related("department", "customer").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )
    if not can_view_people(user):
        return qs.none()
    if q:
        q = q.strip()[:100]
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(phone__icontains=q)
        )
    if role:
        qs = qs.filter(groups__name=role)
    if department:
        qs = qs.filter(department=department)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def department_list(*, user: Any) -> QuerySet[Department]:
    qs = Department.objects.select_related("head", "parent").order_by("name")
    if not can_view_people(user):
        return qs.none()
    return qs


def certificate_valid(
    subject: User | Employee,
    *,
    type_code: str | None = None,
    is_work_at_height: bool | None = None,
    on: dt.date | None = None,
) -> bool:
    """X-6.5: does this person hold a certificate (of this type, or of a work-at-height
    type) that is valid on ``on`` (default today)? Both end days count as valid."""
    day = _today(on)
    qs = Certificate.objects.filter(_valid_on(day))
    if isinstance(subject, Employee):
        qs = qs.filter(employee=subject)
    else:
        qs = qs.filter(employee__user=subject)
    if type_code is not None:
        qs = qs.filter(type__code=type_code)
    if is_work_at_height is not None:
        qs = qs.filter(type__is_work_at_height=is_work_at_height)
    return qs.exists()


def users_with_valid_height_certificate(
    users: Iterable[Any] | QuerySet[User], on: dt.date | None = None
) -> set[int]:
    """X-6.5: the ids (of ``users``) who hold a valid work-at-height certificate on ``on``
    — one query, however many users (for assignment checks and pickers)."""
    day = _today(on)
    if isinstance(users, QuerySet):
        ids_filter: Any = users.values("pk")
    else:
        ids_filter = [u if isinstance(u, int) else u.pk for u in users]
        if not ids_filter:
            return set()
    return set(
        Certificate.objects.filter(_valid_on(day))
        .filter(type__is_work_at_height=True, employee__user__in=ids_filter)
        .values_list("employee__user_id", flat=True)
        .distinct()
    )


def expiring_certificates(
    *, within_days: int = 30, on: dt.date | None = None, user: Any = None
) -> QuerySet[Certificate]:
    """X-6.5: certificates valid on ``on`` whose last valid day is within ``within_days``
    days (of people still employed), soonest first. With ``user``, scoped to what that
    user may see."""
    day = _today(on)
    qs = (
        Certificate.objects.filter(_valid_on(day))
        .filter(valid_to__lte=day + dt.timedelta(days=within_days))
        .exclude(employee__status=EmployeeStatus.LEFT)
        .select_related("type", "employee__user")
        .order_by("valid_to", "pk")
    )
    if user is not None and not can_view_people(user):
        qs = qs.filter(employee__user=user) if not is_customer_user(user) else qs.none()
    return qs


def certificate_state(cert: Certificate, on: dt.date | None = None, within_days: int = 30) -> str:
    """ "valid", "expiring" (within ``within_days``), "expired" or "not_yet_valid"."""
    day = _today(on)
    if cert.valid_to < day:
        return "expired"
    if cert.valid_from > day:
        return "not_yet_valid"
    if cert.valid_to <= day + dt.timedelta(days=within_days):
        return "expiring"
    return "valid"


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def access_employee(user: Any, pk: Any, *, for_change: bool = False) -> Employee:
    """The single place an employee record is fetched for a user: 404 if it does not exist
    or the user may not see it, 403 if they may see it but not change it."""
    try:
        pk_int = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    employee = employee_list(user=user).filter(pk=pk_int).first()
    if employee is None:
        raise NotFound()
    if for_change:
        require_manage_people(user)
    return employee
