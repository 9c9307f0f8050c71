"""A small closed-loop HTTP load generator (threads, keep-alive connections).

    python bench/load.py --base http://127.0.0.1:8765 --scenario wo_list --clients 4 \
        --seconds 10 --context bench/results/context.json

Prints one JSON object: requests, errors, rps, p50_ms, p95_ms. Runs in its own process,
so the server's CPU is not shared with the client's Python interpreter beyond the OS.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from typing import Any
from urllib.parse import urlsplit

CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 characters: a valid CSRF secret


def scenario(name: str, ctx: dict[str, Any], rng: random.Random) -> tuple[str, str, Any, str]:
    """(method, path, body, auth kind) of one request of a scenario."""
    if name == "intake":
        body = {
            "caller_name": "压测来电",
            "caller_phone": f"139{rng.randrange(10**8):08d}",
            "description": "玻璃破裂，需尽快处理（压测）",
            "project_id": rng.choice(ctx["project_ids"]),
            "customer_id": None,
            "urgency": rng.choice(["normal", "urgent"]),
        }
        pid = body["project_id"]
        body["customer_id"] = ctx["project_customer"][str(pid)]
        # An integration's create: Bearer token (checked before the session, no CSRF).
        return "POST", "/api/v1/service/requests", body, "token"
    if name == "complaint":
        body = {
            "project_id": rng.choice(ctx["project_ids"]),
            "contact_name": "压测投诉人",
            "contact_phone": f"139{rng.randrange(10**8):08d}",
            "category": rng.choice(["quality", "timeliness", "attitude"]),
            "severity": rng.choice(["general", "serious"]),
            "subject": "维修后仍漏水（压测）",
            "description": "上次维修的窗户下雨后仍然渗水（压测）",
        }
        # REG-4.1.1 at the API, under the same conditions as the intake create.
        return "POST", "/api/v1/complaints/complaints", body, "token"
    if name == "wo_list":
        status = rng.choice(["in_progress", "archived", "new", "assessing"])
        page = 1 + rng.randrange(3)
        return (
            "GET",
            f"/api/v1/service/work-orders?status={status}&sort=-created_at&page={page}"
            "&page_size=50",
            None,
            "token",
        )
    if name == "wo_detail":
        return "GET", f"/service/work-orders/{rng.choice(ctx['wo_ids'])}/", None, "session"
    if name == "board":
        return "GET", "/api/v1/service/board", None, "token"
    if name == "dashboard":
        return "GET", "/api/v1/service/dashboard", None, "token"
    if name == "floor":
        return "POST", "/bench/floor", {"n": rng.randrange(10**6)}, "none"
    raise SystemExit(f"unknown scenario {name}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--context", required=True)
    a = ap.parse_args()
    with open(a.context) as fh:
        ctx = json.load(fh)
    host = urlsplit(a.base)
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + a.seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        mine: list[float] = []
        bad: list[str] = []
        while time.perf_counter() < deadline:
            method, path, body, auth = scenario(a.scenario, ctx, rng)
            headers = {"Host": "127.0.0.1"}
            if auth == "token":
                headers["Authorization"] = f"Bearer {ctx['token']}"
            elif auth == "session":
                headers["Cookie"] = f"sessionid={ctx['session']}; csrftoken={CSRF}"
                headers["X-CSRFToken"] = CSRF
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            t = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 300:
                    bad.append(f"{resp.status} {method} {path}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
                continue
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            lat.extend(mine)
            errors.extend(bad)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.perf_counter() - t0
    lat.sort()

    def pct(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else -1.0

    ok = len(lat) - len(errors)
    print(
        json.dumps(
            {
                "scenario": a.scenario,
                "clients": a.clients,
                "requests": len(lat),
                "errors": len(errors),
                "error_sample": errors[:3],
                "rps": round(ok / took, 1),
                "p50_ms": pct(0.5),
                "p95_ms": pct(0.95),
            }
        )
    )


if __name__ == "__main__":
    main()
