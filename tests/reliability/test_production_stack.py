"""Production mode (issue 4): ``scripts/prod-up.sh`` starts gunicorn, a Celery worker and beat
natively on PostgreSQL and Redis with DEBUG off; ``/healthz``, a login and one workflow step go
through gunicorn, the worker delivers a notification, and ``scripts/prod-down.sh`` leaves no
process behind.

Everything runs in subprocesses against a scratch database ``fo_prod_stack`` (dropped after)
and Redis DB ``PROD_STACK_REDIS_DB`` (default 14, flushed before and after); the data is made
with ``manage.py shell -c`` in the stack's own environment, never through the test database.
Requests carry ``X-Forwarded-Proto: https`` as a TLS proxy would, so the production security
settings (SSL redirect, secure cookies, CSRF referer check) stay on; cookies are handled by hand
because a plain-HTTP client would not send back ``Secure`` cookies.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
import redis

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
DBNAME = "fo_prod_stack"
HOST = "facadeops.test"
PASSWORD = "Prod-stack-check-2026!"


def _pg_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Hook(BaseHTTPRequestHandler):
    """A WeCom-style group webhook: records each POST body, answers errcode 0."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).received.append(json.loads(body or b"{}"))
        out = b'{"errcode": 0, "errmsg": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/robot"
    server.shutdown()
    server.server_close()


class Browser:
    """Enough of a browser behind a TLS proxy: cookies by hand, https referer, CSRF header."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{HOST}/"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method != "GET":
            h["X-CSRFToken"] = self.cookies["csrftoken"]
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def json(self, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
        body = None if payload is None else json.dumps(payload).encode()
        status, _, data = self.request(
            method, path, body, {"Content-Type": "application/json", "Accept": "application/json"}
        )
        return status, json.loads(data or b"null")


SETUP = """
import datetime as dt, json
from django.contrib.auth.models import Group
from facadeops.accounts.models import User
from facadeops.customers import services
from facadeops.notifications.models import Preference
head = User.objects.create_user("prodcheck", password=PASSWORD, full_name="Prod Check")
head.groups.add(Group.objects.get(name="service_head"))
Preference.objects.create(user=head, email=False, webhook=True, webhook_url=HOOK)
customer = services.customer_create(actor=head, data={"name": "Prod Check Facades"})
pm = User.objects.create_user("prodpm", password=PASSWORD, full_name="Prod PM")
pm.groups.add(Group.objects.get(name="project_manager"))
project = services.project_create(
    actor=head,
    data={"customer": customer, "name": "Tower A", "project_manager": pm, "service_head": head},
)
contract = services.contract_create(
    actor=head, customer=customer, projects=[project],
    data={"title": "Maintenance 2027", "start_date": dt.date(2027, 1, 1),
          "end_date": dt.date(2027, 12, 31)},
)
print(json.dumps({"user": head.pk, "contract": contract.pk, "version": contract.version}))
"""

NOTIFY = """
from facadeops.customers.models import ServiceContract
from facadeops.notifications.services import notify
contract = ServiceContract.objects.get(pk=CONTRACT)
notify(recipient_ids=[USER], verb="contract.activate", title=f"{contract}: activated",
       target=contract, urgent=True)
"""


def _shell(env: dict[str, str], code: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _group_members(leaders: list[int]) -> list[int]:
    """Every live process whose process group is one prod-up.sh started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) in leaders:
                found.append(int(entry.name))
        except ProcessLookupError:
            continue
    return found


@pytest.mark.skipif(not shutil.which("setsid") or not shutil.which("curl"), reason="setsid/curl")
def test_production_stack_serves_logs_in_steps_and_stops(tmp_path: Path, hook: str) -> None:
    """Production mode: prod-up.sh → /healthz 200, login, contract activated through the API
    (X-1.3), an urgent notification delivered by the Celery worker to the group webhook
    (X-9.3), then prod-down.sh stops every process it started."""
    server = _pg_server()
    db_url = f"{server}/{DBNAME}"
    redis_db = int(os.environ.get("PROD_STACK_REDIS_DB", "14"))
    redis_base = os.environ.get("PROD_STACK_REDIS", "redis://127.0.0.1:6379")
    redis_url = f"{redis_base}/{redis_db}"
    port = _free_port()
    run_dir = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if k not in {"FACADEOPS_TESTING", "DJANGO_DEBUG"}}
    env.update(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        SECRET_KEY="prod-stack-test-" + "k3y" * 20,
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        BIND=f"127.0.0.1:{port}",
        RUN_DIR=str(run_dir),
        STATIC_ROOT=str(ROOT / "var" / "prod-stack-static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        WEB_WORKERS="2",
    )
    rds = redis.Redis.from_url(redis_url)
    rds.flushdb()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DBNAME}"')
    leaders: list[int] = []
    try:
        t0 = time.monotonic()
        up = subprocess.run(
            ["bash", "scripts/prod-up.sh"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        healthy_s = time.monotonic() - t0
        leaders = [int((run_dir / f"{n}.pid").read_text()) for n in ("web", "worker", "beat")]
        assert up.returncode == 0, up.stdout + up.stderr
        sys.stderr.write(
            f"time to healthy: {healthy_s:.1f}s; {up.stdout.strip().splitlines()[-1]}\n"
        )

        browser = Browser(port)
        status, _, body = browser.request("GET", "/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        # Production settings are on: plain HTTP is redirected to HTTPS.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/accounts/login/", headers={"Host": HOST})
        plain = conn.getresponse()
        assert plain.status == 301 and plain.getheader("Location", "").startswith("https://")
        conn.close()
        # DEBUG is off: an unknown page is a plain 404, not the debug page.
        status, _, body = browser.request("GET", "/no-such-page/")
        assert status == 404 and b"DEBUG = True" not in body

        ids = json.loads(
            _shell(env, f"PASSWORD={PASSWORD!r}\nHOOK={hook!r}\n{SETUP}").strip().splitlines()[-1]
        )

        # Login through gunicorn (session + CSRF, secure cookies).
        status, headers, body = browser.request("GET", "/accounts/login/")
        assert status == 200 and "csrftoken" in browser.cookies
        assert "secure" in headers.get("set-cookie", "").lower()
        form = urlencode(
            {
                "username": "prodcheck",
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            }
        ).encode()
        status, headers, body = browser.request(
            "POST",
            "/accounts/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, body[:2000]
        assert "sessionid" in browser.cookies

        # One workflow step through the API with the session: the contract goes into effect.
        path = f"/api/v1/customers/contracts/{ids['contract']}"
        status, names = browser.json("GET", f"{path}/transitions")
        assert status == 200 and "activate" in {t["name"] for t in names}, names
        status, out = browser.json("POST", f"{path}/transitions/activate", {"version": 0})
        assert status == 409, out  # stale version refused
        status, out = browser.json(
            "POST", f"{path}/transitions/activate", {"version": ids["version"], "note": ""}
        )
        assert status == 200 and out["status"] == "active", out

        # The Celery worker sends the urgent notification to the group webhook.
        _shell(env, f"CONTRACT={ids['contract']}\nUSER={ids['user']}\n{NOTIFY}")
        deadline = time.monotonic() + 30
        while not _Hook.received and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _Hook.received, (run_dir / "worker.log").read_text()[-3000:]
        assert "activated" in json.dumps(_Hook.received[0], ensure_ascii=False)
        with psycopg.connect(db_url) as conn_db:
            states = conn_db.execute("SELECT state FROM notifications_delivery").fetchall()
        assert states == [("sent",)]
        assert re.search(
            r"notifications\.send_due.*succeeded", (run_dir / "worker.log").read_text()
        )
        assert "beat: Starting" in (run_dir / "beat.log").read_text()
    finally:
        down = subprocess.run(
            ["bash", "scripts/prod-down.sh"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
        rds.flushdb()
    assert down.returncode == 0, down.stdout + down.stderr
    assert leaders and _group_members(leaders) == []
    assert not list(run_dir.glob("*.pid"))
