from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "facadeops.customers"
    label = "customers"
    verbose_name = _("Customers and projects")

    def ready(self) -> None:
        from facadeops.audit.verbs import register_verb

        from . import workflow  # noqa: F401  (registers the contract workflow)

        register_verb("service_levels_changed", _("service levels changed"))

        from facadeops.core.attachments import register_attachment_policy

        from . import permissions
        from .models import Customer, Project, ServiceContract

        for model in (Customer, Project, ServiceContract):
            register_attachment_policy(
                model,
                can_view=permissions.attachments_view,
                can_attach=permissions.attachments_add,
            )
