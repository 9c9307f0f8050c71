"""Keep the role groups and their permission sets in step with ``core.roles`` after every
migrate (permissions only exist once all apps have migrated)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from facadeops.core.roles import ROLE_PERMISSIONS, Role


def sync_role_groups(**_: Any) -> None:
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = [perms[c] for c in ROLE_PERMISSIONS.get(role, []) if c in perms]
        group.permissions.set(wanted)


@receiver(post_migrate)
def _after_migrate(sender: Any, **kwargs: Any) -> None:
    # Permissions of every app exist once the last app's post_migrate arrives.
    if getattr(sender, "label", "") == list(apps.get_app_configs())[-1].label:
        sync_role_groups()
