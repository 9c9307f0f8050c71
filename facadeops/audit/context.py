"""The request id of the current request, recorded on every audit event.

Set by ``facadeops.core.middleware.RequestIdMiddleware`` (which also logs it); "-" outside
a request. It lives here, at the bottom of the layers, so that audit imports nothing of
core (core records audit events; audit must not point back up).
"""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
