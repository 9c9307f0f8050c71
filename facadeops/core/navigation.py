"""Main navigation per role. Each app adds its entries here; an entry shows to a user who
holds any of its roles (``None`` = every signed-in staff member)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, has_role, is_staff_member


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[str] | None = None
    icon: str = ""
    staff_only: bool = True


NAV: list[NavItem] = [
    NavItem(_("Home"), "core:home", staff_only=False),
    NavItem(_("Customers"), "customers:customer_list"),
    NavItem(_("Projects"), "customers:project_list", staff_only=False),
    NavItem(_("Service contracts"), "customers:contract_list"),
    NavItem(_("Materials"), "materials:material_list"),
    NavItem(
        _("People"),
        "accounts:employee_list",
        roles=frozenset(
            {Role.MANAGEMENT, Role.SERVICE_HEAD, Role.TECH_HEAD, Role.PROJECT_MANAGER, Role.QUALITY}
        ),
    ),
    # -- service process (REG-2, X-9.5) --
    NavItem(
        _("Requests and inquiries"),
        "service:request_list",
        roles=frozenset({Role.AGENT, Role.SERVICE_HEAD, Role.MANAGEMENT}),
    ),
    NavItem(_("Work orders"), "service:workorder_list", staff_only=False),
    NavItem(
        _("My work today"),
        "service:my_work_today",
        roles=frozenset({Role.TECHNICIAN, Role.SERVICE_STAFF}),
    ),
    NavItem(
        _("Service board"),
        "service:board",
        roles=frozenset({Role.SERVICE_HEAD, Role.MANAGEMENT}),
    ),
    NavItem(
        _("Awaiting my approval"),
        "service:approvals",
        roles=frozenset({Role.PROJECT_MANAGER, Role.TECH_HEAD}),
    ),
    NavItem(_("Quality inspections"), "service:inspections", roles=frozenset({Role.QUALITY})),
    NavItem(
        _("Dashboard"),
        "service:dashboard",
        roles=frozenset(
            {
                Role.SERVICE_HEAD,
                Role.TECH_HEAD,
                Role.PROJECT_MANAGER,
                Role.QUALITY,
                Role.MANAGEMENT,
                Role.AGENT,
            }
        ),
    ),
    NavItem(
        _("Archive"),
        "archive:entry_list",
        roles=frozenset(
            {
                Role.MANAGEMENT,
                Role.SERVICE_HEAD,
                Role.TECH_HEAD,
                Role.PROJECT_MANAGER,
                Role.QUALITY,
                Role.AGENT,
            }
        ),
    ),
    NavItem(
        _("Catalogues"),
        "customers:facadesystem_list",
        roles=frozenset({Role.TECH_HEAD, Role.MANAGEMENT}),
    ),
    # -- intake channels and the customer portal (REG-2.1.1) --
    NavItem(
        _("Website submissions"),
        "intake:queue",
        roles=frozenset({Role.AGENT, Role.SERVICE_HEAD, Role.MANAGEMENT}),
    ),
    NavItem(
        _("Invite a customer to the portal"),
        "portal:invite",
        roles=frozenset({Role.AGENT, Role.SERVICE_HEAD, Role.MANAGEMENT}),
    ),
    NavItem(
        _("Customer portal"), "portal:home", staff_only=False, roles=frozenset({Role.CUSTOMER})
    ),
    # -- maintenance planning (REG-3, DOM-1, DOM-2) --
    NavItem(
        _("Maintenance plans"),
        "planning:plan_list",
        roles=frozenset(
            {
                Role.SERVICE_HEAD,
                Role.TECH_HEAD,
                Role.PROJECT_MANAGER,
                Role.MANAGEMENT,
                Role.SERVICE_STAFF,
                Role.TECHNICIAN,
            }
        ),
    ),
    NavItem(
        _("Statutory inspections"),
        "planning:portfolio",
        roles=frozenset(
            {
                Role.SERVICE_HEAD,
                Role.TECH_HEAD,
                Role.PROJECT_MANAGER,
                Role.MANAGEMENT,
                Role.TECHNICIAN,
                Role.QUALITY,
            }
        ),
    ),
    NavItem(
        _("Weather risk"),
        "planning:at_risk",
        roles=frozenset({Role.SERVICE_HEAD, Role.AGENT, Role.MANAGEMENT}),
    ),
    # -- customer complaints (REG-4) --
    NavItem(
        _("Customer complaints"),
        "complaints:list",
        roles=frozenset(
            {
                Role.AGENT,
                Role.SERVICE_HEAD,
                Role.TECH_HEAD,
                Role.PROJECT_MANAGER,
                Role.TECHNICIAN,
                Role.SERVICE_STAFF,
                Role.QUALITY,
                Role.MANAGEMENT,
            }
        ),
    ),
]


# Menus of the top bar, by the URL namespace of an entry; entries of other namespaces (and
# the ones listed in TOP_LEVEL) stand on the bar itself.
MENUS: list[tuple[Any, tuple[str, ...]]] = [
    (_("Service"), ("service:", "intake:", "portal:invite")),
    (_("Planning"), ("planning:",)),
    (_("Ledgers"), ("customers:", "materials:", "accounts:")),
]
TOP_LEVEL = {"core:home", "service:dashboard", "portal:home"}


def menu_for(user: Any) -> list[dict[str, Any]]:
    """The top bar: single links and drop-down menus, in the order of their first entry."""
    bar: list[dict[str, Any]] = []
    menus: dict[str, dict[str, Any]] = {}
    for entry in navigation_for(user):
        label = None
        if entry["name"] not in TOP_LEVEL:
            for menu_label, prefixes in MENUS:
                if entry["name"].startswith(prefixes):
                    label = menu_label
                    break
        if label is None:
            bar.append({"label": entry["label"], "url": entry["url"], "items": []})
            continue
        key = str(label)
        if key not in menus:
            menus[key] = {"label": label, "url": "", "items": []}
            bar.append(menus[key])
        menus[key]["items"].append(entry)
    # A menu with a single entry is just a link.
    return [m if len(m["items"]) != 1 else {**m["items"][0], "items": []} for m in bar]


def navigation_for(user: Any) -> list[dict[str, Any]]:
    if user is None or not user.is_authenticated:
        return []
    staff = is_staff_member(user)
    items = []
    for item in NAV:
        if item.staff_only and not staff:
            continue
        if item.roles is not None and not has_role(user, item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app without that page yet simply has no entry
            continue
        items.append({"label": item.label, "url": url, "name": item.url_name})
    return items
