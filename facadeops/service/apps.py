from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "facadeops.service"
    label = "service"
    verbose_name = _("Service process")

    def ready(self) -> None:
        from facadeops.audit.verbs import register_verb
        from facadeops.core.attachments import register_attachment_policy

        from . import permissions as perms
        from . import workflow  # noqa: F401  (registers the work-order workflows)
        from .models import Assessment, ServiceRequest, WorkOrder

        register_attachment_policy(
            WorkOrder,
            can_view=perms.attachments_view_work_order,
            can_attach=perms.attachments_add_work_order,
            can_detach=perms.attachments_detach_work_order,
        )
        register_attachment_policy(
            ServiceRequest,
            can_view=perms.attachments_view_request,
            can_attach=perms.attachments_add_request,
            can_detach=perms.attachments_detach_request,
        )
        register_attachment_policy(
            Assessment,
            can_view=lambda user, a: perms.attachments_view_work_order(user, a.work_order),
            can_attach=lambda user, a: perms.attachments_add_work_order(user, a.work_order),
            can_detach=lambda user, a: perms.attachments_detach_work_order(user, a.work_order),
            audit_context=lambda a: a.work_order,
        )
        for verb, label in [
            ("wo.escalated", _("escalated (overdue)")),
            ("wo.reassigned", _("reassigned")),
            ("plan.updated", _("plan updated")),
            ("plan.version_created", _("new plan version")),
            ("record.signed", _("service record signed")),
            ("request.created", _("request recorded")),
            ("wo.created", _("work order created")),
            ("wo.rectification_ordered", _("rectification ordered")),
            ("wo.rectification_done", _("rectification done")),
        ]:
            register_verb(verb, label)
        _connect_dashboard_invalidation(WorkOrder)


def _connect_dashboard_invalidation(work_order_model: Any) -> None:
    """Every work-order write bumps the dashboard cache version (now and again at commit,
    so a figure computed by a concurrent request before the commit is not kept): its
    save()/delete(), and every audited change of it — each workflow transition, triage,
    reassignment and escalation writes an audit event on the work order."""
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    from facadeops.audit.models import AuditEvent

    from .selectors import dashboard_version_bump

    def bump(**_kwargs: Any) -> None:
        dashboard_version_bump()
        transaction.on_commit(dashboard_version_bump)

    def on_event(sender: Any, instance: Any, created: bool = False, **_kwargs: Any) -> None:
        from django.contrib.contenttypes.models import ContentType

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
