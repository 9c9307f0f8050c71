"""X-1.3 service-contract life cycle on the core workflow engine.

draft → active (guards: projects, a service level per urgency, valid dates) ⇄ suspended;
active/suspended → terminated (with a reason); active → expired (only after the end date);
draft → cancelled.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.core.choices import Urgency
from facadeops.core.roles import Role
from facadeops.core.workflow import Transition, TransitionContext, Workflow, register

from .models import ContractStatus, ServiceContract

S = ContractStatus
CONTRACT_ROLES = frozenset({Role.SERVICE_HEAD, Role.PROJECT_MANAGER, Role.MANAGEMENT})


def has_projects(contract: ServiceContract, ctx: TransitionContext) -> str | None:
    if not contract.projects.exists():
        return _("Add at least one project that the contract covers.")
    return None


def has_service_levels(contract: ServiceContract, ctx: TransitionContext) -> list[str]:
    present = set(contract.service_levels.values_list("urgency", flat=True))
    return [
        _("Set the service level for urgency “%(urgency)s”.") % {"urgency": u.label}
        for u in Urgency
        if u.value not in present
    ]


def dates_valid(contract: ServiceContract, ctx: TransitionContext) -> str | None:
    if contract.end_date < contract.start_date:
        return _("The end date cannot be before the start date.")
    return None


def has_ended(contract: ServiceContract, ctx: TransitionContext) -> str | None:
    if contract.end_date >= timezone.localdate():
        return _("The contract only expires after its end date (%(date)s).") % {
            "date": contract.end_date.isoformat()
        }
    return None


def _customer(contract: Any) -> Any:
    return contract.customer


CONTRACT_WORKFLOW = register(
    ServiceContract,
    Workflow(
        name="contract",
        states=ContractStatus,
        audit_context=_customer,
        transitions=[
            Transition(
                "activate",
                source=[S.DRAFT],
                target=S.ACTIVE,
                roles=CONTRACT_ROLES,
                label=gettext_lazy("Put into effect"),
                guards=[has_projects, has_service_levels, dates_valid],
                style="success",
            ),
            Transition(
                "suspend",
                source=[S.ACTIVE],
                target=S.SUSPENDED,
                roles=CONTRACT_ROLES,
                label=gettext_lazy("Suspend"),
                requires_note=True,
                style="warning",
            ),
            Transition(
                "resume",
                source=[S.SUSPENDED],
                target=S.ACTIVE,
                roles=CONTRACT_ROLES,
                label=gettext_lazy("Resume"),
                guards=[dates_valid],
                style="success",
            ),
            Transition(
                "terminate",
                source=[S.ACTIVE, S.SUSPENDED],
                target=S.TERMINATED,
                roles=CONTRACT_ROLES,
                label=gettext_lazy("Terminate"),
                requires_note=True,
                style="danger",
                confirm=gettext_lazy("Terminate this contract? This cannot be undone."),
            ),
            Transition(
                "expire",
                source=[S.ACTIVE],
                target=S.EXPIRED,
                roles=CONTRACT_ROLES,
                label=gettext_lazy("Mark as expired"),
                guards=[has_ended],
                style="secondary",
            ),
            Transition(
                "cancel",
                source=[S.DRAFT],
                target=S.CANCELLED,
                roles=CONTRACT_ROLES,
                label=gettext_lazy("Void"),
                style="outline-danger",
                confirm=gettext_lazy("Cancel this draft contract?"),
            ),
        ],
    ),
)
