from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "facadeops.accounts"
    label = "accounts"
    verbose_name = _("People")

    def ready(self) -> None:
        from facadeops.core.attachments import register_attachment_policy

        from . import permissions, signals, workflow  # noqa: F401
        from .models import Employee

        # Scans of contracts, ID and certificates on the employee's record.
        register_attachment_policy(
            Employee,
            can_view=permissions.can_view_employee,
            can_attach=lambda user, _employee: permissions.can_manage_people(user),
        )
