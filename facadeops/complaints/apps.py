from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "facadeops.complaints"
    label = "complaints"
    verbose_name = _("Customer complaints")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from facadeops.core.attachments import register_attachment_policy
        from facadeops.quality.efficacy import register_measure

        from . import permissions, workflow  # noqa: F401  (registers the complaint workflow)
        from .analysis import cause_complaints
        from .models import Round

        # REG-4.2.2: the team's evidence (photos, videos, documents) is kept on the round.
        register_attachment_policy(
            Round,
            can_view=lambda user, r: permissions.can_view(user, r.complaint),
            can_attach=lambda user, r: permissions.can_investigate(user, r.complaint),
            audit_context=lambda r: r.complaint,
        )
        # REG-4.4.2: an improvement action on a cause worked if that cause's complaints fell.
        register_measure(
            "complaints.cause", gettext_lazy("complaints with this root cause"), cause_complaints
        )
