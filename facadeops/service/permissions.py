"""Who may see and do what with which request or work order (role AND object scope).

Seeing: management, service head, technical head, project manager, quality and agents see
every work order; a technician those he is the technician of; service staff those they
lead or work on; a customer only its own customer's. Whatever a user may not see does not
exist for them (404). The steps themselves are checked by the workflow engine (roles and
the transition's scope); the record-level writes below check the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from facadeops.core.errors import Conflict, Forbidden, NotFound
from facadeops.core.roles import Role, has_role, is_staff_member, sees_everything

from .models import ServiceRequest, WorkOrder, WOStatus

R = Role

# Roles that see every work order and request of the company.
ALL_WORK_ROLES = frozenset(
    {R.MANAGEMENT, R.SERVICE_HEAD, R.TECH_HEAD, R.PROJECT_MANAGER, R.QUALITY, R.AGENT}
)
REQUEST_DESK_ROLES = frozenset({R.AGENT, R.SERVICE_HEAD})
WORK_ORDER_CREATORS = frozenset({R.SERVICE_HEAD, R.PROJECT_MANAGER, R.MANAGEMENT})
CLOSED_STATES = frozenset({WOStatus.ARCHIVED, WOStatus.CANCELLED})


def is_customer_user(user: Any) -> bool:
    return bool(getattr(user, "customer_id", None)) and not is_staff_member(user)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def work_order_scope_q(user: Any) -> Q | None:
    """None = every work order; otherwise the filter of the ones the user may see."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if sees_everything(user) or has_role(user, ALL_WORK_ROLES):
        return None
    if is_customer_user(user):
        return Q(customer_id=user.customer_id)
    q = Q(pk__in=[])
    if has_role(user, R.TECHNICIAN):
        q |= Q(technician_id=user.pk)
    if has_role(user, R.SERVICE_STAFF):
        q |= Q(lead_id=user.pk) | Q(members__id=user.pk)
    return q


def request_scope_q(user: Any) -> Q | None:
    if not _authenticated(user):
        return Q(pk__in=[])
    if sees_everything(user) or has_role(user, ALL_WORK_ROLES):
        return None
    if is_customer_user(user):
        return Q(customer_id=user.customer_id)
    q = Q(pk__in=[])
    if has_role(user, R.TECHNICIAN):
        q |= Q(work_order__technician_id=user.pk)
    if has_role(user, R.SERVICE_STAFF):
        q |= Q(work_order__lead_id=user.pk) | Q(work_order__members__id=user.pk)
    return q


def can_view_work_order(user: Any, wo: WorkOrder) -> bool:
    if not _authenticated(user):
        return False
    if sees_everything(user) or has_role(user, ALL_WORK_ROLES):
        return True
    if is_customer_user(user):
        return bool(user.customer_id == wo.customer_id)
    if has_role(user, R.TECHNICIAN) and wo.technician_id == user.pk:
        return True
    return has_role(user, R.SERVICE_STAFF) and is_team(user, wo)


def can_view_request(user: Any, req: ServiceRequest) -> bool:
    if not _authenticated(user):
        return False
    if sees_everything(user) or has_role(user, ALL_WORK_ROLES):
        return True
    if is_customer_user(user):
        return bool(req.customer_id and user.customer_id == req.customer_id)
    wo = WorkOrder.objects.filter(request=req).first()
    return wo is not None and can_view_work_order(user, wo)


def is_team(user: Any, wo: WorkOrder) -> bool:
    if wo.lead_id == user.pk:
        return True
    if wo.pk is None:
        return False
    if "members" in getattr(wo, "_prefetched_objects_cache", {}):  # lists of cards
        return any(m.pk == user.pk for m in wo.members.all())
    return wo.members.filter(pk=user.pk).exists()


def is_technician(user: Any, wo: WorkOrder) -> bool:
    return bool(wo.technician_id == user.pk) and has_role(user, R.TECHNICIAN)


# --- checks used by the services -----------------------------------------------------------------
def require_view_work_order(user: Any, wo: WorkOrder) -> None:
    if not can_view_work_order(user, wo):
        raise NotFound()


def require_view_request(user: Any, req: ServiceRequest) -> None:
    if not can_view_request(user, req):
        raise NotFound()


def require_open(wo: WorkOrder) -> None:
    """Archived (REG-2.5.2) and cancelled work orders cannot be changed."""
    if wo.status == WOStatus.ARCHIVED:
        raise Conflict(
            _("This work order is archived; archived records cannot be changed."),
            code="archived",
        )
    if wo.status == WOStatus.CANCELLED:
        raise Conflict(_("This work order is cancelled and cannot be changed."), code="cancelled")


def require_state(wo: WorkOrder, states: Collection[Any], what: str) -> None:
    if wo.status not in states:
        raise Conflict(
            _("%(what)s is not possible while the work order is “%(state)s”.")
            % {"what": what, "state": WOStatus(wo.status).label},
            code="wrong_state",
        )


def require_role(user: Any, *roles: str) -> None:
    if not has_role(user, set(roles)):
        raise Forbidden(_("Your role does not allow this."))


def require_technician(user: Any, wo: WorkOrder) -> None:
    """Only the work order's technician (REG-2.2.1/2.2.2)."""
    require_view_work_order(user, wo)
    if not is_technician(user, wo):
        raise Forbidden(_("Only the technician of this work order may do this."))


def require_team(user: Any, wo: WorkOrder, *, technician_too: bool = False) -> None:
    """Only the assigned service staff (lead or members) — and the technician if allowed."""
    require_view_work_order(user, wo)
    if has_role(user, R.SERVICE_STAFF) and is_team(user, wo):
        return
    if technician_too and is_technician(user, wo):
        return
    raise Forbidden(_("Only the service staff assigned to this work order may do this."))


def require_quality(user: Any, wo: WorkOrder) -> None:
    require_view_work_order(user, wo)
    require_role(user, R.QUALITY)


# --- attachments policy (registered in apps.py) --------------------------------------------------
def attachments_view_work_order(user: Any, wo: WorkOrder) -> bool:
    return can_view_work_order(user, wo)


def attachments_add_work_order(user: Any, wo: WorkOrder) -> bool:
    if wo.status in CLOSED_STATES:
        return False
    return is_staff_member(user) and can_view_work_order(user, wo)


def attachments_view_request(user: Any, req: ServiceRequest) -> bool:
    return can_view_request(user, req)


def attachments_add_request(user: Any, req: ServiceRequest) -> bool:
    wo = WorkOrder.objects.filter(request=req).only("status").first()
    if wo is not None and wo.status in CLOSED_STATES:
        return False
    if is_customer_user(user):
        return bool(req.customer_id and req.customer_id == user.customer_id)
    return is_staff_member(user) and can_view_request(user, req)


def attachments_detach_work_order(user: Any, wo: WorkOrder) -> bool:
    return wo.status not in CLOSED_STATES


def attachments_detach_request(user: Any, req: ServiceRequest) -> bool:
    wo = WorkOrder.objects.filter(request=req).only("status").first()
    return wo is None or wo.status not in CLOSED_STATES


# Who sees the service dashboard (page and API).
DASHBOARD_ROLES = (
    Role.SERVICE_HEAD,
    Role.TECH_HEAD,
    Role.PROJECT_MANAGER,
    Role.QUALITY,
    Role.MANAGEMENT,
    Role.AGENT,
)
