from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "facadeops.materials"
    label = "materials"
    verbose_name = _("Materials")

    def ready(self) -> None:
        from facadeops.core.attachments import register_attachment_policy

        from . import permissions
        from .models import Material

        register_attachment_policy(
            Material,
            can_view=permissions.material_attachment_view,
            can_attach=permissions.material_attachment_attach,
        )
