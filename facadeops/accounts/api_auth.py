"""API authentication by personal token: ``Authorization: Bearer <token>``.

Tokens (``ApiToken``) are accounts' data, so their check lives here, not in core; the API
(config/api.py) lists ``TokenAuth`` before core's ``ActiveSessionAuth``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from facadeops.core.roles import ALL_ROLES

from .models import ApiToken, User

_TOKEN_SQL: list[tuple[str, list[str]]] = []


def _token_sql() -> tuple[str, list[str]]:
    """PostgreSQL: the token lookup as one SQL statement composed once per process — the
    token's state, every column of its user and the user's group names — instead of through
    the ORM on each API request (≈ 0.5 ms of CPU: docs/benchmarks.md,
    ``counts_by_state_rps``). No User column has a database converter there (asserted in
    facadeops/accounts/tests/test_token_auth.py), so the raw values are what the ORM loads."""
    if not _TOKEN_SQL:
        qn = connection.ops.quote_name
        concrete = list(User._meta.concrete_fields)
        fields = [f.attname for f in concrete]
        through = User.groups.through._meta
        cols = ", ".join(f"u.{qn(str(f.column))}" for f in concrete)
        # Names from the models, quoted; the digest is a parameter.
        sql = (
            f"SELECT t.{qn('id')}, t.{qn('last_used_at')}, t.{qn('expires_at')}, "  # noqa: S608
            f"t.{qn('revoked_at')}, {cols}, "
            f"ARRAY(SELECT g.{qn('name')} FROM {qn(Group._meta.db_table)} g "
            f"JOIN {qn(through.db_table)} ug ON ug.{qn('group_id')} = g.{qn('id')} "
            f"WHERE ug.{qn('user_id')} = u.{qn('id')}) "
            f"FROM {qn(ApiToken._meta.db_table)} t "
            f"JOIN {qn(User._meta.db_table)} u ON u.{qn('id')} = t.{qn('user_id')} "
            f"WHERE t.{qn('digest')} = %s"
        )
        _TOKEN_SQL.append((sql, fields))
    return _TOKEN_SQL[0]


def _token_user(digest: str) -> tuple[Any, Any, Any, Any, Any] | None:
    """(token id, last used, expires, revoked, user with its roles) of a token digest."""
    if connection.vendor != "postgresql":
        try:
            t = ApiToken.objects.select_related("user").get(digest=digest)
        except ApiToken.DoesNotExist:
            return None
        return t.pk, t.last_used_at, t.expires_at, t.revoked_at, t.user
    sql, fields = _token_sql()
    with connection.cursor() as cur:
        cur.execute(sql, [digest])
        row = cur.fetchone()
    if row is None:
        return None
    user: Any = User.from_db(connection.alias, fields, row[4 : 4 + len(fields)])
    user._facadeops_roles = frozenset(n for n in row[-1] if n in ALL_ROLES)
    return row[0], row[1], row[2], row[3], user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _token_user(ApiToken.hash(token))
        if found is None:
            return None
        token_id, last_used_at, expires_at, revoked_at, user = found
        now = timezone.now()
        usable = revoked_at is None and (expires_at is None or expires_at > now)
        if not usable or not user.is_active:
            return None
        if last_used_at is None or (now - last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user
