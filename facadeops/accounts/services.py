"""Writes of people data (REG-1.3, X-6.5): transactional, audited, permission-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.audit.services import record, snapshot
from facadeops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from facadeops.core.roles import ALL_ROLES, STAFF_ROLES, Role
from facadeops.core.services import create_record, update_record
from facadeops.core.workflow import transition

from .models import ApiToken, Certificate, Department, Employee, Skill, User
from .permissions import can_manage_people, require_manage_people

MAX_ACTIVE_TOKENS = 20
USER_FIELDS = ("full_name", "email")


def _validation_fields(exc: ValidationError) -> dict[str, list[str]]:
    return InvalidInput.from_django(exc).fields or {"__all__": [str(m) for m in exc.messages]}


def _clean_roles(roles: Iterable[str], *, allowed: frozenset[str]) -> list[str]:
    wanted = sorted(set(roles))
    bad = [r for r in wanted if r not in allowed]
    if bad:
        raise InvalidInput(
            fields={
                "roles": [_("Unknown or not allowed role: %(roles)s.") % {"roles": ", ".join(bad)}]
            }
        )
    return wanted


def _employee_context(user: User) -> Employee | None:
    return Employee.objects.filter(user=user).first()


# --- Employees -------------------------------------------------------------------------


def employee_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    employee_no: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    department: Department | None = None,
    roles: Iterable[str] = (),
    position: str = "",
    skills: Iterable[Skill] = (),
    hire_date: dt.date | None = None,
) -> Employee:
    """Create the login (User) and the employee record together, with roles and
    department. All field errors are reported at once; nothing is written on error."""
    require_manage_people(actor)
    role_list = _clean_roles(roles, allowed=STAFF_ROLES)
    errors: dict[str, list[str]] = {}
    if not (full_name or "").strip():
        errors.setdefault("full_name", []).append(_("Please enter the full name."))
    user = User(
        username=(username or "").strip(),
        full_name=(full_name or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        department=department,
    )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for k, v in _validation_fields(exc).items():
            errors.setdefault(k, []).extend(v)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(str(m) for m in exc.messages)
    employee = Employee(
        employee_no=(employee_no or "").strip(),
        department=department,
        position=position,
        phone=user.phone,
        hire_date=hire_date,
    )
    try:
        employee.full_clean(exclude=["user"])
    except ValidationError as exc:
        for k, v in _validation_fields(exc).items():
            errors.setdefault(k, []).extend(v)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise InvalidInput(
                fields={"username": [_("A user with that username already exists.")]}
            ) from exc
        user.groups.set([Group.objects.get_or_create(name=r)[0] for r in role_list])
        employee.user = user
        emp = create_record(
            Employee,
            actor=actor,
            data={
                "user": user,
                "employee_no": employee.employee_no,
                "department": department,
                "position": position,
                "phone": user.phone,
                "hire_date": hire_date,
            },
            m2m={"skills": list(skills)},
        )
        record(
            actor=actor,
            verb="created",
            target=user,
            after=snapshot(user) | {"roles": role_list},
            context=emp,
        )
    return emp


def employee_update(
    *,
    actor: Any,
    employee: Employee,
    expected_version: int | None,
    data: dict[str, Any],
    skills: Iterable[Skill] | None = None,
) -> Employee:
    """Edit employment data; ``full_name``/``email`` in ``data`` go to the login, the
    department and phone are mirrored onto it. A stale version raises Conflict."""
    require_manage_people(actor)
    data = dict(data)
    user_data = {k: data.pop(k) for k in USER_FIELDS if k in data}
    allowed = {"employee_no", "department", "position", "phone", "hire_date", "leave_date"}
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(fields={k: [_("This field cannot be changed here.")] for k in unknown})
    if "full_name" in user_data and not str(user_data["full_name"]).strip():
        raise InvalidInput(fields={"full_name": [_("Please enter the full name.")]})
    with transaction.atomic():
        emp = update_record(
            employee,
            actor=actor,
            data=data,
            expected_version=expected_version,
            m2m={"skills": list(skills)} if skills is not None else None,
        )
        user_changes = dict(user_data)
        if "department" in data:
            user_changes["department"] = data["department"]
        if "phone" in data:
            user_changes["phone"] = data["phone"]
        if user_changes:
            update_record(
                User.objects.get(pk=emp.user_id),
                actor=actor,
                data=user_changes,
                expected_version=None,
                context=lambda _u: emp,
            )
    emp.refresh_from_db()
    return emp


def employee_transition(
    *,
    actor: Any,
    employee: Employee,
    name: str,
    note: str = "",
    expected_version: int | None = None,
) -> Employee:
    """A workflow step (activate, start_leaving …) through the engine."""
    if expected_version is not None and expected_version != employee.version:
        raise Conflict()
    result: Employee = transition(employee, name, actor=actor, note=note)
    return result


# --- Roles -----------------------------------------------------------------------------


def user_set_roles(*, actor: Any, user: User, roles: Iterable[str]) -> list[str]:
    """REG-1.3: give a person exactly these roles (groups). A person may hold several.
    Customer logins hold only the customer role; staff never hold it."""
    require_manage_people(actor)
    wanted = _clean_roles(roles, allowed=ALL_ROLES)
    if user.customer_id is not None and set(wanted) - {Role.CUSTOMER}:
        raise InvalidInput(
            fields={"roles": [_("A customer login can only hold the customer role.")]}
        )
    if Role.CUSTOMER in wanted and user.customer_id is None:
        raise InvalidInput(
            fields={"roles": [_("The customer role needs a login bound to a customer.")]}
        )
    if (
        user.pk == getattr(actor, "pk", None)
        and not getattr(actor, "is_superuser", False)
        and Role.MANAGEMENT not in wanted
    ):
        raise InvalidInput(fields={"roles": [_("You cannot remove your own management role.")]})
    with transaction.atomic():
        before = sorted(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        if before == wanted:
            return wanted
        other = list(user.groups.exclude(name__in=ALL_ROLES))
        user.groups.set(other + [Group.objects.get_or_create(name=r)[0] for r in wanted])
        record(
            actor=actor,
            verb="roles_changed",
            target=user,
            before={"roles": before},
            after={"roles": wanted},
            context=_employee_context(user),
        )
    if hasattr(user, "_facadeops_roles"):
        del user._facadeops_roles
    return wanted


# --- Certificates ----------------------------------------------------------------------

CERTIFICATE_FIELDS = {"type", "number", "issued_by", "valid_from", "valid_to", "notes"}


def _certificate_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - CERTIFICATE_FIELDS
    if unknown:
        raise InvalidInput(fields={k: [_("This field cannot be changed here.")] for k in unknown})
    return data


def certificate_add(*, actor: Any, employee: Employee, data: dict[str, Any]) -> Certificate:
    """X-6.5: record a certificate for an employee (validity checked)."""
    require_manage_people(actor)
    return create_record(
        Certificate,
        actor=actor,
        data={"employee": employee, **_certificate_data(data)},
        context=lambda c: c.employee,
    )


def certificate_update(
    *, actor: Any, certificate: Certificate, data: dict[str, Any], expected_version: int | None
) -> Certificate:
    require_manage_people(actor)
    return update_record(
        certificate,
        actor=actor,
        data=_certificate_data(data),
        expected_version=expected_version,
        context=lambda c: c.employee,
    )


# --- Departments -----------------------------------------------------------------------

DEPARTMENT_FIELDS = {"code", "name", "head", "parent", "is_active"}


def department_create(*, actor: Any, data: dict[str, Any]) -> Department:
    require_manage_people(actor)
    return create_record(
        Department, actor=actor, data={k: v for k, v in data.items() if k in DEPARTMENT_FIELDS}
    )


def department_update(*, actor: Any, department: Department, data: dict[str, Any]) -> Department:
    require_manage_people(actor)
    parent = data.get("parent")
    seen = set()
    while parent is not None:
        if parent.pk == department.pk or parent.pk in seen:
            raise InvalidInput(
                fields={"parent": [_("A department cannot be placed under itself.")]}
            )
        seen.add(parent.pk)
        parent = parent.parent
    return update_record(
        department,
        actor=actor,
        data={k: v for k, v in data.items() if k in DEPARTMENT_FIELDS},
        expected_version=None,
    )


# --- API tokens ------------------------------------------------------------------------


def api_token_create(
    *, actor: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor``. Returns (token, raw): the raw token is
    shown once and never stored — only its SHA-256 digest is."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden()
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Please give the token a name.")]
    elif len(name) > 100:
        errors["name"] = [_("The name may have at most 100 characters.")]
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        if expires_at <= timezone.now():
            errors["expires_at"] = [_("The expiry must be in the future.")]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        active = (
            ApiToken.objects.select_for_update()
            .filter(user=actor, revoked_at__isnull=True)
            .exclude(expires_at__lte=timezone.now())
        )
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise InvalidInput(
                _("You already have %(n)d active tokens; revoke one first.")
                % {"n": MAX_ACTIVE_TOKENS}
            )
        raw = ApiToken.generate()
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=raw[:10],
            digest=ApiToken.hash(raw),
            expires_at=expires_at,
        )
        record(
            actor=actor,
            verb="token_created",
            target=token,
            after={"name": name, "prefix": token.prefix, "expires_at": expires_at},
            context=actor,
        )
    return token, raw


def api_token_revoke(*, actor: Any, token: ApiToken | int) -> ApiToken:
    """Revoke one of the actor's own tokens (idempotent). Others' tokens: NotFound."""
    pk = token if isinstance(token, int) else token.pk
    with transaction.atomic():
        obj = ApiToken.objects.select_for_update().filter(pk=pk, user_id=actor.pk).first()
        if obj is None:
            raise NotFound()
        if obj.revoked_at is None:
            obj.revoked_at = timezone.now()
            obj.save(update_fields=["revoked_at", "updated_at"])
            record(
                actor=actor,
                verb="token_revoked",
                target=obj,
                before={"revoked_at": None},
                after={"revoked_at": obj.revoked_at},
                context=actor,
            )
    return obj


def password_changed(*, actor: Any) -> None:
    """Audit a password change (the change itself is Django's form)."""
    record(actor=actor, verb="password_changed", target=actor)


__all__ = [
    "api_token_create",
    "api_token_revoke",
    "can_manage_people",
    "certificate_add",
    "certificate_update",
    "department_create",
    "department_update",
    "employee_create",
    "employee_transition",
    "employee_update",
    "password_changed",
    "user_set_roles",
]
