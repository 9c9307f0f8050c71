#!/usr/bin/env bash
# Start the FacadeOps production stack natively (issue 4 "Production mode"):
# migrate, compile messages, collect static files, then gunicorn, a Celery worker and
# Celery beat on PostgreSQL and Redis, DEBUG off. Each process runs in its own session
# (setsid) with its pid in $RUN_DIR/<name>.pid and its log in $RUN_DIR/<name>.log;
# scripts/prod-down.sh stops them. Waits until /healthz answers 200 and the worker is ready.
#
# Required env: SECRET_KEY, DATABASE_URL (postgres://…), REDIS_URL (redis://…), ALLOWED_HOSTS.
# Optional env: BIND (127.0.0.1:8000), RUN_DIR (var/run), WEB_WORKERS (5 = 2 × 2 cores + 1),
#   CELERY_CONCURRENCY (2), HEALTH_TIMEOUT seconds (60), SECURE_SSL_REDIRECT and the other
#   settings of docs/configuration.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"

die() { echo "prod-up: $*" >&2; exit 1; }
for var in SECRET_KEY DATABASE_URL REDIS_URL ALLOWED_HOSTS; do
  [ -n "${!var:-}" ] || die "$var must be set"
done
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) die "DATABASE_URL must be PostgreSQL" ;; esac
case "$REDIS_URL" in redis://* | rediss://*) ;; *) die "REDIS_URL must be redis://…" ;; esac

BIND="${BIND:-127.0.0.1:8000}"
RUN_DIR="${RUN_DIR:-var/run}"
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$ROOT/$RUN_DIR" ;; esac
WEB_WORKERS="${WEB_WORKERS:-5}"
CELERY_CONCURRENCY="${CELERY_CONCURRENCY:-2}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
export DJANGO_DEBUG=0 DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH="$ROOT"
unset FACADEOPS_TESTING
mkdir -p "$RUN_DIR"

for name in web worker beat; do
  pidfile="$RUN_DIR/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    die "$name already runs (pid $(cat "$pidfile")); run scripts/prod-down.sh first"
  fi
  rm -f "$pidfile"
done

started=$(date +%s.%N)
echo "prod-up: migrate, compile messages, collect static files"
[ -f static/vendor/bootstrap/bootstrap.min.css ] || scripts/copy-assets.sh  # not committed
"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" scripts/compilemessages.py
"$BIN/python" manage.py collectstatic --noinput -v0

# start NAME CMD…: own session and process group (pgid = pid), detached from our stdio.
start() {
  local name=$1
  shift
  setsid "$@" >>"$RUN_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  echo "prod-up: $name pid $! (log $RUN_DIR/$name.log)"
}

start web "$BIN/gunicorn" config.wsgi:application --bind "$BIND" --workers "$WEB_WORKERS" \
  --worker-class sync --keep-alive 5 --max-requests 2000 --max-requests-jitter 200 \
  --timeout 60 --access-logfile -
start worker "$BIN/celery" -A config worker --loglevel INFO --concurrency "$CELERY_CONCURRENCY" \
  --hostname "facadeops@%h"
start beat "$BIN/celery" -A config beat --loglevel INFO --schedule "$RUN_DIR/celerybeat-schedule"

# Health: /healthz through gunicorn (Host from ALLOWED_HOSTS, as behind a TLS proxy).
host="${BIND%:*}"
port="${BIND##*:}"
case "$host" in 0.0.0.0 | "" | "[::]") host=127.0.0.1 ;; esac
first_allowed="${ALLOWED_HOSTS%%,*}"
first_allowed="${first_allowed#.}"
[ "$first_allowed" = "*" ] && first_allowed=localhost
deadline=$(($(date +%s) + HEALTH_TIMEOUT))
until curl -fsS -o /dev/null -H "Host: $first_allowed" -H "X-Forwarded-Proto: https" \
  "http://$host:$port/healthz" 2>/dev/null; do
  for name in web worker beat; do
    kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || {
      tail -n 30 "$RUN_DIR/$name.log" >&2
      die "$name exited during start-up (log $RUN_DIR/$name.log)"
    }
  done
  [ "$(date +%s)" -lt "$deadline" ] || die "/healthz not 200 after ${HEALTH_TIMEOUT}s"
  sleep 0.2
done
until grep -q "ready\." "$RUN_DIR/worker.log" 2>/dev/null; do
  kill -0 "$(cat "$RUN_DIR/worker.pid")" 2>/dev/null || die "worker exited (log $RUN_DIR/worker.log)"
  [ "$(date +%s)" -lt "$deadline" ] || die "Celery worker not ready after ${HEALTH_TIMEOUT}s"
  sleep 0.2
done
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "prod-up: healthy at http://$host:$port/ in ${elapsed}s (migrate included)"
