from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "facadeops.intake"
    label = "intake"
    verbose_name = _("Intake channels")

    def ready(self) -> None:
        from facadeops.audit.verbs import register_verb

        register_verb("intake.mail_added", _("e-mail added to the request"))
        register_verb("intake.call_notes", _("hotline call notes"))
