#!/usr/bin/env bash
# Stop what scripts/prod-up.sh started: beat, worker, then gunicorn. Each was started as the
# leader of its own process group, so the whole group (gunicorn and Celery children) gets
# SIGTERM (graceful), and SIGKILL after STOP_TIMEOUT seconds (default 30).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${RUN_DIR:-var/run}"
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$ROOT/$RUN_DIR" ;; esac
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"

alive() { kill -0 -- "-$1" 2>/dev/null; }

pids=()
for name in beat worker web; do
  pidfile="$RUN_DIR/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid"; then
    echo "prod-down: stopping $name (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
  rm -f "$pidfile"
done

deadline=$(($(date +%s) + STOP_TIMEOUT))
for pid in "${pids[@]}"; do
  while alive "$pid"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "prod-down: process group $pid still alive, SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.2
  done
done
echo "prod-down: stopped"
