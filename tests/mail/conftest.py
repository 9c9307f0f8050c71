"""Fixtures starting real mail servers (SMTP, IMAP) and a chat-group webhook; a missing
Dovecot makes the IMAP tests fail, never skip."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .servers import (
    ImapServer,
    SmtpServer,
    WebhookServer,
    start_dovecot,
    start_smtp,
    start_webhook,
)


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Path) -> None:
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.NOTIFY_BASE_URL = "https://ops.example.com"
    settings.WECOM_WEBHOOK_URL = ""
    cache.clear()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port; Django sends to it over SMTP."""
    server, controller = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "FacadeOps <service@facadeops.test>"
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    state, httpd = start_webhook()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def _dovecot() -> Iterator[ImapServer]:
    base = Path(tempfile.mkdtemp(prefix="fo-dovecot-"))
    server = start_dovecot(base)  # raises (the test errors) when Dovecot is missing
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap(_dovecot: ImapServer, settings: Any) -> ImapServer:
    """The test mailbox, emptied, and the settings pointing the mail job at it."""
    conn = _dovecot.client()
    try:
        conn.select("INBOX")
        _typ, data = conn.search(None, "ALL")
        if data and data[0]:
            for num in data[0].split():
                conn.store(num, "+FLAGS", "\\Deleted")
            conn.expunge()
    finally:
        conn.logout()
    settings.IMAP_HOST = "127.0.0.1"
    settings.IMAP_PORT = _dovecot.port
    settings.IMAP_USER = _dovecot.user
    settings.IMAP_PASSWORD = _dovecot.password
    settings.IMAP_SSL = False
    settings.IMAP_FOLDER = "INBOX"
    return _dovecot
