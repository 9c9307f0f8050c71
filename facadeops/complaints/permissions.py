"""Who may see and do what with complaints (REG-4, REG-1.3 roles).

- agents receive complaints on every channel and log what the customer is told;
- the service head of the project (or any service head) forms the team, follows the case,
  reports the result and archives the file; management sees everything;
- the team (its leader and members) investigates and writes the handling plan;
- the technical head reviews and the project's manager approves the plan (REG-4.3.1);
- quality inspectors see every complaint (they sit on teams and analyse causes);
- customers see only their own company's complaints (portal), and give their verdict.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from facadeops.core.errors import NotFound
from facadeops.core.roles import Role, has_role, sees_everything

from .models import Complaint

R = Role
# Staff who see every complaint (the service side and the reviewers of REG-4).
SEE_ALL = (R.AGENT, R.SERVICE_HEAD, R.TECH_HEAD, R.QUALITY, R.MANAGEMENT)
RECEIVERS = (R.AGENT, R.SERVICE_HEAD, R.MANAGEMENT)


def is_customer(user: Any) -> bool:
    return has_role(user, R.CUSTOMER) and getattr(user, "customer_id", None) is not None


def on_team(user: Any, complaint: Complaint) -> bool:
    """Leader or member of the current round's team."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    return (
        complaint.rounds.filter(number=complaint.round_no)
        .filter(Q(leader_id=pk) | Q(members__user_id=pk))
        .exists()
    )


def scoped(user: Any, qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The complaints of ``qs`` that ``user`` may see."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return qs.none()
    if sees_everything(user) or has_role(user, *SEE_ALL):
        return qs
    if is_customer(user):
        return qs.filter(customer_id=user.customer_id)
    if has_role(user, R.PROJECT_MANAGER, R.TECHNICIAN, R.SERVICE_STAFF):
        # Their projects, the complaints whose team they are on (any round) and those with
        # a measure they are responsible for.
        mine = Complaint.objects.filter(
            Q(project__project_manager_id=user.pk)
            | Q(rounds__leader_id=user.pk)
            | Q(rounds__members__user_id=user.pk)
            | Q(rounds__plans__measures__responsible_id=user.pk)
        ).values("pk")
        return qs.filter(pk__in=mine)
    return qs.none()


def can_view(user: Any, complaint: Complaint) -> bool:
    return scoped(user, Complaint.objects.filter(pk=complaint.pk)).exists()


def can_receive(user: Any) -> bool:
    """REG-4.1.1: record a complaint taken on any channel."""
    return has_role(user, *RECEIVERS)


def is_head(user: Any, complaint: Complaint) -> bool:
    """The project's service head (any service head when none is set), or management."""
    if has_role(user, R.MANAGEMENT) or sees_everything(user):
        return True
    if not has_role(user, R.SERVICE_HEAD):
        return False
    return complaint.service_head_id in (None, user.pk)


def can_investigate(user: Any, complaint: Complaint) -> bool:
    """Add evidence and findings: the team of the current round, or the service head."""
    return is_head(user, complaint) or on_team(user, complaint)


def may_mark_measures(user: Any, complaint: Complaint) -> bool:
    """The team, the head, or the person responsible for a measure of the complaint."""
    return (
        can_investigate(user, complaint)
        or complaint.rounds.filter(
            plans__measures__responsible_id=getattr(user, "pk", None)
        ).exists()
    )


def may_tell_customer(user: Any, complaint: Complaint) -> bool:
    """REG-4.3.2: agents (also on the phone), the team and the head."""
    return has_role(user, R.AGENT) or can_investigate(user, complaint)


def is_project_manager(user: Any, complaint: Complaint) -> bool:
    return has_role(user, R.PROJECT_MANAGER) and complaint.project.project_manager_id in (
        None,
        user.pk,
    )


def is_own_customer(user: Any, complaint: Complaint) -> bool:
    """The customer's own user (portal), or the agent/service head recording by phone."""
    if has_role(user, R.CUSTOMER):
        return getattr(user, "customer_id", None) == complaint.customer_id
    return has_role(user, R.AGENT) or is_head(user, complaint)


def require_view(user: Any, complaint: Complaint) -> None:
    """404 for a complaint the user may not see (its existence is not revealed)."""
    if not can_view(user, complaint):
        raise NotFound()
