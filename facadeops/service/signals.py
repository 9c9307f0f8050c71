"""Signal receivers of the service app, connected from ``ServiceConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from facadeops.audit.models import AuditEvent

from .selectors import dashboard_version_bump


def connect_dashboard_invalidation(work_order_model: Any) -> None:
    """Every work-order write bumps the dashboard cache version (now and again at commit,
    so a figure computed by a concurrent request before the commit is not kept): its
    save()/delete(), and every audited change of it — each workflow transition, triage,
    reassignment and escalation writes an audit event on the work order."""

    def bump(**_kwargs: Any) -> None:
        dashboard_version_bump()
        transaction.on_commit(dashboard_version_bump)

    def on_event(sender: Any, instance: Any, created: bool = False, **_kwargs: Any) -> None:
        if created and instance.target_type_id == (
            ContentType.objects.get_for_model(work_order_model).pk
        ):
            bump()

    # weak=False: the receivers are local functions (a weak reference would drop them).
    post_save.connect(
        bump, sender=work_order_model, weak=False, dispatch_uid="service.dashboard.wo_save"
    )
    post_delete.connect(
        bump, sender=work_order_model, weak=False, dispatch_uid="service.dashboard.wo_del"
    )
    post_save.connect(
        on_event, sender=AuditEvent, weak=False, dispatch_uid="service.dashboard.audit"
    )
