"""API conventions shared by every router: auth, errors, pagination, sorting.

- Auth: the browser's session (with CSRF on unsafe methods, ``ActiveSessionAuth`` here) or
  ``Authorization: Bearer <personal token>`` (``facadeops.accounts.api_auth.TokenAuth``:
  tokens are accounts' data).
- Errors: always ``{"code", "message", "fields"}`` with a 4xx status, message translated.
- Lists: ``?page=1&page_size=50`` (max 200) →
  ``{"count", "count_capped", "page", "page_size", "results"}``; ``count`` stops at
  ``settings.LIST_COUNT_CAP`` (10,000): ``count_capped`` true means "more than ``count``";
  ``?q=`` searches; ``?sort=field`` or ``?sort=-field`` among the fields each endpoint
  documents; other query parameters filter.
- Updates carry the ``version`` the client read; a stale one gets 409 ``conflict``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, SessionAuth

from .errors import FacadeOpsError, InvalidInput
from .listing import capped_count
from .workflow import available_transitions

T = TypeVar("T")


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


# The error answers an operation documents: bad request, forbidden, not found, conflict
# (stale version, refused transition), invalid input — all in the ``ErrorOut`` shape.
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class TransitionOut(Schema):
    """A workflow step the caller may take now (``core.workflow.available_transitions``)."""

    name: str
    label: str
    requires_note: bool
    style: str


def transitions_out(obj: Any, user: Any) -> list[dict[str, Any]]:
    """The steps ``user`` may take on ``obj`` now, as ``TransitionOut`` rows."""
    return [
        {
            "name": t.name,
            "label": str(t.label or t.name),
            "requires_note": t.requires_note,
            "style": t.style,
        }
        for t in available_transitions(obj, user)
    ]


class Page(Schema, Generic[T]):
    count: int
    # True when there are more than ``count`` results (the count stops at the cap).
    count_capped: bool = False
    page: int
    page_size: int
    results: list[T]


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not getattr(user, "is_active", False):
            return None
        return user


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: Any,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": str(message), "fields": fields or {}}, status=status
    )


def _loc_name(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "form", "payload", "file"}]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(FacadeOpsError)
    def _domain(request: HttpRequest, exc: FacadeOpsError) -> HttpResponse:
        data = exc.as_dict()
        return _error(api, request, exc.status, data["code"], data["message"], data["fields"])

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_loc_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
        return _error(
            api,
            request,
            422,
            "invalid",
            _("Some of the data is not valid. Please correct the marked fields."),
            fields,
        )

    @api.exception_handler(ValidationError)
    def _django_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        data = InvalidInput.from_django(exc).as_dict()
        return _error(api, request, 422, "invalid", data["message"], data["fields"])

    @api.exception_handler(AuthenticationError)
    def _unauth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _error(
            api, request, 401, "unauthenticated", _("Please sign in or send a valid API token.")
        )

    @api.exception_handler(PermissionDenied)
    def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _error(api, request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(Http404)
    def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(
            api, request, 404, "not_found", _("The record does not exist or you may not see it.")
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, "error", str(exc))


def paginate(rows: Any, *, page: int, page_size: int) -> dict[str, Any]:
    """One page of ``rows`` (a queryset, or an object with ``[a:b]`` and
    ``capped_count(cap)``): a fixed number of queries whatever the number of rows — the
    count reads at most ``LIST_COUNT_CAP`` + 1 rows."""
    page_size = max(1, min(page_size, settings.API_PAGE_SIZE_MAX))
    page = max(1, min(page, 10**6))
    count, capped = capped_count(rows)
    start = (page - 1) * page_size
    return {
        "count": count,
        "count_capped": capped,
        "page": page,
        "page_size": page_size,
        "results": list(rows[start : start + page_size]),
    }


def apply_sort(
    qs: QuerySet[Any], sort: str | None, allowed: dict[str, str], default: str
) -> QuerySet[Any]:
    """``sort`` is a public name, optionally with '-'; ``allowed`` maps names to ORM paths."""
    key = (sort or default).strip()
    desc = key.startswith("-")
    name = key.lstrip("-")
    if name not in allowed:
        raise InvalidInput(
            fields={
                "sort": [_("Sort by one of: %(names)s.") % {"names": ", ".join(sorted(allowed))}]
            }
        )
    path = allowed[name]
    return qs.order_by(f"-{path}" if desc else path, "-pk" if desc else "pk")


__all__ = [
    "ERRORS",
    "APIKeyHeader",
    "ActiveSessionAuth",
    "ErrorOut",
    "Page",
    "TransitionOut",
    "apply_sort",
    "install_error_handlers",
    "paginate",
    "transitions_out",
]
