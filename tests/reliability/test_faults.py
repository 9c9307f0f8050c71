"""Faults (issue 4): kill -9 of the app server and of the Celery worker, and a PostgreSQL
restart, in the middle of real work — nothing acknowledged is lost, nothing is done twice,
and the app recovers with no manual step.

The module runs its own throw-away PostgreSQL cluster (``initdb`` in a temporary directory,
a free port; as root through ``runuser -u postgres``), so restarting it disturbs nobody;
Redis DB ``FAULTS_REDIS_DB`` (default 13) is flushed before and after. gunicorn and the
Celery worker run in production settings (DEBUG off, as ``scripts/prod-up.sh`` starts them)
in their own process groups, so ``kill -9`` reaches the master and every worker at once.
Requests carry ``X-Forwarded-Proto: https`` as behind the TLS proxy.

Marker ``disruptive``: ``make test-disruptive`` (serial, at the end of ``make test``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

pytestmark = pytest.mark.disruptive

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
HOST = "facadeops.test"
DBNAME = "facadeops"
STREAM = 60  # creates per stream


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    if not found:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found: run make system-deps")
    return found[-1].parent


def _live_members(pgid: int) -> list[int]:
    """Processes of the group that still run (zombies left to PID 1 do not count)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (ProcessLookupError, FileNotFoundError, PermissionError, IndexError):
            continue
        if state not in {"Z", "X"}:
            alive.append(int(entry.name))
    return alive


def _wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


# -- the throw-away PostgreSQL cluster ------------------------------------------------------
class Cluster:
    def __init__(self, base: Path) -> None:
        self.bindir = _pg_bindir()
        self.base = base
        self.data = base / "data"
        self.log = base / "postgres.log"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str, timeout: float = 120) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:  # initdb refuses root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        assert out.returncode == 0, f"{args[0]} failed: {out.stdout}\n{out.stderr}"

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=40"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, db: str = DBNAME) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"


# -- processes in production settings -------------------------------------------------------
@dataclass
class Stack:
    cluster: Cluster
    env: dict[str, str]
    run_dir: Path
    ids: dict[str, Any] = field(default_factory=dict)
    web: subprocess.Popen[bytes] | None = None
    web_port: int = 0
    worker: subprocess.Popen[bytes] | None = None

    def shell(self, code: str, timeout: float = 120) -> str:
        out = subprocess.run(
            [str(BIN / "python"), "manage.py", "shell", "-c", code],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        return out.stdout

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 (owned by the process)
        return subprocess.Popen(  # own session: pgid == pid, as prod-up.sh's setsid
            cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    # gunicorn ---------------------------------------------------------------------------
    def start_web(self) -> float:
        t0 = time.monotonic()
        self.web = self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--timeout",
                "60",
            ],
            self.env,
        )
        _wait_until(lambda: self.healthz() == 200, 60, "gunicorn /healthz 200")
        return time.monotonic() - t0

    def healthz(self) -> int:
        try:
            return self.request("GET", "/healthz")[0]
        except OSError:
            return 0

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=15)
        h = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    # Celery -----------------------------------------------------------------------------
    def start_worker(self) -> None:
        self.worker = self._spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                f"faults-{time.monotonic_ns()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            self.env,
        )

    def worker_log(self) -> str:
        return (self.run_dir / "worker.log").read_text(errors="replace")

    @staticmethod
    def kill9(proc: subprocess.Popen[bytes] | None) -> None:
        """SIGKILL to the whole process group (master and every child), then wait."""
        assert proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _wait_until(lambda: not _live_members(proc.pid), 30, f"group {proc.pid} gone")

    @staticmethod
    def stop(proc: subprocess.Popen[bytes] | None) -> None:
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        with contextlib.suppress(AssertionError):
            _wait_until(lambda: not _live_members(proc.pid), 15, "group gone")
        for pid in _live_members(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def db(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.cluster.url(), autocommit=True)


SETUP = """
import datetime as dt, json
from django.contrib.auth.models import Group
from facadeops.accounts.models import User
from facadeops.accounts.services import api_token_create
from facadeops.customers import services as cs
manager = User.objects.create_user("faultmgr", password="Fault-check-2026!", full_name="故障经理")
manager.groups.add(Group.objects.get(name="management"))
head = User.objects.create_user("faulthead", password="Fault-check-2026!", full_name="故障主管")
head.groups.add(Group.objects.get(name="service_head"))
agent = User.objects.create_user("faultagent", password="Fault-check-2026!", full_name="热线")
agent.groups.add(Group.objects.get(name="agent"))
pm = User.objects.create_user("faultpm", password="Fault-check-2026!", full_name="项目经理")
pm.groups.add(Group.objects.get(name="project_manager"))
customer = cs.customer_create(actor=manager, data={"name": "故障演练物业", "city": "上海"})
projects = [
    cs.project_create(actor=manager, data={
        "customer": customer, "name": f"故障演练大厦{n}", "city": "上海",
        "address": f"世纪大道{n}号",
        "project_manager": pm, "service_head": head, "completion_date": dt.date(2018, 5, 1)})
    for n in range(PROJECTS)
]
_token, raw = api_token_create(actor=agent, name="热线系统")
print(json.dumps({"token": raw, "customer": customer.pk, "project": projects[0].pk,
                  "head": head.pk, "projects": len(projects)}))
"""


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    base = Path(tempfile.mkdtemp(prefix="fo-faults-"))
    cluster = Cluster(base)
    redis_url = f"redis://127.0.0.1:6379/{int(os.environ.get('FAULTS_REDIS_DB', '13'))}"
    rds = redis.Redis.from_url(redis_url)
    rds.flushdb()
    run_dir = base / "run"
    run_dir.mkdir()
    foreign = {"FACADEOPS_TESTING", "DJANGO_DEBUG", "CELERY_BROKER_URL", "DATABASE_REPLICA_URL"}
    env = {k: v for k, v in os.environ.items() if k not in foreign}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=cluster.url(),
        REDIS_URL=redis_url,
        SECRET_KEY="faults-test-" + "k3y" * 20,
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        MEDIA_ROOT=str(base / "media"),
        STATIC_ROOT=str(base / "static"),
        DB_CONN_MAX_AGE="60",
        CELERY_VISIBILITY_TIMEOUT="3",  # a killed worker's messages return after 3 s
        AXES_ENABLED="0",
    )
    s = Stack(cluster=cluster, env=env, run_dir=run_dir, web_port=_free_port())
    started = False
    try:
        t0 = time.monotonic()
        cluster.init()
        cluster.start()
        started = True
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{DBNAME}"')
        out = subprocess.run(
            [str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        s.ids = json.loads(s.shell("PROJECTS = 80\n" + SETUP).strip().splitlines()[-1])
        sys.stderr.write(f"\nfaults: cluster + migrate + data in {time.monotonic() - t0:.1f}s\n")
        yield s
    finally:
        Stack.stop(s.web)
        Stack.stop(s.worker)
        if started:
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop("immediate")
        rds.flushdb()
        shutil.rmtree(base, ignore_errors=True)


# -- a client that streams idempotent creates ---------------------------------------------
@dataclass
class Stream:
    """POST /api/v1/service/requests N times, each with its own Idempotency-Key; a
    connection error or 5xx is retried with the same key until a 2xx acknowledges it."""

    stack: Stack
    prefix: str
    n: int = STREAM
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    replayed: int = 0
    errors: int = 0
    server_errors: int = 0
    refused: list[tuple[int, bytes]] = field(default_factory=list)
    first_error_at: float | None = None
    last_error_at: float | None = None
    ok_after_error_at: float | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def body(self, i: int) -> dict[str, Any]:
        return {
            "kind": "repair",
            "channel": "hotline",
            "customer_id": self.stack.ids["customer"],
            "project_id": self.stack.ids["project"],
            "caller_name": "陈先生",
            "caller_phone": "13900001111",
            "description": f"{self.prefix}-{i:03d} 玻璃幕墙渗水",
            "urgency": "normal",
        }

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.stack.ids['token']}"}
        deadline = time.monotonic() + 150
        try:
            for i in range(self.n):
                key = f"{self.prefix}-{i:03d}"
                while time.monotonic() < deadline:
                    try:
                        status, h, data = self.stack.request(
                            "POST",
                            "/api/v1/service/requests",
                            self.body(i),
                            headers | {"Idempotency-Key": key},
                        )
                    except OSError:  # refused, reset, timed out: the server is away
                        status, h, data = 0, {}, b""
                    now = time.monotonic()
                    if status in (200, 201):
                        self.acked[key] = json.loads(data)
                        self.replayed += h.get("idempotent-replayed") == "true"
                        if self.last_error_at is not None and self.ok_after_error_at is None:
                            self.ok_after_error_at = now
                        break
                    if status == 0 or status >= 500:
                        self.errors += 1
                        self.server_errors += status >= 500
                        self.first_error_at = self.first_error_at or now
                        self.last_error_at = now
                        time.sleep(0.1)
                        continue
                    self.refused.append((status, data[:500]))
                    return
                time.sleep(0.02)  # a steady stream, not a flood
        finally:
            self.done.set()

    def start(self) -> threading.Thread:
        t = threading.Thread(target=self.run, daemon=True)
        t.start()
        return t

    def rows(self) -> dict[str, int]:
        """description prefix → how many service requests carry it."""
        with self.stack.db() as conn:
            found = conn.execute(
                "SELECT left(description, %s), count(*) FROM service_servicerequest "
                "WHERE description LIKE %s GROUP BY 1",
                [len(self.prefix) + 4, f"{self.prefix}-%"],
            ).fetchall()
        return {k: int(c) for k, c in found}

    def check_exactly_once(self) -> None:
        assert not self.refused, self.refused
        assert len(self.acked) == self.n, f"{len(self.acked)} of {self.n} acknowledged"
        rows = self.rows()
        assert sum(rows.values()) == len(self.acked) == self.n, rows
        duplicated = {k: c for k, c in rows.items() if c != 1}
        assert not duplicated, f"created more than once: {duplicated}"
        assert set(rows) == set(self.acked)
        with self.stack.db() as conn:
            numbers = {
                n
                for (n,) in conn.execute(
                    "SELECT number FROM service_servicerequest WHERE description LIKE %s",
                    [f"{self.prefix}-%"],
                )
            }
            keys = conn.execute(
                "SELECT count(*) FROM core_idempotencykey WHERE key LIKE %s",
                [f"{self.prefix}-%"],
            ).fetchone()
        assert {a["number"] for a in self.acked.values()} == numbers
        assert keys is not None and keys[0] == self.n


def test_kill9_of_gunicorn_mid_stream_loses_and_doubles_nothing(stack: Stack) -> None:
    """kill -9 of the gunicorn master and its workers while a client streams creates, then a
    restart: every acknowledged create is in the database exactly once."""
    first_start = stack.start_web()
    stream = Stream(stack, "kill9")
    thread = stream.start()
    _wait_until(lambda: len(stream.acked) >= STREAM // 3, 60, "a third of the stream")
    killed_at = time.monotonic()
    Stack.kill9(stack.web)
    assert stack.healthz() == 0  # nobody answers now
    time.sleep(0.5)
    restart = stack.start_web()
    thread.join(timeout=120)
    assert stream.done.is_set()
    stream.check_exactly_once()
    assert stream.errors >= 1, "the kill did not interrupt the stream"
    assert stream.ok_after_error_at is not None
    sys.stderr.write(
        f"kill -9 gunicorn: {STREAM} creates acknowledged once each, {stream.errors} failed "
        f"attempts retried, {stream.replayed} replayed; start {first_start:.1f}s, restart "
        f"{restart:.1f}s, back {stream.ok_after_error_at - killed_at:.1f}s after the kill\n"
    )


def test_postgres_restart_mid_stream_recovers_without_a_restart_of_the_app(
    stack: Stack,
) -> None:
    """PostgreSQL stops (immediate: like a crash) and comes back while creates stream in:
    requests fail for a moment, then succeed on the same gunicorn processes (no manual
    step); every acknowledged create is there exactly once."""
    if stack.web is None or stack.web.poll() is not None:
        stack.start_web()
    assert stack.web is not None
    master = stack.web.pid
    workers = set(_live_members(master)) - {master}
    stream = Stream(stack, "pgrst")
    thread = stream.start()
    _wait_until(lambda: len(stream.acked) >= STREAM // 3, 60, "a third of the stream")
    stack.cluster.stop("immediate")
    down_at = time.monotonic()
    _wait_until(lambda: stream.errors >= 1, 30, "a request to fail while PostgreSQL is down")
    assert stack.healthz() == 503
    time.sleep(1.0)
    stack.cluster.start()
    up_at = time.monotonic()
    thread.join(timeout=120)
    assert stream.done.is_set()
    stream.check_exactly_once()
    assert stack.healthz() == 200
    assert stack.web.poll() is None and master in _live_members(master)
    assert workers <= set(_live_members(master)), "gunicorn workers were replaced"
    assert stream.ok_after_error_at is not None and stream.last_error_at is not None
    sys.stderr.write(
        f"PostgreSQL restart: {STREAM} creates acknowledged once each, {stream.errors} failed "
        f"attempts ({stream.server_errors} 5xx) in {stream.last_error_at - down_at:.1f}s, "
        f"first success {stream.ok_after_error_at - up_at:.1f}s after PostgreSQL was up "
        f"(down {up_at - down_at:.1f}s), same gunicorn master and workers\n"
    )


CREATE_RUNS = """
import json
from facadeops.planning.models import DraftRun
print(json.dumps([DraftRun.objects.create(year=y, started_by_id=HEAD).pk for y in YEARS]))
"""


def _enqueue(stack: Stack, years: list[int]) -> list[int]:
    """One DraftRun per year, then one planning.draft_plans message each, sent from here
    (as the drafting page does with .delay()) so the runs start at once."""
    from celery import Celery

    code = f"HEAD={stack.ids['head']}\nYEARS={years}\n{CREATE_RUNS}"
    ids: list[int] = json.loads(stack.shell(code).strip().splitlines()[-1])
    app = Celery("faults", broker=stack.env["REDIS_URL"])
    try:
        for pk in ids:
            app.send_task("planning.draft_plans", args=[pk])
    finally:
        app.close()
    return ids


def _runs(stack: Stack, ids: list[int]) -> list[tuple[int, int, int, Any]]:
    with stack.db() as conn:
        return conn.execute(
            "SELECT id, year, total, finished_at FROM planning_draftrun WHERE id = ANY(%s) "
            "ORDER BY id",
            [ids],
        ).fetchall()


def _plans_per_project(stack: Stack, years: list[int]) -> dict[int, list[int]]:
    """year → the number of plans of each project that has any."""
    with stack.db() as conn:
        rows = conn.execute(
            "SELECT year, project_id, count(*) FROM planning_annualplan WHERE year = ANY(%s) "
            "GROUP BY year, project_id",
            [years],
        ).fetchall()
    out: dict[int, list[int]] = {y: [] for y in years}
    for year, _project, count in rows:
        out[year].append(int(count))
    return out


def test_kill9_of_the_celery_worker_loses_no_task_and_doubles_no_effect(stack: Stack) -> None:
    """Annual-plan drafting runs (planning.draft_plans, one task per year) are enqueued; the
    worker is killed with -9 (master and pool) while one runs, and restarted: every run
    finishes and every project has exactly one plan per year. Then one pool process alone
    is killed mid-task: its task goes back to the queue (reject_on_worker_lost) and runs
    again on the same worker."""
    projects = int(stack.ids["projects"])
    years = list(range(2031, 2037))
    stack.start_worker()
    _wait_until(lambda: "ready." in stack.worker_log(), 60, "the Celery worker")
    ids = _enqueue(stack, years)

    def running() -> bool:
        return any(total and not finished for _i, _y, total, finished in _runs(stack, ids))

    _wait_until(running, 60, "a drafting run in progress", every=0.02)
    t_kill = time.monotonic()
    Stack.kill9(stack.worker)
    finished_before = sum(1 for r in _runs(stack, ids) if r[3] is not None)
    assert finished_before < len(years), "every run finished before the kill"
    time.sleep(3.5)  # the visibility timeout of the test broker settings (3 s)
    stack.start_worker()
    _wait_until(
        lambda: all(r[3] is not None for r in _runs(stack, ids)),
        90,
        "every drafting run to finish after the restart",
    )
    recovered = time.monotonic() - t_kill
    per_year = _plans_per_project(stack, years)
    for year in years:
        assert len(per_year[year]) == projects, (year, len(per_year[year]))
        assert set(per_year[year]) == {1}, f"{year}: a project has more than one plan"

    # Phase 2: only the pool process running a task dies; the master stays.
    more = list(range(2041, 2047))
    ids2 = _enqueue(stack, more)
    assert stack.worker is not None
    master = stack.worker.pid

    def busy() -> bool:
        in_progress = any(total and not fin for _i, _y, total, fin in _runs(stack, ids2))
        return in_progress and len(_live_members(master)) > 1

    _wait_until(busy, 60, "a drafting run in progress (phase 2)", every=0.02)
    # Kill every pool child: whichever runs the task dies mid-task.
    for pid in [p for p in _live_members(master) if p != master]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _wait_until(
        lambda: all(r[3] is not None for r in _runs(stack, ids2)),
        90,
        "the runs of the killed pool process to finish",
    )
    assert stack.worker.poll() is None, "the worker master died"
    log = stack.worker_log()
    assert "WorkerLostError" in log or "signal 9" in log, log[-3000:]
    per_year = _plans_per_project(stack, more)
    for year in more:
        assert len(per_year[year]) == projects and set(per_year[year]) == {1}
    sys.stderr.write(
        f"kill -9 Celery worker: {len(years)} drafting runs × {projects} projects, "
        f"{finished_before} finished before the kill, all finished {recovered:.1f}s after it "
        f"(incl. 3.5 s visibility timeout), one plan per project and year; pool-process kill: "
        f"task re-run on the same worker\n"
    )
    Stack.stop(stack.worker)
