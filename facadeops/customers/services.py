"""Every write on customers, contacts, projects and contracts: keyword-only, transactional,
permission-checked and audited (X-9.1). Built on core.services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.audit.services import record
from facadeops.core.choices import Urgency
from facadeops.core.errors import Conflict, InvalidInput
from facadeops.core.numbering import next_number
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition

from .models import (
    Contact,
    Customer,
    FacadeSystem,
    GlassType,
    Project,
    ServiceContract,
    ServiceLevel,
    ServiceLevelDefault,
)
from .permissions import require, require_catalogues

LEVEL_FIELDS = (
    "respond_within_hours",
    "on_site_within_hours",
    "complete_within_hours",
    "clock",
)


def _only(data: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    allowed = set(allowed)
    return {k: v for k, v in data.items() if k in allowed}


CUSTOMER_FIELDS = ("name", "short_name", "address", "city", "phone", "email", "notes", "is_active")
CONTACT_FIELDS = ("name", "phone", "email", "title", "is_primary", "notes")
PROJECT_FIELDS = (
    "customer",
    "name",
    "address",
    "province",
    "city",
    "district",
    "building_height_m",
    "floors_above",
    "floors_below",
    "facade_area_m2",
    "completion_date",
    "warranty_end",
    "design_service_life_years",
    "project_manager",
    "service_head",
    "use_type",
    "notes",
    "is_active",
)
CONTRACT_FIELDS = ("title", "start_date", "end_date", "scheduled_services", "annual_fee", "notes")


# -- customers -----------------------------------------------------------------------------
def _number_customer(obj: Customer) -> None:
    obj.code = next_number("KH")


def customer_create(*, actor: Any, data: dict[str, Any]) -> Customer:
    require(actor, "add", "customer")
    return create_record(
        Customer, actor=actor, data=_only(data, CUSTOMER_FIELDS), before_save=_number_customer
    )


def customer_update(
    *, actor: Any, customer: Customer, data: dict[str, Any], version: int | None
) -> Customer:
    require(actor, "change", "customer")
    return update_record(
        customer, actor=actor, data=_only(data, CUSTOMER_FIELDS), expected_version=version
    )


# -- contacts ------------------------------------------------------------------------------
def _contact_context(contact: Contact) -> Customer:
    return contact.customer


def contact_create(*, actor: Any, customer: Customer, data: dict[str, Any]) -> Contact:
    require(actor, "add", "contact")
    return create_record(
        Contact,
        actor=actor,
        data={**_only(data, CONTACT_FIELDS), "customer": customer},
        context=_contact_context,
    )


def contact_update(*, actor: Any, contact: Contact, data: dict[str, Any]) -> Contact:
    require(actor, "change", "contact")
    return update_record(
        contact,
        actor=actor,
        data=_only(data, CONTACT_FIELDS),
        expected_version=None,
        context=_contact_context,
    )


# -- projects ------------------------------------------------------------------------------
def _project_context(project: Project) -> Customer:
    return project.customer


def _number_project(obj: Project) -> None:
    obj.code = next_number("XM")


def _project_m2m(
    facade_systems: Iterable[FacadeSystem] | None, glass_types: Iterable[GlassType] | None
) -> dict[str, list[Any]]:
    m2m: dict[str, list[Any]] = {}
    if facade_systems is not None:
        m2m["facade_systems"] = list(facade_systems)
    if glass_types is not None:
        m2m["glass_types"] = list(glass_types)
    return m2m


def project_create(
    *,
    actor: Any,
    data: dict[str, Any],
    facade_systems: Iterable[FacadeSystem] = (),
    glass_types: Iterable[GlassType] = (),
) -> Project:
    require(actor, "add", "project")
    return create_record(
        Project,
        actor=actor,
        data=_only(data, PROJECT_FIELDS),
        m2m=_project_m2m(facade_systems, glass_types),
        context=_project_context,
        before_save=_number_project,
    )


def project_update(
    *,
    actor: Any,
    project: Project,
    data: dict[str, Any],
    version: int | None,
    facade_systems: Iterable[FacadeSystem] | None = None,
    glass_types: Iterable[GlassType] | None = None,
) -> Project:
    require(actor, "change", "project")
    fields = _only(data, PROJECT_FIELDS)
    if (
        "customer" in fields
        and fields["customer"].pk != project.customer_id
        and project.contracts.exists()
    ):
        raise InvalidInput(
            fields={
                "customer": [
                    _("The customer cannot change while service contracts cover the project.")
                ]
            }
        )
    return update_record(
        project,
        actor=actor,
        data=fields,
        expected_version=version,
        m2m=_project_m2m(facade_systems, glass_types),
        context=_project_context,
    )


# -- contracts -----------------------------------------------------------------------------
def _contract_context(contract: ServiceContract) -> Customer:
    return contract.customer


def _check_projects(customer: Customer, projects: list[Project]) -> None:
    foreign = [p for p in projects if p.customer_id != customer.pk]
    if foreign:
        raise InvalidInput(
            fields={
                "projects": [
                    _("These projects belong to another customer: %(names)s.")
                    % {"names": "、".join(p.name for p in foreign)}
                ]
            }
        )


def contract_create(
    *,
    actor: Any,
    customer: Customer,
    data: dict[str, Any],
    projects: Iterable[Project] = (),
) -> ServiceContract:
    """X-1.3: a new contract (draft) with its service levels copied from the DOM-4 defaults."""
    require(actor, "add", "servicecontract")
    project_list = list(projects)
    _check_projects(customer, project_list)

    def _number(obj: ServiceContract) -> None:
        obj.number = next_number("HT")

    with transaction.atomic():
        contract = create_record(
            ServiceContract,
            actor=actor,
            data={**_only(data, CONTRACT_FIELDS), "customer": customer},
            m2m={"projects": project_list},
            context=_contract_context,
            before_save=_number,
        )
        ServiceLevel.objects.bulk_create(
            [
                ServiceLevel(
                    contract=contract,
                    urgency=d.urgency,
                    **{f: getattr(d, f) for f in LEVEL_FIELDS},
                )
                for d in ServiceLevelDefault.objects.all()
            ]
        )
    return contract


def _refuse_closed(contract: ServiceContract) -> None:
    if contract.is_closed:
        raise InvalidInput(
            _("A %(status)s contract can no longer be changed.")
            % {"status": contract.get_status_display()},
            code="contract_closed",
        )


def contract_update(
    *,
    actor: Any,
    contract: ServiceContract,
    data: dict[str, Any],
    version: int | None,
    projects: Iterable[Project] | None = None,
) -> ServiceContract:
    require(actor, "change", "servicecontract")
    _refuse_closed(contract)
    m2m: dict[str, list[Any]] = {}
    if projects is not None:
        project_list = list(projects)
        _check_projects(contract.customer, project_list)
        m2m["projects"] = project_list
    return update_record(
        contract,
        actor=actor,
        data=_only(data, CONTRACT_FIELDS),
        expected_version=version,
        m2m=m2m,
        context=_contract_context,
    )


def contract_set_service_levels(
    *,
    actor: Any,
    contract: ServiceContract,
    levels: dict[str, dict[str, Any]],
    version: int | None,
) -> ServiceContract:
    """Edit the per-urgency service levels of a contract. ``levels`` maps an urgency to its
    hour fields. Field errors are reported as ``<urgency>-<field>``. Bumps the contract's
    version (a stale one is refused) and is audited on the contract."""
    require(actor, "change", "servicecontract")
    unknown = set(levels) - set(Urgency.values)
    if unknown:
        raise InvalidInput(
            fields={"urgency": [_("Unknown urgency: %(u)s.") % {"u": ", ".join(sorted(unknown))}]}
        )
    with transaction.atomic():
        locked = ServiceContract.objects.select_for_update().get(pk=contract.pk)
        if version is None or locked.version != version:
            raise Conflict()
        _refuse_closed(locked)
        existing = {lv.urgency: lv for lv in locked.service_levels.all()}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        to_save = []
        for urgency, values in levels.items():
            level = existing.get(urgency) or ServiceLevel(contract=locked, urgency=urgency)
            old = {f: getattr(level, f) for f in LEVEL_FIELDS} if level.pk else {}
            for f in LEVEL_FIELDS:
                if f in values:
                    setattr(level, f, values[f])
            try:
                level.full_clean(exclude=["contract"])
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    errors.setdefault(f"{urgency}-{field}", []).extend(msgs)
                continue
            new = {f: getattr(level, f) for f in LEVEL_FIELDS}
            if {k: str(v) for k, v in new.items()} != {k: str(v) for k, v in old.items()}:
                before[urgency] = old
                after[urgency] = new
                to_save.append(level)
        if errors:
            raise InvalidInput(fields=errors)
        if not to_save:
            return locked
        for level in to_save:
            level.save()
        ServiceContract.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        locked.refresh_from_db()
        record(
            actor=actor,
            verb="service_levels_changed",
            target=locked,
            before=before,
            after=after,
            context=locked.customer,
        )
    contract.version = locked.version
    return locked


def contract_transition(
    *,
    actor: Any,
    contract: ServiceContract,
    name: str,
    note: str = "",
    version: int | None = None,
) -> ServiceContract:
    """Take a workflow step (the engine checks role, state and guards)."""
    if version is not None and version != contract.version:
        raise Conflict()
    result: ServiceContract = transition(contract, name, actor=actor, note=note)
    return result


# -- catalogues ------------------------------------------------------------------------------
def catalogue_save(
    *, actor: Any, model: type[Any], data: dict[str, Any], instance: Any = None
) -> Any:
    require_catalogues(actor)
    if instance is None:
        return create_record(model, actor=actor, data=data)
    return update_record(instance, actor=actor, data=data, expected_version=None)
