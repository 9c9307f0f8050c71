"""``make bench``: FacadeOps under load, in production settings (issue 7).

1. A dedicated PostgreSQL database ``fo_bench_<scale>`` with a generated company
   (``generate_company``; kept between runs of the same scale, ``BENCH_FRESH=1`` rebuilds).
2. Its own Redis (a throw-away ``redis-server`` on a free port) and gunicorn serving
   ``bench.wsgi`` (config.settings + the framework-floor URL), DEBUG off.
3. Load from another process (``bench/load.py``) at 1 and 4 clients for each scenario.
4. Floors: the trivial Django INSERT view, and raw psycopg INSERTs; the plan draft for
   5,000 projects (``bench/plan_draft.py``), the service-report PDF, list-page queries.
5. ``bench/results/latest.json`` + a dated copy; ``docs/benchmarks.md`` regenerated with
   a comparison against the previous run.

BENCH_SCALE=small (default: 500 projects, 20,000 work orders) or large (5,000 projects,
1,000,000 work orders). BENCH_SECONDS (default 8) per measurement.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
RESULTS = ROOT / "bench" / "results"
SCALES = {
    "small": {"projects": 500, "work_orders": 20_000, "years": 10},
    "large": {"projects": 5_000, "work_orders": 1_000_000, "years": 10},
}
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port}")


def main() -> None:
    scale_name = os.environ.get("BENCH_SCALE", "small")
    scale = SCALES[scale_name]
    dbname = f"fo_bench_{scale_name}"
    db_url = f"{PG}/{dbname}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    ctx_file = RESULTS / f"context-{scale_name}.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db_url,
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_DEBUG": "0",
        "FACADEOPS_TESTING": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FACADEOPS_TESTING")

    # 1. Database with a generated company (reused for the same scale).
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname=%s", [dbname]).fetchone()
        if exists and os.environ.get("BENCH_FRESH"):
            admin.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{dbname}"')
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    with psycopg.connect(db_url) as conn:
        generated = conn.execute("SELECT count(*) FROM service_workorder").fetchone()[0]  # type: ignore[index]
    if not generated:
        log(f"generating {scale} …")
        subprocess.run(
            [
                *manage,
                "generate_company",
                f"--projects={scale['projects']}",
                f"--work-orders={scale['work_orders']}",
                f"--years={scale['years']}",
            ],
            env=env,
            check=True,
            cwd=ROOT,
        )
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([PY, "bench/inproc.py", "prepare", str(ctx_file)], env=env, check=True, cwd=ROOT)

    # 2. Redis and gunicorn.
    procs: list[subprocess.Popen[bytes]] = []
    figures: dict[str, float] = {}
    detail: dict[str, Any] = {}
    try:
        redis_port = free_port()
        redis_bin = shutil.which("redis-server") or "redis-server"
        procs.append(
            subprocess.Popen(
                [redis_bin, "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )
        )
        wait_port(redis_port)
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        port = free_port()
        workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
        gunicorn = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bench.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--keep-alive=5",
            "--max-requests=0",
            "--log-level=warning",
        ]
        procs.append(subprocess.Popen(gunicorn, env=env, cwd=ROOT))
        wait_port(port)
        base = f"http://127.0.0.1:{port}"
        log(f"gunicorn {workers} workers on {base}, redis on {redis_port}")

        def load(name: str, clients: int) -> dict[str, Any]:
            out = subprocess.run(
                [
                    PY,
                    "bench/load.py",
                    f"--base={base}",
                    f"--scenario={name}",
                    f"--clients={clients}",
                    f"--seconds={SECONDS}",
                    f"--context={ctx_file}",
                ],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            res: dict[str, Any] = json.loads(out.stdout)
            detail[f"{name}_{clients}c"] = res
            log(f"{name} ×{clients}: {res}")
            return res

        # warm every worker (imports, connections)
        for name in ("wo_list", "dashboard", "floor"):
            subprocess.run(
                [PY, "bench/load.py", f"--base={base}", f"--scenario={name}", "--clients=4",
                 "--seconds=2", f"--context={ctx_file}"],
                env=env, cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
        r = {
            (n, c): load(n, c)
            for n in ("intake", "complaint", "wo_list", "wo_detail", "board", "dashboard", "floor")
            for c in (1, 4)
        }
        figures["intake_create_rps"] = r["intake", 1]["rps"]
        figures["intake_create_rps_4c"] = r["intake", 4]["rps"]
        figures["complaint_create_rps"] = r["complaint", 1]["rps"]
        figures["complaint_create_rps_4c"] = r["complaint", 4]["rps"]
        figures["wo_list_rps"] = r["wo_list", 4]["rps"]
        figures["wo_list_p95_ms"] = r["wo_list", 1]["p95_ms"]
        figures["wo_detail_p95_ms"] = r["wo_detail", 1]["p95_ms"]
        figures["board_p95_ms"] = r["board", 1]["p95_ms"]
        figures["dashboard_p95_ms"] = r["dashboard", 1]["p95_ms"]
        figures["counts_by_state_rps"] = r["dashboard", 4]["rps"]
        figures["framework_floor_rps"] = r["floor", 4]["rps"]
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()

    # 3. Database floor: the same rows written and read by raw psycopg.
    figures["db_insert_floor_rps"] = db_floor(db_url, detail)

    # 4. In-process figures.
    out = subprocess.run(
        [PY, "bench/inproc.py", "pdf", str(ctx_file)], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    detail["pdf"] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["pdf_report_ms"] = detail["pdf"]["pdf_report_ms"]
    out = subprocess.run(
        [PY, "bench/inproc.py", "queries", str(ctx_file)], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    detail["queries"] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["list_page_queries"] = detail["queries"]["api_page_50"]
    out = subprocess.run(
        [PY, "bench/inproc.py", "complaints", str(ctx_file)], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    detail["complaints"] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["complaint_analysis_quarter_ms"] = detail["complaints"]["complaint_analysis_quarter_ms"]
    figures["plan_draft_5000_s"] = plan_draft(env, detail)

    # 5. Results and the report.
    now = dt.datetime.now(dt.UTC)
    result = {
        "scale": {"name": scale_name, **scale, "clients": [1, 4], "seconds": SECONDS},
        "figures": figures,
        "when": now.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "system": platform.platform()},
        "detail": detail,
    }  # fmt: skip
    latest = RESULTS / "latest.json"
    previous = json.loads(latest.read_text()) if latest.exists() else None
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    latest.write_text(text)
    (RESULTS / f"{now:%Y-%m-%dT%H%M%S}-{scale_name}.json").write_text(text)
    from report import write_report  # bench/report.py

    write_report(result, previous, ROOT / "docs" / "benchmarks.md", RESULTS)
    log("figures: " + json.dumps(figures))


def db_floor(db_url: str, detail: dict[str, Any]) -> float:
    """One connection, one INSERT per transaction (as the Django floor), then reads."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        n, end = 0, time.perf_counter() + SECONDS
        t0 = time.perf_counter()
        while time.perf_counter() < end:
            conn.execute(
                "INSERT INTO bench_floor (at, payload) VALUES (now(), %s) RETURNING id", ["raw"]
            ).fetchone()
            n += 1
        rps = n / (time.perf_counter() - t0)
        m, end = 0, time.perf_counter() + SECONDS / 2
        t1 = time.perf_counter()
        while time.perf_counter() < end:
            conn.execute(
                "SELECT id, at, payload FROM bench_floor WHERE id = %s", [1 + m % n]
            ).fetchone()
            m += 1
        detail["db_floor"] = {"insert_rps": round(rps, 1),
                              "select_rps": round(m / (time.perf_counter() - t1), 1)}  # fmt: skip
    log(f"db floor: {detail['db_floor']}")
    return round(rps, 1)


def plan_draft(env: dict[str, str], detail: dict[str, Any]) -> float:
    penv = {**env, "DJANGO_SETTINGS_MODULE": "config.settings", "FACADEOPS_TESTING": "1",
            "DATABASE_URL": f"{PG}/fo_bench_plan"}  # fmt: skip
    penv.pop("REDIS_URL", None)
    t = time.perf_counter()
    out = subprocess.run(
        [PY, "bench/plan_draft.py", os.environ.get("BENCH_PLAN_PROJECTS", "5000")],
        env=penv, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - t
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("draft_plans for")]
    detail["plan_draft"] = {
        "stdout_tail": out.stdout.strip().splitlines()[-3:],
        "stderr_tail": out.stderr.strip().splitlines()[-3:],
        "wall_s": round(wall, 1),
    }
    if out.returncode or not lines:
        log(f"plan draft failed: {detail['plan_draft']}")
        return -1.0
    secs = float(lines[-1].split(":")[1].split("s")[0])
    log(f"plan draft: {secs} s")
    return round(secs, 2)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
