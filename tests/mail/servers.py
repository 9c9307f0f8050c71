"""Real servers for the mail and channel tests, started on free loopback ports:
an SMTP server (aiosmtpd), a chat-group webhook (http.server) and an IMAP server (Dovecot with
a throwaway configuration in a temporary directory, plain auth, a passwd-file user)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


# --- SMTP ---------------------------------------------------------------------------------
@dataclass
class SmtpServer:
    port: int
    messages: list[Any] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    refuse: bool = False  # answer 451 to every message

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Any]:
        end = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < end:
            time.sleep(0.02)
        return self.messages


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _srv: Any, _session: Any, envelope: Any) -> str:
        if self.server.refuse:
            return "451 Requested action aborted: try again later"
        self.server.envelopes.append(envelope)
        self.server.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def start_smtp() -> tuple[SmtpServer, Any]:
    from aiosmtpd.controller import Controller

    server = SmtpServer(port=free_port())
    controller = Controller(_Handler(server), hostname="127.0.0.1", port=server.port)
    controller.start()
    return server, controller


# --- chat-group webhook (WeCom group robot) -----------------------------------------------
@dataclass
class WebhookServer:
    port: int
    received: list[dict[str, Any]] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    http_status: int = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test-key"


def start_webhook() -> tuple[WebhookServer, ThreadingHTTPServer]:
    state = WebhookServer(port=free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.received.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type", ""),
                    "json": json.loads(body.decode("utf-8")),
                }
            )
            out = json.dumps(state.answer).encode()
            self.send_response(state.http_status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", state.port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return state, httpd


# --- IMAP (Dovecot) -------------------------------------------------------------------------
DOVECOT_CONF = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {group}
mail_location = maildir:{base}/mail/%u
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


@dataclass
class ImapServer:
    port: int
    user: str
    password: str
    base: Path
    process: subprocess.Popen[bytes]

    def client(self) -> Any:
        import imaplib

        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a mail into the mailbox over IMAP APPEND."""
        conn = self.client()
        try:
            typ, data = conn.append(folder, "", None, raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND failed: {data!r}")
        finally:
            conn.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if not found:
        raise RuntimeError(
            "Dovecot is not installed: run `make system-deps` (Debian package dovecot-imapd)."
        )
    return found


def start_dovecot(base: Path) -> ImapServer:
    import grp
    import pwd

    binary = dovecot_binary()
    for sub in ("run", "state", "mail", "home"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)  # noqa: S103 (Dovecot's unprivileged processes read it)
    uid, gid = os.getuid(), os.getgid()
    user_name = pwd.getpwuid(uid).pw_name
    group_name = grp.getgrgid(gid).gr_name
    login_user = internal_user = user_name
    if uid == 0:  # Dovecot refuses root for login, internal and mail processes
        login_user, internal_user = "dovenull", "dovecot"
        owner = pwd.getpwnam("dovecot")
        uid, gid = owner.pw_uid, owner.pw_gid
        for sub in ("mail", "home"):
            os.chown(base / sub, uid, gid)
    port = free_port()
    mailbox_user, password = "service@facadeops.test", "imap-test-pw"
    (base / "passwd").write_text(f"{mailbox_user}:{{PLAIN}}{password}\n")
    conf = base / "dovecot.conf"
    conf.write_text(
        DOVECOT_CONF.format(
            base=base,
            port=port,
            uid=uid,
            gid=gid,
            user=user_name,
            group=group_name,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    proc = subprocess.Popen(
        [binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_port(port, timeout=15)
    except RuntimeError:
        proc.kill()
        out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
        raise RuntimeError(f"Dovecot did not start:\n{out}\n{log}") from None
    return ImapServer(port=port, user=mailbox_user, password=password, base=base, process=proc)
