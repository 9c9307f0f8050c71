"""Background jobs run through a real Celery worker (``celery -A config worker``) with the
Redis broker on this machine: mail fetch (REG-2.1.1), notification sending (X-9.3) and the
escalation scan (X-9.2) are enqueued (``apply_async`` on a queue of this xdist worker's
own) and their effect appears in the test database written by the worker process."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.mail.servers import ImapServer, SmtpServer, start_dovecot, start_smtp

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"
# One queue per pytest-xdist worker: two of these tests running at the same time on two
# xdist workers must not take each other's messages (each worker process writes to its own
# test database) nor empty each other's queue.
QUEUE = f"fo-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def wait_until(check: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    """Poll ``check`` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def mail_servers() -> Iterator[tuple[SmtpServer, ImapServer]]:
    smtp, controller = start_smtp()
    imap = start_dovecot(Path(tempfile.mkdtemp(prefix="fo-dovecot-celery-")))
    try:
        yield smtp, imap
    finally:
        imap.stop()
        controller.stop()


@pytest.fixture
def worker(
    mail_servers: tuple[SmtpServer, ImapServer], tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """A real worker process on the test database; the test process sends to the same
    Redis broker (``.delay()`` is not eager here)."""
    import redis

    assert connection.vendor == "postgresql"
    smtp, imap = mail_servers
    redis.Redis.from_url(REDIS_URL).delete(QUEUE)  # no stale messages from an earlier run
    db = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FACADEOPS_TESTING": "1",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "DEFAULT_FROM_EMAIL": "FacadeOps <service@facadeops.test>",
        "IMAP_HOST": "127.0.0.1",
        "IMAP_PORT": str(imap.port),
        "IMAP_USER": imap.user,
        "IMAP_PASSWORD": imap.password,
        "IMAP_SSL": "false",
        "IMAP_FOLDER": "INBOX",
        "NOTIFY_BASE_URL": "https://ops.example.com",
        "WECOM_WEBHOOK_URL": "",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        yield from _run_worker(env, log, log_path)


def _run_worker(env: dict[str, str], log: Any, log_path: Path) -> Iterator[subprocess.Popen[str]]:
    from config.celery import app

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            f"--queues={QUEUE}",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    app.conf.task_default_queue = QUEUE
    # Drop the connection and producer pools an earlier test of this process built for the
    # in-memory broker (an eager ``.delay()`` builds them too): else messages stay in memory.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        wait_until(
            lambda: proc.poll() is not None or "ready." in log_path.read_text(),
            timeout=60,
            what="the worker to start",
        )
        assert proc.poll() is None, log_path.read_text()[-3000:]
        yield proc
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_mail_fetch_runs_in_the_worker(
    worker: Any, mail_servers: tuple[SmtpServer, ImapServer]
) -> None:
    """REG-2.1.1: ``intake.fetch_mail`` enqueued on Redis is run by the worker: the mail in
    the mailbox becomes a request and the automatic reply goes out over SMTP."""
    from facadeops.intake.models import InboundMail
    from facadeops.intake.tasks import fetch_mail_task

    smtp, imap = mail_servers
    msg = EmailMessage()
    mid = make_msgid(domain="client.example")
    msg["From"] = "王经理 <wang@client.example>"
    msg["To"] = "service@facadeops.test"
    msg["Subject"] = "B座幕墙漏水"
    msg["Message-ID"] = mid
    msg.set_content("B座12层幕墙雨天漏水。")
    imap.append(msg.as_bytes())
    fetch_mail_task.apply_async(queue=QUEUE)
    inbound = wait_until(
        lambda: InboundMail.objects.select_related("request").filter(message_id=mid).first(),
        what="the mail to be recorded by the worker",
    )
    assert inbound.request.channel == "email"
    replies = smtp.wait_for(1, timeout=30)
    assert inbound.request.number in str(replies[0]["Subject"])


def test_notifications_are_sent_by_the_worker(
    worker: Any, mail_servers: tuple[SmtpServer, ImapServer], make_user: Any
) -> None:
    """X-9.3: ``notifications.send_due`` run by the worker mails the due delivery and marks
    it sent."""
    from facadeops.notifications.models import Delivery, Notification
    from facadeops.notifications.tasks import send_due_task

    smtp, _imap = mail_servers
    user = make_user("technician", email="tech@example.com", preferred_language="zh-hans")
    note = Notification.objects.create(
        recipient=user, verb="wo.escalated", title="GD-2026-000009 逾期", urgent=True
    )
    d = Delivery.objects.create(
        notification=note,
        channel=Delivery.Channel.EMAIL,
        address="tech@example.com",
        due_at=timezone.now() - dt.timedelta(minutes=1),
    )
    send_due_task.apply_async(queue=QUEUE)
    wait_until(
        lambda: Delivery.objects.filter(pk=d.pk, state=Delivery.Status.SENT).exists(),
        what="the delivery to be sent by the worker",
    )
    msgs = smtp.wait_for(1, timeout=30)
    assert msgs[0]["To"] == "tech@example.com"
    assert "GD-2026-000009" in msgs[0].get_body(preferencelist=("plain",)).get_content()


def test_escalation_scan_runs_in_the_worker(worker: Any, people: Any, wo: Any) -> None:
    """X-9.2: ``service.escalate_overdue`` run by the worker escalates a late work order
    (its arrival deadline passed two hours ago) and audits it."""
    from facadeops.audit.models import AuditEvent
    from facadeops.service import services as sv
    from facadeops.service.models import WorkOrder
    from facadeops.service.tasks import escalate_overdue_task

    sv.work_order_triage(
        actor=people["head"],
        work_order=wo,
        nature="repair",
        urgency="urgent",
        technician=people["tech"],
        exterior_work=False,
        expected_version=wo.version,
    )
    WorkOrder.objects.filter(pk=wo.pk).update(on_site_due_at=timezone.now() - dt.timedelta(hours=2))
    assert WorkOrder.objects.get(pk=wo.pk).escalation_level == 0
    escalate_overdue_task.apply_async(queue=QUEUE)
    wait_until(
        lambda: WorkOrder.objects.filter(pk=wo.pk, escalation_level__gt=0).exists(),
        what="the work order to be escalated by the worker",
    )
    assert AuditEvent.objects.filter(target_id=str(wo.pk), verb__contains="escalat").exists()
