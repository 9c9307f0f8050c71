"""Portal reads: always the signed-in customer's own records (404 for anything else)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from facadeops.audit.models import AuditEvent
from facadeops.audit.verbs import label_for
from facadeops.complaints import selectors as complaints_selectors
from facadeops.core.errors import NotFound
from facadeops.customers.models import Project
from facadeops.service import selectors as service_selectors

from .permissions import require_customer


def project_list(*, user: Any) -> QuerySet[Any]:

    require_customer(user)
    return Project.objects.filter(customer_id=user.customer_id).order_by("name", "id")


def project_get(*, user: Any, pk: Any) -> Any:
    projects = project_list(user=user)
    try:
        return projects.get(pk=pk)
    except (ValueError, TypeError, projects.model.DoesNotExist) as exc:
        raise NotFound() from exc


def request_list(*, user: Any) -> QuerySet[Any]:
    require_customer(user)
    return service_selectors.request_list(user=user).filter(customer_id=user.customer_id)


def request_get(*, user: Any, pk: Any) -> Any:
    require_customer(user)
    req = service_selectors.request_get(user=user, pk=pk)
    if req.customer_id != user.customer_id:
        raise NotFound()
    return req


def work_order_list(*, user: Any) -> QuerySet[Any]:
    require_customer(user)
    return service_selectors.work_order_list(user=user).filter(customer_id=user.customer_id)


def work_order_get(*, user: Any, pk: Any) -> Any:
    require_customer(user)
    wo = service_selectors.work_order_get(user=user, pk=pk)
    if wo.customer_id != user.customer_id:
        raise NotFound()
    return wo


def status_history(obj: Any) -> list[dict[str, Any]]:
    """The record's status changes for the customer: time, step and the new status (notes
    and people are internal and left out)."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(obj)
    field = type(obj)._meta.get_field("status")
    labels = dict(getattr(field, "choices", None) or [])
    initial = getattr(field, "default", "")
    rows = []
    for ev in AuditEvent.objects.filter(target_type=ct, target_id=str(obj.pk)).order_by("at", "id"):
        status = (ev.after or {}).get("status") if isinstance(ev.after, dict) else None
        if ev.verb != "created" and not status:
            continue
        rows.append(
            {
                "at": ev.at,
                "step": label_for(ev.verb),
                "status": labels.get(status, status) if status else labels.get(initial, ""),
                "created": ev.verb == "created",
            }
        )
    return rows


def complaint_list(*, user: Any) -> Any:
    """The customer's own complaints (REG-4.3.2: their progress is visible in the portal)."""
    return complaints_selectors.complaint_list(user=user)


def complaint_get(*, user: Any, pk: Any) -> Any:
    """One own complaint with its rounds and what the customer was told (else 404)."""
    return complaints_selectors.complaint_get(user=user, pk=pk)
