"""Every non-trivial read of customers, projects and contracts — scoped to the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import NotFound

from .models import (
    Contact,
    ContractStatus,
    Customer,
    Project,
    ServiceContract,
    ServiceLevel,
    ServiceLevelDefault,
)
from .permissions import can_see_all, is_customer_user

URGENCY_ORDER = {"emergency": 0, "urgent": 1, "normal": 2}


def _scope_customer_ids(user: Any) -> int | None:
    """None = everything; otherwise the only customer the user may see (-1 = none)."""
    if can_see_all(user):
        return None
    if is_customer_user(user):
        return int(user.customer_id)
    return -1


def customer_list(*, user: Any) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    scope = _scope_customer_ids(user)
    return qs if scope is None else qs.filter(pk=scope)


def customer_get(*, user: Any, pk: Any) -> Customer:
    try:
        return customer_list(user=user).get(pk=pk)
    except (Customer.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def contact_list(*, user: Any, customer: Customer) -> QuerySet[Contact]:
    customer_get(user=user, pk=customer.pk)
    return Contact.objects.filter(customer=customer)


def contact_get(*, user: Any, pk: Any) -> Contact:
    try:
        return Contact.objects.select_related("customer").get(
            pk=pk, customer__in=customer_list(user=user)
        )
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def project_list(*, user: Any) -> QuerySet[Project]:
    qs = Project.objects.select_related("customer", "project_manager", "service_head")
    scope = _scope_customer_ids(user)
    if scope is not None:
        qs = qs.filter(customer_id=scope)
    return qs.prefetch_related("facade_systems", "glass_types")


def project_get(*, user: Any, pk: Any) -> Project:
    try:
        return project_list(user=user).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def contract_list(*, user: Any) -> QuerySet[ServiceContract]:
    qs = ServiceContract.objects.select_related("customer")
    scope = _scope_customer_ids(user)
    if scope is not None:
        qs = qs.filter(customer_id=scope)
    return qs.prefetch_related(
        Prefetch("projects", queryset=Project.objects.order_by("name")), "service_levels"
    )


def contract_get(*, user: Any, pk: Any) -> ServiceContract:
    try:
        return contract_list(user=user).get(pk=pk)
    except (ServiceContract.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def sorted_levels(levels: Any) -> list[Any]:
    return sorted(levels, key=lambda lv: URGENCY_ORDER.get(lv.urgency, 9))


def contracts_of_project(*, project: Project) -> list[ServiceContract]:
    return list(
        project.contracts.select_related("customer")
        .prefetch_related("service_levels")
        .order_by("-start_date", "-pk")
    )


def active_contract_for(project: Project, *, on: dt.date | None = None) -> ServiceContract | None:
    on = on or timezone.localdate()
    return (
        ServiceContract.objects.filter(
            projects=project,
            status=ContractStatus.ACTIVE,
            start_date__lte=on,
            end_date__gte=on,
        )
        .order_by("-start_date", "-pk")
        .first()
    )


def service_level_for(
    project: Project, urgency: str, *, on: dt.date | None = None
) -> ServiceLevel | ServiceLevelDefault | None:
    """X-1.3/DOM-4: the service level the active contract of ``project`` promises for
    ``urgency`` on date ``on``; the company default when no active contract covers it."""
    contract = active_contract_for(project, on=on)
    if contract is not None:
        level = contract.service_levels.filter(urgency=urgency).first()
        if level is not None:
            return level
    return ServiceLevelDefault.objects.filter(urgency=urgency).first()


def project_timeline(*, project: Project, limit: int = 300) -> list[AuditEvent]:
    """X-1.2 "history of everything done on it": events on the project, events whose
    context is the project, and events on (or within) the contracts covering it."""
    project_ct = ContentType.objects.get_for_model(Project)
    contract_ct = ContentType.objects.get_for_model(ServiceContract)
    contract_ids = [str(pk) for pk in project.contracts.values_list("pk", flat=True)]
    cond = Q(target_type=project_ct, target_id=str(project.pk)) | Q(
        context_type=project_ct, context_id=str(project.pk)
    )
    if contract_ids:
        cond |= Q(target_type=contract_ct, target_id__in=contract_ids)
        cond |= Q(context_type=contract_ct, context_id__in=contract_ids)
    return list(
        AuditEvent.objects.filter(cond).select_related("target_type").order_by("-at", "-id")[:limit]
    )
