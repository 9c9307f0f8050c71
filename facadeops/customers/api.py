"""REST API for customers, contacts, projects and contracts — scoped exactly like the UI.

Thin: parse, call a selector or service, serialise. Errors come from core.errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from facadeops.core.api import (
    ERRORS,
    ErrorOut,
    Page,
    TransitionOut,
    apply_sort,
    paginate,
    transitions_out,
)
from facadeops.core.choices import ClockMode, Urgency
from facadeops.core.errors import InvalidInput

from . import selectors, services
from .models import ContractStatus, Customer, FacadeSystem, GlassType, Project, UseType

PREFIX = "/customers"
router = Router(tags=["customers"])


# -- schemas -----------------------------------------------------------------------------------
class CustomerOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    address: str
    city: str
    phone: str
    email: str
    notes: str
    is_active: bool
    version: int


class CustomerIn(Schema):
    name: str
    short_name: str = ""
    address: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""
    is_active: bool = True


class CustomerPatch(Schema):
    version: int
    name: str | None = None
    short_name: str | None = None
    address: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None
    is_active: bool | None = None


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    phone: str
    email: str
    title: str
    is_primary: bool
    notes: str


class ContactIn(Schema):
    name: str
    phone: str = ""
    email: str = ""
    title: str = ""
    is_primary: bool = False
    notes: str = ""


class ProjectOut(Schema):
    id: int
    code: str
    customer_id: int
    customer_name: str
    name: str
    address: str
    province: str
    city: str
    district: str
    building_height_m: Decimal | None
    floors_above: int | None
    floors_below: int | None
    facade_area_m2: Decimal | None
    facade_systems: list[str]
    glass_types: list[str]
    completion_date: dt.date | None
    warranty_end: dt.date | None
    warranty_status: str
    age_years: int | None
    design_service_life_years: int
    project_manager_id: int
    service_head_id: int | None
    use_type: str
    notes: str
    is_active: bool
    version: int

    @staticmethod
    def resolve_customer_name(obj: Project) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_facade_systems(obj: Project) -> list[str]:
        return [f.code for f in obj.facade_systems.all()]

    @staticmethod
    def resolve_glass_types(obj: Project) -> list[str]:
        return [g.code for g in obj.glass_types.all()]

    @staticmethod
    def resolve_warranty_status(obj: Project) -> str:
        return obj.warranty_status()

    @staticmethod
    def resolve_age_years(obj: Project) -> int | None:
        return obj.age_years()


class ProjectIn(Schema):
    customer_id: int
    name: str
    address: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    building_height_m: Decimal | None = None
    floors_above: int | None = None
    floors_below: int | None = None
    facade_area_m2: Decimal | None = None
    facade_systems: list[str] = []
    glass_types: list[str] = []
    completion_date: dt.date | None = None
    warranty_end: dt.date | None = None
    design_service_life_years: int = 25
    project_manager_id: int
    service_head_id: int | None = None
    use_type: UseType = UseType.OFFICE
    notes: str = ""
    is_active: bool = True


class ProjectPatch(Schema):
    version: int
    name: str | None = None
    address: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    building_height_m: Decimal | None = None
    floors_above: int | None = None
    floors_below: int | None = None
    facade_area_m2: Decimal | None = None
    facade_systems: list[str] | None = None
    glass_types: list[str] | None = None
    completion_date: dt.date | None = None
    warranty_end: dt.date | None = None
    design_service_life_years: int | None = None
    project_manager_id: int | None = None
    service_head_id: int | None = None
    use_type: UseType | None = None
    notes: str | None = None
    is_active: bool | None = None


class ServiceLevelOut(Schema):
    urgency: str
    respond_within_hours: Decimal
    on_site_within_hours: Decimal
    complete_within_hours: Decimal | None
    clock: str


class ServiceLevelIn(Schema):
    urgency: Urgency
    respond_within_hours: Decimal
    on_site_within_hours: Decimal
    complete_within_hours: Decimal | None = None
    clock: ClockMode = ClockMode.AROUND_THE_CLOCK


class ContractOut(Schema):
    id: int
    number: str
    customer_id: int
    customer_name: str
    project_ids: list[int]
    title: str
    start_date: dt.date
    end_date: dt.date
    scheduled_services: str
    annual_fee: Decimal | None
    status: str
    notes: str
    version: int
    service_levels: list[ServiceLevelOut]

    @staticmethod
    def resolve_customer_name(obj: Any) -> str:
        return str(obj.customer.name)

    @staticmethod
    def resolve_project_ids(obj: Any) -> list[int]:
        return [p.pk for p in obj.projects.all()]

    @staticmethod
    def resolve_service_levels(obj: Any) -> list[Any]:
        return selectors.sorted_levels(obj.service_levels.all())


class ContractIn(Schema):
    customer_id: int
    project_ids: list[int] = []
    title: str
    start_date: dt.date
    end_date: dt.date
    scheduled_services: str = ""
    annual_fee: Decimal | None = None
    notes: str = ""


class ContractPatch(Schema):
    version: int
    project_ids: list[int] | None = None
    title: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    scheduled_services: str | None = None
    annual_fee: Decimal | None = None
    notes: str | None = None
    service_levels: list[ServiceLevelIn] | None = None


class TransitionIn(Schema):
    note: str = ""
    version: int | None = None


# -- helpers -----------------------------------------------------------------------------------
def _search(qs: QuerySet[Any], q: str | None, fields: list[str]) -> QuerySet[Any]:
    q = (q or "").strip()[:100]
    if not q:
        return qs
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": q})
    return qs.filter(cond)


def _customer_for(request: HttpRequest, pk: int, field: str = "customer_id") -> Customer:
    customer = selectors.customer_list(user=request.user).filter(pk=pk).first()
    if customer is None:
        raise InvalidInput(fields={field: [_("Unknown customer.")]})
    return customer


def _catalogue(model: Any, codes: list[str], field: str) -> list[Any]:
    found = {o.code: o for o in model.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput(fields={field: [_("Unknown codes: %(c)s.") % {"c": ", ".join(missing)}]})
    return [found[c] for c in codes]


def _user(pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise InvalidInput(fields={field: [_("Unknown user.")]})
    return user


def _projects(request: HttpRequest, ids: list[int]) -> list[Project]:
    found = {p.pk: p for p in selectors.project_list(user=request.user).filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            fields={"project_ids": [_("Unknown projects: %(ids)s.") % {"ids": ", ".join(missing)}]}
        )
    return [found[i] for i in ids]


# -- customers ---------------------------------------------------------------------------------
@router.get("/customers", response={200: Page[CustomerOut], 422: ErrorOut})
def list_customers(
    request: HttpRequest,
    q: str | None = None,
    sort: str | None = None,
    city: str | None = None,
    is_active: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Any:
    """Customers (sort: name, code, city, created_at)."""
    qs = _search(selectors.customer_list(user=request.user), q, ["name", "short_name", "code"])
    if city:
        qs = qs.filter(city__icontains=city)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    qs = apply_sort(
        qs,
        sort,
        {"name": "name", "code": "code", "city": "city", "created_at": "created_at"},
        "name",
    )
    return paginate(qs, page=page, page_size=page_size)


@router.get("/customers/{int:pk}", response={200: CustomerOut, **ERRORS})
def get_customer(request: HttpRequest, pk: int) -> Any:
    return selectors.customer_get(user=request.user, pk=pk)


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    return Status(201, services.customer_create(actor=request.user, data=payload.dict()))


@router.patch("/customers/{int:pk}", response={200: CustomerOut, **ERRORS})
def update_customer(request: HttpRequest, pk: int, payload: CustomerPatch) -> Any:
    customer = selectors.customer_get(user=request.user, pk=pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.customer_update(
        actor=request.user, customer=customer, data=data, version=version
    )


@router.get("/customers/{int:pk}/contacts", response={200: list[ContactOut], **ERRORS})
def list_contacts(request: HttpRequest, pk: int) -> Any:
    customer = selectors.customer_get(user=request.user, pk=pk)
    return list(selectors.contact_list(user=request.user, customer=customer))


@router.post("/customers/{int:pk}/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, pk: int, payload: ContactIn) -> Any:
    customer = selectors.customer_get(user=request.user, pk=pk)
    return Status(
        201, services.contact_create(actor=request.user, customer=customer, data=payload.dict())
    )


# -- projects ----------------------------------------------------------------------------------
PROJECT_SORT = {
    "name": "name",
    "code": "code",
    "city": "city",
    "customer": "customer__name",
    "completion_date": "completion_date",
    "warranty_end": "warranty_end",
    "building_height_m": "building_height_m",
    "created_at": "created_at",
}


@router.get("/projects", response={200: Page[ProjectOut], 422: ErrorOut})
def list_projects(
    request: HttpRequest,
    q: str | None = None,
    sort: str | None = None,
    customer_id: int | None = None,
    city: str | None = None,
    facade_system: str | None = None,
    project_manager_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Any:
    """Projects (sort: name, code, city, customer, completion_date, warranty_end,
    building_height_m, created_at; filter by customer_id, city, facade_system code,
    project_manager_id)."""
    qs = _search(
        selectors.project_list(user=request.user),
        q,
        ["name", "code", "address", "city", "district", "customer__name"],
    )
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if city:
        qs = qs.filter(city__icontains=city)
    if facade_system:
        qs = qs.filter(facade_systems__code=facade_system).distinct()
    if project_manager_id is not None:
        qs = qs.filter(project_manager_id=project_manager_id)
    return paginate(apply_sort(qs, sort, PROJECT_SORT, "name"), page=page, page_size=page_size)


@router.get("/projects/{int:pk}", response={200: ProjectOut, **ERRORS})
def get_project(request: HttpRequest, pk: int) -> Any:
    return selectors.project_get(user=request.user, pk=pk)


def _project_data(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "customer_id" in data:
        out["customer"] = _customer_for(request, data.pop("customer_id"))
    if "project_manager_id" in data:
        out["project_manager"] = _user(data.pop("project_manager_id"), "project_manager_id")
    if "service_head_id" in data:
        out["service_head"] = _user(data.pop("service_head_id"), "service_head_id")
    return {**data, **out}


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    data = payload.dict()
    systems = _catalogue(FacadeSystem, data.pop("facade_systems"), "facade_systems")
    glass = _catalogue(GlassType, data.pop("glass_types"), "glass_types")
    project = services.project_create(
        actor=request.user,
        data=_project_data(request, data),
        facade_systems=systems,
        glass_types=glass,
    )
    return Status(201, selectors.project_get(user=request.user, pk=project.pk))


@router.patch("/projects/{int:pk}", response={200: ProjectOut, **ERRORS})
def update_project(request: HttpRequest, pk: int, payload: ProjectPatch) -> Any:
    project = selectors.project_get(user=request.user, pk=pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    systems = data.pop("facade_systems", None)
    glass = data.pop("glass_types", None)
    services.project_update(
        actor=request.user,
        project=project,
        data=_project_data(request, data),
        version=version,
        facade_systems=(
            None if systems is None else _catalogue(FacadeSystem, systems, "facade_systems")
        ),
        glass_types=None if glass is None else _catalogue(GlassType, glass, "glass_types"),
    )
    return selectors.project_get(user=request.user, pk=pk)


# -- contracts ---------------------------------------------------------------------------------
CONTRACT_SORT = {
    "number": "number",
    "title": "title",
    "start_date": "start_date",
    "end_date": "end_date",
    "status": "status",
    "customer": "customer__name",
}


@router.get("/contracts", response={200: Page[ContractOut], 422: ErrorOut})
def list_contracts(
    request: HttpRequest,
    q: str | None = None,
    sort: str | None = None,
    customer_id: int | None = None,
    status: ContractStatus | None = None,
    project_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Any:
    """Service contracts (sort: number, title, start_date, end_date, status, customer)."""
    qs = _search(
        selectors.contract_list(user=request.user), q, ["number", "title", "customer__name"]
    )
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if project_id is not None:
        qs = qs.filter(projects=project_id).distinct()
    return paginate(
        apply_sort(qs, sort, CONTRACT_SORT, "-start_date"), page=page, page_size=page_size
    )


@router.get("/contracts/{int:pk}", response={200: ContractOut, **ERRORS})
def get_contract(request: HttpRequest, pk: int) -> Any:
    return selectors.contract_get(user=request.user, pk=pk)


@router.post("/contracts", response={201: ContractOut, **ERRORS})
def create_contract(request: HttpRequest, payload: ContractIn) -> Any:
    data = payload.dict()
    customer = _customer_for(request, data.pop("customer_id"))
    projects = _projects(request, data.pop("project_ids"))
    contract = services.contract_create(
        actor=request.user, customer=customer, data=data, projects=projects
    )
    return Status(201, selectors.contract_get(user=request.user, pk=contract.pk))


@router.patch("/contracts/{int:pk}", response={200: ContractOut, **ERRORS})
def update_contract(request: HttpRequest, pk: int, payload: ContractPatch) -> Any:
    """Change a contract; ``service_levels`` (optional) replaces the given urgencies' hours.
    A stale ``version`` gets 409."""
    contract = selectors.contract_get(user=request.user, pk=pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    levels = data.pop("service_levels", None)
    ids = data.pop("project_ids", None)
    projects = None if ids is None else _projects(request, ids)
    if data or projects is not None:
        contract = services.contract_update(
            actor=request.user, contract=contract, data=data, version=version, projects=projects
        )
        version = contract.version
    if levels:
        services.contract_set_service_levels(
            actor=request.user,
            contract=contract,
            levels={str(lv.pop("urgency")): lv for lv in levels},
            version=version,
        )
    return selectors.contract_get(user=request.user, pk=pk)


@router.get("/contracts/{int:pk}/transitions", response={200: list[TransitionOut], **ERRORS})
def contract_transitions(request: HttpRequest, pk: int) -> Any:
    """The workflow steps this user may take on the contract now."""
    return transitions_out(selectors.contract_get(user=request.user, pk=pk), request.user)


@router.post("/contracts/{int:pk}/transitions/{name}", response={200: ContractOut, **ERRORS})
def take_contract_transition(
    request: HttpRequest, pk: int, name: str, payload: TransitionIn
) -> Any:
    """Take a workflow step; a refusal is 409 with every reason in ``fields.__all__``."""
    contract = selectors.contract_get(user=request.user, pk=pk)
    services.contract_transition(
        actor=request.user,
        contract=contract,
        name=name,
        note=payload.note,
        version=payload.version,
    )
    return selectors.contract_get(user=request.user, pk=pk)
