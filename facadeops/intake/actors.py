"""The system accounts in whose name a channel records requests (no password, cannot log
in; they hold the agent role so the service layer accepts their writes and the audit trail
names the channel)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from facadeops.accounts.models import User
from facadeops.core.roles import Role

NAMES = {
    "website": "公司网站留言",
    "email": "服务邮箱",
    "hotline": "24小时服务热线",
}


def channel_actor(channel: str) -> Any:
    from django.contrib.auth.models import Group

    username = f"system-{channel}"
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": NAMES.get(channel, channel)}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
    return user
