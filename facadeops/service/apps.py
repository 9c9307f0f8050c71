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
        from .signals import connect_dashboard_invalidation

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
        connect_dashboard_invalidation(WorkOrder)
