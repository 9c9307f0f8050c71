"""FacadeOps settings, driven by the environment (see docs/configuration.md).

Defaults are safe for production: DEBUG is off unless DJANGO_DEBUG=1 (set by `make run`),
SECRET_KEY must be given when DEBUG is off.
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = env.bool("FACADEOPS_TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "facadeops.core",
    "facadeops.audit",
    "facadeops.accounts",
    "facadeops.customers",
    "facadeops.materials",
    "facadeops.notifications",
    "facadeops.service",
    "facadeops.archive",
    "facadeops.planning",
    "facadeops.quality",
    "facadeops.complaints",
    "facadeops.intake",
    "facadeops.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "facadeops.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "facadeops.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "facadeops.core.context_processors.shell",
                "facadeops.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database: PostgreSQL in production and tests, embedded SQLite by default -------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'facadeops.sqlite3'}"),
}
# A read replica for reports (docs/scaling.md): selectors that may read slightly stale
# data ask for it with .using(facadeops.core.db_router.reports_db()), which is "replica"
# when DATABASE_REPLICA_URL is set and "default" otherwise (no second connection).
_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if _REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must use the same database engine as DATABASE_URL."
        )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["facadeops.core.db_router.ReportsRouter"]
# Behind PgBouncer in transaction pooling: server-side cursors (.iterator()) cannot live
# across transactions on a pooled connection; also set DB_CONN_MAX_AGE=0 there.
_NO_SERVER_CURSORS = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
for _alias, _db in DATABASES.items():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
        _db["CONN_HEALTH_CHECKS"] = True
        _db["DISABLE_SERVER_SIDE_CURSORS"] = _NO_SERVER_CURSORS
    elif _alias == "default":
        _db["OPTIONS"] = {
            **_db.get("OPTIONS", {}),
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Test users are created by the hundred; a slow hash only costs time there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# --- Cache and background jobs ----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The broker may be its own Redis database or server (docs/scaling.md), default REDIS_URL.
_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = _BROKER_URL or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not (_BROKER_URL or REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task's message is acknowledged only after the task has run, and given back to the queue
# when the worker process dies (kill -9, OOM): no task is lost, so every task must be
# idempotent (they are: outbox rows, DraftRun, "existing plans are skipped"). Messages of a
# worker killed as a whole return after the visibility timeout (seconds; redis broker).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {
    "core-purge-idempotency-keys": {"task": "core.purge_idempotency_keys", "schedule": 3600.0},
    # warn, then escalate late work to the next person up.
    "service-escalate-overdue": {"task": "service.escalate_overdue", "schedule": 600.0},
    "complaints-escalate-late": {"task": "complaints.escalate_late", "schedule": 600.0},
    # at 80 % of a deadline warn the assignee.
    "intake-sla-warn": {"task": "intake.sla_warn", "schedule": 600.0},
    # send due e-mail and chat deliveries (urgent at once, the digest at its hour).
    "notifications-send": {"task": "notifications.send_due", "schedule": 60.0},
    # REG-2.1.1: read the service mailbox.
    "intake-fetch-mail": {"task": "intake.fetch_mail", "schedule": 120.0},
    # REG-3.3.1: plan items become work orders ahead of their window (idempotent).
    "planning-generate-work-orders": {
        "task": "planning.generate_work_orders",
        "schedule": crontab(hour=6, minute=0),
    },
}

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # display; storage is UTC (USE_TZ)
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env.str("STORAGE_BACKEND", default="local") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "access_key": env.str("S3_ACCESS_KEY", default=None),
            "secret_key": env.str("S3_SECRET_KEY", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# Upload limits (bytes) per attachment kind; content is checked, not the file name.
ATTACHMENT_MAX_BYTES = {
    "image": env.int("ATTACHMENT_MAX_IMAGE_BYTES", default=20 * 1024 * 1024),
    "video": env.int("ATTACHMENT_MAX_VIDEO_BYTES", default=200 * 1024 * 1024),
    "document": env.int("ATTACHMENT_MAX_DOCUMENT_BYTES", default=30 * 1024 * 1024),
}
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=60_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Mail --------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="FacadeOps <noreply@localhost>")

# --- Notification channels and intake mailbox (X-9.3, REG-2.1.1) ---------------------------
# Absolute links in e-mails and chat messages, e.g. https://facadeops.example.com
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="")
# WeCom group robot (企业微信群机器人) for users who choose the chat group without their own.
WECOM_WEBHOOK_URL = env.str("WECOM_WEBHOOK_URL", default="")
NOTIFY_DIGEST_HOUR = env.int("NOTIFY_DIGEST_HOUR", default=8)  # local time, 0-23
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_WEBHOOK_TIMEOUT = env.float("NOTIFY_WEBHOOK_TIMEOUT", default=10.0)
# The service mailbox read over IMAP; empty host: the mail job does nothing.
IMAP_HOST = env.str("IMAP_HOST", default="")
IMAP_PORT = env.int("IMAP_PORT", default=993)
IMAP_USER = env.str("IMAP_USER", default="")
IMAP_PASSWORD = env.str("IMAP_PASSWORD", default="")
IMAP_SSL = env.bool("IMAP_SSL", default=True)
IMAP_FOLDER = env.str("IMAP_FOLDER", default="INBOX")
IMAP_TIMEOUT = env.float("IMAP_TIMEOUT", default=30.0)
# Phone system webhook: shared secret sent as "Authorization: Bearer <token>"; empty: refused.
HOTLINE_WEBHOOK_TOKEN = env.str("HOTLINE_WEBHOOK_TOKEN", default="")

# --- Security (production defaults; relaxed only under DEBUG) ---------------------------
# Sessions: "db" (default, works from every app server), "cached_db" (Redis in front of
# the database: fewer reads, survives a Redis flush) or "cache" (Redis only). A full
# engine path is accepted too. The cache engines need REDIS_URL: with the per-process
# memory cache each worker would have its own sessions.
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "django.contrib.sessions.backends.cache",
}
_session_engine = env.str("SESSION_ENGINE", default="db").strip()
SESSION_ENGINE = _SESSION_ENGINES.get(_session_engine, _session_engine)
if SESSION_ENGINE not in _SESSION_ENGINES.values():
    raise ImproperlyConfigured(
        f"SESSION_ENGINE={_session_engine!r}: use one of db, cached_db, cache."
    )
if _session_engine not in ("db", _SESSION_ENGINES["db"]) and not REDIS_URL:
    raise ImproperlyConfigured(
        f"SESSION_ENGINE={_session_engine!r} keeps sessions in the cache: set REDIS_URL too."
    )
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep standard
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Logging -------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "facadeops.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# --- Application -------------------------------------------------------------------------
FACADEOPS_COMPANY_NAME = env.str("FACADEOPS_COMPANY_NAME", default="FacadeOps")
API_PAGE_SIZE_MAX = 200
LIST_PAGE_SIZE = 25
