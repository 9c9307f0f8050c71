from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "facadeops.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from facadeops.core.workflow import on_transition_done

        from .subscribers import notify_next_actors

        on_transition_done(notify_next_actors)
