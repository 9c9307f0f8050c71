"""Idempotent API creates: ``POST /api/v1/...`` with an ``Idempotency-Key`` header.

The first request with a key runs inside one database transaction together with the row that
remembers the key and, at the end, the response. So either the record(s) and the key commit
together, or — a crash, a 5xx, a killed worker — neither does and the client's retry runs
afresh. Later requests with the same key and the same body get the stored response again
(header ``Idempotent-Replayed: true``) and create nothing; the same key with a different
body is refused with 422. A second request arriving while the first is still running waits
on the key's unique index and then replays the first one's response.

Keys belong to the caller (the session's user, or the API token) and expire after
``IDEMPOTENCY_KEY_TTL`` seconds (default 24 hours): an expired key is forgotten when it is
sent again (and by the hourly purge job). Cost per request with a key: one
``INSERT … ON CONFLICT DO NOTHING`` claims it, one UPDATE stores the answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey
from .tokens import token_digest

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
_PREFIX = "/api/v1/"


def _ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "IDEMPOTENCY_KEY_TTL", 24 * 3600))


def _principal(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + token_digest(auth[7:].strip())  # the token's stored digest (ApiToken)
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
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - _ttl()).delete()
    return deleted


def _claim(principal: str, key: str, request: HttpRequest, digest: str) -> int | None:
    """Insert the key's row; its id, or None if the key exists. One statement, no savepoint:
    ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite ≥ 3.35). A request
    with the same key still running holds the unique index: this waits for its end."""
    conn = transaction.get_connection()
    qn = conn.ops.quote_name
    cols = ["principal", "key", "method", "path", "body_sha256", "content_type"]
    cols += ["response_body", "created_at"]
    # Identifiers from the model, quoted; every value is a parameter.
    table, names = qn(IdempotencyKey._meta.db_table), ", ".join(qn(c) for c in cols)
    marks = ", ".join(["%s"] * len(cols))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) "  # noqa: S608
    sql += f"ON CONFLICT ({qn('principal')}, {qn('key')}) DO NOTHING RETURNING {qn('id')}"
    created = IdempotencyKey._meta.get_field("created_at")
    values = [
        principal,
        key,
        request.method or "POST",
        request.path[:500],
        digest,
        "",
        b"",
        created.get_db_prep_save(timezone.now(), conn),
    ]
    with conn.cursor() as cur:
        cur.execute(sql, values)
        row = cur.fetchone()
    return int(row[0]) if row else None


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
        try:
            with transaction.atomic():
                pk = _claim(principal, key, request, digest)
                if pk is None:  # the key is known: an expired one is forgotten, else replay
                    expired = IdempotencyKey.objects.filter(
                        principal=principal, key=key, created_at__lt=timezone.now() - _ttl()
                    ).delete()[0]
                    pk = _claim(principal, key, request, digest) if expired else None
                if pk is None:
                    raise _Abort(self._replay(principal, key, digest))
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    raise _Abort(response)  # roll everything back: a retry starts afresh
                IdempotencyKey.objects.filter(pk=pk).update(
                    status_code=response.status_code,
                    content_type=response.get("Content-Type", "")[:100],
                    response_body=bytes(response.content),
                )
                response["Idempotent-Replayed"] = "false"
                return response
        except _Abort as abort:
            return abort.response

    def _replay(self, principal: str, key: str, digest: str) -> HttpResponse:
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
