"""The one error vocabulary of FacadeOps.

Services raise these; the API turns them into ``{"code", "message", "fields"}`` with the
HTTP status below, and views show ``message`` / ``fields`` on the form again.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class FacadeOpsError(Exception):
    status = 400
    code = "bad_request"
    default_message: Any = _("The request could not be processed.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: [str(m) for m in v] for k, v in self.fields.items()},
        }


class InvalidInput(FacadeOpsError):
    status = 422
    code = "invalid"
    default_message = _("Some of the data is not valid. Please correct the marked fields.")

    @classmethod
    def from_django(cls, exc: ValidationError) -> InvalidInput:
        if hasattr(exc, "error_dict"):
            fields = {
                ("__all__" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
                for k, v in exc.error_dict.items()
            }
            return cls(fields=fields)
        return cls(message="; ".join(str(m) for m in exc.messages), fields={})


class Conflict(FacadeOpsError):
    status = 409
    code = "conflict"
    default_message = _(
        "This record was changed by someone else after you opened it. "
        "Reload it to see the current data, then apply your change again."
    )


class Forbidden(FacadeOpsError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class NotFound(FacadeOpsError):
    status = 404
    code = "not_found"
    default_message = _("The record does not exist or you may not see it.")


class TransitionNotAllowed(FacadeOpsError):
    """A workflow move that the engine refused: wrong state, role, scope or failed guards."""

    status = 409
    code = "transition_not_allowed"
    default_message = _("This step is not possible now.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        reasons: list[str] | None = None,
    ) -> None:
        self.reasons = [str(r) for r in (reasons or [])]
        if reasons and message is None:
            message = "; ".join(self.reasons)
        super().__init__(message, code=code, fields=fields)

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        if self.reasons:
            data["fields"].setdefault("__all__", self.reasons)
        return data
