from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "facadeops.quality"
    label = "quality"
    verbose_name = _("Quality and improvement")

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the improvement-action workflow)
