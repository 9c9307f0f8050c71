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
