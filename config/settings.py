"""Diwan settings, composed from environment variables only (ARCHITECTURE §5.7).

Every variable is declared in config/env.py style below and documented in
docs/operations/configuration.md. DIWAN_MODE=production refuses to start with a missing or demo secret.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import declare, read, read_bool, read_int, read_list, read_str

BASE_DIR = Path(__file__).resolve().parent.parent
SRC_DIR = BASE_DIR / "src" / "diwan"

# The demo secrets are public (they are in this file). They let `make demo` and the tests run with no
# configuration, and production mode refuses every one of them.
DEMO_SECRET_KEY = "diwan-demo-secret-key-not-for-production-0000000000000000000000"  # noqa: S105
DEMO_FIELD_KEYS = "demo1:ZGl3YW4tZGVtby1maWVsZC1rZXktMzItYnl0ZXMhISE="  # base64 of 32 bytes
DEMO_BLIND_INDEX_KEY = "ZGl3YW4tZGVtby1ibGluZC1pbmRleC1rZXktMzJieXQ="
DEMO_SIGNING_KEY = "ZGl3YW4tZGVtby1lZDI1NTE5LXNpZ25pbmcta2V5MzI="  # Ed25519 seed, base64 of 32 bytes

MODE = declare(
    "DIWAN_MODE", "development", "development, test or production. Production refuses demo secrets."
)
SECRET = declare(
    "DIWAN_SECRET_KEY", DEMO_SECRET_KEY, "Django SECRET_KEY (sessions, CSRF, signing).", secret=True
)
FIELD_KEYS = declare(
    "DIWAN_FIELD_KEYS",
    DEMO_FIELD_KEYS,
    "AES-256-GCM key ring for encrypted fields: comma-separated `key_id:base64(32 bytes)`; "
    "the first encrypts, "
    "all decrypt (rotation).",
    secret=True,
)
BLIND_INDEX = declare(
    "DIWAN_BLIND_INDEX_KEY", DEMO_BLIND_INDEX_KEY, "HMAC-SHA256 key (base64) for blind indexes.", secret=True
)
SIGNING = declare(
    "DIWAN_SIGNING_KEY",
    DEMO_SIGNING_KEY,
    "Platform Ed25519 private key seed (base64 of 32 bytes): signs audit checkpoints.",
    secret=True,
)
DATABASE = declare(
    "DATABASE_URL", None, "Database URL, e.g. postgres://user@host:5432/diwan. Default: SQLite in var/."
)
ALLOWED = declare("DIWAN_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names served.")
CSRF_ORIGINS = declare("DIWAN_CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins trusted for CSRF.")
DATA_DIR = declare(
    "DIWAN_DATA_DIR", str(BASE_DIR / "var"), "Folder for the SQLite database and private files."
)
LOG_LEVEL = declare("DIWAN_LOG_LEVEL", "INFO", "Root log level.")
LOG_JSON = declare("DIWAN_LOG_JSON", None, "true for JSON log lines (default: true in production).")
CACHE_URL = declare("DIWAN_REDIS_URL", None, "Redis URL for the shared cache; default: the database cache.")
NOTIFY_CHANNEL = declare(
    "DIWAN_SMS_CHANNEL", "demo", "Notification channel plugin for SMS: demo (outbox only) or http_sms."
)
EMAIL_CHANNEL = declare("DIWAN_EMAIL_CHANNEL", "demo", "Notification channel plugin for email: demo or smtp.")
EMAIL_URL = declare("DIWAN_EMAIL_HOST", "localhost", "SMTP host for the smtp channel.")
EMAIL_PORT_VAR = declare("DIWAN_EMAIL_PORT", "25", "SMTP port for the smtp channel.")
EMAIL_FROM = declare("DIWAN_EMAIL_FROM", "no-reply@diwan.example.iq", "From address of e-mails.")
SMS_URL = declare("DIWAN_SMS_GATEWAY_URL", "", "HTTP SMS gateway endpoint for the http_sms channel.")
SMS_TOKEN = declare("DIWAN_SMS_GATEWAY_TOKEN", "", "Bearer token for the HTTP SMS gateway.", secret=True)
SMS_BODY = declare(
    "DIWAN_SMS_GATEWAY_BODY",
    "",
    "JSON body template for the http_sms channel; {to}, {to_national}, {text}, {reference} are filled in "
    '(default: {"to": "{to}", "text": "{text}", "reference": "{reference}"}).',
)
IDENTITY_PROVIDERS = declare(
    "DIWAN_IDENTITY_PROVIDERS",
    "phone_code,national_eid",
    "Citizen identity providers switched on: phone_code (one-time code by SMS) and national_eid "
    "(OpenID Connect, active once DIWAN_OIDC_ISSUER is set), or dotted paths to plugins.",
)
OIDC_ISSUER = declare(
    "DIWAN_OIDC_ISSUER", "", "National eID OpenID Connect issuer URL; empty disables eID sign-in."
)
OIDC_CLIENT_ID = declare(
    "DIWAN_OIDC_CLIENT_ID", "", "OpenID Connect client id registered with the eID provider."
)
OIDC_CLIENT_SECRET = declare("DIWAN_OIDC_CLIENT_SECRET", "", "OpenID Connect client secret.", secret=True)
OIDC_REDIRECT = declare(
    "DIWAN_OIDC_REDIRECT_URI", "", "Callback URL registered with the eID provider (…/accounts/eid/callback/)."
)
TASKS_BACKEND = declare(
    "DIWAN_TASKS_BACKEND",
    "diwan.notifications.task_backend.DiwanDatabaseBackend",
    "django.tasks backend import path.",
)
STAFF_IDLE = declare("DIWAN_STAFF_IDLE_MINUTES", "15", "Staff session idle timeout in minutes.")
STAFF_ABSOLUTE = declare("DIWAN_STAFF_ABSOLUTE_HOURS", "8", "Staff session absolute lifetime in hours.")
HSTS = declare("DIWAN_HSTS_SECONDS", "31536000", "Strict-Transport-Security max-age in production.")
BEHIND_PROXY = declare("DIWAN_BEHIND_TLS_PROXY", None, "true when a TLS proxy sets X-Forwarded-Proto.")
MALWARE_SCANNER = declare(
    "DIWAN_MALWARE_SCANNER",
    "demo",
    "Malware-scanner plugin for uploads: demo (refuses only the EICAR test file), clamd, or a dotted path.",
)
CLAMD_ADDRESS = declare(
    "DIWAN_CLAMD_ADDRESS", "tcp://127.0.0.1:3310", "ClamAV daemon: tcp://host:port or unix:///path/to/socket."
)

DIWAN_MODE = read_str(MODE)
if DIWAN_MODE not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DIWAN_MODE must be development, test or production, not {DIWAN_MODE!r}")
RUNNING_TESTS = "pytest" in sys.modules or DIWAN_MODE == "test"
PRODUCTION = DIWAN_MODE == "production"
DEBUG = DIWAN_MODE == "development" and not RUNNING_TESTS

SECRET_KEY = read_str(SECRET)
DIWAN_FIELD_KEYS = read_str(FIELD_KEYS)
DIWAN_BLIND_INDEX_KEY = read_str(BLIND_INDEX)
DIWAN_SIGNING_KEY = read_str(SIGNING)

DEMO_SECRETS = {
    SECRET.name: DEMO_SECRET_KEY,
    FIELD_KEYS.name: DEMO_FIELD_KEYS,
    BLIND_INDEX.name: DEMO_BLIND_INDEX_KEY,
    SIGNING.name: DEMO_SIGNING_KEY,
}
# Demo accounts, demo OTP page and demo data are allowed only outside production.
DIWAN_DEMO_ALLOWED = not PRODUCTION
if PRODUCTION:
    values = {
        SECRET.name: SECRET_KEY,
        FIELD_KEYS.name: DIWAN_FIELD_KEYS,
        BLIND_INDEX.name: DIWAN_BLIND_INDEX_KEY,
        SIGNING.name: DIWAN_SIGNING_KEY,
    }
    for name, value in values.items():
        if not value or value == DEMO_SECRETS[name] or DEMO_SECRETS[name] in value:
            raise ImproperlyConfigured(
                f"{name} is missing or is the public demo value; production refuses to start."
            )
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DIWAN_SECRET_KEY must be at least 50 characters in production.")

ALLOWED_HOSTS = read_list(ALLOWED) + (["testserver"] if RUNNING_TESTS else [])
CSRF_TRUSTED_ORIGINS = read_list(CSRF_ORIGINS)
DIWAN_DATA_PATH = Path(read_str(DATA_DIR))
PRIVATE_MEDIA_ROOT = DIWAN_DATA_PATH / "private"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # for its export_openapi_schema command (the committed OpenAPI document)
    "diwan.core",
    "diwan.audit",
    "diwan.accounts",
    "diwan.directory",
    "diwan.casework",
    "diwan.notifications",
    "diwan.catalogue",
    "diwan.applications",
    "diwan.public",
    "diwan.portal",
    "diwan.backoffice",
    "diwan.api",
    "diwan.demo",  # `diwan demo-data` (refuses to run in production)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "diwan.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "diwan.accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "diwan.core.access.AccessPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "diwan.core.context_processors.diwan",
            ],
        },
    }
]

DIWAN_DATA_PATH.mkdir(parents=True, exist_ok=True)
_database_url = read(DATABASE)
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that needs no round trip (diwan/core/db/postgresql).
        DATABASES["default"]["ENGINE"] = "diwan.core.db.postgresql"
        # Not enabled: psycopg's automatic prepared statements (server_side_binding + prepare_threshold)
        # cut the submit path's PostgreSQL CPU by ~60 %, but the audit append benchmark falls below 0.7
        # of bare inserts: the audited path is unchanged (its INSERT is already prepared), the bare
        # INSERT gets ~14 % cheaper (docs/audit.md, "Storage and sealing"; bench/README.md). The hot
        # statements are prepared explicitly instead (diwan/core/db/prepared.py).
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DIWAN_DATA_PATH / "diwan.sqlite3"),
            # Keep the connection between requests: opening one (and running the PRAGMAs) cost ~0.8 ms
            # per request, 4 % of a staff sign-in's CPU (bench/login.py, py-spy).
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
                # two writers queue instead of failing with "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = read(CACHE_URL)
if _redis_url:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
    }
else:
    # What is cached (the eID discovery document) is shared by every worker process: the database, not
    # memory. Sign-in throttles are not cached but counted in the database (diwan.accounts.throttles).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "diwan_cache"}
    }

TASKS = {"default": {"BACKEND": read_str(TASKS_BACKEND), "QUEUES": ["default"]}}
if RUNNING_TESTS:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["diwan.accounts.backends.DiwanBackend"]
LOGIN_URL = "accounts:sign-in"
PASSWORD_HASHERS = [
    "diwan.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "diwan.accounts.passwords.Nist80063bValidator"},
]
DIWAN_STAFF_IDLE_SECONDS = read_int(STAFF_IDLE) * 60
DIWAN_STAFF_ABSOLUTE_SECONDS = read_int(STAFF_ABSOLUTE) * 3600

SESSION_ENGINE = "diwan.accounts.sessions"  # database sessions, one write per sign-in
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "diwan.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = read_int(HSTS) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if read_bool(BEHIND_PROXY):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script or style anywhere: everything comes from our own origin, and a page that needs a
# script carries the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("ckb", "کوردی"), ("en", "English")]
LANGUAGES_BIDI = ["ar", "ckb", "he", "fa", "ur"]
EXTRA_LANG_INFO = {"ckb": {"bidi": True, "code": "ckb", "name": "Central Kurdish", "name_local": "کوردی"}}
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Baghdad"
LANGUAGE_COOKIE_NAME = "diwan_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None  # dev and tests serve from the apps (finders)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

DIWAN_SMS_CHANNEL = read_str(NOTIFY_CHANNEL)
DIWAN_EMAIL_CHANNEL = read_str(EMAIL_CHANNEL)
# Django 6.1 mailers; the smtp notification channel sends through mail.mailers["default"].
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": read_str(EMAIL_URL), "port": read_int(EMAIL_PORT_VAR), "timeout": 10},
    }
}
DEFAULT_FROM_EMAIL = read_str(EMAIL_FROM)
DIWAN_SMS_GATEWAY_URL = read_str(SMS_URL)
DIWAN_SMS_GATEWAY_TOKEN = read_str(SMS_TOKEN)
DIWAN_SMS_GATEWAY_BODY = read_str(SMS_BODY)
DIWAN_IDENTITY_PROVIDERS = read_list(IDENTITY_PROVIDERS)
# Uploads: every file is scanned; an unreachable scanner refuses the upload. Production logs a warning
# while the demo scanner is in use (docs/applications.md).
DIWAN_MALWARE_SCANNER = read_str(MALWARE_SCANNER)
DIWAN_CLAMD_ADDRESS = read_str(CLAMD_ADDRESS)
DIWAN_OIDC = {
    "issuer": read_str(OIDC_ISSUER),
    "client_id": read_str(OIDC_CLIENT_ID),
    "client_secret": read_str(OIDC_CLIENT_SECRET),
    "redirect_uri": read_str(OIDC_REDIRECT),
}

_log_json_value = read(LOG_JSON)
LOG_AS_JSON = PRODUCTION if _log_json_value is None else read_bool(LOG_JSON)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC with its offset, so lines from every node sort together
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request": {"()": "diwan.core.logging.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_AS_JSON else "text",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": read_str(LOG_LEVEL)},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
