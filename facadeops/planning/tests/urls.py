"""URLs for the planning tests until the project mounts them: the project's URLs plus
``/planning/`` and an API with the planning router. Not collected by pytest."""

from __future__ import annotations

from typing import Any

from django.urls import URLResolver, include, path
from ninja import NinjaAPI

from config import urls as project_urls
from facadeops.core.api import ActiveSessionAuth, TokenAuth, install_error_handlers
from facadeops.planning import api as planning_api

test_api = NinjaAPI(
    title="planning test",
    version="test",
    auth=[ActiveSessionAuth(csrf=True), TokenAuth()],
    urls_namespace="planning_test_api",
    docs_url=None,
)
install_error_handlers(test_api)
test_api.add_router(planning_api.PREFIX, planning_api.router)


def _keep(p: Any) -> bool:
    return not (isinstance(p, URLResolver) and getattr(p, "namespace", None) == "planning")


urlpatterns = [
    path("planning/", include("facadeops.planning.urls")),
    path("api/test/", test_api.urls),
    *[p for p in project_urls.urlpatterns if _keep(p)],
]

API = "/api/test/planning"
