"""URLs for the attachment tests until the project mounts them (``/attachments/`` and the
API router): the project's URLs plus ours. Collected by pytest, holds no tests."""

from __future__ import annotations

from django.urls import URLResolver, include, path
from ninja import NinjaAPI

from config import urls as project_urls
from facadeops.accounts.api_auth import TokenAuth
from facadeops.core import attachment_api
from facadeops.core.api import ActiveSessionAuth, install_error_handlers

test_api = NinjaAPI(
    title="attachments test",
    version="test",
    auth=[ActiveSessionAuth(csrf=True), TokenAuth()],
    urls_namespace="attachments_test_api",
    docs_url=None,
)
install_error_handlers(test_api)
test_api.add_router(attachment_api.PREFIX, attachment_api.router)


def _keep(p: object) -> bool:
    return not (isinstance(p, URLResolver) and getattr(p, "namespace", None) == "attachments")


urlpatterns = [
    path("attachments/", include("facadeops.core.attachment_urls")),
    path("api/test/", test_api.urls),
    *[p for p in project_urls.urlpatterns if _keep(p)],
]

API = "/api/test/attachments"
