from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "facadeops.archive"
    label = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        from facadeops.audit.verbs import register_verb

        register_verb("archived", _("archived"))
        register_verb("disposed", _("disposed of after the retention period"))
        register_verb("record_type_changed", _("retention period changed"))
