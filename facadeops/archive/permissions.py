"""Who may see, archive and dispose of archive entries (role AND object scope).

- The office roles (management, service head, technical head, project manager, quality,
  customer-service agents) see the whole archive.
- A customer user sees only the entries of its own customer.
- Technicians, service staff and procurement have no archive access (their work orders
  are open to them in the service pages while they work on them).
- The service head archives (REG-2.5.2); management approves disposal after the retention
  period and edits the retention periods.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from facadeops.core.roles import Role, has_role, is_staff_member, sees_everything

R = Role

ARCHIVE_READERS = frozenset(
    {R.MANAGEMENT, R.SERVICE_HEAD, R.TECH_HEAD, R.PROJECT_MANAGER, R.QUALITY, R.AGENT}
)
ARCHIVERS = frozenset({R.SERVICE_HEAD})
DISPOSAL_APPROVERS = frozenset({R.MANAGEMENT})
DISPOSAL_VIEWERS = frozenset({R.MANAGEMENT, R.SERVICE_HEAD})
RETENTION_EDITORS = frozenset({R.MANAGEMENT})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def is_customer_user(user: Any) -> bool:
    return bool(getattr(user, "customer_id", None)) and not is_staff_member(user)


def can_use_archive(user: Any) -> bool:
    if not _active(user):
        return False
    return sees_everything(user) or has_role(user, ARCHIVE_READERS) or is_customer_user(user)


def entry_scope_q(user: Any) -> Q | None:
    """None = every entry; otherwise the filter of the entries the user may see."""
    if not _active(user):
        return Q(pk__in=[])
    if sees_everything(user) or has_role(user, ARCHIVE_READERS):
        return None
    if is_customer_user(user):
        return Q(customer_id=user.customer_id)
    return Q(pk__in=[])


def can_archive(user: Any) -> bool:
    return _active(user) and has_role(user, ARCHIVERS)


def can_view_disposal(user: Any) -> bool:
    return _active(user) and (sees_everything(user) or has_role(user, DISPOSAL_VIEWERS))


def can_dispose(user: Any) -> bool:
    return _active(user) and (sees_everything(user) or has_role(user, DISPOSAL_APPROVERS))


def can_edit_retention(user: Any) -> bool:
    return _active(user) and (sees_everything(user) or has_role(user, RETENTION_EDITORS))
