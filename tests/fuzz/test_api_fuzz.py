"""Fuzzing /api/v1 with Schemathesis (issue 4): every operation of the live OpenAPI document,
in-process through the WSGI app, as a management user (sees everything) and as a customer
user (scoped). Checks: no 5xx, every response conforms to the documented schema.

Bounded in `make test` (FUZZ_EXAMPLES, default 4 per operation and user); `make soak` runs
FUZZ_EXAMPLES=300 (thousands of cases)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))

# The bounded run fuzzes (the Hypothesis phase); the soak adds Schemathesis' coverage phase
# (boundary values, wrong methods) as well.
_config = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": EXAMPLES > 20}, "examples": {"enabled": True}}}
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=_config
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """A raw WSGI call ends with request_finished → close_old_connections, which would close
    the test's database connection (Django's test client disconnects it the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(make_user: Any) -> dict[str, str]:
    from facadeops.accounts.services import api_token_create
    from facadeops.customers import services as cs

    manager = make_user("management")
    customer = cs.customer_create(actor=manager, data={"name": "模糊测试物业"})
    cust_user = make_user("customer", customer=customer)
    return {
        "management": api_token_create(actor=manager, name="fuzz")[1],
        "customer": api_token_create(actor=cust_user, name="fuzz")[1],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 20,  # the bounded run is reproducible; the soak explores
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case: Any, tokens: dict[str, str]) -> None:
    """Issue 4 (fuzzing): no 5xx and no schema-breaking response, for two kinds of caller."""
    for token in tokens.values():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
