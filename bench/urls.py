"""The production URLs plus ``/bench/floor``: a trivial JSON view doing one INSERT."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_floor (at, payload) VALUES (now(), %s) RETURNING id",
            [request.body.decode()[:200]],
        )
        (pk,) = cur.fetchone()
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("bench/floor", floor), path("", include("config.urls"))]
