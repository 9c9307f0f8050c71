from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "facadeops.planning"
    label = "planning"
    verbose_name = _("Maintenance planning")

    def ready(self) -> None:
        from facadeops.core.attachments import register_attachment_policy
        from facadeops.core.workflow import add_guards
        from facadeops.service.models import WorkOrder
        from facadeops.service.rules import register_skip_source

        from . import permissions, workflow  # noqa: F401  (registers the plan workflow)
        from .models import Elevation
        from .services import routine_skips_of
        from .weather import weather_gate

        # Planning sits above service: it brings its data into the work-order workflow.
        add_guards(WorkOrder, "start", [weather_gate])  # DOM-2: no exterior start in bad weather
        register_skip_source(routine_skips_of)  # REG-3.3.1: routine work skips steps

        register_attachment_policy(
            Elevation,
            can_view=permissions.can_view_elevation,
            can_attach=permissions.can_edit_register,
        )
