from importlib import import_module

from django.conf import settings
from ninja import NinjaAPI

from facadeops.accounts.api_auth import TokenAuth
from facadeops.core.api import ActiveSessionAuth, install_error_handlers
from facadeops.core.attachment_api import router as attachment_router

api = NinjaAPI(
    title="FacadeOps API",
    version="1",
    description=(
        "Service management for curtain-wall service companies. Session (browser, with CSRF) "
        "or `Authorization: Bearer <token>` auth. Errors are `{code, message, fields}`. Lists "
        "take `page`, `page_size` (≤ 200), `q` (search), `sort` (`field` or `-field`) and "
        "filters; updates carry `version` and get 409 on a stale one."
    ),
    # Token first: a request that carries a Bearer token is an integration, not a browser
    # session, and must not be held to the session's CSRF check.
    auth=[TokenAuth(), ActiveSessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)


def _mount() -> None:
    """Each app contributes its router from its api.py."""
    api.add_router("/attachments", attachment_router)

    # Every installed FacadeOps app with an api.py contributes its router.
    apps = [a.split(".", 1)[1] for a in settings.INSTALLED_APPS if a.startswith("facadeops.")]
    for app in apps:
        try:
            module = import_module(f"facadeops.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"facadeops.{app}.api":
                raise
            continue
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "PREFIX", f"/{app}"), router)


_mount()
