"""Idempotent API creates: ``POST /api/v1/...`` with an ``Idempotency-Key`` header.

The first request with a key runs inside one database transaction together with the row that
remembers the key and, at the end, the response. So either the record(s) and the key commit
together, or — a crash, a 5xx, a killed worker — neither does and the client's retry runs
afresh. Later requests with the same key and the same body get the stored response again
(header ``Idempotent-Replayed: true``) and create nothing; the same key with a different
body is refused with 422. A second request arriving while the first is still running waits
on the key's unique index and then replays the first one's response.

Keys belong to the caller (the session's user, or the API token) and expire after
``IDEMPOTENCY_KEY_TTL`` seconds (default 24 hours).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
_PREFIX = "/api/v1/"


def _ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "IDEMPOTENCY_KEY_TTL", 24 * 3600))


def _principal(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return None


def _error(status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    body = {"code": code, "message": message, "fields": {field: [message]} if field else {}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


class _Abort(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def purge_expired() -> int:
    """Delete keys older than the TTL (run it from a periodic job); returns how many."""
    from .models import IdempotencyKey

    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - _ttl()).delete()
    return deleted


class IdempotencyMiddleware:
    """Put it after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(_PREFIX):
            return self.get_response(request)
        if not _KEY.match(key):
            msg = _("The Idempotency-Key header must be 1 to 255 printable characters.")
            return _error(422, "invalid", msg, HEADER)
        principal = _principal(request)
        if principal is None:  # unauthenticated: the API answers 401, nothing to remember
            return self.get_response(request)
        digest = hashlib.sha256(
            b"\n".join([request.method.encode(), request.get_full_path().encode(), request.body])
        ).hexdigest()
        return self._run(request, principal, key, digest)

    def _run(self, request: HttpRequest, principal: str, key: str, digest: str) -> HttpResponse:
        from .models import IdempotencyKey

        IdempotencyKey.objects.filter(
            principal=principal, key=key, created_at__lt=timezone.now() - _ttl()
        ).delete()
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        row = IdempotencyKey.objects.create(
                            principal=principal,
                            key=key,
                            method=request.method or "POST",
                            path=request.path[:500],
                            body_sha256=digest,
                        )
                except IntegrityError:
                    row = None
                if row is None:
                    raise _Abort(self._replay(principal, key, digest))
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    raise _Abort(response)  # roll everything back: a retry starts afresh
                row.status_code = response.status_code
                row.content_type = response.get("Content-Type", "")[:100]
                row.response_body = bytes(response.content)
                row.save(update_fields=["status_code", "content_type", "response_body"])
                response["Idempotent-Replayed"] = "false"
                return response
        except _Abort as abort:
            return abort.response

    def _replay(self, principal: str, key: str, digest: str) -> HttpResponse:
        from .models import IdempotencyKey

        row = IdempotencyKey.objects.filter(principal=principal, key=key).first()
        if row is None or row.status_code is None:  # defensive: rows are saved complete
            msg = _("A request with this Idempotency-Key is still being processed; retry.")
            return _error(409, "conflict", msg, HEADER)
        if row.body_sha256 != digest:
            msg = _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request."
            )
            return _error(422, "invalid", msg, HEADER)
        response = HttpResponse(
            bytes(row.response_body), status=row.status_code, content_type=row.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
