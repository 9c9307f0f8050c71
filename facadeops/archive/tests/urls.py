"""URLs for the archive and document tests until the project mounts them: the project's
URLs plus ``/archive/``, the service document views (in the ``service`` namespace) and an
API with the archive router. Not collected by pytest (holds no tests)."""

from __future__ import annotations

from typing import Any

from django.urls import URLResolver, include, path
from ninja import NinjaAPI

from config import urls as project_urls
from facadeops.archive import api as archive_api
from facadeops.core.api import ActiveSessionAuth, TokenAuth, install_error_handlers
from facadeops.service import document_urls
from facadeops.service import urls as service_urls

test_api = NinjaAPI(
    title="archive test",
    version="test",
    auth=[ActiveSessionAuth(csrf=True), TokenAuth()],
    urls_namespace="archive_test_api",
    docs_url=None,
)
install_error_handlers(test_api)
test_api.add_router(archive_api.PREFIX, archive_api.router)

_MINE = {"archive", "service"}


def _keep(p: Any) -> bool:
    return not (isinstance(p, URLResolver) and getattr(p, "namespace", None) in _MINE)


urlpatterns = [
    path("archive/", include("facadeops.archive.urls")),
    path(
        "service/",
        include(([*service_urls.urlpatterns, *document_urls.urlpatterns], "service")),
    ),
    path("api/test/", test_api.urls),
    *[p for p in project_urls.urlpatterns if _keep(p)],
]

API = "/api/test/archive"
