from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .roles import user_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Start page: what the signed-in person can reach, by role (X-9.5 grows here)."""
    return render(request, "core/home.html", {"roles": sorted(user_roles(request.user))})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness with a database round trip: 200 if the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database reachable, migrations applied, cache answers."""
    from django.core.cache import cache
    from django.db.migrations.executor import MigrationExecutor

    checks: dict[str, str] = {}
    ok = True
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
        ok = ok and not pending
    except Exception as exc:
        checks["migrations"] = type(exc).__name__
        ok = False
    try:
        cache.set("readyz", "1", 5)
        checks["cache"] = "ok" if cache.get("readyz") == "1" else "no answer"
    except Exception as exc:
        checks["cache"] = type(exc).__name__
    ok = ok and checks["cache"] == "ok"
    checks["status"] = "ok" if ok else "error"
    checks["cache_backend"] = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return JsonResponse(checks, status=200 if ok else 503)
