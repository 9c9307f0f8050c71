from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "facadeops.service"
    label = "service"
    verbose_name = _("Service process")

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the work-order workflows)
