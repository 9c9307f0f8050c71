"""URLs for the intake/portal tests until the project mounts them: the project's URLs plus
``/intake/``, ``/portal/`` and an API at ``/api/test/`` with their routers (plus the
project's). Not collected by pytest (holds no tests)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.urls import URLResolver, include, path
from ninja import NinjaAPI

from config import urls as project_urls
from facadeops.core.api import ActiveSessionAuth, TokenAuth, install_error_handlers

test_api = NinjaAPI(
    title="channels test",
    version="test",
    auth=[ActiveSessionAuth(csrf=True), TokenAuth()],
    urls_namespace="channels_test_api",
    docs_url=None,
)
install_error_handlers(test_api)
for _app in ("intake", "portal"):
    try:
        _mod = import_module(f"facadeops.{_app}.api")
    except ModuleNotFoundError:
        continue
    test_api.add_router(_mod.PREFIX, _mod.router)

_MINE = {"intake", "portal"}


def _keep(p: Any) -> bool:
    return not (isinstance(p, URLResolver) and getattr(p, "namespace", None) in _MINE)


urlpatterns = [
    path("intake/", include("facadeops.intake.urls")),
    path("portal/", include("facadeops.portal.urls")),
    path("api/test/", test_api.urls),
    *[p for p in project_urls.urlpatterns if _keep(p)],
]

API = "/api/test"
