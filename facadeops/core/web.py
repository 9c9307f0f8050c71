"""What every app's pages share: domain errors → HTTP, service errors → the form.

Views call services; services raise ``core.errors``. ``domain_errors`` turns NotFound into
404 and Forbidden into 403 on a page; ``apply_error`` puts every other refusal back on the
form (each message at its field where the form has it, the rest on top, workflow reasons
listed); ``run_service`` runs a service call for a form and reports the HTTP status the page
should answer with.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .errors import Conflict, FacadeOpsError, Forbidden, NotFound

ViewFunc = Callable[..., HttpResponse]


def domain_errors(view: ViewFunc, *, login: bool = True) -> ViewFunc:
    """NotFound → 404 and Forbidden → 403 on every page (and sign-in required unless
    ``login=False``)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return login_required(wrapper) if login else wrapper


def apply_error(form: forms.BaseForm, exc: FacadeOpsError) -> None:
    """Show a service error on the form: per field where the field exists, else on top;
    workflow refusal reasons each on top; a conflict always says so on top."""
    shown = False
    reasons = [str(r) for r in getattr(exc, "reasons", None) or []]
    for name, messages in (exc.fields or {}).items():
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
            elif str(message) not in reasons:
                form.add_error(None, message)
            shown = True
    for reason in reasons:
        form.add_error(None, reason)
        shown = True
    if not shown or isinstance(exc, Conflict):
        form.add_error(None, str(exc.message))


def run_service(form: Any, call: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service for a form: (result, 200), or (None, status) with every refusal on the
    form. NotFound and Forbidden propagate to ``domain_errors``."""
    try:
        return call(), 200
    except (Forbidden, NotFound):
        raise
    except FacadeOpsError as exc:
        apply_error(form, exc)
        return None, exc.status
