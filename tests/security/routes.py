"""The live route list — Django's URL resolver for pages, the ninja OpenAPI document for the
API — and the one probe request per route and principal the access matrix is checked with."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from .world import World

# Routes outside the product's own pages: Django admin (is_staff only, its own checks) and
# the API (listed from its OpenAPI document instead).
_SKIP_PREFIXES = ("admin/", "api/v1/")


@dataclass(frozen=True)
class Route:
    key: str  # "page core:home" or "api GET /api/v1/customers/customers"
    kind: str  # "page" or "api"
    method: str
    pattern: str  # "customers/<int:pk>/" or "/api/v1/customers/customers/{pk}"
    name: str = ""
    operation: Any = None


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}:{p.namespace}".strip(":") if p.namespace else ns
            out += _walk(p.url_patterns, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}".strip(":") if p.name else ""
            out.append((prefix + str(p.pattern), name))
    return out


def page_routes() -> list[Route]:
    routes = []
    for pattern, name in _walk(get_resolver().url_patterns):
        if pattern.startswith(_SKIP_PREFIXES) or pattern.startswith("^"):
            continue
        routes.append(Route(f"page {name or pattern}", "page", "GET", pattern, name))
    return routes


@functools.cache
def openapi() -> dict[str, Any]:
    """The API's OpenAPI document (built once: generating it takes most of a second)."""
    from config.api import api

    return api.get_openapi_schema()


def api_routes() -> list[Route]:
    routes = []
    for path, ops in openapi()["paths"].items():
        for method, op in ops.items():
            m = method.upper()
            routes.append(Route(f"api {m} {path}", "api", m, path, operation=op))
    return routes


def live_routes() -> list[Route]:
    return page_routes() + api_routes()


# --- turning a route into a concrete request for the world --------------------------------
def _page_args(route: Route, w: World) -> dict[str, Any]:
    name = route.name.split(":")[-1]
    app = route.name.split(":")[0]
    by_name = {
        "token_revoke": w["token"],
        "certificate_edit": w["certificate"],
        "certificate_add": w["employee"],
        "contact_edit": w["contact"],
        "facadesystem_edit": w["facade_system"],
        "glasstype_edit": w["glass_type"],
        "sldefault_edit": w["sl_default"],
        "download": w["attachment"],
        "thumbnail": w["attachment"],
        "delete": w["attachment"],
        "record_type_edit": w["entry"].record_type,
        # planning: the published revision 1 of customer A's plan, its draft revision 2
        "draft_run": w["draft_run"],
        "plan_detail": w["plan"],
        "plan_revise": w["plan"],
        "review_create": w["plan"],
        "plan_transition": w["plan_r2"],
        "item_add": w["plan_r2"],
        "plan_diff": w["plan_r2"],
        "review_detail": w["review"],
        "rule_edit": w["rule"],
        "inspection_detail": w["inspection"],
        "raise_work_order": w["check"],
        "elevation_map": w["elevation"],
        "defect_pin": w["elevation"],
        "panel_detail": w["panel"],
        "defect_resolve": w["pin"],
        # intake
        "apply_suggestion": w["submission"],
        "hotline_notes": w["call"],
    }
    by_app_prefix = {
        ("accounts", "employee"): w["employee"],
        ("accounts", "department"): w["department"],
        ("customers", "customer"): w["customer_a"],
        ("customers", "project"): w["project"],
        ("customers", "contract"): w["contract"],
        ("materials", "material"): w["material"],
        ("service", "request"): w["request"],
        ("service", "workorder"): w["work_order"],
        ("archive", "entry"): w["entry"],
        ("planning", "item"): w["item"],
        ("portal", "project"): w["project"],
        ("portal", "request"): w["request"],
        ("portal", "work_order"): w["work_order"],
        ("portal", "acceptance"): w["work_order"],
        ("portal", "rate"): w["work_order"],
        ("portal", "complaint"): w["complaint"],
        ("complaints", ""): w["complaint"],
    }
    obj = by_name.get(name)
    if obj is None:
        for (a, prefix), candidate in by_app_prefix.items():
            if a == app and name.startswith(prefix):
                obj = candidate
                break
    from facadeops.core.attachments import target_key

    values = {
        "pk": getattr(obj, "pk", None),
        "customer_pk": w["customer_a"].pk,
        "target_type": target_key(w["request"]),
        "target_id": w["request"].pk,
        "action": "cancel",
        "step": "triage",
        "project_pk": w["project"].pk,
        "token": w["invitation_token"] if app == "portal" else w["track_token"],
    }
    return values


def page_url(route: Route, w: World) -> str:
    import re

    values = _page_args(route, w)

    def sub(m: re.Match[str]) -> str:
        value = values.get(m.group(2))
        if value is None:
            raise LookupError(f"no world value for <{m.group(0)}> in {route.key}")
        return str(value)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route.pattern)


def page_body(route: Route, w: World) -> dict[str, Any]:
    """The form data of a POST-only page: what the view needs to reach its role check (a
    pin needs a panel of the elevation, or the view answers 404 to everyone)."""
    if route.name == "planning:defect_pin":
        return {"panel": w["panel"].pk}
    if route.name == "complaints:transition":  # a real step: refused (409) or taken
        return {"transition": "report_result"}
    if route.name == "portal:complaint_verdict":
        return {"verdict": "accept"}
    return {}


def api_url(route: Route, w: World) -> str:
    import re

    path = route.pattern
    section = path.split("/")[3] if path.count("/") > 3 else ""
    tail = path.split("/")[4] if path.count("/") > 4 else ""
    by_section = {
        ("attachments", ""): w["attachment"],
        ("customers", "customers"): w["customer_a"],
        ("customers", "projects"): w["project"],
        ("customers", "contracts"): w["contract"],
        ("service", "requests"): w["request"],
        ("service", "work-orders"): w["work_order"],
        ("archive", "entries"): w["entry"],
        ("materials", ""): w["material"],
        ("planning", "plans"): w["plan"],
        ("planning", "items"): w["item"],
        ("planning", "elevations"): w["elevation"],
        # customer A's complaint in "handling" (world._complaints) and its plan's measure
        ("complaints", "complaints"): w["complaint"],
    }
    # Steps and new items go to the draft revision 2 (the published one takes neither).
    by_route = {
        "api GET /api/v1/planning/plans/{pk}/transitions": w["plan_r2"],
        "api POST /api/v1/planning/plans/{pk}/steps": w["plan_r2"],
        "api POST /api/v1/planning/plans/{pk}/items": w["plan_r2"],
    }
    obj = by_route.get(route.key) or by_section.get((section, tail))
    obj = obj or by_section.get((section, ""))
    values = {
        "pk": getattr(obj, "pk", None),
        "attachment_id": w["attachment"].pk,
        "user_id": w["other_user"].pk,
        "employee_id": w["employee"].pk,
        "token_id": w["token"].pk,
        "material_id": w["material"].pk,
        "entry_id": w["entry"].pk,
        "wo_id": w["work_order"].pk,
        "rid": 999_999,
        "id": getattr(obj, "pk", None),
        "measure_id": w["measure"].pk,
        "name": {"customers": "activate", "complaints": "report_result"}.get(section, "triage"),
    }

    def sub(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if value is None:
            raise LookupError(f"no world value for {m.group(0)} in {route.key}")
        return str(value)

    return re.sub(r"\{(\w+)\}", sub, path)


# --- minimal schema-valid request bodies, so that a denial comes from the permission check
# and not from the body validation (ninja validates bodies before the view runs) -------------
def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def example(schema: dict[str, Any], doc: dict[str, Any], name: str = "") -> Any:
    schema = _resolve(schema, doc)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(options[0], doc, name) if options else None
    if "allOf" in schema:
        return example(schema["allOf"][0], doc, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    t = schema.get("type")
    fmt = schema.get("format", "")
    if t == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: example(v, doc, k) for k, v in props.items() if k in schema.get("required", [])}
    if t == "array":
        return []
    if t == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if t == "number":
        return 1
    if t == "boolean":
        return False
    if fmt == "date":
        return "2026-06-01"
    if fmt == "date-time":
        return "2026-06-01T10:00:00+08:00"
    if fmt == "binary":
        return b""
    return "安全测试"


def _world_ids(w: World) -> dict[str, Any]:
    """Id fields of request bodies, taken from the world (customer A's records), so that a
    refusal comes from the role/scope check and not from an unknown id."""
    from facadeops.service.models import DefectType

    defect_type = DefectType.objects.order_by("pk").first()
    return {
        "customer_id": w["customer_a"].pk,
        "project_id": w["project"].pk,
        "project_manager_id": w["other_user"].pk,
        "category_id": w["category"].pk,
        "material_id": w["material"].pk,
        "technician_id": w.users["technician"].pk,
        "lead_id": w.users["service_staff"].pk,
        "defect_type_id": getattr(defect_type, "pk", None),
        "panel_id": w["panel"].pk,
        "leader_id": w.users["technician"].pk,
    }


def api_body(route: Route, w: World | None = None) -> tuple[str | None, Any]:
    """(content type, body) of the probe: JSON or multipart, from the OpenAPI document; with
    the world, id fields name the world's records and ``version`` the target's version."""
    rb = (route.operation or {}).get("requestBody")
    if not rb:
        return None, None
    doc = openapi()
    content = rb["content"]
    if "application/json" in content:
        body = example(content["application/json"]["schema"], doc)
        if w is not None and isinstance(body, dict):
            ids = _world_ids(w)
            for key in body:
                if ids.get(key) is not None:
                    body[key] = ids[key]
            if "version" in body and "/work-orders/{pk}" in route.pattern:
                body["version"] = w["work_order"].version
            if "version" in body and "/planning/" in route.pattern:
                # plan steps and item edits carry the (draft revision's) plan version
                body["version"] = type(w["plan_r2"]).objects.get(pk=w["plan_r2"].pk).version
            if "transition" in body:
                body["transition"] = "submit"
        return "application/json", json.dumps(body)
    ctype, spec = next(iter(content.items()))
    schema = _resolve(spec["schema"], doc)
    data: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, doc)
        if prop.get("format") == "binary":
            from django.core.files.uploadedfile import SimpleUploadedFile

            from facadeops.service.demo import png_bytes

            data[key] = SimpleUploadedFile("probe.png", png_bytes(), content_type="image/png")
        elif key in schema.get("required", []):
            data[key] = example(prop, doc, key)
    return ctype, data
