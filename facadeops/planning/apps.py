from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "facadeops.planning"
    label = "planning"
    verbose_name = _("Maintenance planning")

    def ready(self) -> None:
        from facadeops.core.attachments import register_attachment_policy

        from . import permissions, workflow  # noqa: F401  (registers the plan workflow)
        from .models import Elevation

        register_attachment_policy(
            Elevation,
            can_view=permissions.can_view_elevation,
            can_attach=permissions.can_edit_register,
        )
