"""One probe request per (route, principal), classified as ok / deny / login."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.test import Client

from .routes import Route, api_body, api_url, page_body, page_url
from .world import World

OK, DENY, LOGIN = "ok", "deny", "login"


def classify(response: Any) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 401:
        return LOGIN
    if status in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    if status in (403, 404):
        return DENY
    return OK


class _Rollback(Exception):
    pass


def probe(route: Route, principal: str, w: World) -> tuple[str, Any]:
    """Send the route's request as ``principal``; everything it writes is rolled back."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    user = w.users.get(principal)
    result: dict[str, Any] = {}
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # the denials are expected; statuses are checked instead
    try:
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            result["response"] = _send(client, route, w)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        quiet.setLevel(level)
    response = result["response"]
    return classify(response), response


def _send(client: Client, route: Route, w: World) -> Any:
    if route.kind == "page":
        url = page_url(route, w)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, page_body(route, w))
        return response
    url = api_url(route, w)
    ctype, body = api_body(route, w)
    method = route.method.lower()
    if ctype is None:
        return getattr(client, method)(url)
    if ctype == "application/json":
        return getattr(client, method)(url, body, content_type=ctype)
    return client.post(url, body)
