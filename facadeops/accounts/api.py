"""People API (REG-1.3, X-6.5): users, departments, employees with certificates, and the
caller's own API tokens. Thin: parse, call a selector/service, serialise."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from facadeops.core.api import ErrorOut, Page, apply_sort, paginate
from facadeops.core.errors import Forbidden, NotFound
from facadeops.core.roles import ALL_ROLES, is_staff_member

from . import selectors, services
from .models import ApiToken, Certificate, Department, Employee, User
from .permissions import can_view_people, is_customer_user, require_view_people
from .selectors import access_employee

PREFIX = "/accounts"
router = Router(tags=["people"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool
    parent_id: int | None = None
    head_id: int | None = None


class DepartmentRef(Schema):
    id: int
    code: str
    name: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_active: bool
    department: DepartmentRef | None = None
    roles: list[str]

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(g.name for g in obj.groups.all() if g.name in ALL_ROLES)


class MeOut(UserOut):
    is_superuser: bool
    customer_id: int | None = None
    employee_id: int | None = None
    preferred_language: str

    @staticmethod
    def resolve_employee_id(obj: User) -> int | None:
        return Employee.objects.filter(user=obj).values_list("pk", flat=True).first()


class UserRef(Schema):
    id: int
    username: str
    full_name: str
    is_active: bool


class CertificateOut(Schema):
    id: int
    type_code: str
    type_name: str
    is_work_at_height: bool
    number: str
    issued_by: str
    valid_from: dt.date
    valid_to: dt.date
    state: str
    notes: str
    version: int

    @staticmethod
    def resolve_type_code(obj: Certificate) -> str:
        return obj.type.code

    @staticmethod
    def resolve_type_name(obj: Certificate) -> str:
        return obj.type.name

    @staticmethod
    def resolve_is_work_at_height(obj: Certificate) -> bool:
        return obj.type.is_work_at_height

    @staticmethod
    def resolve_state(obj: Certificate) -> str:
        return selectors.certificate_state(obj)


class EmployeeOut(Schema):
    id: int
    employee_no: str
    user: UserRef
    department: DepartmentRef | None = None
    position: str
    phone: str
    status: str
    status_label: str
    hire_date: dt.date | None = None
    leave_date: dt.date | None = None
    roles: list[str]
    skills: list[str]
    height_valid_until: dt.date | None = None
    version: int

    @staticmethod
    def resolve_status_label(obj: Employee) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_roles(obj: Employee) -> list[str]:
        return sorted(g.name for g in obj.user.groups.all() if g.name in ALL_ROLES)

    @staticmethod
    def resolve_skills(obj: Employee) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_height_valid_until(obj: Employee) -> dt.date | None:
        return getattr(obj, "height_valid_until", None)


class EmployeeDetailOut(EmployeeOut):
    certificates: list[CertificateOut]

    @staticmethod
    def resolve_certificates(obj: Employee) -> list[Certificate]:
        return list(selectors.employee_certificates(employee=obj))


class TokenIn(Schema):
    name: str
    expires_at: dt.datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    is_usable: bool


class TokenCreatedOut(TokenOut):
    token: str


USER_SORTS = {"username": "username", "full_name": "full_name", "date_joined": "date_joined"}
EMPLOYEE_SORTS = {
    "employee_no": "employee_no",
    "name": "user__full_name",
    "department": "department__name",
    "status": "status",
    "hire_date": "hire_date",
}


def _staff_only(user: Any) -> None:
    if is_customer_user(user) or not is_staff_member(user):
        raise Forbidden()


@router.get("/users", response={200: Page[UserOut], **ERRORS}, summary="List users")
def list_users(
    request: HttpRequest,
    page: int = 1,
    page_size: int = 50,
    q: str | None = None,
    sort: str | None = None,
    role: str | None = None,
    department: int | None = None,
    is_active: bool | None = None,
) -> Any:
    """Users (people viewers only). Sort: username, full_name, date_joined."""
    require_view_people(request.user)
    qs = selectors.user_list(
        user=request.user, q=q, role=role, department=department, is_active=is_active
    )
    return paginate(apply_sort(qs, sort, USER_SORTS, "username"), page=page, page_size=page_size)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="One user")
def get_user(request: HttpRequest, user_id: int) -> Any:
    if user_id == request.user.pk:
        return User.objects.select_related("department").get(pk=user_id)
    user = selectors.user_list(user=request.user).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user")
def me(request: HttpRequest) -> Any:
    return User.objects.select_related("department").get(pk=request.user.pk or 0)


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS}, summary="Departments")
def list_departments(request: HttpRequest) -> Any:
    _staff_only(request.user)
    return list(Department.objects.order_by("name"))


@router.get("/employees", response={200: Page[EmployeeOut], **ERRORS}, summary="List employees")
def list_employees(
    request: HttpRequest,
    page: int = 1,
    page_size: int = 50,
    q: str | None = None,
    sort: str | None = None,
    status: str | None = None,
    department: int | None = None,
    role: str | None = None,
) -> Any:
    """Employees: people viewers see all, other staff only themselves, customers nothing.
    Sort: employee_no, name, department, status, hire_date."""
    _staff_only(request.user)
    qs = selectors.employee_list(
        user=request.user, q=q, status=status, department=department, role=role
    )
    return paginate(
        apply_sort(qs, sort, EMPLOYEE_SORTS, "employee_no"), page=page, page_size=page_size
    )


@router.get(
    "/employees/{employee_id}",
    response={200: EmployeeDetailOut, **ERRORS},
    summary="One employee with certificates",
)
def get_employee(request: HttpRequest, employee_id: int) -> Any:
    return access_employee(request.user, employee_id)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return list(selectors.api_token_list(user=request.user))


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    """The raw token is in this response only; afterwards only its prefix is shown."""
    token, raw = services.api_token_create(
        actor=request.user, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, _token_created(token, raw))


def _token_created(token: ApiToken, raw: str) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "is_usable": token.is_usable,
        "token": raw,
    }


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    services.api_token_revoke(actor=request.user, token=token_id)
    return Status(204, None)


__all__ = ["PREFIX", "can_view_people", "router"]
