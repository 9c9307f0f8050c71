"""Human labels for audit verbs. Workflow transitions register their own labels."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, Any] = {
    "created": _("created"),
    "updated": _("updated"),
    "deleted": _("deleted"),
    "imported": _("imported"),
    "attached": _("attachment added"),
    "detached": _("attachment removed"),
    "login": _("signed in"),
    "password_changed": _("password changed"),
    "roles_changed": _("roles changed"),
    "token_created": _("API token created"),
    "token_revoked": _("API token revoked"),
}


def register_verb(verb: str, label: Any) -> None:
    _LABELS[verb] = label


def label_for(verb: str) -> Any:
    return _LABELS.get(verb, verb)
